//! The unit of work: the events of several streams appended in one transaction, each stream
//! guarded by the sequence it was read at, so a use case's facts become durable together or
//! not at all.

use async_trait::async_trait;
use cqrs_es::persist::SerializedEvent;
use serde_json::Value;

use super::StoreError;

/// One stream's part of a unit: its new events, serialized as cqrs-es serializes them
/// (`SerializedEvent` from `EventEnvelope`, sequences following the stream's last one without a
/// gap), and the snapshot due with them.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamAppend {
    /// `Aggregate::TYPE`.
    pub aggregate_type: String,
    /// The stream's id.
    pub aggregate_id: String,
    /// The new events, in order; the first one's sequence is the stream's read sequence + 1.
    pub events: Vec<SerializedEvent>,
    /// The snapshot to write in the same transaction, when one is due.
    pub snapshot: Option<SnapshotWrite>,
}

/// A snapshot row (`snapshots` table of cqrs-es' stores): the aggregate after the unit's events.
#[derive(Clone, Debug, PartialEq)]
pub struct SnapshotWrite {
    /// The aggregate, serialized with serde as cqrs-es does.
    pub payload: Value,
    /// The sequence of the last event the snapshot includes.
    pub last_sequence: usize,
    /// The snapshot's ordinal (1 for the stream's first; an update expects the previous one).
    pub current_snapshot: usize,
}

/// A stream the unit read without appending to it (e.g. a number's owner from memory): the
/// commit fails with [`CommitError::Conflict`] unless the stream's last sequence is still this.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamGuard {
    /// `Aggregate::TYPE`.
    pub aggregate_type: String,
    /// The stream's id.
    pub aggregate_id: String,
    /// The sequence the unit read (0 for a stream without events).
    pub sequence: usize,
}

/// Why a unit was not committed. Either way nothing of it was written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CommitError {
    /// A stream moved since it was read (another writer appended first, or a guard failed):
    /// reload and run the unit again.
    #[error("a stream of the unit changed since it was read")]
    Conflict,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Commits units of work on the event store's `events` and `snapshots` tables.
#[async_trait]
pub trait UnitOfWork: Send + Sync {
    /// Checks every guard and appends every stream's events (and writes its snapshot) in one
    /// transaction. A duplicate `(aggregate_type, aggregate_id, sequence)` or a failed guard
    /// rolls the whole unit back.
    ///
    /// # Errors
    /// [`CommitError::Conflict`] or [`CommitError::Store`].
    async fn commit(
        &self,
        appends: &[StreamAppend],
        guards: &[StreamGuard],
    ) -> Result<(), CommitError>;
}
