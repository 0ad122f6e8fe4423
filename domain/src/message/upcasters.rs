//! Upcasters of `Message` events: stored events of an older schema, rewritten to the current one
//! when read (by cqrs-es when loading an aggregate, and by the projector reading the global log),
//! so the old events keep replaying and are never rewritten in place.

use cqrs_es::persist::{EventUpcaster, SemanticVersionEventUpcaster};
use serde_json::Value;

use super::segments::sms_segments;

/// `MessageReceived` 1.0 → 2.0: version 2.0 records the SMS `segments` the body took; 1.0 events
/// did not, so the upcaster counts them from the stored body (as carriers count them).
pub fn message_received_v2() -> Box<dyn EventUpcaster> {
    Box::new(SemanticVersionEventUpcaster::new(
        "MessageReceived",
        "2.0",
        Box::new(add_segments),
    ))
}

/// `MessageSent` 1.0 → 2.0: 2.0 marks events whose personal fields (body, media URLs, template
/// variables) the event store may hold sealed with the customer's key (it opens them before
/// anyone deserializes them); the shape is the same, so older events pass unchanged.
pub fn message_sent_v2() -> Box<dyn EventUpcaster> {
    Box::new(SemanticVersionEventUpcaster::new(
        "MessageSent",
        "2.0",
        Box::new(|payload| payload),
    ))
}

/// `ResponderReplied` 1.0 → 2.0: 2.0 records the customer and the routing beside the reply (so
/// its body and media URLs can be sealed with the customer's key); 1.0 events lack both, which
/// read as absent (`#[serde(default)]`), so they pass unchanged and stay as stored (unsealed).
pub fn responder_replied_v2() -> Box<dyn EventUpcaster> {
    Box::new(SemanticVersionEventUpcaster::new(
        "ResponderReplied",
        "2.0",
        Box::new(|payload| payload),
    ))
}

fn add_segments(mut payload: Value) -> Value {
    if let Some(event) = payload
        .get_mut("MessageReceived")
        .and_then(Value::as_object_mut)
    {
        let segments = event
            .get("message")
            .and_then(|m| m.get("body"))
            .and_then(Value::as_str)
            .map_or(1, sms_segments);
        event.entry("segments").or_insert(Value::from(segments));
    }
    payload
}

/// `MessageReceived` 2.0 → 3.0: 3.0 widened `message.to` (a `To` we do not route is kept as
/// `{"raw": …}`) and lets the event store hold the personal fields sealed with the customer's
/// key (opened before anyone deserializes them); every 2.0 payload is a valid 3.0 one, so only
/// the version moves.
pub fn message_received_v3() -> Box<dyn EventUpcaster> {
    Box::new(SemanticVersionEventUpcaster::new(
        "MessageReceived",
        "3.0",
        Box::new(|payload| payload),
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::message::{InboundMessage, MessageEvent, Routing};
    use crate::upcasting::upcast;
    use crate::{Channel, ChannelAddress, MessageSid};

    /// A `MessageReceived` exactly as version 1.0 stored it: today's, without `segments`.
    fn stored_v1() -> Value {
        let message = InboundMessage {
            message_sid: MessageSid::parse("SM0123456789abcdef0123456789abcdef").unwrap(),
            account_sid: "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
            channel: Channel::Sms,
            from: "+15551230000".into(),
            to: ChannelAddress::parse("+14155550100").unwrap().into(),
            body: "a".repeat(200),
            media: vec![],
            profile_name: None,
            wa_id: None,
            routing: Routing::Unrouted,
        };
        let mut stored = serde_json::to_value(MessageEvent::MessageReceived {
            message,
            received_at: "2025-01-02T03:04:05Z".parse().unwrap(),
            segments: 0,
        })
        .unwrap();
        stored["MessageReceived"]
            .as_object_mut()
            .unwrap()
            .remove("segments");
        stored
    }

    #[test]
    fn a_stored_v1_message_received_still_reads_with_its_segments_counted() {
        assert!(serde_json::from_value::<MessageEvent>(stored_v1()).is_err());
        let upcast = upcast("MessageReceived", "1.0", stored_v1());
        let MessageEvent::MessageReceived { segments, .. } =
            serde_json::from_value(upcast).unwrap()
        else {
            panic!("not a MessageReceived");
        };
        assert_eq!(segments, 2);
    }

    #[test]
    fn a_stored_v2_message_received_reads_with_its_address_unchanged() {
        let mut v2 = stored_v1();
        v2["MessageReceived"]["segments"] = json!(1);
        assert_eq!(
            v2["MessageReceived"]["message"]["to"]["number"],
            "+14155550100"
        );
        let MessageEvent::MessageReceived { message, .. } =
            serde_json::from_value(upcast("MessageReceived", "2.0", v2)).unwrap()
        else {
            panic!("not a MessageReceived");
        };
        assert_eq!(
            message.to,
            ChannelAddress::parse("+14155550100").unwrap().into()
        );
    }

    #[test]
    fn current_events_and_other_types_are_left_alone() {
        let mut v2 = stored_v1();
        v2["MessageReceived"]["segments"] = json!(5);
        assert_eq!(upcast("MessageReceived", "2.0", v2.clone()), v2);
        assert_eq!(upcast("MessageReceived", "3.0", v2.clone()), v2);
        let other = json!({"MessageStatusChanged": {}});
        assert_eq!(upcast("MessageStatusChanged", "1.0", other.clone()), other);
    }
}
