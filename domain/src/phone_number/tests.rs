//! Given/when/then tests for every rule of the `PhoneNumber` aggregate.

use chrono::{TimeZone, Utc};
use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;
use crate::RequestId;

pub(super) type PhoneNumberTest = TestFramework<PhoneNumber>;

pub(super) fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap()
}

pub(super) fn org(n: u128) -> OrganizationId {
    OrganizationId::from_uuid(Uuid::from_u128(n))
}

pub(super) fn number() -> E164 {
    E164::parse("+14155550100").unwrap()
}

fn hooks() -> WebhookUrls {
    WebhookUrls {
        sms_url: "https://sb.example.com/webhooks/twilio/messages".into(),
        status_callback: "https://sb.example.com/webhooks/twilio/status".into(),
    }
}

pub(super) fn provision(owner: u128, sid: &str) -> PhoneNumberCommand {
    PhoneNumberCommand::ProvisionNumber {
        phone_number: number(),
        organization_id: org(owner),
        request_id: RequestId::from_uuid(Uuid::from_u128(owner)),
        provider: "twilio".into(),
        provider_sid: sid.into(),
        capabilities: Capabilities {
            sms: true,
            mms: true,
            voice: true,
        },
        webhooks: hooks(),
        provisioned_at: at(),
    }
}

pub(super) fn provisioned(owner: u128, sid: &str) -> PhoneNumberEvent {
    PhoneNumberEvent::NumberProvisioned {
        phone_number: number(),
        organization_id: org(owner),
        request_id: RequestId::from_uuid(Uuid::from_u128(owner)),
        provider: "twilio".into(),
        provider_sid: sid.into(),
        capabilities: Capabilities {
            sms: true,
            mms: true,
            voice: true,
        },
        webhooks: hooks(),
        provisioned_at: at(),
    }
}

pub(super) fn released(owner: u128, sid: &str) -> PhoneNumberEvent {
    PhoneNumberEvent::NumberReleased {
        organization_id: org(owner),
        provider_sid: sid.into(),
        released_at: at(),
    }
}

#[test]
fn an_unowned_number_is_provisioned_to_its_buyer() {
    PhoneNumberTest::with(())
        .given_no_previous_events()
        .when(provision(1, "PN1"))
        .then_expect_events(vec![provisioned(1, "PN1")]);
}

#[test]
fn a_number_held_by_another_organization_is_taken() {
    PhoneNumberTest::with(())
        .given(vec![provisioned(1, "PN1")])
        .when(provision(2, "PN2"))
        .then_expect_error(PhoneNumberError::NumberTaken {
            phone_number: number(),
            owner: org(1),
        });
}

#[test]
fn recording_the_same_purchase_twice_changes_nothing() {
    PhoneNumberTest::with(())
        .given(vec![provisioned(1, "PN1")])
        .when(provision(1, "PN1"))
        .then_expect_events(vec![]);
}

#[test]
fn a_released_number_can_be_provisioned_to_someone_else() {
    PhoneNumberTest::with(())
        .given(vec![provisioned(1, "PN1"), released(1, "PN1")])
        .when(provision(2, "PN2"))
        .then_expect_events(vec![provisioned(2, "PN2")]);
}

#[test]
fn release_by_a_non_owner_is_refused() {
    PhoneNumberTest::with(())
        .given(vec![provisioned(1, "PN1")])
        .when(PhoneNumberCommand::ReleaseNumber {
            organization_id: org(2),
            released_at: at(),
        })
        .then_expect_error(PhoneNumberError::NotOwner {
            owner: org(1),
            requested_by: org(2),
        });
}

#[test]
fn the_owner_releases_its_number_with_the_provider_sid_recorded() {
    PhoneNumberTest::with(())
        .given(vec![provisioned(1, "PN1")])
        .when(PhoneNumberCommand::ReleaseNumber {
            organization_id: org(1),
            released_at: at(),
        })
        .then_expect_events(vec![released(1, "PN1")]);
}

#[test]
fn releasing_a_released_number_is_refused() {
    PhoneNumberTest::with(())
        .given(vec![provisioned(1, "PN1"), released(1, "PN1")])
        .when(PhoneNumberCommand::ReleaseNumber {
            organization_id: org(1),
            released_at: at(),
        })
        .then_expect_error(PhoneNumberError::NotProvisioned);
}

#[test]
fn webhooks_are_configured_only_by_the_owner() {
    PhoneNumberTest::with(())
        .given(vec![provisioned(1, "PN1")])
        .when(PhoneNumberCommand::ConfigureWebhooks {
            organization_id: org(2),
            webhooks: hooks(),
            configured_at: at(),
        })
        .then_expect_error(PhoneNumberError::NotOwner {
            owner: org(1),
            requested_by: org(2),
        });
    PhoneNumberTest::with(())
        .given(vec![provisioned(1, "PN1")])
        .when(PhoneNumberCommand::ConfigureWebhooks {
            organization_id: org(1),
            webhooks: hooks(),
            configured_at: at(),
        })
        .then_expect_events(vec![PhoneNumberEvent::WebhooksConfigured {
            organization_id: org(1),
            webhooks: hooks(),
            configured_at: at(),
        }]);
}

#[test]
fn configuring_an_unprovisioned_number_is_refused() {
    PhoneNumberTest::with(())
        .given_no_previous_events()
        .when(PhoneNumberCommand::ConfigureWebhooks {
            organization_id: org(1),
            webhooks: hooks(),
            configured_at: at(),
        })
        .then_expect_error(PhoneNumberError::NotProvisioned);
}
