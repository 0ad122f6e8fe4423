//! The unit of work on the event store's own tables: one transaction appends the events of
//! several streams (the `events` primary key is each stream's optimistic check), writes their
//! due snapshots and new customers' keys and checks the guarded streams, with the columns and JSON text postgres-es and
//! sqlite-es write, so their loads, the global log and the audit chain read these rows unchanged.

use async_trait::async_trait;
use cqrs_es::persist::SerializedEvent;
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use switchboard_application::ports::{
    CommitError, SnapshotWrite, StoreError, StreamAppend, StreamGuard, UnitOfWork,
};

use super::Database;
use crate::privacy::{carries_personal_data, seal_event_with, CustomerKeys, DataKey, NewKey};

/// One statement for every event of the unit that stores the customers' new keys
/// (`$11..$14`) and inserts no event unless it stored every one of them (none was made
/// meanwhile by another writer) and every guarded stream (`$8..$10`) is still at its sequence.
const POSTGRES_INSERT_EVENTS: &str = "
WITH new_keys AS (
    INSERT INTO customer_keys (key_id, organization_id, address, secret)
    SELECT * FROM UNNEST($11::text[], $12::text[], $13::text[], $14::text[])
    ON CONFLICT DO NOTHING
    RETURNING 1)
INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
SELECT t, i, s, e, v, p::json, m::json
  FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[])
       AS u(t, i, s, e, v, p, m)
 WHERE (SELECT COUNT(*) FROM new_keys) = CARDINALITY($11::text[])
   AND NOT EXISTS (
       SELECT 1 FROM UNNEST($8::text[], $9::text[], $10::bigint[]) AS g(t, i, s)
        WHERE g.s <> COALESCE((SELECT MAX(sequence) FROM events x
                                WHERE x.aggregate_type = g.t AND x.aggregate_id = g.i), 0))";

const SQLITE_INSERT_KEY: &str = "
INSERT INTO customer_keys (key_id, organization_id, address, secret) VALUES ($1, $2, $3, $4)";

const SQLITE_INSERT_EVENT: &str = "
INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
VALUES ($1, $2, $3, $4, $5, $6, $7)";

const INSERT_SNAPSHOT: &str = "
INSERT INTO snapshots (aggregate_type, aggregate_id, last_sequence, current_snapshot, payload)
VALUES ($1, $2, $3, $4, $5)";

const POSTGRES_INSERT_SNAPSHOT: &str = "
INSERT INTO snapshots (aggregate_type, aggregate_id, last_sequence, current_snapshot, payload)
VALUES ($1, $2, $3, $4, $5::json)";

const UPDATE_SNAPSHOT: &str = "
UPDATE snapshots SET last_sequence = $3, current_snapshot = $4, payload = $5
 WHERE aggregate_type = $1 AND aggregate_id = $2 AND current_snapshot = $6";

const POSTGRES_UPDATE_SNAPSHOT: &str = "
UPDATE snapshots SET last_sequence = $3, current_snapshot = $4, payload = $5::json
 WHERE aggregate_type = $1 AND aggregate_id = $2 AND current_snapshot = $6";

const LAST_SEQUENCE: &str = "
SELECT COALESCE(MAX(sequence), 0) FROM events WHERE aggregate_type = $1 AND aggregate_id = $2";

/// [`UnitOfWork`] on the typed pool of a [`Database`] (PostgreSQL or SQLite). It seals the
/// personal fields of the events it appends with their customer's key (see [`crate::privacy`]).
#[derive(Clone)]
pub struct SqlUnitOfWork {
    pool: Pool,
    keys: CustomerKeys,
}

#[derive(Clone)]
enum Pool {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

impl SqlUnitOfWork {
    /// A unit of work on `database`'s event store.
    pub fn new(database: &Database) -> Self {
        let pool = match (database.postgres(), database.sqlite()) {
            (Some(pool), _) => Pool::Postgres(pool.clone()),
            (_, Some(pool)) => Pool::Sqlite(pool.clone()),
            _ => unreachable!("a Database always holds one typed pool"),
        };
        Self {
            pool,
            keys: database.customer_keys().clone(),
        }
    }

