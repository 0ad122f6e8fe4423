//! Given/when/then tests for the `Quota` aggregate.

use chrono::{DateTime, Utc};
use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;

type QuotaTest = TestFramework<Quota>;

fn at() -> DateTime<Utc> {
    "2026-11-21T12:00:00Z".parse().unwrap()
}

fn org() -> OrganizationId {
    OrganizationId::from_uuid(Uuid::from_u128(7))
}

fn november() -> BillingPeriod {
    BillingPeriod::containing(at(), None)
}

fn reset() -> QuotaEvent {
    QuotaEvent::QuotaReset {
        organization_id: org(),
        period: november(),
        reset_at: at(),
    }
}

fn consumed(n: u32) -> QuotaEvent {
    QuotaEvent::QuotaConsumed {
        reference: format!("SM{n}"),
        at: at(),
    }
}

fn consume(reference: &str, limit: u32) -> QuotaCommand {
    QuotaCommand::ConsumeQuota {
        organization_id: org(),
        period: november(),
        limit,
        reference: reference.into(),
        at: at(),
    }
}

#[test]
fn the_first_message_of_a_period_resets_it_then_counts() {
    QuotaTest::with(())
        .given_no_previous_events()
        .when(consume("SM1", 50))
        .then_expect_events(vec![reset(), consumed(1)]);
}

#[test]
fn a_message_within_the_limit_is_counted() {
    QuotaTest::with(())
        .given(vec![reset(), consumed(1)])
        .when(consume("SM2", 2))
        .then_expect_events(vec![consumed(2)]);
}

#[test]
fn a_message_beyond_the_monthly_quota_is_refused() {
    QuotaTest::with(())
        .given(vec![reset(), consumed(1), consumed(2)])
        .when(consume("SM3", 2))
        .then_expect_error(QuotaError::QuotaExhausted { limit: 2, used: 2 });
}

#[test]
fn a_plan_upgrade_takes_effect_immediately() {
    QuotaTest::with(())
        .given(vec![reset(), consumed(1), consumed(2)])
        .when(consume("SM3", 500))
        .then_expect_events(vec![consumed(3)]);
}

#[test]
fn a_period_is_reset_exactly_once() {
    QuotaTest::with(())
        .given(vec![reset()])
        .when(QuotaCommand::ResetQuota {
            organization_id: org(),
            period: november(),
            at: at(),
        })
        .then_expect_events(vec![]);
}

#[test]
fn another_periods_command_is_refused() {
    let december = BillingPeriod::containing("2026-12-02T00:00:00Z".parse().unwrap(), None);
    QuotaTest::with(())
        .given(vec![reset()])
        .when(QuotaCommand::ResetQuota {
            organization_id: org(),
            period: december,
            at: at(),
        })
        .then_expect_error(QuotaError::WrongPeriod {
            stream: november(),
            command: december,
        });
}

#[test]
fn a_retried_reference_is_counted_once() {
    QuotaTest::with(())
        .given(vec![reset(), consumed(1)])
        .when(consume("SM1", 50))
        .then_expect_events(vec![]);
}

#[test]
fn a_released_message_frees_its_place() {
    QuotaTest::with(())
        .given(vec![
            reset(),
            consumed(1),
            consumed(2),
            QuotaEvent::QuotaReleased {
                reference: "SM2".into(),
                at: at(),
            },
        ])
        .when(consume("SM3", 2))
        .then_expect_events(vec![consumed(3)]);
}

#[test]
fn releasing_an_unknown_reference_changes_nothing() {
    QuotaTest::with(())
        .given(vec![reset(), consumed(1)])
        .when(QuotaCommand::ReleaseQuota {
            reference: "SM9".into(),
            at: at(),
        })
        .then_expect_events(vec![]);
}
