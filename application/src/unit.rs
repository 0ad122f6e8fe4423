//! Units of work in the application: streams loaded with the cqrs-es stores (snapshot-aware,
//! upcasters applied), commands handled on copies of their aggregates, and every stream's new
//! events committed at once through the [`UnitOfWork`] port, re-run whole on a conflict.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use cqrs_es::event_sink::EventSink;
use cqrs_es::persist::{
    EventStoreAggregateContext, PersistedEventRepository, PersistedEventStore, SerializedEvent,
};
use cqrs_es::{Aggregate, EventEnvelope, EventStore};

use crate::execute::MAX_ATTEMPTS;
use crate::ports::{CommitError, SnapshotWrite, StreamAppend, StreamGuard, UnitOfWork};
use crate::{AppError, Switchboard};

/// One stream inside a unit: as loaded, as it is after the commands handled so far, and the
/// events those commands produced.
pub(crate) struct Pending<A: Aggregate> {
    context: EventStoreAggregateContext<A>,
    state: A,
    /// Each event, with its own request's metadata when it differs from the unit's.
    events: Vec<(A::Event, Option<Metadata>)>,
    snapshot_every: Option<usize>,
}

type Metadata = HashMap<String, String>;

impl<A> Pending<A>
where
    A: Aggregate<Services = ()> + Clone,
    A::Error: Into<AppError>,
{
    /// Loads stream `id` of `store`; `snapshot_every` is the store's snapshot interval (`None`
    /// for a store without snapshots).
    pub(crate) async fn load<R: PersistedEventRepository>(
        store: &PersistedEventStore<R, A>,
        id: &str,
        snapshot_every: Option<usize>,
    ) -> Result<Self, AppError> {
        let context = store
            .load_aggregate(id)
            .await
            .map_err(|e| AppError::from_aggregate(e, A::TYPE))?;
        Ok(Self {
            state: context.aggregate.clone(),
            context,
            events: Vec::new(),
            snapshot_every,
        })
    }

    /// The aggregate after the commands handled so far.
    pub(crate) fn state(&self) -> &A {
        &self.state
    }

    /// Handles `command` on the current state; on a refusal nothing changes.
    pub(crate) async fn handle(&mut self, command: A::Command) -> Result<(), A::Error> {
        self.handle_as(command, None).await
    }

    /// Handles `command` for a request of its own (`metadata` recorded on its events).
    pub(crate) async fn handle_as(
        &mut self,
        command: A::Command,
        metadata: Option<&Metadata>,
    ) -> Result<(), A::Error> {
        let mut next = self.state.clone();
        let sink = EventSink::default();
        next.handle(command, &(), &sink).await?;
        let events = sink.collect().await.into_iter();
        self.events
            .extend(events.map(|event| (event, metadata.cloned())));
        self.state = next;
        Ok(())
    }

    /// The stream's sequence after the loaded events (before the pending ones).
    pub(crate) fn sequence(&self) -> usize {
        self.context.current_sequence
    }

    /// A copy to go back to if what follows is abandoned.
    pub(crate) fn fork(&self) -> Self {
        Self {
            context: EventStoreAggregateContext {
                aggregate_id: self.context.aggregate_id.clone(),
                aggregate: self.context.aggregate.clone(),
                current_sequence: self.context.current_sequence,
                current_snapshot: self.context.current_snapshot,
            },
            state: self.state.clone(),
            events: self.events.clone(),
            snapshot_every: self.snapshot_every,
        }
    }

    /// A stream known to have no events yet (nothing is read): the unit's commit inserts at
    /// sequence 1, so if the stream exists after all the commit conflicts and the unit runs
    /// again on a real load.
    pub(crate) fn assumed_new(id: &str, snapshot_every: Option<usize>) -> Self {
        Self {
            context: EventStoreAggregateContext {
                aggregate_id: id.to_string(),
                aggregate: A::default(),
                current_sequence: 0,
                current_snapshot: None,
            },
            state: A::default(),
            events: Vec::new(),
            snapshot_every,
        }
    }

    /// The stream as a load would find it once the pending events are committed (sequence and
    /// snapshot ordinal moved on), without the round trip.
    pub(crate) fn committed(&self) -> Self {
        let last = self.context.current_sequence + self.events.len();
        let current_snapshot = match self.snapshot_due() {
            true => Some(self.context.current_snapshot.map_or(1, |n| n + 1)),
            false => self.context.current_snapshot,
        };
        Self {
            context: EventStoreAggregateContext {
                aggregate_id: self.context.aggregate_id.clone(),
                aggregate: self.state.clone(),
                current_sequence: last,
                current_snapshot,
            },
            state: self.state.clone(),
            events: Vec::new(),
            snapshot_every: self.snapshot_every,
        }
    }

    /// Whether the pending events cross a multiple of the snapshot interval.
    fn snapshot_due(&self) -> bool {
        let loaded = self.context.current_sequence;
        let last = loaded + self.events.len();
        matches!(self.snapshot_every, Some(every) if every > 0 && last / every > loaded / every)
    }

    /// The stream's new events as cqrs-es serializes them (sequences after the loaded one), and
    /// its snapshot when the events cross a multiple of the interval (the aggregate after all
    /// of them, so a load reads the snapshot and only later events).
    pub(crate) fn into_append(
        self,
        metadata: &Metadata,
    ) -> Result<(A, Option<StreamAppend>), AppError> {
        if self.events.is_empty() {
            return Ok((self.state, None));
        }
        let loaded = self.context.current_sequence;
        let last = loaded + self.events.len();
        let snapshot_due = self.snapshot_due();
        let mut events = Vec::with_capacity(self.events.len());
        for ((payload, own), sequence) in self.events.into_iter().zip(loaded + 1..) {
            let envelope = EventEnvelope::<A> {
                aggregate_id: self.context.aggregate_id.clone(),
                sequence,
                payload,
                metadata: own.unwrap_or_else(|| metadata.clone()),
            };
            events.push(SerializedEvent::try_from(&envelope).map_err(store_error)?);
        }
        let snapshot = match snapshot_due {
            true => Some(SnapshotWrite {
                payload: serde_json::to_value(&self.state).map_err(store_error)?,
                last_sequence: last,
                current_snapshot: self.context.current_snapshot.map_or(1, |n| n + 1),
            }),
            false => None,
        };
        let append = StreamAppend {
            aggregate_type: A::TYPE.to_string(),
            aggregate_id: self.context.aggregate_id,
            events,
            snapshot,
        };
        Ok((self.state, Some(append)))
    }
}

