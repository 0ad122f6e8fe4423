//! Given/when/then tests for the `SharedNumberMember` aggregate.

use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;

fn at() -> DateTime<Utc> {
    "2026-11-21T12:00:00Z".parse().unwrap()
}

fn org(n: u128) -> OrganizationId {
    OrganizationId::from_uuid(Uuid::from_u128(n))
}

fn joined(n: u128) -> SharedNumberEvent {
    SharedNumberEvent::CustomerJoined {
        organization_id: org(n),
        message_sid: "SM1".into(),
        at: at(),
    }
}

fn join(n: u128) -> SharedNumberCommand {
    SharedNumberCommand::Join {
        organization_id: org(n),
        message_sid: "SM1".into(),
        at: at(),
    }
}

#[test]
fn joining_binds_the_customer_to_the_organization() {
    TestFramework::<SharedNumberMember>::with(())
        .given_no_previous_events()
        .when(join(1))
        .then_expect_events(vec![joined(1)]);
}

#[test]
fn joining_another_organization_moves_the_customer() {
    TestFramework::<SharedNumberMember>::with(())
        .given(vec![joined(1)])
        .when(join(2))
        .then_expect_events(vec![joined(2)]);
}

#[test]
fn rejoining_the_same_organization_changes_nothing() {
    TestFramework::<SharedNumberMember>::with(())
        .given(vec![joined(1)])
        .when(join(1))
        .then_expect_events(vec![]);
}

fn help(sid: &str, at: DateTime<Utc>) -> SharedNumberCommand {
    SharedNumberCommand::RecordAutoReply {
        message_sid: sid.into(),
        at,
        window: AutoReplyWindow::from_secs(3600),
    }
}

fn help_sent(sid: &str, at: DateTime<Utc>) -> SharedNumberEvent {
    SharedNumberEvent::JoinHelpSent {
        message_sid: sid.into(),
        at,
    }
}

#[test]
fn the_join_help_goes_to_a_customer_who_never_had_it() {
    TestFramework::<SharedNumberMember>::with(())
        .given_no_previous_events()
        .when(help("SM1", at()))
        .then_expect_events(vec![help_sent("SM1", at())]);
}

#[test]
fn the_join_help_is_suppressed_within_the_window_and_goes_again_after_it() {
    let soon = at() + chrono::Duration::minutes(30);
    TestFramework::<SharedNumberMember>::with(())
        .given(vec![help_sent("SM1", at())])
        .when(help("SM2", soon))
        .then_expect_events(vec![]);
    let later = at() + chrono::Duration::hours(2);
    TestFramework::<SharedNumberMember>::with(())
        .given(vec![help_sent("SM1", at())])
        .when(help("SM2", later))
        .then_expect_events(vec![help_sent("SM2", later)]);
}
