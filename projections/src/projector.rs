use std::sync::Arc;
use std::time::Duration;

use sqlx::AnyPool;
use switchboard_application::ports::{wait_for_append, GlobalLog, LogPosition, StoreError};
use tokio::sync::{watch, OnceCell};

use crate::analytics::{MessageAnalytics, NumberHistory};
use crate::audit::AuditChain;
use crate::batch::{self, BATCH};
use crate::delivery::DeliveryFanout;
use crate::log_window::{LogReads, LogWindow};
use crate::{
    checkpoint, CallsView, MessagesView, OrganizationsView, Projection, ProvisioningRequests,
    RoutingTable,
};

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

/// Switchboard's projections: the read models, the delivery fan-out, analytics and the audit
/// chain.
pub fn all_projections() -> Vec<Arc<dyn Projection>> {
    projections_with(DeliveryFanout::default())
}

/// [`all_projections`], the delivery fan-out reading earlier events back through `log` (opened).
pub fn projections_reading(log: Arc<dyn GlobalLog>) -> Vec<Arc<dyn Projection>> {
    projections_with(DeliveryFanout::reading(log))
}

fn projections_with(fanout: DeliveryFanout) -> Vec<Arc<dyn Projection>> {
    vec![
        Arc::new(RoutingTable),
        Arc::new(OrganizationsView),
        Arc::new(MessagesView),
        Arc::new(CallsView),
        Arc::new(ProvisioningRequests::projection()),
        Arc::new(fanout),
        Arc::new(MessageAnalytics),
        Arc::new(NumberHistory),
        Arc::new(AuditChain),
    ]
}

/// Events the projector keeps of the pages it read last: enough for one lane to be served the
/// pages the other read (a few batches apart).
const WINDOW_EVENTS: usize = 4 * BATCH as usize;

/// Tails the global log and feeds each batch it reads to its projections, in one transaction
/// that advances each projection's checkpoint ([`Projector::run`] splits them into two lanes,
/// which share one window over the log: each page is read from the database once).
#[derive(Clone)]
pub struct Projector {
    pool: AnyPool,
    log: Arc<dyn GlobalLog>,
    reader: Arc<LogWindow>,
    projections: Arc<Vec<Arc<dyn Projection>>>,
    checkpoints_created: Arc<OnceCell<()>>,
    lanes: bool,
}

impl Projector {
    /// A projector for every Switchboard projection ([`all_projections`]).
    pub fn new(pool: AnyPool, log: Arc<dyn GlobalLog>) -> Self {
        Self::with_projections(pool, log.clone(), projections_reading(log))
    }

    /// A projector for `projections` only (tests, and tools that run one projection).
    pub fn with_projections(
        pool: AnyPool,
        log: Arc<dyn GlobalLog>,
        projections: Vec<Arc<dyn Projection>>,
    ) -> Self {
        Self {
            pool,
            reader: Arc::new(LogWindow::new(log.clone(), WINDOW_EVENTS)),
            log,
            projections: Arc::new(projections),
            checkpoints_created: Arc::new(OnceCell::new()),
            lanes: false,
        }
    }

    /// Runs the read models and the background projections as two lanes ([`Projector::run`]):
    /// worth it where writers commit concurrently (PostgreSQL); on SQLite, which has one writer,
    /// a second lane only adds another transaction waiting for the write lock.
    #[must_use]
    pub fn in_lanes(mut self, lanes: bool) -> Self {
        self.lanes = lanes;
        self
    }

    /// The global log it reads.
    pub fn log(&self) -> &Arc<dyn GlobalLog> {
        &self.log
    }

    /// The read-model pool.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// How many pages of the log it has read from the database, and how many its second lane
    /// was served from memory.
    pub fn log_reads(&self) -> LogReads {
        self.reader.reads()
    }

    /// The projections it feeds.
    pub fn projections(&self) -> &[Arc<dyn Projection>] {
        &self.projections
    }

