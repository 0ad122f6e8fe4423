//! Given/when/then tests for every rule of the `Organization` aggregate.

use chrono::{TimeZone as _, Utc};
use cqrs_es::test::TestFramework;

use super::*;
use crate::{BusinessHours, JoinCode, NumberType, OrganizationName, Settings, TimeRange, TimeZone};

type OrganizationTest = TestFramework<Organization>;

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap()
}

fn id() -> OrganizationId {
    "6f1c2a59-7a43-4a0e-9f3e-1f0d7e6c2b11".parse().unwrap()
}

fn number(n: &str) -> E164 {
    E164::parse(n).unwrap()
}

fn request(n: u128) -> RequestId {
    RequestId::from_uuid(uuid::Uuid::from_u128(n))
}

fn created(plan: Plan) -> OrganizationEvent {
    OrganizationEvent::OrganizationCreated {
        organization_id: id(),
        name: OrganizationName::parse("Acme").unwrap(),
        description: None,
        industry: Some("retail".into()),
        plan,
        created_at: at(),
    }
}

fn code() -> JoinCode {
    JoinCode::parse("ACME42").unwrap()
}

fn by_number(n: &str) -> NumberTarget {
    NumberTarget::Number {
        phone_number: number(n),
    }
}

fn requested(r: u128, n: &str) -> OrganizationEvent {
    OrganizationEvent::NumberRequested {
        request_id: request(r),
        target: by_number(n),
        requested_at: at(),
    }
}

fn attached(r: u128, n: &str) -> OrganizationEvent {
    OrganizationEvent::NumberAttached {
        request_id: request(r),
        phone_number: number(n),
        attached_at: at(),
    }
}

#[test]
fn a_new_organization_is_created_with_its_plan() {
    OrganizationTest::with(())
        .given_no_previous_events()
        .when(OrganizationCommand::CreateOrganization {
            organization_id: id(),
            name: OrganizationName::parse("Acme").unwrap(),
            description: None,
            industry: Some("retail".into()),
            plan: Plan::Trial,
            join_code: code(),
            created_at: at(),
        })
        .then_expect_events(vec![
            created(Plan::Trial),
            OrganizationEvent::JoinCodeAssigned { join_code: code() },
        ]);
}

#[test]
fn creating_an_existing_organization_is_refused() {
    OrganizationTest::with(())
        .given(vec![created(Plan::Trial)])
        .when(OrganizationCommand::CreateOrganization {
            organization_id: id(),
            name: OrganizationName::parse("Other").unwrap(),
            description: None,
            industry: None,
            plan: Plan::Starter,
            join_code: code(),
            created_at: at(),
        })
        .then_expect_error(OrganizationError::AlreadyExists {
            organization_id: id(),
        });
}

#[test]
fn commands_on_an_unknown_organization_are_refused() {
    OrganizationTest::with(())
        .given_no_previous_events()
        .when(OrganizationCommand::DeleteOrganization { deleted_at: at() })
        .then_expect_error(OrganizationError::NotFound);
}

#[test]
fn a_deleted_organization_accepts_no_commands() {
    OrganizationTest::with(())
        .given(vec![
            created(Plan::Trial),
            OrganizationEvent::OrganizationDeleted { deleted_at: at() },
        ])
        .when(OrganizationCommand::RequestNumber {
            request_id: request(1),
            target: by_number("+14155550100"),
            requested_at: at(),
        })
        .then_expect_error(OrganizationError::Deleted {
            organization_id: id(),
        });
}

#[test]
fn requesting_a_number_within_the_plan_reserves_a_slot() {
    OrganizationTest::with(())
        .given(vec![created(Plan::Trial)])
        .when(OrganizationCommand::RequestNumber {
            request_id: request(1),
            target: by_number("+14155550100"),
            requested_at: at(),
        })
        .then_expect_events(vec![requested(1, "+14155550100")]);
}

#[test]
fn a_number_beyond_the_plan_limit_is_refused() {
    OrganizationTest::with(())
        .given(vec![
            created(Plan::Trial),
            requested(1, "+14155550100"),
            attached(1, "+14155550100"),
        ])
        .when(OrganizationCommand::RequestNumber {
            request_id: request(2),
            target: NumberTarget::AreaCode {
                country: "US".into(),
                area_code: crate::AreaCode::parse("212").unwrap(),
                number_type: NumberType::Local,
            },
            requested_at: at(),
        })
        .then_expect_error(OrganizationError::NumberLimitReached {
            plan: Plan::Trial,
            limit: 1,
            held: 1,
            in_flight: 0,
        });
}

#[test]
fn a_request_in_flight_counts_against_the_limit() {
    OrganizationTest::with(())
        .given(vec![created(Plan::Starter), requested(1, "+14155550100")])
        .when(OrganizationCommand::RequestNumber {
            request_id: request(2),
            target: by_number("+14155550101"),
            requested_at: at(),
        })
        .then_expect_error(OrganizationError::NumberLimitReached {
            plan: Plan::Starter,
            limit: 1,
            held: 0,
            in_flight: 1,
        });
}

#[test]
fn enterprise_holds_up_to_five_numbers() {
    let mut given = vec![created(Plan::Enterprise)];
    for i in 0..4u128 {
        let n = format!("+1415555010{i}");
        given.push(requested(i, &n));
        given.push(attached(i, &n));
    }
    OrganizationTest::with(())
        .given(given)
        .when(OrganizationCommand::RequestNumber {
            request_id: request(9),
            target: by_number("+14155550109"),
            requested_at: at(),
        })
        .then_expect_events(vec![requested(9, "+14155550109")]);
}

