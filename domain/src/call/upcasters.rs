//! Upcasters of `Call` events: stored events of an older schema, read as the current one (by
//! cqrs-es when loading a call, and by the projector reading the global log), never rewritten.

use cqrs_es::persist::{EventUpcaster, SemanticVersionEventUpcaster};

/// `CallReceived` 1.0 → 2.0: 2.0 marks events whose `call.caller_name` the event store may hold
/// sealed with the caller's key (opened before anyone deserializes them); the shape is the
/// same, so older events pass unchanged.
pub fn call_received_v2() -> Box<dyn EventUpcaster> {
    Box::new(SemanticVersionEventUpcaster::new(
        "CallReceived",
        "2.0",
        Box::new(|payload| payload),
    ))
}

/// `VoicemailRecorded` 1.0 → 2.0: 2.0 records the caller and the routing beside the recording
/// (so its URL can be sealed with the caller's key); 1.0 events lack both, which read as absent
/// (`#[serde(default)]`), so they pass unchanged and stay as stored (unsealed).
pub fn voicemail_recorded_v2() -> Box<dyn EventUpcaster> {
    Box::new(SemanticVersionEventUpcaster::new(
        "VoicemailRecorded",
        "2.0",
        Box::new(|payload| payload),
    ))
}
