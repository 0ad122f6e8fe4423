//! Hot aggregates read from memory: a number's owner and an organization's settings and plan,
//! as last loaded with the sequence they were loaded at. A unit that uses a cached state guards
//! that stream's sequence at commit, so a release or a settings change committed before the
//! message is never missed: the commit conflicts, the entry is dropped and the unit runs again
//! on a fresh load. [`Switchboard::follow_log`] drops entries as the global log shows their
//! streams move, so a change usually costs no conflict at all.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use cqrs_es::persist::{PersistedEventRepository, PersistedEventStore};
use cqrs_es::Aggregate;
use switchboard_domain::organization::Organization;
use switchboard_domain::phone_number::PhoneNumber;
use switchboard_domain::quota::Quota;
use tokio::sync::watch;

use crate::ports::{wait_for_append, LogPosition, StoreError, StreamGuard};
use crate::unit::{Pending, Unit};
use crate::{AppError, Switchboard};

/// The most entries one cache keeps (it is emptied when full: entries are cheap to reload).
const CAPACITY: usize = 100_000;

/// Events read from the log per batch by [`Switchboard::follow_log`].
const LOG_BATCH: u32 = 500;

/// States of one aggregate type by stream id, each with the sequence it was loaded at.
pub(crate) struct Cached<A> {
    entries: Mutex<HashMap<String, (A, usize)>>,
}

impl<A> Default for Cached<A> {
    fn default() -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<A: Clone> Cached<A> {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, (A, usize)>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, id: &str) -> Option<(A, usize)> {
        self.entries().get(id).cloned()
    }

    fn put(&self, id: &str, state: A, sequence: usize) {
        let mut entries = self.entries();
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(id.to_string(), (state, sequence));
    }

    /// Forgets stream `id`.
    pub(crate) fn forget(&self, id: &str) {
        self.entries().remove(id);
    }
}

/// The cached aggregates.
#[derive(Default)]
pub(crate) struct ReadCache {
    pub(crate) numbers: Cached<PhoneNumber>,
    pub(crate) organizations: Cached<Organization>,
}

impl ReadCache {
    /// Forgets every stream `unit` guards (after a conflict, one of them may have moved).
    pub(crate) fn forget_guarded(&self, guards: &[StreamGuard]) {
        for guard in guards {
            self.forget(&guard.aggregate_type, &guard.aggregate_id);
        }
    }

    fn forget(&self, aggregate_type: &str, id: &str) {
        if aggregate_type == PhoneNumber::TYPE {
            self.numbers.forget(id);
        } else if aggregate_type == Organization::TYPE {
            self.organizations.forget(id);
        }
    }
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Stream `id` of `store` from `cache` (loading it on a miss), and a guard in `unit` that
    /// it is still at the sequence read when the unit commits.
    pub(crate) async fn cached<A>(
        &self,
        cache: &Cached<A>,
        store: &PersistedEventStore<R, A>,
        id: &str,
        unit: &mut Unit,
    ) -> Result<A, AppError>
    where
        A: Aggregate<Services = ()> + Clone,
        A::Error: Into<AppError>,
    {
        let (state, sequence) = match cache.get(id) {
            Some(hit) => hit,
            None => {
                let pending = Pending::load(store, id, None).await?;
                let (sequence, state) = (pending.sequence(), pending.state().clone());
                cache.put(id, state.clone(), sequence);
                (state, sequence)
            }
        };
        unit.guard::<A>(id, sequence);
        Ok(state)
    }

    /// Follows the global log from its head until `shutdown` turns true, dropping the cached
    /// state of every stream an event moves (so the next message loads it afresh), and every
    /// cached quota stream an event moves past.
    ///
    /// # Errors
    /// Never returns an error: a failed read is logged and retried after a pause.
    pub async fn follow_log(&self, mut shutdown: watch::Receiver<bool>) {
        let mut position = loop {
            match self.log.head().await {
                Ok(head) => break head,
                Err(error) => {
                    tracing::warn!(%error, "read cache cannot read the log head");
                    if pause(&mut shutdown, Duration::from_secs(1)).await {
                        return;
                    }
                }
            }
        };
        let mut appends = self.log.appends();
        while !*shutdown.borrow() {
            appends.borrow_and_update();
            match self.forget_moved(position).await {
                Ok(Some(next)) => position = next,
                Ok(None) => {
                    tokio::select! {
                        _ = wait_for_append(&mut appends, Duration::from_millis(500)) => {}
                        _ = shutdown.changed() => {}
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "read cache cannot read the log");
                    if pause(&mut shutdown, Duration::from_secs(1)).await {
                        return;
                    }
                }
            }
        }
    }

    /// Forgets the streams of the events after `after`; the position reached, if any.
    async fn forget_moved(&self, after: LogPosition) -> Result<Option<LogPosition>, StoreError> {
        let events = self.log.read_after(after, LOG_BATCH).await?;
        for event in &events {
            self.cache
                .forget(&event.aggregate_type, &event.aggregate_id);
            if event.aggregate_type == Quota::TYPE {
                let sequence = usize::try_from(event.sequence).unwrap_or(usize::MAX);
                self.batches
                    .quotas
                    .forget_behind(&event.aggregate_id, sequence);
            }
        }
        Ok(events.last().map(|e| e.log_position))
    }
}

/// Waits `delay` or until shutdown; `true` when shutting down.
async fn pause(shutdown: &mut watch::Receiver<bool>, delay: Duration) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(delay) => *shutdown.borrow(),
        _ = shutdown.changed() => true,
    }
}
