//! Given/when/then tests for the `Message` aggregate.

use chrono::{TimeZone, Utc};
use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;

type MessageTest = TestFramework<Message>;

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap()
}

fn inbound(sid: &str, routing: Routing) -> InboundMessage {
    InboundMessage {
        message_sid: MessageSid::parse(sid).unwrap(),
        account_sid: "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
        channel: Channel::Whatsapp,
        from: "whatsapp:+15551230000".into(),
        to: ChannelAddress::parse("whatsapp:+14155550100").unwrap(),
        body: "hello".into(),
        media: vec![],
        profile_name: Some("Ana".into()),
        wa_id: Some("15551230000".into()),
        routing,
    }
}

fn routed() -> Routing {
    Routing::Routed {
        organization_id: OrganizationId::from_uuid(Uuid::from_u128(1)),
    }
}

#[test]
fn a_new_message_sid_is_recorded_with_its_routing() {
    MessageTest::with(())
        .given_no_previous_events()
        .when(MessageCommand::ReceiveMessage {
            message: inbound("SM1", routed()),
            received_at: at(),
        })
        .then_expect_events(vec![MessageEvent::MessageReceived {
            message: inbound("SM1", routed()),
            received_at: at(),
        }]);
}

#[test]
fn a_message_to_a_number_nobody_holds_is_recorded_as_unrouted() {
    MessageTest::with(())
        .given_no_previous_events()
        .when(MessageCommand::ReceiveMessage {
            message: inbound("SM2", Routing::Unrouted),
            received_at: at(),
        })
        .then_expect_events(vec![MessageEvent::MessageReceived {
            message: inbound("SM2", Routing::Unrouted),
            received_at: at(),
        }]);
}

#[test]
fn a_redelivered_message_sid_is_recorded_once() {
    MessageTest::with(())
        .given(vec![MessageEvent::MessageReceived {
            message: inbound("SM1", routed()),
            received_at: at(),
        }])
        .when(MessageCommand::ReceiveMessage {
            message: inbound("SM1", Routing::Unrouted),
            received_at: at(),
        })
        .then_expect_events(vec![]);
}
