//! Given/when/then tests for the `Conversation` aggregate.

use chrono::{DateTime, Duration, Utc};
use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;

type ConversationTest = TestFramework<Conversation>;

fn at() -> DateTime<Utc> {
    "2026-11-21T12:00:00Z".parse().unwrap()
}

fn org() -> OrganizationId {
    OrganizationId::from_uuid(Uuid::from_u128(7))
}

const CUSTOMER: &str = "whatsapp:+15551230000";

fn inbound(sid: &str, keyword: Option<Keyword>, at: DateTime<Utc>) -> ConversationCommand {
    ConversationCommand::RecordInbound {
        organization_id: org(),
        customer: CUSTOMER.into(),
        message_sid: sid.into(),
        keyword,
        at,
    }
}

fn started(sid: &str) -> ConversationEvent {
    ConversationEvent::ConversationStarted {
        organization_id: org(),
        customer: CUSTOMER.into(),
        message_sid: sid.into(),
        at: at(),
    }
}

fn recorded(sid: &str, at: DateTime<Utc>) -> ConversationEvent {
    ConversationEvent::InboundRecorded {
        message_sid: sid.into(),
        at,
    }
}

#[test]
fn a_customers_first_message_starts_the_conversation() {
    ConversationTest::with(())
        .given_no_previous_events()
        .when(inbound("SM1", None, at()))
        .then_expect_events(vec![started("SM1"), recorded("SM1", at())]);
}

#[test]
fn later_messages_are_only_recorded() {
    ConversationTest::with(())
        .given(vec![started("SM1"), recorded("SM1", at())])
        .when(inbound("SM2", None, at()))
        .then_expect_events(vec![recorded("SM2", at())]);
}

#[test]
fn a_retried_message_records_nothing_new() {
    ConversationTest::with(())
        .given(vec![started("SM1"), recorded("SM1", at())])
        .when(inbound("SM1", None, at()))
        .then_expect_events(vec![]);
}

#[test]
fn stop_opts_the_customer_out_and_start_back_in() {
    ConversationTest::with(())
        .given(vec![started("SM1"), recorded("SM1", at())])
        .when(inbound("SM2", Some(Keyword::OptOut), at()))
        .then_expect_events(vec![
            ConversationEvent::CustomerOptedOut {
                reason: "keyword".into(),
                at: at(),
            },
            recorded("SM2", at()),
        ]);
    ConversationTest::with(())
        .given(vec![
            started("SM1"),
            ConversationEvent::CustomerOptedOut {
                reason: "keyword".into(),
                at: at(),
            },
        ])
        .when(inbound("SM2", Some(Keyword::OptIn), at()))
        .then_expect_events(vec![
            ConversationEvent::CustomerOptedIn { at: at() },
            recorded("SM2", at()),
        ]);
}

#[test]
fn sending_to_an_opted_out_customer_is_refused() {
    ConversationTest::with(())
        .given(vec![
            started("SM1"),
            ConversationEvent::CustomerOptedOut {
                reason: "keyword".into(),
                at: at(),
            },
        ])
        .when(ConversationCommand::AuthorizeOutbound {
            channel: Channel::Sms,
            template: false,
            at: at(),
        })
        .then_expect_error(ConversationError::RecipientOptedOut);
}

#[test]
fn whatsapp_free_form_is_allowed_within_24_hours_of_the_last_inbound() {
    ConversationTest::with(())
        .given(vec![started("SM1"), recorded("SM1", at())])
        .when(ConversationCommand::AuthorizeOutbound {
            channel: Channel::Whatsapp,
            template: false,
            at: at() + Duration::hours(23) + Duration::minutes(59),
        })
        .then_expect_events(vec![]);
}

#[test]
fn whatsapp_free_form_after_24_hours_needs_a_template() {
    ConversationTest::with(())
        .given(vec![started("SM1"), recorded("SM1", at())])
        .when(ConversationCommand::AuthorizeOutbound {
            channel: Channel::Whatsapp,
            template: false,
            at: at() + Duration::hours(24),
        })
        .then_expect_error(ConversationError::WhatsappWindowClosed {
            last_inbound_at: Some(at()),
        });
    ConversationTest::with(())
        .given(vec![started("SM1"), recorded("SM1", at())])
        .when(ConversationCommand::AuthorizeOutbound {
            channel: Channel::Whatsapp,
            template: true,
            at: at() + Duration::hours(72),
        })
        .then_expect_events(vec![]);
}

#[test]
fn whatsapp_to_a_customer_who_never_wrote_needs_a_template() {
    ConversationTest::with(())
        .given_no_previous_events()
        .when(ConversationCommand::AuthorizeOutbound {
            channel: Channel::Whatsapp,
            template: false,
            at: at(),
        })
        .then_expect_error(ConversationError::WhatsappWindowClosed {
            last_inbound_at: None,
        });
}

#[test]
fn sms_has_no_window() {
    ConversationTest::with(())
        .given_no_previous_events()
        .when(ConversationCommand::AuthorizeOutbound {
            channel: Channel::Sms,
            template: false,
            at: at(),
        })
        .then_expect_events(vec![]);
}

#[test]
fn a_provider_refusal_for_unsubscribed_opts_the_customer_out() {
    ConversationTest::with(())
        .given(vec![started("SM1"), recorded("SM1", at())])
        .when(ConversationCommand::RecordProviderOptOut {
            organization_id: org(),
            customer: CUSTOMER.into(),
            at: at(),
        })
        .then_expect_events(vec![ConversationEvent::CustomerOptedOut {
            reason: "provider".into(),
            at: at(),
        }]);
}

fn auto_reply(sid: &str, at: DateTime<Utc>) -> ConversationCommand {
    ConversationCommand::RecordAutoReply {
        message_sid: sid.into(),
        at,
        window: AutoReplyWindow::from_secs(3600),
    }
}

fn auto_replied(sid: &str, at: DateTime<Utc>) -> ConversationEvent {
    ConversationEvent::AutoReplied {
        message_sid: sid.into(),
        at,
    }
}

#[test]
fn the_first_automatic_reply_is_recorded() {
    ConversationTest::with(())
        .given(vec![started("SM1"), recorded("SM1", at())])
        .when(auto_reply("SM1", at()))
        .then_expect_events(vec![auto_replied("SM1", at())]);
}

#[test]
fn an_automatic_reply_within_the_window_is_suppressed() {
    let later = at() + Duration::minutes(59);
    ConversationTest::with(())
        .given(vec![
            started("SM1"),
            recorded("SM1", at()),
            auto_replied("SM1", at()),
            recorded("SM2", later),
        ])
        .when(auto_reply("SM2", later))
        .then_expect_events(vec![]);
}

#[test]
fn an_automatic_reply_goes_again_once_the_window_has_passed() {
    let later = at() + Duration::hours(1);
    ConversationTest::with(())
        .given(vec![
            started("SM1"),
            auto_replied("SM1", at()),
            recorded("SM2", later),
        ])
        .when(auto_reply("SM2", later))
        .then_expect_events(vec![auto_replied("SM2", later)]);
}