#[cfg(test)]
impl<A> Pending<A>
where
    A: Aggregate<Services = ()> + Clone,
    A::Error: Into<AppError>,
{
    /// A stream at `sequence` in its default state.
    pub(crate) fn at_sequence(id: &str, sequence: usize) -> Self {
        let mut pending = Self::assumed_new(id, None);
        pending.context.current_sequence = sequence;
        pending
    }
}

fn store_error(error: impl std::fmt::Display) -> AppError {
    AppError::Store(crate::ports::StoreError::from_error(error))
}

/// What one attempt of a unit writes: stream appends and guards.
#[derive(Default)]
pub(crate) struct Unit {
    pub(crate) appends: Vec<StreamAppend>,
    pub(crate) guards: Vec<StreamGuard>,
}

impl Unit {
    /// Adds `pending`'s events (if any) and returns the aggregate after them.
    pub(crate) fn add<A>(&mut self, pending: Pending<A>, metadata: &Metadata) -> Result<A, AppError>
    where
        A: Aggregate<Services = ()> + Clone,
        A::Error: Into<AppError>,
    {
        let (state, append) = pending.into_append(metadata)?;
        self.appends.extend(append);
        Ok(state)
    }

    /// Requires stream `id` of `A` to still be at `sequence` when the unit commits.
    pub(crate) fn guard<A: Aggregate>(&mut self, id: &str, sequence: usize) {
        self.guards.push(StreamGuard {
            aggregate_type: A::TYPE.to_string(),
            aggregate_id: id.to_string(),
            sequence,
        });
    }

    /// The streams the unit appends to, as `(aggregate_type, aggregate_id)`.
    pub(crate) fn streams(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.appends
            .iter()
            .map(|a| (a.aggregate_type.clone(), a.aggregate_id.clone()))
    }

    /// Adds `other`'s appends and guards to this unit.
    pub(crate) fn merge(&mut self, other: Unit) {
        self.appends.extend(other.appends);
        self.guards.extend(other.guards);
    }

    /// Whether the unit writes nothing.
    pub(crate) fn is_empty(&self) -> bool {
        self.appends.is_empty()
    }
}

/// One attempt's result: done with a value, or a conflict to re-run the unit for.
pub(crate) enum Attempt<T> {
    /// Committed (or nothing to commit).
    Done(T),
    /// A stream moved: reload and re-run.
    Conflict,
}

/// Re-runs `attempt` after each conflict, up to [`MAX_ATTEMPTS`] times with a short, growing,
/// jittered pause; `what` names the contended stream in [`AppError::Contention`].
pub(crate) async fn retrying<T, F, Fut>(what: &str, mut attempt: F) -> Result<T, AppError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Attempt<T>, AppError>>,
{
    for round in 1..=MAX_ATTEMPTS {
        if let Attempt::Done(value) = attempt().await? {
            return Ok(value);
        }
        let jitter = u64::from(uuid::Uuid::new_v4().as_bytes()[0] % 8);
        tokio::time::sleep(Duration::from_millis(u64::from(round) * 2 + jitter)).await;
    }
    Err(AppError::Contention(what.to_string()))
}

/// Commits `unit` through `port`: `Ok(true)` when written, `Ok(false)` on a conflict.
pub(crate) async fn commit(port: &dyn UnitOfWork, unit: &Unit) -> Result<bool, AppError> {
    match port.commit(&unit.appends, &unit.guards).await {
        Ok(()) => Ok(true),
        Err(CommitError::Conflict) => Ok(false),
        Err(CommitError::Store(error)) => Err(AppError::Store(error)),
    }
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Runs `command` on stream `id` of `store` (a store without snapshots) as a unit of its
    /// own, re-run on a conflict; the aggregate after it.
    pub(crate) async fn commit_one<A>(
        &self,
        store: &PersistedEventStore<R, A>,
        id: &str,
        command: A::Command,
        metadata: &Metadata,
    ) -> Result<A, AppError>
    where
        A: Aggregate<Services = ()> + Clone,
        A::Command: Clone,
        A::Error: Into<AppError>,
    {
        retrying(A::TYPE, || async {
            let mut pending = Pending::load(store, id, None).await?;
            pending.handle(command.clone()).await.map_err(Into::into)?;
            let mut unit = Unit::default();
            let state = unit.add(pending, metadata)?;
            Ok(match self.commit_unit(&unit).await? {
                true => Attempt::Done(state),
                false => Attempt::Conflict,
            })
        })
        .await
    }

    /// Commits `unit` and wakes in-process projectors when it wrote something.
    pub(crate) async fn commit_unit(&self, unit: &Unit) -> Result<bool, AppError> {
        if unit.is_empty() {
            return Ok(true);
        }
        let written = commit(self.unit_of_work.as_ref(), unit).await?;
        if written {
            self.log.notify_append();
        }
        Ok(written)
    }
}

#[cfg(test)]
#[path = "unit_tests.rs"]
mod tests;