    /// `appends` with the personal fields of their events sealed, and the keys made for
    /// customers who had none (the commit stores them with the events); borrowed as they are
    /// when none carries any, so that case copies nothing. A customer's key not cached in this
    /// process costs one read outside the transaction; a new customer's key is written by the
    /// commit itself, not by a transaction of its own.
    async fn sealed<'a>(
        &self,
        appends: &'a [StreamAppend],
    ) -> Result<(std::borrow::Cow<'a, [StreamAppend]>, Vec<NewKey>), CommitError> {
        let personal =
            |e: &SerializedEvent| carries_personal_data(&e.aggregate_type, &e.event_type);
        if !appends.iter().flat_map(|a| &a.events).any(personal) {
            return Ok((std::borrow::Cow::Borrowed(appends), Vec::new()));
        }
        let mut copies = appends.to_vec();
        let mut made: Vec<NewKey> = Vec::new();
        for event in copies.iter_mut().flat_map(|a| &mut a.events) {
            if personal(event) {
                let key = async |organization: &str, address: &str| {
                    let same = |k: &&NewKey| k.organization == organization && k.address == address;
                    if let Some(new) = made.iter().find(same) {
                        return Ok(new.key.clone());
                    }
                    if let Some(stored) = self.keys.stored_key(organization, address).await? {
                        return Ok(stored);
                    }
                    let key = DataKey::generate();
                    made.push(NewKey {
                        organization: organization.to_string(),
                        address: address.to_string(),
                        key: key.clone(),
                    });
                    Ok(key)
                };
                seal_event_with(event, key)
                    .await
                    .map_err(CommitError::Store)?;
            }
        }
        Ok((std::borrow::Cow::Owned(copies), made))
    }
}

/// A duplicate key is a stream that moved (`23505` on PostgreSQL, `1555`/`2067` on SQLite).
fn classify(error: sqlx::Error) -> CommitError {
    if let sqlx::Error::Database(db) = &error {
        if matches!(db.code().as_deref(), Some("23505" | "1555" | "2067")) {
            return CommitError::Conflict;
        }
    }
    CommitError::Store(StoreError::from_error(error))
}

fn int(value: usize) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

#[async_trait]
impl UnitOfWork for SqlUnitOfWork {
    async fn commit(
        &self,
        appends: &[StreamAppend],
        guards: &[StreamGuard],
    ) -> Result<(), CommitError> {
        if appends.iter().all(|a| a.events.is_empty()) {
            return Ok(());
        }
        let (appends, keys) = self.sealed(appends).await?;
        let committed = self.commit_sealed(&appends, guards, &keys).await;
        if committed.is_ok() {
            self.keys.stored(keys);
        }
        committed
    }
}

impl SqlUnitOfWork {
    /// Commits sealed `appends` with the new customers' `keys` in one transaction.
    async fn commit_sealed(
        &self,
        appends: &[StreamAppend],
        guards: &[StreamGuard],
        keys: &[NewKey],
    ) -> Result<(), CommitError> {
        match &self.pool {
            Pool::Postgres(pool) => {
                // Without a snapshot the unit is one statement, atomic on its own.
                if appends.iter().all(|a| a.snapshot.is_none()) {
                    postgres_insert(pool, appends, guards, keys).await
                } else {
                    let mut tx = pool.begin().await.map_err(classify)?;
                    postgres_insert(&mut *tx, appends, guards, keys).await?;
                    postgres_snapshots(&mut tx, appends).await?;
                    tx.commit().await.map_err(classify)
                }
            }
            Pool::Sqlite(pool) => {
                // The first statement writes, so the transaction takes SQLite's write lock at
                // once (waiting its busy timeout) instead of failing to upgrade a read later.
                let mut tx = pool.begin().await.map_err(classify)?;
                sqlite_store_keys(&mut tx, keys).await?;
                sqlite_append(&mut tx, appends).await?;
                for guard in guards {
                    let last = last_sequence(guard).fetch_one(&mut *tx).await;
                    still_at(guard, last.map_err(classify)?)?;
                }
                tx.commit().await.map_err(classify)
            }
        }
    }
}

/// The guarded stream's last sequence (0 without events).
fn last_sequence<'q, DB>(
    guard: &'q StreamGuard,
) -> sqlx::query::QueryScalar<'q, DB, i64, <DB as sqlx::Database>::Arguments<'q>>
where
    DB: sqlx::Database,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    (i64,): for<'r> sqlx::FromRow<'r, DB::Row>,
{
    sqlx::query_scalar(LAST_SEQUENCE)
        .bind(guard.aggregate_type.as_str())
        .bind(guard.aggregate_id.as_str())
}

fn still_at(guard: &StreamGuard, last: i64) -> Result<(), CommitError> {
    if last == int(guard.sequence) {
        Ok(())
    } else {
        Err(CommitError::Conflict)
    }
}

