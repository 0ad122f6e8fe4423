//! The event repository with every committed event counted by aggregate and event type.

use std::sync::Arc;

use cqrs_es::persist::{
    PersistedEventRepository, PersistenceError, ReplayStream, SerializedEvent, SerializedSnapshot,
};
use cqrs_es::Aggregate;
use serde_json::Value;
use switchboard_adapters::event_store::EventRepository;

use super::Metrics;

/// Wraps the event repository; after each successful `persist` it adds the events written to
/// `switchboard_events_appended_total`. Cheap to clone.
#[derive(Clone)]
pub struct MeteredRepository {
    inner: EventRepository,
    metrics: Arc<Metrics>,
}

impl MeteredRepository {
    /// Meters `inner` into `metrics`.
    pub fn new(inner: EventRepository, metrics: Arc<Metrics>) -> Self {
        Self { inner, metrics }
    }
}

impl PersistedEventRepository for MeteredRepository {
    async fn get_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        self.inner.get_events::<A>(aggregate_id).await
    }

    async fn get_last_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
        last_sequence: usize,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        self.inner
            .get_last_events::<A>(aggregate_id, last_sequence)
            .await
    }

    async fn get_snapshot<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Option<SerializedSnapshot>, PersistenceError> {
        self.inner.get_snapshot::<A>(aggregate_id).await
    }

    async fn persist<A: Aggregate>(
        &self,
        events: &[SerializedEvent],
        snapshot_update: Option<(String, Value, usize)>,
    ) -> Result<(), PersistenceError> {
        self.inner.persist::<A>(events, snapshot_update).await?;
        for event in events {
            self.metrics
                .events_appended
                .with_label_values(&[event.aggregate_type.as_str(), event.event_type.as_str()])
                .inc();
        }
        Ok(())
    }

    async fn stream_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<ReplayStream, PersistenceError> {
        self.inner.stream_events::<A>(aggregate_id).await
    }

    async fn stream_all_events<A: Aggregate>(&self) -> Result<ReplayStream, PersistenceError> {
        self.inner.stream_all_events::<A>().await
    }
}
