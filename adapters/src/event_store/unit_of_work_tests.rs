//! A new customer's key becomes durable with the first events sealed with it, on SQLite and
//! PostgreSQL: one commit, no key without a reader, no event sealed with a key never stored.

use cqrs_es::persist::SerializedEvent;
use serde_json::{json, Value};
use sqlx::Row;
use switchboard_application::ports::{CommitError, StreamAppend, StreamGuard, UnitOfWork};
use switchboard_domain::OrganizationId;

use super::SqlUnitOfWork;
use crate::event_store::Database;
use crate::privacy::tests::received_payload;
use crate::privacy::EventIdentity;
use crate::test_database::{TestBackend, TestDatabase};

const CUSTOMER: &str = "whatsapp:+15551230000";
const FIRST: &str = "SM00000000000000000000000000000001";
const SECOND: &str = "SM00000000000000000000000000000002";

/// The organization of [`received_payload`]'s messages.
fn organization() -> OrganizationId {
    OrganizationId::from_uuid(uuid::Uuid::from_u128(9))
}

/// The `MessageReceived` of `sid` from [`CUSTOMER`], unsealed, as a unit appends it.
fn received(sid: &str, body: &str) -> StreamAppend {
    let payload = received_payload(sid, body);
    StreamAppend {
        aggregate_type: "Message".into(),
        aggregate_id: sid.into(),
        events: vec![SerializedEvent {
            aggregate_id: sid.into(),
            sequence: 1,
            aggregate_type: "Message".into(),
            event_type: "MessageReceived".into(),
            event_version: "1.0".into(),
            payload,
            metadata: json!({}),
        }],
        snapshot: None,
    }
}

/// A process of its own on the test database: its own pools and key caches.
async fn process(test_database: &TestDatabase) -> (Database, SqlUnitOfWork) {
    let database = Database::connect(test_database.url()).await.unwrap();
    let unit_of_work = SqlUnitOfWork::new(&database);
    (database, unit_of_work)
}

/// The customer's stored key ids.
async fn key_ids(database: &Database) -> Vec<String> {
    sqlx::query("SELECT key_id FROM customer_keys WHERE organization_id = $1 AND address = $2")
        .bind(organization().to_string())
        .bind(CUSTOMER)
        .fetch_all(database.any())
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get("key_id").unwrap())
        .collect()
}

/// Message `sid`'s stored `MessageReceived`, as stored, if any.
async fn stored(database: &Database, sid: &str) -> Option<Value> {
    let payload: Option<String> = sqlx::query_scalar(
        "SELECT CAST(payload AS text) FROM events WHERE aggregate_type = 'Message' AND aggregate_id = $1",
    )
    .bind(sid)
    .fetch_optional(database.any())
    .await
    .unwrap();
    payload.map(|text| serde_json::from_str(&text).unwrap())
}

fn sealed_with(payload: &Value) -> String {
    payload["MessageReceived"]["sealed"]["key_id"]
        .as_str()
        .expect("the stored event is sealed")
        .to_string()
}

