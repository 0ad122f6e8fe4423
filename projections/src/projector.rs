use std::sync::Arc;
use std::time::Duration;

use sqlx::{Acquire, AnyPool};
use switchboard_application::ports::{GlobalLog, LogPosition, StoreError};
use tokio::sync::watch;

use crate::delivery::DeliveryFanout;
use crate::{
    checkpoint, CallsView, MessagesView, OrganizationsView, Projection, ProvisioningRequests,
    RoutingTable,
};

/// Events read from the log per transaction.
const BATCH: u32 = 500;

/// The projector failed.
#[derive(Debug, thiserror::Error)]
pub enum ProjectorError {
    /// A read-model statement failed.
    #[error("read model update failed: {0}")]
    Database(#[from] sqlx::Error),
    /// The global log could not be read.
    #[error(transparent)]
    Log(#[from] StoreError),
}

/// One projection's distance behind the global log.
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectionLag {
    /// The projection's name, e.g. `routing_table`.
    pub projection: &'static str,
    /// Events whose order is final that it has not applied yet.
    pub events: u64,
    /// Age of the oldest of them, in seconds (0 when caught up).
    pub seconds: f64,
}

/// Tails the global log and applies each event to every projection, checkpointed per projection.
#[derive(Clone)]
pub struct Projector {
    pool: AnyPool,
    log: Arc<dyn GlobalLog>,
    projections: Vec<Arc<dyn Projection>>,
}

impl Projector {
    /// A projector for Switchboard's read models (routing table, organizations, messages, calls,
    /// provisioning requests).
    pub fn new(pool: AnyPool, log: Arc<dyn GlobalLog>) -> Self {
        Self {
            pool,
            log,
            projections: vec![
                Arc::new(RoutingTable),
                Arc::new(OrganizationsView),
                Arc::new(MessagesView),
                Arc::new(CallsView),
                Arc::new(ProvisioningRequests::projection()),
                Arc::new(DeliveryFanout),
            ],
        }
    }

    /// The global log it reads.
    pub fn log(&self) -> &Arc<dyn GlobalLog> {
        &self.log
    }

    /// The read-model pool.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Applies everything the log holds now to every projection; returns how many events were
    /// applied in all.
    ///
    /// # Errors
    /// [`ProjectorError`]; the failed batch is rolled back and retried on the next call.
    pub async fn catch_up(&self) -> Result<u64, ProjectorError> {
        self.catch_up_reporting(&mut |_, _| {}).await
    }

    /// [`Self::catch_up`], calling `progress(projection, applied)` after each batch with the
    /// projection being brought up to date and the events applied so far in all.
    async fn catch_up_reporting(
        &self,
        progress: &mut (dyn FnMut(&'static str, u64) + Send),
    ) -> Result<u64, ProjectorError> {
        let mut applied = 0;
        for projection in &self.projections {
            checkpoint::ensure(&self.pool, projection.name()).await?;
            loop {
                let n = self.apply_batch(projection.as_ref()).await?;
                applied += n;
                progress(projection.name(), applied);
                if n < u64::from(BATCH) {
                    break;
                }
            }
        }
        Ok(applied)
    }

    async fn apply_batch(&self, projection: &dyn Projection) -> Result<u64, ProjectorError> {
        let from = checkpoint::read(&self.pool, projection.name()).await?;
        let events = self.log.read_after(from, BATCH).await?;
        let Some(last) = events.last() else {
            return Ok(0);
        };
        let mut conn = self.pool.acquire().await?;
        let mut tx = conn.begin().await?;
        if !checkpoint::advance(&mut tx, projection.name(), from, last.log_position).await? {
            // Another projector applied this batch first.
            tx.rollback().await?;
            return Ok(0);
        }
        for event in &events {
            projection.apply(&mut tx, event).await?;
        }
        tx.commit().await?;
        Ok(events.len() as u64)
    }

    /// Runs until `shutdown` turns true: catches up, then waits for new events (a notification,
    /// or at most 500 ms). Errors are logged and retried after a pause.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            if let Err(error) = self.catch_up().await {
                tracing::error!(%error, "projector batch failed; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            tokio::select! {
                _ = self.log.wait_for_append(Duration::from_millis(500)) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                return;
            }
        }
    }

    /// Waits until every projection has applied `position`, or `timeout` passes; returns whether
    /// they had. Reads the checkpoints from the database, so it holds whichever process projects.
    ///
    /// # Errors
    /// The database error.
    pub async fn wait_for(
        &self,
        position: LogPosition,
        timeout: Duration,
    ) -> Result<bool, ProjectorError> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let mut all = true;
            for projection in &self.projections {
                if checkpoint::read(&self.pool, projection.name()).await? < position {
                    all = false;
                    break;
                }
            }
            if all {
                return Ok(true);
            }
            if tokio::time::Instant::now() >= deadline {
                return Ok(false);
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// How far each projection is behind the log, from the stored checkpoints (so it holds
    /// whichever process projects).
    ///
    /// # Errors
    /// [`ProjectorError`].
    pub async fn lag(&self) -> Result<Vec<ProjectionLag>, ProjectorError> {
        let now_ms = chrono::Utc::now().timestamp_millis();
        let mut lags = Vec::with_capacity(self.projections.len());
        for projection in &self.projections {
            let at = checkpoint::read(&self.pool, projection.name()).await?;
            let backlog = self.log.backlog(at).await?;
            lags.push(ProjectionLag {
                projection: projection.name(),
                events: backlog.events,
                seconds: backlog
                    .oldest_recorded_at_ms
                    .map_or(0.0, |t| (now_ms - t).max(0) as f64 / 1000.0),
            });
        }
        Ok(lags)
    }

    /// Empties every read model and replays the whole log into it, in one transaction per
    /// projection for the reset; returns the events applied.
    ///
    /// # Errors
    /// [`ProjectorError`].
    pub async fn rebuild(&self) -> Result<u64, ProjectorError> {
        self.rebuild_reporting(&mut |_, _| {}).await
    }

    /// [`Self::rebuild`], calling `progress(projection, applied)` after each batch of at most
    /// 500 events with the projection being rebuilt and the event applications so far (each
    /// event counts once per projection), e.g. for a progress bar.
    ///
    /// # Errors
    /// [`ProjectorError`].
    pub async fn rebuild_reporting(
        &self,
        progress: &mut (dyn FnMut(&'static str, u64) + Send),
    ) -> Result<u64, ProjectorError> {
        for projection in &self.projections {
            checkpoint::ensure(&self.pool, projection.name()).await?;
            let mut conn = self.pool.acquire().await?;
            let mut tx = conn.begin().await?;
            for table in projection.tables() {
                sqlx::query(&format!("DELETE FROM {table}"))
                    .execute(&mut *tx)
                    .await?;
            }
            checkpoint::reset(&mut tx, projection.name()).await?;
            tx.commit().await?;
        }
        self.catch_up_reporting(progress).await
    }
}
