use async_trait::async_trait;
use sqlx::{AnyPool, Row};
use switchboard_application::ports::{
    Backlog, GlobalLog, LogPosition, RecordedEvent, StoreError, BACKLOG_COUNT_CAP,
};
use tokio::sync::watch;

use super::append_signal::AppendSignal;
use super::{Backend, Database};
use crate::privacy::CustomerKeys;

const POSTGRES_READ_AFTER: &str = "
SELECT transaction_id::text::bigint AS transaction_id, position, aggregate_type, aggregate_id,
       sequence, event_type, event_version, payload::text AS payload, metadata::text AS metadata,
       (extract(epoch FROM recorded_at) * 1000)::bigint AS recorded_at_ms
  FROM events
 WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
   AND (transaction_id, position) > ($1::bigint::text::xid8, $2)
 ORDER BY events.transaction_id, events.position
 LIMIT $3";

const SQLITE_READ_AFTER: &str = "
SELECT transaction_id, position, aggregate_type, aggregate_id, sequence, event_type,
       event_version, payload, metadata, recorded_at AS recorded_at_ms
  FROM events
 WHERE position > $1
 ORDER BY position
 LIMIT $2";

const POSTGRES_READ_STREAM: &str = "
SELECT transaction_id::text::bigint AS transaction_id, position, aggregate_type, aggregate_id,
       sequence, event_type, event_version, payload::text AS payload, metadata::text AS metadata,
       (extract(epoch FROM recorded_at) * 1000)::bigint AS recorded_at_ms
  FROM events
 WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence > $3
 ORDER BY sequence
 LIMIT $4";

const SQLITE_READ_STREAM: &str = "
SELECT transaction_id, position, aggregate_type, aggregate_id, sequence, event_type,
       event_version, payload, metadata, recorded_at AS recorded_at_ms
  FROM events
 WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence > $3
 ORDER BY sequence
 LIMIT $4";

const POSTGRES_HEAD: &str = "
SELECT transaction_id::text::bigint AS transaction_id, position FROM events
 WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
 ORDER BY events.transaction_id DESC, events.position DESC LIMIT 1";

const SQLITE_HEAD: &str =
    "SELECT transaction_id, position FROM events ORDER BY position DESC LIMIT 1";

const POSTGRES_LOCATE: &str = "
SELECT transaction_id::text::bigint AS transaction_id, position FROM events WHERE position = $1";

const SQLITE_LOCATE: &str = "SELECT transaction_id, position FROM events WHERE position = $1";

const POSTGRES_BACKLOG: &str = "
SELECT (SELECT count(*) FROM (
          SELECT 1 FROM events
           WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
             AND (transaction_id, position) > ($1::bigint::text::xid8, $2)
           LIMIT $3) AS pending)::bigint AS events,
       (SELECT (extract(epoch FROM recorded_at) * 1000)::bigint FROM events
         WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
           AND (transaction_id, position) > ($1::bigint::text::xid8, $2)
         ORDER BY transaction_id, position LIMIT 1) AS oldest_recorded_at_ms";

const SQLITE_BACKLOG: &str = "
SELECT (SELECT count(*) FROM (SELECT 1 FROM events WHERE position > $1 LIMIT $2)) AS events,
       (SELECT recorded_at FROM events WHERE position > $1 ORDER BY position LIMIT 1)
           AS oldest_recorded_at_ms";

const POSTGRES_LAST_POSITION: &str = "
SELECT transaction_id::text::bigint AS transaction_id, position
  FROM events WHERE aggregate_type = $1 AND aggregate_id = $2
 ORDER BY sequence DESC LIMIT 1";

const SQLITE_LAST_POSITION: &str = "
SELECT transaction_id, position
  FROM events WHERE aggregate_type = $1 AND aggregate_id = $2
 ORDER BY sequence DESC LIMIT 1";

// The ORDER BY clauses name `events.transaction_id`: unqualified, PostgreSQL would sort by the
// output column of that name (the `bigint` cast), which no index holds, and sort every remaining
// row of the log for each batch.

/// The global log over the `events` table (see `migrations/`). On PostgreSQL it reads only rows
/// whose transaction id is below `pg_snapshot_xmin(pg_current_snapshot())`, ordered by
/// `(transaction_id, position)`, and wakes on `LISTEN switchboard_events`; on SQLite it reads in
/// `position` order. It hands events out as stored; [`GlobalLog::opened`] opens their sealed
/// personal fields with the database's customer keys.
#[derive(Clone)]
pub struct SqlGlobalLog {
    pool: AnyPool,
    backend: Backend,
    signal: AppendSignal,
    keys: CustomerKeys,
}

impl SqlGlobalLog {
    /// A reader on `database`. On PostgreSQL this also starts the tasks that listen for other
    /// processes' `switchboard_events` notifications and send this process's own (see
    /// [`AppendSignal`]), for as long as the pool is open.
    pub fn new(database: &Database) -> Self {
        let signal = match database.postgres() {
            Some(pool) => AppendSignal::postgres(pool),
            None => AppendSignal::local(),
        };
        Self {
            pool: database.any().clone(),
            backend: database.backend(),
            signal,
            keys: database.customer_keys().clone(),
        }
    }
}

