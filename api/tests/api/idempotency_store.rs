//! The idempotency-key store on both backends: a key held in progress is taken over once its
//! holder's lease ran out (its process died), and a key is forgotten after 24 hours.

use chrono::{Duration, TimeZone, Utc};
use switchboard_adapters::event_store::Database;
use switchboard_adapters::idempotency::SqlIdempotencyStore;
use switchboard_adapters::test_database::TestDatabase;
use switchboard_application::ports::{Claim, IdempotencyStore, KeyUse, StoredResponse};

use crate::helpers::Backend;

async fn a_key_is_taken_over_after_its_lease_and_forgotten_after_a_day(backend: Backend) {
    let Some(test_database) = TestDatabase::create(backend).await else {
        return;
    };
    let database = Database::connect(test_database.url()).await.unwrap();
    database.migrate().await.unwrap();
    let store = SqlIdempotencyStore::new(&database);
    let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
    let at = |after: Duration, fingerprint: &'static str| KeyUse {
        scope: "org",
        key: "k1",
        fingerprint,
        now: t0 + after,
    };

    assert_eq!(
        store.claim(&at(Duration::zero(), "a")).await.unwrap(),
        Claim::Acquired
    );
    assert_eq!(
        store.claim(&at(Duration::seconds(30), "a")).await.unwrap(),
        Claim::InProgress
    );
    assert_eq!(
        store.claim(&at(Duration::seconds(30), "b")).await.unwrap(),
        Claim::Mismatch
    );
    // The holder never finished: after its lease, the next request takes the key over.
    assert_eq!(
        store.claim(&at(Duration::minutes(3), "a")).await.unwrap(),
        Claim::Acquired
    );
    let answer = StoredResponse {
        status: 201,
        content_type: Some("application/json".into()),
        body: "{\"ok\":true}".into(),
    };
    store.complete("org", "k1", &answer).await.unwrap();
    assert_eq!(
        store.claim(&at(Duration::hours(23), "a")).await.unwrap(),
        Claim::Replay(answer)
    );
    // A day after its first use the key is another key, whatever the request.
    assert_eq!(
        store.claim(&at(Duration::hours(25), "b")).await.unwrap(),
        Claim::Acquired
    );
    // The maintenance sweep forgets what is older than its cut-off.
    assert_eq!(store.expire(t0 + Duration::hours(25)).await.unwrap(), 0);
    assert_eq!(store.expire(t0 + Duration::hours(26)).await.unwrap(), 1);
    store.release("org", "k1").await.unwrap();
    database.close().await;
    test_database.drop_database().await;
}

#[tokio::test]
async fn a_key_is_taken_over_after_its_lease_and_forgotten_after_a_day_on_sqlite() {
    a_key_is_taken_over_after_its_lease_and_forgotten_after_a_day(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_key_is_taken_over_after_its_lease_and_forgotten_after_a_day_on_postgres() {
    a_key_is_taken_over_after_its_lease_and_forgotten_after_a_day(Backend::Postgres).await;
}
