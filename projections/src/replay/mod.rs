//! `switchboard replay`: rebuilds projections from position 0 of the log into fresh (scratch)
//! tables while the live ones keep serving, then swaps them in; `--verify` rebuilds into scratch
//! tables and diffs them against the live ones instead.
//!
//! Both end the same way: the live projector is caught up, every selected projection's live
//! checkpoint is locked (it cannot move), the scratch rebuild catches up to exactly that
//! checkpoint, and then the tables are swapped (one transaction: readers see the old rows or the
//! new, never none) or compared. The live checkpoints never move, so the live projector goes on
//! from where it was, now on the rebuilt tables; side tables (the delivery outbox) are only ever
//! written in scratch copies, so a replay delivers nothing.

mod compare;
mod error;
mod indexes;
mod scratch;
mod sqlite_ddl;
mod swap;

use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::{Acquire, AnyConnection, AnyPool, ConnectOptions};
use switchboard_application::ports::GlobalLog;

pub use compare::TableDifference;
pub use error::ReplayError;
pub use scratch::ReplayBusy;
use scratch::Scratch;

use crate::batch::{self, Bounds, REBUILD_BATCH};
use crate::log_window::LogWindow;
use crate::{checkpoint, projections_reading, Projection, Projector};

/// How often the final locked step is retried when the live projector is behind the rebuild.
const LOCK_ATTEMPTS: u32 = 5;

/// What a replay did.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplaySummary {
    /// The projections rebuilt or verified.
    pub projections: Vec<&'static str>,
    /// Events read from the log and applied to them.
    pub events: u64,
    /// How long it took.
    pub elapsed: Duration,
    /// For `--verify`: every table that differs from its replay (empty when all match).
    pub differences: Vec<TableDifference>,
}

impl ReplaySummary {
    /// Events per second over the whole replay.
    pub fn events_per_second(&self) -> f64 {
        self.events as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// A replay of some projections.
pub struct Replay {
    pool: AnyPool,
    log: Arc<dyn GlobalLog>,
    projections: Vec<Arc<dyn Projection>>,
}

impl Replay {
    /// A replay of the projection named `name`, or of every rebuildable projection for `None`.
    ///
    /// # Errors
    /// [`ReplayError::UnknownProjection`] or [`ReplayError::NotRebuildable`].
    pub fn select(
        pool: AnyPool,
        log: Arc<dyn GlobalLog>,
        name: Option<&str>,
    ) -> Result<Self, ReplayError> {
        let all = projections_reading(log.clone());
        let projections = match name {
            None => all.into_iter().filter(|p| p.rebuildable()).collect(),
            Some(name) => {
                let Some(found) = all.iter().find(|p| p.name() == name) else {
                    return Err(ReplayError::UnknownProjection {
                        name: name.to_string(),
                        known: all
                            .iter()
                            .filter(|p| p.rebuildable())
                            .map(|p| p.name())
                            .collect::<Vec<_>>()
                            .join(", "),
                    });
                };
                if !found.rebuildable() {
                    return Err(ReplayError::NotRebuildable(found.name()));
                }
                vec![found.clone()]
            }
        };
        Ok(Self {
            pool,
            log,
            projections,
        })
    }

    /// The projections it replays.
    pub fn names(&self) -> Vec<&'static str> {
        self.projections.iter().map(|p| p.name()).collect()
    }

    fn tables(&self) -> Vec<&'static str> {
        self.projections
            .iter()
            .flat_map(|p| p.tables().iter().copied())
            .collect()
    }

