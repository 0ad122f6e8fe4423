//! The audit log as auditors read it (`GET /v1/events`, `switchboard events export`): events as
//! stored, each with its chain hash once the projector has chained it.

use std::collections::HashMap;
use std::sync::Arc;

use sqlx::{AnyPool, Row};
use switchboard_application::ports::{GlobalLog, LogPosition, RecordedEvent, StoreError};

/// One event of the audit log.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEntry {
    /// The event as stored (payload not upcast).
    pub event: RecordedEvent,
    /// Its chain hash (see [`super::chain_hash`]); `None` until the projector chains it.
    pub hash: Option<String>,
}

/// Pairs `events` with their chain hashes, in one query.
///
/// # Errors
/// The database error.
pub async fn with_hashes(
    pool: &AnyPool,
    events: Vec<RecordedEvent>,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    // Positions are integers: inlining them is safe and keeps it one statement of any length.
    let list = events
        .iter()
        .map(|e| e.log_position.position.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let rows = sqlx::query(&format!(
        "SELECT position, hash FROM audit_chain WHERE position IN ({list})"
    ))
    .persistent(false)
    .fetch_all(pool)
    .await?;
    let mut hashes = rows
        .iter()
        .map(|row| Ok((row.try_get::<i64, _>("position")?, row.try_get("hash")?)))
        .collect::<Result<HashMap<i64, String>, sqlx::Error>>()?;
    Ok(events
        .into_iter()
        .map(|event| AuditEntry {
            hash: hashes.remove(&event.log_position.position),
            event,
        })
        .collect())
}

/// The audit log: the global log with chain hashes, for the API and exports.
#[derive(Clone)]
pub struct AuditLog {
    pool: AnyPool,
    log: Arc<dyn GlobalLog>,
}

impl AuditLog {
    /// Over the read-model pool (for the chain) and the global log.
    pub fn new(pool: AnyPool, log: Arc<dyn GlobalLog>) -> Self {
        Self { pool, log }
    }

    /// Where a reader asking for the events after global `position` starts: the start of the
    /// log for 0, else the event at `position`; `None` when no event has that position.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn start_after(&self, position: i64) -> Result<Option<LogPosition>, StoreError> {
        if position == 0 {
            return Ok(Some(LogPosition::START));
        }
        self.log.locate(position).await
    }

    /// The last event whose order is final (where an export taken now ends).
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn head(&self) -> Result<LogPosition, StoreError> {
        self.log.head().await
    }

    /// Up to `limit` events after `after`, in log order, with their hashes.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn read(
        &self,
        after: LogPosition,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let events = self.log.read_after(after, limit).await?;
        with_hashes(&self.pool, events)
            .await
            .map_err(StoreError::from_error)
    }

    /// Up to `limit` events of one stream after `after_sequence`, by sequence, with their
    /// hashes.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn stream(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
        after_sequence: i64,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let events = self
            .log
            .read_stream(aggregate_type, aggregate_id, after_sequence, limit)
            .await?;
        with_hashes(&self.pool, events)
            .await
            .map_err(StoreError::from_error)
    }
}
