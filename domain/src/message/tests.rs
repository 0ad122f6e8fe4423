//! Given/when/then tests for the `Message` aggregate.

use chrono::{TimeZone, Utc};
use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;
use crate::ChannelAddress;

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
        to: ChannelAddress::parse("whatsapp:+14155550100")
            .unwrap()
            .into(),
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
            segments: 1,
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
            segments: 1,
        }]);
}

#[test]
fn a_redelivered_message_sid_is_recorded_once() {
    MessageTest::with(())
        .given(vec![MessageEvent::MessageReceived {
            message: inbound("SM1", routed()),
            received_at: at(),
            segments: 1,
        }])
        .when(MessageCommand::ReceiveMessage {
            message: inbound("SM1", Routing::Unrouted),
            received_at: at(),
        })
        .then_expect_events(vec![]);
}

fn decided(outcome: InboundOutcome, replies: &[&str]) -> MessageEvent {
    MessageEvent::InboundOutcomeDecided {
        outcome,
        replies: replies.iter().map(|r| r.to_string()).collect(),
        decided_at: at(),
        auto_reply_suppressed: false,
    }
}

#[test]
fn an_outcome_is_decided_once() {
    MessageTest::with(())
        .given(vec![
            MessageEvent::MessageReceived {
                message: inbound("SM1", routed()),
                received_at: at(),
                segments: 1,
            },
            decided(InboundOutcome::Accepted, &["Welcome"]),
        ])
        .when(MessageCommand::DecideOutcome {
            outcome: InboundOutcome::RefusedQuota,
            replies: vec![],
            decided_at: at(),
            auto_reply_suppressed: false,
        })
        .then_expect_events(vec![]);
}

#[test]
fn no_outcome_without_a_received_message() {
    MessageTest::with(())
        .given_no_previous_events()
        .when(MessageCommand::DecideOutcome {
            outcome: InboundOutcome::Accepted,
            replies: vec![],
            decided_at: at(),
            auto_reply_suppressed: false,
        })
        .then_expect_error(MessageError::NotReceived);
}

fn outbound() -> OutboundMessage {
    OutboundMessage {
        organization_id: OrganizationId::from_uuid(Uuid::from_u128(1)),
        channel: Channel::Sms,
        from: "+14155550100".into(),
        to: "+15551230000".into(),
        body: Some("Your order shipped".into()),
        media_urls: vec![],
        content_sid: None,
        content_variables: None,
    }
}

fn sent(status: MessageStatus) -> MessageEvent {
    MessageEvent::MessageSent {
        message: outbound(),
        status,
        sent_at: at(),
    }
}

fn status(status: MessageStatus) -> MessageCommand {
    MessageCommand::ChangeStatus {
        status,
        error_code: None,
        changed_at: at(),
    }
}

fn changed(status: MessageStatus) -> MessageEvent {
    MessageEvent::MessageStatusChanged {
        status,
        error_code: None,
        changed_at: at(),
    }
}

#[test]
fn a_status_callback_moves_the_status_forward() {
    MessageTest::with(())
        .given(vec![sent(MessageStatus::Queued)])
        .when(status(MessageStatus::Delivered))
        .then_expect_events(vec![changed(MessageStatus::Delivered)]);
}

#[test]
fn a_late_or_repeated_status_callback_changes_nothing() {
    MessageTest::with(())
        .given(vec![
            sent(MessageStatus::Queued),
            changed(MessageStatus::Delivered),
        ])
        .when(status(MessageStatus::Sent))
        .then_expect_events(vec![]);
    MessageTest::with(())
        .given(vec![
            sent(MessageStatus::Queued),
            changed(MessageStatus::Delivered),
        ])
        .when(status(MessageStatus::Delivered))
        .then_expect_events(vec![]);
}

#[test]
fn nothing_follows_a_failure() {
    MessageTest::with(())
        .given(vec![
            sent(MessageStatus::Queued),
            changed(MessageStatus::Failed),
        ])
        .when(status(MessageStatus::Delivered))
        .then_expect_events(vec![]);
}

