//! Given/when/then tests for every rule of the `ApiKeys` aggregate.

use chrono::{DateTime, TimeZone, Utc};
use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;

type KeysTest = TestFramework<ApiKeys>;

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
}

fn key(n: u128) -> ApiKeyId {
    ApiKeyId::from_uuid(Uuid::from_u128(n))
}

fn org() -> OrganizationId {
    OrganizationId::from_uuid(Uuid::from_u128(1))
}

fn create(n: u128, name: &str) -> ApiKeyCommand {
    ApiKeyCommand::CreateKey {
        organization_id: org(),
        key_id: key(n),
        name: name.into(),
        role: KeyRole::Viewer,
        secret_sha256: format!("{n:064x}"),
        at: at(),
    }
}

fn created(n: u128) -> ApiKeyEvent {
    ApiKeyEvent::ApiKeyCreated {
        organization_id: org(),
        key_id: key(n),
        name: "ci".into(),
        role: KeyRole::Viewer,
        secret_sha256: format!("{n:064x}"),
        created_at: at(),
    }
}

#[test]
fn creating_a_key_records_its_hash_and_trimmed_name() {
    KeysTest::with(())
        .given_no_previous_events()
        .when(create(7, "  ci  "))
        .then_expect_events(vec![ApiKeyEvent::ApiKeyCreated {
            organization_id: org(),
            key_id: key(7),
            name: "ci".into(),
            role: KeyRole::Viewer,
            secret_sha256: format!("{:064x}", 7),
            created_at: at(),
        }]);
}

#[test]
fn a_blank_or_overlong_name_is_refused() {
    KeysTest::with(())
        .given_no_previous_events()
        .when(create(7, "   "))
        .then_expect_error(ApiKeyError::InvalidName);
    KeysTest::with(())
        .given_no_previous_events()
        .when(create(7, &"x".repeat(101)))
        .then_expect_error(ApiKeyError::InvalidName);
}

#[test]
fn a_key_id_is_used_once() {
    KeysTest::with(())
        .given(vec![created(7)])
        .when(create(7, "again"))
        .then_expect_error(ApiKeyError::DuplicateKey);
}

#[test]
fn at_most_fifty_unrevoked_keys_and_a_revoked_one_frees_a_slot() {
    let full: Vec<ApiKeyEvent> = (1..=MAX_ACTIVE_KEYS as u128).map(created).collect();
    KeysTest::with(())
        .given(full.clone())
        .when(create(100, "one more"))
        .then_expect_error(ApiKeyError::TooManyKeys {
            limit: MAX_ACTIVE_KEYS,
        });
    let mut freed = full;
    freed.push(ApiKeyEvent::ApiKeyRevoked {
        key_id: key(1),
        revoked_at: at(),
    });
    KeysTest::with(())
        .given(freed)
        .when(create(100, "one more"))
        .then_expect_events(vec![ApiKeyEvent::ApiKeyCreated {
            organization_id: org(),
            key_id: key(100),
            name: "one more".into(),
            role: KeyRole::Viewer,
            secret_sha256: format!("{:064x}", 100),
            created_at: at(),
        }]);
}

#[test]
fn revoking_records_once_and_an_unknown_key_is_not_found() {
    let revoked = ApiKeyEvent::ApiKeyRevoked {
        key_id: key(7),
        revoked_at: at(),
    };
    KeysTest::with(())
        .given(vec![created(7)])
        .when(ApiKeyCommand::RevokeKey {
            key_id: key(7),
            at: at(),
        })
        .then_expect_events(vec![revoked.clone()]);
    KeysTest::with(())
        .given(vec![created(7), revoked])
        .when(ApiKeyCommand::RevokeKey {
            key_id: key(7),
            at: at(),
        })
        .then_expect_events(vec![]);
    KeysTest::with(())
        .given(vec![created(7)])
        .when(ApiKeyCommand::RevokeKey {
            key_id: key(8),
            at: at(),
        })
        .then_expect_error(ApiKeyError::NotFound);
}

#[test]
fn the_state_lists_unrevoked_keys_oldest_first() {
    let mut keys = ApiKeys::default();
    for event in [
        created(3),
        created(1),
        created(2),
        ApiKeyEvent::ApiKeyRevoked {
            key_id: key(1),
            revoked_at: at(),
        },
    ] {
        cqrs_es::Aggregate::apply(&mut keys, event);
    }
    let active: Vec<ApiKeyId> = keys.active().map(|k| k.key_id).collect();
    assert_eq!(active, vec![key(3), key(2)]);
    assert_eq!(keys.key(key(1)).unwrap().revoked_at, Some(at()));
    assert_eq!(keys.organization_id(), Some(org()));
}