    /// Rebuilds the projections into fresh tables and swaps them in; `progress(applied)` is
    /// called after each batch.
    ///
    /// # Errors
    /// [`ReplayError`]; the live tables are then untouched.
    pub async fn rebuild(
        &self,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<ReplaySummary, ReplayError> {
        self.run(true, progress).await
    }

    /// Rebuilds the projections into scratch tables and compares them with the live ones; the
    /// summary lists every difference.
    ///
    /// # Errors
    /// [`ReplayError`].
    pub async fn verify(
        &self,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<ReplaySummary, ReplayError> {
        self.run(false, progress).await
    }

    async fn run(
        &self,
        swap: bool,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<ReplaySummary, ReplayError> {
        let started = Instant::now();
        let live = Projector::new(self.pool.clone(), self.log.clone());
        let mut conn = self.pool.connect_options().connect().await?;
        let mut shadowed: Vec<&'static str> = vec!["projection_checkpoints"];
        shadowed.extend(self.tables());
        shadowed.extend(self.projections.iter().flat_map(|p| p.side_tables().iter()));
        let lookups: Vec<&str> = self
            .projections
            .iter()
            .flat_map(|p| p.lookup_indexes().iter().copied())
            .collect();
        let mut scratch = match Scratch::create(&mut conn, shadowed, &lookups).await {
            Ok(scratch) => scratch,
            Err(error) => {
                let _ = sqlx::Connection::close(conn).await;
                return Err(error.into());
            }
        };
        let outcome = self
            .in_scratch(&mut conn, &mut scratch, &live, swap, progress)
            .await;
        scratch.discard(conn).await;
        let (events, differences) = outcome?;
        Ok(ReplaySummary {
            projections: self.names(),
            events,
            elapsed: started.elapsed(),
            differences,
        })
    }

    async fn in_scratch(
        &self,
        conn: &mut AnyConnection,
        scratch: &mut Scratch,
        live: &Projector,
        swap: bool,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<(u64, Vec<TableDifference>), ReplayError> {
        for projection in &self.projections {
            checkpoint::ensure(&mut *conn, projection.name()).await?;
        }
        // The log is read from start to end: the next page is read while one is applied.
        let reader = LogWindow::new(self.log.clone(), 0).reading_ahead();
        let mut applied = 0;
        loop {
            let n =
                batch::apply_next(conn, &reader, &self.projections, None, REBUILD_BATCH).await?;
            if n == 0 {
                break;
            }
            applied += n;
            progress(applied);
        }
        if swap {
            let started = Instant::now();
            scratch.build_indexes(conn).await?;
            tracing::debug!(
                ms = started.elapsed().as_secs_f64() * 1e3,
                "replay indexes built"
            );
        }
        for _ in 0..LOCK_ATTEMPTS {
            live.catch_up().await?;
            let mut tx = conn.begin().await?;
            let Some(bounds) = self.lock_live(&mut tx, scratch).await? else {
                tx.rollback().await?;
                continue;
            };
            loop {
                let n = batch::apply_next(
                    &mut tx,
                    &reader,
                    &self.projections,
                    Some(&bounds),
                    REBUILD_BATCH,
                )
                .await?;
                if n == 0 {
                    break;
                }
                applied += n;
                progress(applied);
            }
            if swap {
                scratch.swap_in(&mut tx, &self.tables()).await?;
                tx.commit().await?;
                return Ok((applied, Vec::new()));
            }
            let mut differences = Vec::new();
            for table in self.tables() {
                differences.extend(compare::compare(&mut tx, scratch, table).await?);
            }
            tx.rollback().await?;
            return Ok((applied, differences));
        }
        Err(ReplayError::LiveBehind)
    }

    /// Locks the selected projections' live checkpoints (in name order, as the projector moves
    /// them) and returns them as the rebuild's bounds; `None` when the rebuild is already past
    /// one of them (the live projector is behind: retry after catching it up).
    async fn lock_live(
        &self,
        tx: &mut AnyConnection,
        scratch: &Scratch,
    ) -> Result<Option<Bounds>, ReplayError> {
        let mut names = self.names();
        names.sort_unstable();
        let table = scratch.live("projection_checkpoints");
        let mut bounds = Bounds::new();
        for name in names {
            bounds.insert(name, checkpoint::lock(tx, &table, name).await?);
        }
        let rebuilt = checkpoint::read_all(&mut *tx).await?;
        let ahead = bounds
            .iter()
            .any(|(name, live)| rebuilt.get(*name).copied().unwrap_or_default() > *live);
        Ok((!ahead).then_some(bounds))
    }
}
