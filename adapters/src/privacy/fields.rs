//! Which stored events carry a customer's personal data, where it sits in their payload, and
//! whose it is: the catalogue the sealer and the opener share.

use serde_json::{json, Map, Value};

/// The organization a sealed field of an unrouted message belongs to (no organization holds it).
pub const UNROUTED: &str = "unrouted";

/// One event type with personal fields inside its `message` object.
pub(crate) struct Personal {
    /// The personal fields and the value each takes while sealed or once erased.
    pub fields: &'static [(&'static str, Blank)],
    /// The field naming the customer (the key's address), left readable.
    pub address: &'static str,
}

/// What a sealed or erased field reads as.
#[derive(Clone, Copy)]
pub(crate) enum Blank {
    /// `""`.
    Text,
    /// `[]`.
    List,
    /// `null`.
    Null,
}

impl Blank {
    pub(crate) fn value(self) -> Value {
        match self {
            Blank::Text => json!(""),
            Blank::List => json!([]),
            Blank::Null => Value::Null,
        }
    }
}

/// `MessageReceived` (3.0 on): the body, attachments, WhatsApp profile name and WaId of what the
/// customer (`from`) wrote.
const RECEIVED: Personal = Personal {
    fields: &[
        ("body", Blank::Text),
        ("media", Blank::List),
        ("profile_name", Blank::Null),
        ("wa_id", Blank::Null),
    ],
    address: "from",
};

/// `MessageSent` (2.0 on): the body, media URLs and template variables sent to the customer
/// (`to`).
const SENT: Personal = Personal {
    fields: &[
        ("body", Blank::Null),
        ("media_urls", Blank::List),
        ("content_variables", Blank::Null),
    ],
    address: "to",
};

/// The catalogue entry of a stored event, if it carries personal fields.
pub(crate) fn personal(aggregate_type: &str, event_type: &str) -> Option<&'static Personal> {
    match (aggregate_type, event_type) {
        ("Message", "MessageReceived") => Some(&RECEIVED),
        ("Message", "MessageSent") => Some(&SENT),
        _ => None,
    }
}

/// The organization a `message` object belongs to: `organization_id` (outbound), the routed
/// owner (inbound), or [`UNROUTED`].
pub(crate) fn organization_of(message: &Map<String, Value>) -> String {
    message
        .get("organization_id")
        .or_else(|| {
            message
                .get("routing")
                .and_then(|r| r.get("organization_id"))
        })
        .and_then(Value::as_str)
        .unwrap_or(UNROUTED)
        .to_string()
}
