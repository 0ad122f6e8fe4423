//! The unit of work with every committed event counted by aggregate and event type.

use std::sync::Arc;

use async_trait::async_trait;
use switchboard_application::ports::{CommitError, StreamAppend, StreamGuard, UnitOfWork};

use super::Metrics;

/// Wraps a unit of work; after each successful commit it adds the events written to
/// `switchboard_events_appended_total`, as [`super::MeteredRepository`] does for single commits.
pub struct MeteredUnitOfWork {
    inner: Arc<dyn UnitOfWork>,
    metrics: Arc<Metrics>,
}

impl MeteredUnitOfWork {
    /// Meters `inner` into `metrics`.
    pub fn new(inner: Arc<dyn UnitOfWork>, metrics: Arc<Metrics>) -> Self {
        Self { inner, metrics }
    }
}

#[async_trait]
impl UnitOfWork for MeteredUnitOfWork {
    async fn commit(
        &self,
        appends: &[StreamAppend],
        guards: &[StreamGuard],
    ) -> Result<(), CommitError> {
        self.inner.commit(appends, guards).await?;
        for event in appends.iter().flat_map(|a| &a.events) {
            self.metrics
                .events_appended
                .with_label_values(&[event.aggregate_type.as_str(), event.event_type.as_str()])
                .inc();
        }
        Ok(())
    }
}
