//! Every event upcaster, for the event stores (cqrs-es `with_upcasters`) and for readers of the
//! global log that deserialize stored payloads themselves.

use std::sync::LazyLock;

use cqrs_es::persist::{EventUpcaster, SerializedEvent};
use serde_json::Value;

/// The upcasters, built once for readers of the log.
static UPCASTERS: LazyLock<Vec<Box<dyn EventUpcaster>>> = LazyLock::new(upcasters);

/// Every upcaster, oldest first (an event passes through each that applies, in order).
pub fn upcasters() -> Vec<Box<dyn EventUpcaster>> {
    vec![
        crate::message::upcasters::message_received_v2(),
        crate::message::upcasters::message_received_v3(),
        crate::organization::upcasters::number_requested_v2(),
        crate::message::upcasters::message_sent_v2(),
        crate::message::upcasters::responder_replied_v2(),
        crate::call::upcasters::call_received_v2(),
        crate::call::upcasters::voicemail_recorded_v2(),
    ]
}

/// Whether a stored `event_type` event of `event_version` is read as stored (no upcaster
/// applies), so a reader may deserialize it without copying it.
pub fn is_current(event_type: &str, event_version: &str) -> bool {
    !UPCASTERS
        .iter()
        .any(|u| u.can_upcast(event_type, event_version))
}

/// `payload` of a stored `event_type` event of `event_version`, rewritten to the current schema.
pub fn upcast(event_type: &str, event_version: &str, payload: Value) -> Value {
    let mut event = SerializedEvent::new(
        String::new(),
        0,
        String::new(),
        event_type.to_string(),
        event_version.to_string(),
        payload,
        Value::Null,
    );
    for upcaster in UPCASTERS.iter() {
        if upcaster.can_upcast(&event.event_type, &event.event_version) {
            event = upcaster.upcast(event);
        }
    }
    event.payload
}
