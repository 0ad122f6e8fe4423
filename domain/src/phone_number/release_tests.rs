//! Given/when/then tests for the resumable release and for a number lost at the provider.

use super::tests::{at, org, provisioned, released, PhoneNumberTest};
use super::*;

fn request_release(owner: u128) -> PhoneNumberCommand {
    PhoneNumberCommand::RequestRelease {
        organization_id: org(owner),
        reason: "released by the organization".into(),
        requested_at: at(),
    }
}

fn release_requested(owner: u128, sid: &str) -> PhoneNumberEvent {
    PhoneNumberEvent::NumberReleaseRequested {
        organization_id: org(owner),
        provider_sid: sid.into(),
        reason: "released by the organization".into(),
        requested_at: at(),
    }
}

fn mark_lost(sid: &str) -> PhoneNumberCommand {
    PhoneNumberCommand::MarkLost {
        provider_sid: sid.into(),
        lost_at: at(),
    }
}

fn lost(owner: u128, sid: &str) -> PhoneNumberEvent {
    PhoneNumberEvent::NumberLost {
        organization_id: org(owner),
        provider_sid: sid.into(),
        lost_at: at(),
    }
}

#[test]
fn the_owner_records_a_release_before_calling_the_provider() {
    PhoneNumberTest::with(())
        .given(vec![provisioned(1, "PN1")])
        .when(request_release(1))
        .then_expect_events(vec![release_requested(1, "PN1")]);
}

#[test]
fn asking_twice_for_a_release_records_it_once() {
    PhoneNumberTest::with(())
        .given(vec![provisioned(1, "PN1"), release_requested(1, "PN1")])
        .when(request_release(1))
        .then_expect_events(vec![]);
}

#[test]
fn only_the_owner_may_request_a_release() {
    PhoneNumberTest::with(())
        .given(vec![provisioned(1, "PN1")])
        .when(request_release(2))
        .then_expect_error(PhoneNumberError::NotOwner {
            owner: org(1),
            requested_by: org(2),
        });
}

#[test]
fn a_requested_release_is_completed_by_releasing() {
    PhoneNumberTest::with(())
        .given(vec![provisioned(1, "PN1"), release_requested(1, "PN1")])
        .when(PhoneNumberCommand::ReleaseNumber {
            organization_id: org(1),
            released_at: at(),
        })
        .then_expect_events(vec![released(1, "PN1")]);
}

#[test]
fn a_number_missing_at_the_provider_is_lost_and_has_no_owner() {
    PhoneNumberTest::with(())
        .given(vec![provisioned(1, "PN1")])
        .when(mark_lost("PN1"))
        .then_expect_events(vec![lost(1, "PN1")]);
    let mut number = PhoneNumber::default();
    number.apply(provisioned(1, "PN1"));
    number.apply(lost(1, "PN1"));
    assert_eq!(number.owner(), None);
    assert_eq!(number.lost_at(), Some(at()));
}

#[test]
fn a_number_held_under_another_sid_is_not_lost() {
    PhoneNumberTest::with(())
        .given(vec![provisioned(1, "PN2")])
        .when(mark_lost("PN1"))
        .then_expect_error(PhoneNumberError::OtherProviderSid {
            held: "PN2".into(),
            given: "PN1".into(),
        });
}

#[test]
fn a_number_being_released_is_not_lost() {
    PhoneNumberTest::with(())
        .given(vec![provisioned(1, "PN1"), release_requested(1, "PN1")])
        .when(mark_lost("PN1"))
        .then_expect_error(PhoneNumberError::ReleaseUnderWay);
}

#[test]
fn an_unowned_number_cannot_be_lost() {
    PhoneNumberTest::with(())
        .given(vec![provisioned(1, "PN1"), released(1, "PN1")])
        .when(mark_lost("PN1"))
        .then_expect_error(PhoneNumberError::NotProvisioned);
}

#[test]
fn a_lost_number_can_be_bought_again() {
    PhoneNumberTest::with(())
        .given(vec![provisioned(1, "PN1"), lost(1, "PN1")])
        .when(super::tests::provision(2, "PN9"))
        .then_expect_events(vec![provisioned(2, "PN9")]);
}