/// The body `database`'s keys open message `sid` to.
async fn opened_body(database: &Database, sid: &str) -> String {
    let mut payload = stored(database, sid).await.unwrap();
    let id = EventIdentity {
        aggregate_type: "Message",
        aggregate_id: sid,
        sequence: 1,
        event_type: "MessageReceived",
    };
    database
        .customer_keys()
        .open(&id, &mut payload)
        .await
        .unwrap();
    payload["MessageReceived"]["message"]["body"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn the_first_commit_stores_the_key(backend: TestBackend) {
    let Some(test_database) = TestDatabase::create(backend).await else {
        return;
    };
    let (database, first) = process(&test_database).await;
    database.migrate().await.unwrap();
    first
        .commit(&[received(FIRST, "the code is 4417")], &[])
        .await
        .unwrap();
    let keys = key_ids(&database).await;
    assert_eq!(keys.len(), 1, "one key, stored with the message");
    assert_eq!(
        sealed_with(&stored(&database, FIRST).await.unwrap()),
        keys[0]
    );
    // Another process, with nothing cached, reads the key instead of making another.
    let (other, second) = process(&test_database).await;
    second
        .commit(&[received(SECOND, "and 9921")], &[])
        .await
        .unwrap();
    assert_eq!(key_ids(&database).await, keys);
    assert_eq!(
        sealed_with(&stored(&database, SECOND).await.unwrap()),
        keys[0]
    );
    assert_eq!(opened_body(&other, FIRST).await, "the code is 4417");
    assert_eq!(opened_body(&database, SECOND).await, "and 9921");
    database.close().await;
    other.close().await;
    test_database.drop_database().await;
}

async fn a_key_stored_meanwhile_is_a_conflict_and_the_retry_uses_it(backend: TestBackend) {
    let Some(test_database) = TestDatabase::create(backend).await else {
        return;
    };
    let (database, first) = process(&test_database).await;
    database.migrate().await.unwrap();
    let (other, second) = process(&test_database).await;
    // The second process seals with a key of its own making: the customer has none yet.
    let unit = [received(SECOND, "second")];
    let (sealed, made) = second.sealed(&unit).await.unwrap();
    assert_eq!(made.len(), 1);
    // Meanwhile the first process commits the customer's first message, and its key.
    first
        .commit(&[received(FIRST, "first")], &[])
        .await
        .unwrap();
    let keys = key_ids(&database).await;
    let outcome = second.commit_sealed(&sealed, &[], &made).await;
    assert!(matches!(outcome, Err(CommitError::Conflict)), "{outcome:?}");
    assert_eq!(stored(&database, SECOND).await, None, "nothing of the unit");
    // The unit's next attempt reads the stored key and commits.
    second.commit(&unit, &[]).await.unwrap();
    assert_eq!(key_ids(&database).await, keys);
    assert_eq!(
        sealed_with(&stored(&database, SECOND).await.unwrap()),
        keys[0]
    );
    assert_eq!(opened_body(&other, SECOND).await, "second");
    database.close().await;
    other.close().await;
    test_database.drop_database().await;
}

async fn a_conflicted_unit_leaves_no_unstored_key_behind(backend: TestBackend) {
    let Some(test_database) = TestDatabase::create(backend).await else {
        return;
    };
    let (database, unit_of_work) = process(&test_database).await;
    database.migrate().await.unwrap();
    let moved = StreamGuard {
        aggregate_type: "PhoneNumber".into(),
        aggregate_id: "+14155550100".into(),
        sequence: 3,
    };
    let outcome = unit_of_work
        .commit(&[received(FIRST, "first")], &[moved])
        .await;
    assert!(matches!(outcome, Err(CommitError::Conflict)), "{outcome:?}");
    assert_eq!(stored(&database, FIRST).await, None);
    // Run again without the guard: sealed with a key that is stored, whatever the first
    // attempt made.
    unit_of_work
        .commit(&[received(FIRST, "first")], &[])
        .await
        .unwrap();
    let keys = key_ids(&database).await;
    assert_eq!(keys.len(), 1);
    assert_eq!(
        sealed_with(&stored(&database, FIRST).await.unwrap()),
        keys[0]
    );
    assert_eq!(opened_body(&database, FIRST).await, "first");
    database.close().await;
    test_database.drop_database().await;
}

#[tokio::test]
async fn the_first_commit_stores_the_key_on_sqlite() {
    the_first_commit_stores_the_key(TestBackend::Sqlite).await;
}

#[tokio::test]
async fn the_first_commit_stores_the_key_on_postgres() {
    the_first_commit_stores_the_key(TestBackend::Postgres).await;
}

#[tokio::test]
async fn a_key_stored_meanwhile_is_a_conflict_on_sqlite() {
    a_key_stored_meanwhile_is_a_conflict_and_the_retry_uses_it(TestBackend::Sqlite).await;
}

#[tokio::test]
async fn a_key_stored_meanwhile_is_a_conflict_on_postgres() {
    a_key_stored_meanwhile_is_a_conflict_and_the_retry_uses_it(TestBackend::Postgres).await;
}

#[tokio::test]
async fn a_conflicted_unit_leaves_no_unstored_key_on_sqlite() {
    a_conflicted_unit_leaves_no_unstored_key_behind(TestBackend::Sqlite).await;
}

#[tokio::test]
async fn a_conflicted_unit_leaves_no_unstored_key_on_postgres() {
    a_conflicted_unit_leaves_no_unstored_key_behind(TestBackend::Postgres).await;
}