    /// Creates the missing checkpoint rows, once per projector.
    async fn ensure_checkpoints(&self) -> Result<(), ProjectorError> {
        self.checkpoints_created
            .get_or_try_init(|| async {
                for projection in self.projections.iter() {
                    checkpoint::ensure(&self.pool, projection.name()).await?;
                }
                Ok::<_, ProjectorError>(())
            })
            .await?;
        Ok(())
    }

    /// Applies everything the log holds now to every projection; returns how many events were
    /// read and applied (each once, whatever the number of projections).
    ///
    /// # Errors
    /// [`ProjectorError`]; the failed batch is rolled back and retried on the next call.
    pub async fn catch_up(&self) -> Result<u64, ProjectorError> {
        self.catch_up_unless(&watch::channel(false).1).await
    }

    /// As [`Projector::catch_up`], stopping between two batches once `stop` is true (so a
    /// projector that lost its lease stops within one batch).
    async fn catch_up_unless(&self, stop: &watch::Receiver<bool>) -> Result<u64, ProjectorError> {
        self.ensure_checkpoints().await?;
        let mut applied = 0;
        while !*stop.borrow() {
            let mut conn = self.pool.acquire().await?;
            let n = batch::apply_next(
                &mut conn,
                self.reader.as_ref(),
                &self.projections,
                None,
                BATCH,
            )
            .await?;
            applied += n;
            if n < u64::from(BATCH) {
                break;
            }
        }
        Ok(applied)
    }

    /// Runs until `shutdown` turns true (checked between batches); with
    /// [`Projector::in_lanes`], as two lanes, each with its own transactions: the read models
    /// ([`Projection::background`] false), whose lag is what API callers see, and the background
    /// projections (analytics, the audit chain), which cost more per event. The lanes read the
    /// log through one window, so a page is read from the database once for both. Each lane catches up, then waits for new events (a notification, or at
    /// most 500 ms); an append during a catch-up is never missed, since the append counter is
    /// marked seen before each one. Errors are logged and retried after a pause.
    pub async fn run(self, shutdown: watch::Receiver<bool>) {
        if !self.lanes {
            return self.run_lane(shutdown).await;
        }
        let (background, live): (Vec<_>, Vec<_>) = self
            .projections
            .iter()
            .cloned()
            .partition(|p| p.background());
        let lane = |projections| Projector {
            projections: Arc::new(projections),
            checkpoints_created: Arc::new(OnceCell::new()),
            ..self.clone()
        };
        tokio::join!(
            lane(live).run_lane(shutdown.clone()),
            lane(background).run_lane(shutdown)
        );
    }

    async fn run_lane(self, mut shutdown: watch::Receiver<bool>) {
        let mut appends = self.log.appends();
        loop {
            appends.borrow_and_update();
            if let Err(error) = self.catch_up_unless(&shutdown).await {
                tracing::error!(%error, "projector batch failed; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            tokio::select! {
                _ = wait_for_append(&mut appends, Duration::from_millis(500)) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                return;
            }
        }
    }

    /// Each of its projections' stored checkpoint.
    async fn checkpoints(&self) -> Result<Vec<(&'static str, LogPosition)>, ProjectorError> {
        let stored = checkpoint::read_all(&self.pool).await?;
        Ok(self
            .projections
            .iter()
            .map(|p| (p.name(), stored.get(p.name()).copied().unwrap_or_default()))
            .collect())
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
            let at = self.checkpoints().await?;
            if at.iter().all(|(_, applied)| *applied >= position) {
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
        // Projections fed together stand at the same position: one backlog query for each.
        let mut backlogs = std::collections::HashMap::new();
        for (projection, at) in self.checkpoints().await? {
            let backlog = match backlogs.get(&at) {
                Some(backlog) => *backlog,
                None => *backlogs.entry(at).or_insert(self.log.backlog(at).await?),
            };
            lags.push(ProjectionLag {
                projection,
                events: backlog.events,
                seconds: backlog
                    .oldest_recorded_at_ms
                    .map_or(0.0, |t| (now_ms - t).max(0) as f64 / 1000.0),
            });
        }
        Ok(lags)
    }
}