#[test]
fn a_callback_that_overtakes_the_send_answer_is_kept() {
    MessageTest::with(())
        .given(vec![changed(MessageStatus::Sent)])
        .when(MessageCommand::RecordSent {
            message: outbound(),
            status: MessageStatus::Queued,
            sent_at: at(),
        })
        .then_expect_events(vec![sent(MessageStatus::Sent)]);
}

mod rules {
    use super::*;
    use crate::{Keyword, Settings};

    fn facts(handling: Handling, settings: &Settings) -> InboundFacts<'_> {
        InboundFacts {
            handling,
            within_quota: true,
            first_contact: false,
            open_now: true,
            channel: Channel::Sms,
            settings,
            organization_name: "Acme",
            auto_reply_allowed: true,
        }
    }

    fn pair(facts: &InboundFacts<'_>) -> (InboundOutcome, Vec<String>) {
        let decision = decide(facts);
        (decision.outcome, decision.replies)
    }

    #[test]
    fn the_welcome_comes_first_on_a_first_message_only() {
        let settings = Settings {
            welcome_message: Some("Welcome to {organization}!".into()),
            away_message: Some("We're closed.".into()),
            ..Settings::default()
        };
        let first = InboundFacts {
            first_contact: true,
            open_now: false,
            ..facts(Handling::Counted, &settings)
        };
        assert_eq!(
            pair(&first),
            (
                InboundOutcome::Accepted,
                vec!["Welcome to Acme!".to_string(), "We're closed.".to_string()]
            )
        );
        let later = InboundFacts {
            open_now: false,
            ..facts(Handling::Counted, &settings)
        };
        assert_eq!(
            pair(&later),
            (InboundOutcome::Accepted, vec!["We're closed.".to_string()])
        );
        assert_eq!(
            pair(&facts(Handling::Counted, &settings)),
            (InboundOutcome::Accepted, vec![])
        );
    }

    #[test]
    fn beyond_the_quota_the_customer_gets_the_quota_text() {
        let settings = Settings::default();
        let refused = InboundFacts {
            within_quota: false,
            open_now: false,
            ..facts(Handling::Counted, &settings)
        };
        let (outcome, replies) = pair(&refused);
        assert_eq!(outcome, InboundOutcome::RefusedQuota);
        assert_eq!(replies, vec![settings.quota_exhausted("Acme")]);
    }

    #[test]
    fn keywords_and_opted_out_senders() {
        let settings = Settings {
            help_message: Some("Call us".into()),
            ..Settings::default()
        };
        assert_eq!(
            pair(&facts(Handling::Keyword(Keyword::Help), &settings)),
            (
                InboundOutcome::Keyword {
                    keyword: Keyword::Help
                },
                vec!["Call us".to_string()]
            )
        );
        assert_eq!(
            pair(&facts(Handling::Keyword(Keyword::OptOut), &settings)),
            (
                InboundOutcome::Keyword {
                    keyword: Keyword::OptOut
                },
                vec![]
            ),
            "Twilio answers STOP on SMS itself"
        );
        let whatsapp = InboundFacts {
            channel: Channel::Whatsapp,
            ..facts(Handling::Keyword(Keyword::OptOut), &settings)
        };
        assert_eq!(pair(&whatsapp).1.len(), 1);
        assert_eq!(
            pair(&facts(Handling::FromOptedOut, &settings)),
            (InboundOutcome::OptedOut, vec![])
        );
        assert_eq!(Handling::of(None, true), Handling::FromOptedOut);
        assert_eq!(
            Handling::of(Some(Keyword::OptIn), true),
            Handling::Keyword(Keyword::OptIn)
        );
    }

    #[test]
    fn within_the_auto_reply_window_the_automatic_replies_are_suppressed() {
        let settings = Settings {
            welcome_message: Some("Welcome!".into()),
            away_message: Some("We're closed.".into()),
            help_message: Some("Call us".into()),
            ..Settings::default()
        };
        let away = InboundFacts {
            first_contact: true,
            open_now: false,
            ..facts(Handling::Counted, &settings)
        };
        assert_eq!(decide(&away).auto_reply, AutoReply::Sent);
        let bounded = InboundFacts {
            auto_reply_allowed: false,
            ..away.clone()
        };
        assert_eq!(
            decide(&bounded),
            InboundDecision {
                outcome: InboundOutcome::Accepted,
                replies: vec![],
                auto_reply: AutoReply::Suppressed,
            }
        );
        let refused = InboundFacts {
            within_quota: false,
            ..bounded.clone()
        };
        assert_eq!(decide(&refused).outcome, InboundOutcome::RefusedQuota);
        assert_eq!(decide(&refused).replies, Vec::<String>::new());
        let help = InboundFacts {
            handling: Handling::Keyword(Keyword::Help),
            ..bounded
        };
        assert_eq!(
            pair(&help).1,
            vec!["Call us".to_string()],
            "compliance replies are never suppressed"
        );
        let open = InboundFacts {
            open_now: true,
            first_contact: false,
            auto_reply_allowed: false,
            ..facts(Handling::Counted, &settings)
        };
        assert_eq!(decide(&open).auto_reply, AutoReply::None);
    }
}

