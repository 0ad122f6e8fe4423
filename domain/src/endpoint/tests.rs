//! Given/when/then tests for every rule of the `Endpoint` aggregate.

use chrono::{Duration, TimeZone, Utc};
use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;
use crate::EndpointId;
use chrono::DateTime;

type EndpointTest = TestFramework<Endpoint>;

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
}

fn org(n: u128) -> OrganizationId {
    OrganizationId::from_uuid(Uuid::from_u128(n))
}

fn url(u: &str) -> EndpointUrl {
    EndpointUrl::parse(u, false).unwrap()
}

fn created() -> EndpointEvent {
    EndpointEvent::EndpointCreated {
        endpoint_id: EndpointId::from_uuid(Uuid::from_u128(9)),
        organization_id: org(1),
        url: url("https://hooks.acme.example/sb"),
        description: None,
        event_types: None,
        responder: false,
        secret: "whsec_old".into(),
        created_at: at(),
    }
}

fn update(organization: u128, changes: EndpointChanges) -> EndpointCommand {
    EndpointCommand::UpdateEndpoint {
        organization_id: org(organization),
        changes,
        at: at(),
    }
}

#[test]
fn an_endpoint_is_created_with_its_configuration_and_secret() {
    let EndpointEvent::EndpointCreated {
        endpoint_id,
        organization_id,
        url,
        secret,
        ..
    } = created()
    else {
        unreachable!()
    };
    EndpointTest::with(())
        .given_no_previous_events()
        .when(EndpointCommand::CreateEndpoint {
            endpoint_id,
            organization_id,
            url,
            description: None,
            event_types: None,
            responder: false,
            secret,
            at: at(),
        })
        .then_expect_events(vec![created()]);
}

#[test]
fn creating_an_existing_endpoint_is_refused() {
    let EndpointEvent::EndpointCreated { endpoint_id, .. } = created() else {
        unreachable!()
    };
    EndpointTest::with(())
        .given(vec![created()])
        .when(EndpointCommand::CreateEndpoint {
            endpoint_id,
            organization_id: org(1),
            url: url("https://other.example"),
            description: None,
            event_types: None,
            responder: false,
            secret: "whsec_x".into(),
            at: at(),
        })
        .then_expect_error(EndpointError::AlreadyExists);
}

#[test]
fn another_organization_cannot_see_or_change_the_endpoint() {
    EndpointTest::with(())
        .given(vec![created()])
        .when(update(
            2,
            EndpointChanges {
                responder: Some(true),
                ..Default::default()
            },
        ))
        .then_expect_error(EndpointError::NotFound);
    EndpointTest::with(())
        .given(vec![created()])
        .when(EndpointCommand::DeleteEndpoint {
            organization_id: org(2),
            at: at(),
        })
        .then_expect_error(EndpointError::NotFound);
}

#[test]
fn an_update_records_the_whole_new_configuration() {
    EndpointTest::with(())
        .given(vec![created()])
        .when(update(
            1,
            EndpointChanges {
                event_types: Some(Some(vec![EventType::MessageReceived])),
                responder: Some(true),
                ..Default::default()
            },
        ))
        .then_expect_events(vec![EndpointEvent::EndpointUpdated {
            url: url("https://hooks.acme.example/sb"),
            description: None,
            event_types: Some(vec![EventType::MessageReceived]),
            responder: true,
            updated_at: at(),
        }]);
}

#[test]
fn an_update_that_changes_nothing_records_nothing() {
    EndpointTest::with(())
        .given(vec![created()])
        .when(update(
            1,
            EndpointChanges {
                responder: Some(false),
                enabled: Some(true),
                ..Default::default()
            },
        ))
        .then_expect_events(vec![]);
}

#[test]
fn a_disabled_endpoint_is_enabled_again_by_an_update() {
    let disabled = EndpointEvent::EndpointDisabled {
        reason: "failing for 24 hours".into(),
        disabled_at: at(),
    };
    EndpointTest::with(())
        .given(vec![created(), disabled])
        .when(update(
            1,
            EndpointChanges {
                enabled: Some(true),
                ..Default::default()
            },
        ))
        .then_expect_events(vec![EndpointEvent::EndpointEnabled { enabled_at: at() }]);
}

#[test]
fn disabling_twice_records_it_once() {
    let disabled = EndpointEvent::EndpointDisabled {
        reason: "failing for 24 hours".into(),
        disabled_at: at(),
    };
    EndpointTest::with(())
        .given(vec![created(), disabled])
        .when(EndpointCommand::DisableEndpoint {
            organization_id: org(1),
            reason: "again".into(),
            at: at(),
        })
        .then_expect_events(vec![]);
}

#[test]
fn a_rotation_keeps_the_previous_secret_signing_for_a_while() {
    EndpointTest::with(())
        .given(vec![created()])
        .when(EndpointCommand::RotateSecret {
            organization_id: org(1),
            secret: "whsec_new".into(),
            previous_valid_until: at() + Duration::hours(24),
            at: at(),
        })
        .then_expect_events(vec![EndpointEvent::EndpointSecretRotated {
            secret: "whsec_new".into(),
            previous_secret: "whsec_old".into(),
            previous_valid_until: at() + Duration::hours(24),
            rotated_at: at(),
        }]);
}

#[test]
fn a_deleted_endpoint_is_gone() {
    EndpointTest::with(())
        .given(vec![
            created(),
            EndpointEvent::EndpointDeleted { deleted_at: at() },
        ])
        .when(update(1, EndpointChanges::default()))
        .then_expect_error(EndpointError::NotFound);
}

#[test]
fn a_description_over_500_characters_is_refused() {
    EndpointTest::with(())
        .given(vec![created()])
        .when(update(
            1,
            EndpointChanges {
                description: Some(Some("x".repeat(501))),
                ..Default::default()
            },
        ))
        .then_expect_error(EndpointError::DescriptionTooLong);
}