#[test]
fn a_failed_purchase_frees_its_slot() {
    OrganizationTest::with(())
        .given(vec![
            created(Plan::Trial),
            requested(1, "+14155550100"),
            OrganizationEvent::NumberRequestFailed {
                request_id: request(1),
                reason: "21422".into(),
                failed_at: at(),
            },
        ])
        .when(OrganizationCommand::RequestNumber {
            request_id: request(2),
            target: by_number("+14155550101"),
            requested_at: at(),
        })
        .then_expect_events(vec![requested(2, "+14155550101")]);
}

#[test]
fn attaching_for_an_unknown_request_is_refused() {
    OrganizationTest::with(())
        .given(vec![created(Plan::Trial)])
        .when(OrganizationCommand::AttachNumber {
            request_id: request(7),
            phone_number: number("+14155550100"),
            attached_at: at(),
        })
        .then_expect_error(OrganizationError::UnknownRequest {
            request_id: request(7),
        });
}

#[test]
fn requesting_a_number_already_held_is_refused() {
    OrganizationTest::with(())
        .given(vec![
            created(Plan::Enterprise),
            requested(1, "+14155550100"),
            attached(1, "+14155550100"),
        ])
        .when(OrganizationCommand::RequestNumber {
            request_id: request(2),
            target: by_number("+14155550100"),
            requested_at: at(),
        })
        .then_expect_error(OrganizationError::NumberAlreadyHeld {
            phone_number: number("+14155550100"),
        });
}

#[test]
fn detaching_a_number_not_held_is_refused() {
    OrganizationTest::with(())
        .given(vec![created(Plan::Trial)])
        .when(OrganizationCommand::DetachNumber {
            phone_number: number("+14155550100"),
            detached_at: at(),
        })
        .then_expect_error(OrganizationError::NumberNotHeld {
            phone_number: number("+14155550100"),
        });
}

#[test]
fn an_organization_holding_numbers_cannot_be_deleted() {
    OrganizationTest::with(())
        .given(vec![
            created(Plan::Trial),
            requested(1, "+14155550100"),
            attached(1, "+14155550100"),
        ])
        .when(OrganizationCommand::DeleteOrganization { deleted_at: at() })
        .then_expect_error(OrganizationError::StillHoldsNumbers {
            held: 1,
            in_flight: 0,
        });
}

#[test]
fn an_organization_whose_numbers_were_detached_can_be_deleted() {
    OrganizationTest::with(())
        .given(vec![
            created(Plan::Trial),
            requested(1, "+14155550100"),
            attached(1, "+14155550100"),
            OrganizationEvent::NumberDetached {
                phone_number: number("+14155550100"),
                detached_at: at(),
            },
        ])
        .when(OrganizationCommand::DeleteOrganization { deleted_at: at() })
        .then_expect_events(vec![OrganizationEvent::OrganizationDeleted {
            deleted_at: at(),
        }]);
}

#[test]
fn a_downgrade_below_the_numbers_held_is_refused() {
    let mut given = vec![created(Plan::Enterprise)];
    for i in 0..2u128 {
        let n = format!("+1415555010{i}");
        given.push(requested(i, &n));
        given.push(attached(i, &n));
    }
    OrganizationTest::with(())
        .given(given)
        .when(OrganizationCommand::UpdateOrganization {
            name: None,
            description: None,
            industry: None,
            plan: Some(Plan::Business),
            updated_at: at(),
        })
        .then_expect_error(OrganizationError::PlanTooSmall {
            plan: Plan::Business,
            limit: 1,
            held: 2,
        });
}

#[test]
fn an_update_records_only_the_changed_fields() {
    OrganizationTest::with(())
        .given(vec![created(Plan::Trial)])
        .when(OrganizationCommand::UpdateOrganization {
            name: Some(OrganizationName::parse("Acme Ltd").unwrap()),
            description: None,
            industry: None,
            plan: Some(Plan::Business),
            updated_at: at(),
        })
        .then_expect_events(vec![OrganizationEvent::OrganizationUpdated {
            name: Some(OrganizationName::parse("Acme Ltd").unwrap()),
            description: None,
            industry: None,
            plan: Some(Plan::Business),
            updated_at: at(),
        }]);
}

#[test]
fn settings_are_replaced_and_an_unchanged_update_records_nothing() {
    let mut days: [Vec<TimeRange>; 7] = Default::default();
    days[0] = vec![TimeRange {
        start: 540,
        end: 1020,
    }];
    let settings = Box::new(Settings {
        welcome_message: Some("Hi from {organization}".into()),
        business_hours: Some(
            BusinessHours::new(TimeZone::parse("Europe/Madrid").unwrap(), days).unwrap(),
        ),
        ..Settings::default()
    });
    OrganizationTest::with(())
        .given(vec![created(Plan::Trial)])
        .when(OrganizationCommand::UpdateSettings {
            settings: settings.clone(),
            updated_at: at(),
        })
        .then_expect_events(vec![OrganizationEvent::SettingsUpdated {
            settings: settings.clone(),
            updated_at: at(),
        }]);
    OrganizationTest::with(())
        .given(vec![
            created(Plan::Trial),
            OrganizationEvent::SettingsUpdated {
                settings: settings.clone(),
                updated_at: at(),
            },
        ])
        .when(OrganizationCommand::UpdateSettings {
            settings,
            updated_at: at(),
        })
        .then_expect_events(vec![]);
}