async fn postgres_insert<'c, E>(
    executor: E,
    appends: &[StreamAppend],
    guards: &[StreamGuard],
    keys: &[NewKey],
) -> Result<(), CommitError>
where
    E: sqlx::Executor<'c, Database = Postgres>,
{
    let events: Vec<_> = appends.iter().flat_map(|a| &a.events).collect();
    let column = |f: fn(&SerializedEvent) -> &str| events.iter().map(|e| f(e)).collect::<Vec<_>>();
    let types = column(|e| e.aggregate_type.as_str());
    let ids = column(|e| e.aggregate_id.as_str());
    let event_types = column(|e| e.event_type.as_str());
    let versions = column(|e| e.event_version.as_str());
    let sequences: Vec<i64> = events.iter().map(|e| int(e.sequence)).collect();
    let payloads: Vec<String> = events.iter().map(|e| e.payload.to_string()).collect();
    let metadata: Vec<String> = events.iter().map(|e| e.metadata.to_string()).collect();
    let expected = payloads.len();
    let key_column = |f: fn(&NewKey) -> &str| keys.iter().map(f).collect::<Vec<_>>();
    let guarded: (Vec<&str>, Vec<&str>, Vec<i64>) = (
        guards.iter().map(|g| g.aggregate_type.as_str()).collect(),
        guards.iter().map(|g| g.aggregate_id.as_str()).collect(),
        guards.iter().map(|g| int(g.sequence)).collect(),
    );
    let done = sqlx::query(POSTGRES_INSERT_EVENTS)
        .bind(types)
        .bind(ids)
        .bind(sequences)
        .bind(event_types)
        .bind(versions)
        .bind(payloads)
        .bind(metadata)
        .bind(guarded.0)
        .bind(guarded.1)
        .bind(guarded.2)
        .bind(key_column(|k| k.key.id.as_str()))
        .bind(key_column(|k| k.organization.as_str()))
        .bind(key_column(|k| k.address.as_str()))
        .bind(keys.iter().map(|k| k.key.secret()).collect::<Vec<_>>())
        .execute(executor)
        .await
        .map_err(classify)?;
    if usize::try_from(done.rows_affected()).ok() == Some(expected) {
        Ok(())
    } else {
        Err(CommitError::Conflict)
    }
}

async fn postgres_snapshots(
    tx: &mut Transaction<'_, Postgres>,
    appends: &[StreamAppend],
) -> Result<(), CommitError> {
    for append in appends {
        if let Some(snapshot) = &append.snapshot {
            let sql = if snapshot.current_snapshot == 1 {
                POSTGRES_INSERT_SNAPSHOT
            } else {
                POSTGRES_UPDATE_SNAPSHOT
            };
            let done = snapshot_query(sql, append, snapshot)
                .execute(&mut **tx)
                .await
                .map_err(classify)?;
            if done.rows_affected() != 1 {
                return Err(CommitError::Conflict);
            }
        }
    }
    Ok(())
}

/// Stores the customers' new keys; one another writer stored meanwhile is a conflict.
async fn sqlite_store_keys(
    tx: &mut Transaction<'_, Sqlite>,
    keys: &[NewKey],
) -> Result<(), CommitError> {
    for new in keys {
        sqlx::query(SQLITE_INSERT_KEY)
            .bind(new.key.id.as_str())
            .bind(new.organization.as_str())
            .bind(new.address.as_str())
            .bind(new.key.secret())
            .execute(&mut **tx)
            .await
            .map_err(classify)?;
    }
    Ok(())
}

async fn sqlite_append(
    tx: &mut Transaction<'_, Sqlite>,
    appends: &[StreamAppend],
) -> Result<(), CommitError> {
    for append in appends {
        for event in &append.events {
            sqlx::query(SQLITE_INSERT_EVENT)
                .bind(event.aggregate_type.as_str())
                .bind(event.aggregate_id.as_str())
                .bind(int(event.sequence))
                .bind(event.event_type.as_str())
                .bind(event.event_version.as_str())
                .bind(event.payload.to_string())
                .bind(event.metadata.to_string())
                .execute(&mut **tx)
                .await
                .map_err(classify)?;
        }
        if let Some(snapshot) = &append.snapshot {
            let sql = if snapshot.current_snapshot == 1 {
                INSERT_SNAPSHOT
            } else {
                UPDATE_SNAPSHOT
            };
            let done = snapshot_query(sql, append, snapshot)
                .execute(&mut **tx)
                .await
                .map_err(classify)?;
            if done.rows_affected() != 1 {
                return Err(CommitError::Conflict);
            }
        }
    }
    Ok(())
}

/// Binds a snapshot insert (`$1..$5`) or update (`$1..$6`, `$6` the previous ordinal: cqrs-es'
/// optimistic check on snapshots).
fn snapshot_query<'q, DB>(
    sql: &'q str,
    append: &'q StreamAppend,
    snapshot: &'q SnapshotWrite,
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
where
    DB: sqlx::Database,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let query = sqlx::query(sql)
        .bind(append.aggregate_type.as_str())
        .bind(append.aggregate_id.as_str())
        .bind(int(snapshot.last_sequence))
        .bind(int(snapshot.current_snapshot))
        .bind(snapshot.payload.to_string());
    if snapshot.current_snapshot == 1 {
        query
    } else {
        query.bind(int(snapshot.current_snapshot - 1))
    }
}

#[cfg(test)]
#[path = "unit_of_work_tests.rs"]
mod tests;
