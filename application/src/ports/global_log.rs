//! The global log port: every event of every aggregate in commit order, read from a checkpoint.
//! PostgreSQL orders by `(transaction_id, position)` and only hands out rows whose transaction is
//! below the oldest one still running, so a reader never skips a row that commits late; SQLite has
//! one writer, so its insertion order is commit order.

use std::time::Duration;

use async_trait::async_trait;
use serde_json::Value;
use tokio::sync::watch;

use super::StoreError;

/// A place in the global log. Ordered by transaction, then position; `LogPosition::START` is
/// before every event.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LogPosition {
    /// The writing transaction (PostgreSQL `xid8`; always 0 on SQLite).
    pub transaction_id: i64,
    /// The global position (`bigserial` on PostgreSQL, insertion order on SQLite).
    pub position: i64,
}

impl LogPosition {
    /// Before the first event.
    pub const START: LogPosition = LogPosition {
        transaction_id: 0,
        position: 0,
    };
}

/// One event as the global log holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedEvent {
    /// Where it stands in the log.
    pub log_position: LogPosition,
    /// `Organization`, `PhoneNumber` or `Message`.
    pub aggregate_type: String,
    /// The aggregate's id.
    pub aggregate_id: String,
    /// Its sequence within the aggregate, from 1.
    pub sequence: i64,
    /// e.g. `NumberProvisioned`.
    pub event_type: String,
    /// e.g. `1.0`.
    pub event_version: String,
    /// The serialized event, as cqrs-es wrote it (`{"EventType": {...}}`).
    pub payload: Value,
    /// Request context (request id, actor).
    pub metadata: Value,
    /// When it was recorded, milliseconds since the Unix epoch.
    pub recorded_at_ms: i64,
}

/// How far a reader is behind the log's final order: the events after its position and the
/// time the oldest of them was recorded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Backlog {
    /// Events after the position whose order is final, counted up to [`BACKLOG_COUNT_CAP`].
    pub events: u64,
    /// When the first of them was recorded, milliseconds since the Unix epoch; `None` when the
    /// reader is caught up.
    pub oldest_recorded_at_ms: Option<i64>,
}

/// The most events [`GlobalLog::backlog`] counts (a scrape must stay cheap on a long backlog).
pub const BACKLOG_COUNT_CAP: u64 = 1_000_000;

/// Reads the global log.
#[async_trait]
pub trait GlobalLog: Send + Sync {
    /// Up to `limit` events after `after`, in log order, only those whose order is final.
    async fn read_after(
        &self,
        after: LogPosition,
        limit: u32,
    ) -> Result<Vec<RecordedEvent>, StoreError>;

    /// Up to `limit` events of one stream (`aggregate_type`, `aggregate_id`) with a sequence
    /// above `after_sequence`, by sequence: its whole committed history, whether or not the
    /// global order is final yet.
    async fn read_stream(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
        after_sequence: i64,
        limit: u32,
    ) -> Result<Vec<RecordedEvent>, StoreError>;

    /// The log position of an aggregate's latest event, if it has any.
    async fn last_position_of(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
    ) -> Result<Option<LogPosition>, StoreError>;

    /// The position of the last event whose order is final (`LogPosition::START` on an empty
    /// log): where a reader that wants only what comes next starts.
    async fn head(&self) -> Result<LogPosition, StoreError>;

    /// The log position of the event at global `position` (what an SSE client's
    /// `Last-Event-ID` names), if there is one.
    async fn locate(&self, position: i64) -> Result<Option<LogPosition>, StoreError>;

    /// The events after `after` whose order is final (what a reader at `after` has still to
    /// apply), for lag metrics and readiness.
    async fn backlog(&self, after: LogPosition) -> Result<Backlog, StoreError>;

    /// A counter that moves whenever events may have been appended: by this process (see
    /// [`GlobalLog::notify_append`]) or, on PostgreSQL, by another (`LISTEN switchboard_events`).
    /// A reader marks it seen (`borrow_and_update`) before it reads the log and then waits with
    /// [`wait_for_append`], so an append that commits between its read and its wait still wakes
    /// it.
    fn appends(&self) -> watch::Receiver<u64>;

    /// Tells this process's readers, and on PostgreSQL every other process, that events were
    /// appended. Called after each commit; notifications to other processes are coalesced (at
    /// most one `NOTIFY` in flight per process), never sent from inside the writing transaction.
    fn notify_append(&self);

    /// `events` (as this log handed them out) with the personal fields the event store keeps
    /// sealed with per-customer keys opened; `None` when none of them holds sealed fields (the
    /// events read as they are). A customer's erased fields stay blank: empty text, empty list
    /// or null, never an error. What the read models use; the audit chain reads events as
    /// stored. By default nothing is sealed.
    ///
    /// # Errors
    /// [`StoreError`] when the keys cannot be read.
    async fn opened(
        &self,
        events: &[RecordedEvent],
    ) -> Result<Option<Vec<RecordedEvent>>, StoreError> {
        let _ = events;
        Ok(None)
    }
}

/// Returns when `appends` moved since it was last marked seen, or after `timeout`.
pub async fn wait_for_append(appends: &mut watch::Receiver<u64>, timeout: Duration) {
    let _ = tokio::time::timeout(timeout, appends.changed()).await;
}
