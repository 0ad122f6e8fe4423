//! Which stored events carry a customer's personal data, where it sits in their payload, and
//! whose it is: the catalogue the sealer and the opener share.

use serde_json::{json, Map, Value};

/// The organization a sealed field of an unrouted message or call belongs to (no organization
/// holds it).
pub const UNROUTED: &str = "unrouted";

/// A path of members from the event object (`payload[event_type]`), e.g. `["call", "from"]`.
pub(crate) type Path = &'static [&'static str];

/// One event type with personal fields inside one of its objects.
pub(crate) struct Personal {
    /// The member of the event object holding the personal fields (`message`, `call`,
    /// `voicemail`, `reply`).
    pub object: &'static str,
    /// The personal fields of `object` and the value each takes while sealed or once erased.
    pub fields: &'static [(&'static str, Blank)],
    /// Where the customer's address (the key's address, left readable) is.
    pub address: Path,
    /// Where the organization id may be, first present first; none present: [`UNROUTED`].
    pub organization: &'static [Path],
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

/// A message's organization: `organization_id` (outbound) or the routed owner (inbound).
const MESSAGE_ORGANIZATION: &[Path] = &[
    &["message", "organization_id"],
    &["message", "routing", "organization_id"],
];

/// The routed owner recorded beside the object (`VoicemailRecorded` 2.0, `ResponderReplied` 2.0).
const ROUTED_ORGANIZATION: &[Path] = &[&["routing", "organization_id"]];

/// `MessageReceived` (3.0 on): the body, attachments, WhatsApp profile name and WaId of what the
/// customer (`from`) wrote.
const RECEIVED: Personal = Personal {
    object: "message",
    fields: &[
        ("body", Blank::Text),
        ("media", Blank::List),
        ("profile_name", Blank::Null),
        ("wa_id", Blank::Null),
    ],
    address: &["message", "from"],
    organization: MESSAGE_ORGANIZATION,
};

/// `MessageSent` (2.0 on): the body, media URLs and template variables sent to the customer
/// (`to`).
const SENT: Personal = Personal {
    object: "message",
    fields: &[
        ("body", Blank::Null),
        ("media_urls", Blank::List),
        ("content_variables", Blank::Null),
    ],
    address: &["message", "to"],
    organization: MESSAGE_ORGANIZATION,
};

/// `ResponderReplied` (2.0 on): the reply's text and media URLs, to the customer recorded
/// beside it.
const REPLIED: Personal = Personal {
    object: "reply",
    fields: &[("body", Blank::Text), ("media_urls", Blank::List)],
    address: &["customer"],
    organization: ROUTED_ORGANIZATION,
};

/// `CallReceived` (2.0 on): the caller's CNAM name (`CallerName`), the caller being `from`.
const CALL_RECEIVED: Personal = Personal {
    object: "call",
    fields: &[("caller_name", Blank::Null)],
    address: &["call", "from"],
    organization: &[&["call", "routing", "organization_id"]],
};

/// `VoicemailRecorded` (2.0 on): where the provider serves the caller's recording, the caller
/// being recorded beside it.
const VOICEMAIL: Personal = Personal {
    object: "voicemail",
    fields: &[("recording_url", Blank::Text)],
    address: &["caller"],
    organization: ROUTED_ORGANIZATION,
};

/// The catalogue entry of a stored event, if it carries personal fields.
pub(crate) fn personal(aggregate_type: &str, event_type: &str) -> Option<&'static Personal> {
    match (aggregate_type, event_type) {
        ("Message", "MessageReceived") => Some(&RECEIVED),
        ("Message", "MessageSent") => Some(&SENT),
        ("Message", "ResponderReplied") => Some(&REPLIED),
        ("Call", "CallReceived") => Some(&CALL_RECEIVED),
        ("Call", "VoicemailRecorded") => Some(&VOICEMAIL),
        _ => None,
    }
}

fn at(event: &Map<String, Value>, path: Path) -> Option<&Value> {
    let (first, rest) = path.split_first()?;
    rest.iter()
        .try_fold(event.get(*first)?, |value, name| value.get(*name))
}

impl Personal {
    /// The customer an event object (`payload[event_type]`) belongs to: the organization (or
    /// [`UNROUTED`]) and the address (empty when absent).
    pub(crate) fn customer(&self, event: &Map<String, Value>) -> (String, String) {
        let organization = self
            .organization
            .iter()
            .find_map(|path| at(event, path).and_then(Value::as_str))
            .unwrap_or(UNROUTED);
        let address = at(event, self.address)
            .and_then(Value::as_str)
            .unwrap_or_default();
        (organization.to_string(), address.to_string())
    }
}