fn position_of(row: &sqlx::any::AnyRow) -> Result<LogPosition, StoreError> {
    Ok(LogPosition {
        transaction_id: row
            .try_get("transaction_id")
            .map_err(StoreError::from_error)?,
        position: row.try_get("position").map_err(StoreError::from_error)?,
    })
}

fn decode(row: &sqlx::any::AnyRow) -> Result<RecordedEvent, StoreError> {
    let text = |name: &str| {
        row.try_get::<String, _>(name)
            .map_err(StoreError::from_error)
    };
    let int = |name: &str| row.try_get::<i64, _>(name).map_err(StoreError::from_error);
    let json = |name: &str| {
        text(name).and_then(|t| serde_json::from_str(&t).map_err(StoreError::from_error))
    };
    Ok(RecordedEvent {
        log_position: LogPosition {
            transaction_id: int("transaction_id")?,
            position: int("position")?,
        },
        aggregate_type: text("aggregate_type")?,
        aggregate_id: text("aggregate_id")?,
        sequence: int("sequence")?,
        event_type: text("event_type")?,
        event_version: text("event_version")?,
        payload: json("payload")?,
        metadata: json("metadata")?,
        recorded_at_ms: int("recorded_at_ms")?,
    })
}

#[async_trait]
impl GlobalLog for SqlGlobalLog {
    async fn read_after(
        &self,
        after: LogPosition,
        limit: u32,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let rows = match self.backend {
            Backend::Postgres => {
                sqlx::query(POSTGRES_READ_AFTER)
                    .bind(after.transaction_id)
                    .bind(after.position)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
            }
            Backend::Sqlite => {
                sqlx::query(SQLITE_READ_AFTER)
                    .bind(after.position)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
            }
        }
        .map_err(StoreError::from_error)?;
        rows.iter().map(decode).collect()
    }

    async fn read_stream(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
        after_sequence: i64,
        limit: u32,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let sql = match self.backend {
            Backend::Postgres => POSTGRES_READ_STREAM,
            Backend::Sqlite => SQLITE_READ_STREAM,
        };
        let rows = sqlx::query(sql)
            .bind(aggregate_type)
            .bind(aggregate_id)
            .bind(after_sequence)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::from_error)?;
        rows.iter().map(decode).collect()
    }

    async fn last_position_of(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
    ) -> Result<Option<LogPosition>, StoreError> {
        let sql = match self.backend {
            Backend::Postgres => POSTGRES_LAST_POSITION,
            Backend::Sqlite => SQLITE_LAST_POSITION,
        };
        let row = sqlx::query(sql)
            .bind(aggregate_type)
            .bind(aggregate_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::from_error)?;
        row.map(|row| {
            Ok(LogPosition {
                transaction_id: row
                    .try_get("transaction_id")
                    .map_err(StoreError::from_error)?,
                position: row.try_get("position").map_err(StoreError::from_error)?,
            })
        })
        .transpose()
    }

    async fn head(&self) -> Result<LogPosition, StoreError> {
        let sql = match self.backend {
            Backend::Postgres => POSTGRES_HEAD,
            Backend::Sqlite => SQLITE_HEAD,
        };
        let row = sqlx::query(sql)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::from_error)?;
        Ok(row
            .as_ref()
            .map(position_of)
            .transpose()?
            .unwrap_or(LogPosition::START))
    }

    async fn locate(&self, position: i64) -> Result<Option<LogPosition>, StoreError> {
        let sql = match self.backend {
            Backend::Postgres => POSTGRES_LOCATE,
            Backend::Sqlite => SQLITE_LOCATE,
        };
        let row = sqlx::query(sql)
            .bind(position)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::from_error)?;
        row.as_ref().map(position_of).transpose()
    }

    async fn backlog(&self, after: LogPosition) -> Result<Backlog, StoreError> {
        let cap = i64::try_from(BACKLOG_COUNT_CAP).unwrap_or(i64::MAX);
        let row = match self.backend {
            Backend::Postgres => {
                sqlx::query(POSTGRES_BACKLOG)
                    .bind(after.transaction_id)
                    .bind(after.position)
                    .bind(cap)
                    .fetch_one(&self.pool)
                    .await
            }
            Backend::Sqlite => {
                sqlx::query(SQLITE_BACKLOG)
                    .bind(after.position)
                    .bind(cap)
                    .fetch_one(&self.pool)
                    .await
            }
        }
        .map_err(StoreError::from_error)?;
        let events: i64 = row.try_get("events").map_err(StoreError::from_error)?;
        Ok(Backlog {
            events: u64::try_from(events).unwrap_or(0),
            oldest_recorded_at_ms: row
                .try_get("oldest_recorded_at_ms")
                .map_err(StoreError::from_error)?,
        })
    }

    fn appends(&self) -> watch::Receiver<u64> {
        self.signal.subscribe()
    }

    fn notify_append(&self) {
        self.signal.appended();
    }

    async fn opened(
        &self,
        events: &[RecordedEvent],
    ) -> Result<Option<Vec<RecordedEvent>>, StoreError> {
        self.keys.open_recorded(events).await
    }
}