fn responder_reply() -> MessageCommand {
    MessageCommand::RecordResponderReply {
        endpoint_id: crate::EndpointId::from_uuid(Uuid::from_u128(7)),
        reply: ResponderReply {
            body: "Size 42 is in stock.".into(),
            media_urls: vec![],
        },
        replied_at: at(),
    }
}

fn history_with(outcome: InboundOutcome) -> Vec<MessageEvent> {
    vec![
        MessageEvent::MessageReceived {
            message: inbound("SM9", routed()),
            received_at: at(),
            segments: 1,
        },
        MessageEvent::InboundOutcomeDecided {
            outcome,
            replies: vec![],
            decided_at: at(),
            auto_reply_suppressed: false,
        },
    ]
}

#[test]
fn an_accepted_message_records_its_responder_reply_once() {
    let replied = MessageEvent::ResponderReplied {
        endpoint_id: crate::EndpointId::from_uuid(Uuid::from_u128(7)),
        reply: ResponderReply {
            body: "Size 42 is in stock.".into(),
            media_urls: vec![],
        },
        replied_at: at(),
        customer: Some(inbound("SM9", routed()).from),
        routing: Some(routed()),
    };
    MessageTest::with(())
        .given(history_with(InboundOutcome::Accepted))
        .when(responder_reply())
        .then_expect_events(vec![replied.clone()]);
    let mut history = history_with(InboundOutcome::Accepted);
    history.push(replied);
    MessageTest::with(())
        .given(history)
        .when(responder_reply())
        .then_expect_events(vec![]);
}

#[test]
fn a_refused_or_keyword_message_gets_no_responder_reply() {
    for outcome in [
        InboundOutcome::RefusedQuota,
        InboundOutcome::OptedOut,
        InboundOutcome::Keyword {
            keyword: crate::Keyword::Help,
        },
    ] {
        MessageTest::with(())
            .given(history_with(outcome))
            .when(responder_reply())
            .then_expect_error(MessageError::NotAccepted);
    }
}

#[test]
fn an_outcome_recorded_before_the_auto_reply_bound_reads_as_not_suppressed() {
    let stored = serde_json::json!({"InboundOutcomeDecided": {
        "outcome": {"kind": "accepted"},
        "replies": ["Welcome"],
        "decided_at": "2026-11-21T12:00:00Z"
    }});
    let event: MessageEvent = serde_json::from_value(stored.clone()).unwrap();
    assert_eq!(event, decided(InboundOutcome::Accepted, &["Welcome"]));
    assert_eq!(
        serde_json::to_value(&event).unwrap(),
        stored,
        "an unsuppressed outcome keeps the shape it always had"
    );
}

#[test]
fn a_responder_reply_stored_before_2_0_reads_without_customer_or_routing() {
    let stored = serde_json::json!({"ResponderReplied": {
        "endpoint_id": Uuid::from_u128(7),
        "reply": {"body": "Size 42 is in stock.", "media_urls": []},
        "replied_at": "2026-11-21T12:00:00Z"
    }});
    let payload = crate::upcasting::upcast("ResponderReplied", "1.0", stored);
    let MessageEvent::ResponderReplied {
        customer, routing, ..
    } = serde_json::from_value(payload).unwrap()
    else {
        panic!("not a ResponderReplied");
    };
    assert_eq!((customer, routing), (None, None));
    assert!(crate::upcasting::is_current("ResponderReplied", "2.0"));
}
