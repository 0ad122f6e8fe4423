//! Given/when/then tests for the `CustomerPrivacy` aggregate.

use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;

fn at(minute: u32) -> DateTime<Utc> {
    format!("2026-11-21T12:{minute:02}:00Z").parse().unwrap()
}

fn org() -> OrganizationId {
    OrganizationId::from_uuid(Uuid::from_u128(7))
}

fn erase(minute: u32) -> PrivacyCommand {
    PrivacyCommand::Erase {
        organization_id: org(),
        customer: "whatsapp:+15551230000".into(),
        at: at(minute),
    }
}

fn erased(minute: u32) -> PrivacyEvent {
    PrivacyEvent::CustomerErased {
        organization_id: org(),
        customer: "whatsapp:+15551230000".into(),
        at: at(minute),
    }
}

#[test]
fn erasing_a_customer_records_the_erasure() {
    TestFramework::<CustomerPrivacy>::with(())
        .given_no_previous_events()
        .when(erase(0))
        .then_expect_events(vec![erased(0)]);
}

#[test]
fn a_customer_who_wrote_again_can_be_erased_again() {
    TestFramework::<CustomerPrivacy>::with(())
        .given(vec![erased(0)])
        .when(erase(5))
        .then_expect_events(vec![erased(5)]);
}

#[test]
fn the_erased_event_carries_no_personal_content() {
    let stored = serde_json::to_value(erased(0)).unwrap();
    let fields: Vec<&String> = stored["CustomerErased"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(fields, ["at", "customer", "organization_id"]);
}
