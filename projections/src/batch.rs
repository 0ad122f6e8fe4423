//! One read of the global log feeds every projection: the next batch after the lowest
//! checkpoint is read once, and each projection gets the part after its own checkpoint (and up to
//! its bound, when one is set), all in one transaction that advances every checkpoint with a
//! compare-and-set.

use std::collections::HashMap;
use std::sync::Arc;

use sqlx::{Acquire, AnyConnection};
use switchboard_application::ports::{GlobalLog, LogPosition, RecordedEvent};

use crate::{checkpoint, Projection, ProjectorError};

/// Events the live projector reads from the log per transaction (and each projection writes in
/// one): small enough to keep the projection lag low.
pub const BATCH: u32 = 2000;

/// Events a rebuild reads per transaction: larger, since nobody waits for a single event and
/// every batch costs a log read, a statement per projection and a checkpoint move.
pub const REBUILD_BATCH: u32 = 10_000;

/// The last position each named projection may apply (a rebuild catching up to exactly the live
/// checkpoint); projections not named have no bound.
pub(crate) type Bounds = HashMap<&'static str, LogPosition>;

struct Lane<'a> {
    projection: &'a Arc<dyn Projection>,
    from: LogPosition,
    until: Option<LogPosition>,
}

impl Lane<'_> {
    fn takes(&self, at: LogPosition) -> bool {
        self.from < at && self.until.is_none_or(|until| at <= until)
    }
}

/// Reads the next batch of at most `limit` events and applies it on `conn` (its `projection_checkpoints` and read-model
/// tables are whichever its search path names: live or scratch). Returns how many events it
/// applied; 0 when every projection is caught up (or at its bound), or when another projector
/// moved a checkpoint first (its transaction is then rolled back).
///
/// # Errors
/// [`ProjectorError`]; nothing of the batch is kept.
pub(crate) async fn apply_next(
    conn: &mut AnyConnection,
    log: &dyn GlobalLog,
    projections: &[Arc<dyn Projection>],
    bounds: Option<&Bounds>,
    limit: u32,
) -> Result<u64, ProjectorError> {
    let checkpoints = checkpoint::read_all(&mut *conn).await?;
    let mut lanes: Vec<Lane<'_>> = projections
        .iter()
        .map(|projection| Lane {
            projection,
            from: checkpoints
                .get(projection.name())
                .copied()
                .unwrap_or_default(),
            until: bounds.and_then(|b| b.get(projection.name()).copied()),
        })
        .filter(|lane| lane.until.is_none_or(|until| lane.from < until))
        .collect();
    let Some(start) = lanes.iter().map(|lane| lane.from).min() else {
        return Ok(0);
    };
    let started = std::time::Instant::now();
    let events = log.read_after(start, limit).await?;
    tracing::debug!(
        events = events.len(),
        ms = started.elapsed().as_secs_f64() * 1e3,
        "log read"
    );
    let applied = events
        .iter()
        .filter(|e| lanes.iter().any(|lane| lane.takes(e.log_position)))
        .count();
    if applied == 0 {
        return Ok(0);
    }
    // Checkpoints are moved in name order, so concurrent writers lock them in one order.
    lanes.sort_by_key(|lane| lane.projection.name());
    // Read models get the personal fields opened; the audit chain the events as stored.
    let opened = if lanes.iter().any(|l| !l.projection.reads_stored_payloads()) {
        log.opened(&events).await?
    } else {
        None
    };
    let mut tx = conn.begin().await?;
    let mut work: Vec<(&Arc<dyn Projection>, &[RecordedEvent])> = Vec::new();
    for lane in &lanes {
        let first = events.partition_point(|e| e.log_position <= lane.from);
        let end = lane.until.map_or(events.len(), |until| {
            events.partition_point(|e| e.log_position <= until)
        });
        let source = match &opened {
            Some(opened) if !lane.projection.reads_stored_payloads() => opened,
            _ => &events,
        };
        let Some(slice) = source.get(first..end).filter(|s| !s.is_empty()) else {
            continue;
        };
        let to = slice[slice.len() - 1].log_position;
        if !checkpoint::advance(&mut tx, lane.projection.name(), lane.from, to).await? {
            // Another projector applied this batch first.
            tx.rollback().await?;
            return Ok(0);
        }
        work.push((lane.projection, slice));
    }
    for (projection, slice) in work {
        let started = std::time::Instant::now();
        projection.apply_batch(&mut tx, slice).await?;
        tracing::debug!(
            projection = projection.name(),
            events = slice.len(),
            ms = started.elapsed().as_secs_f64() * 1e3,
            "applied"
        );
    }
    let started = std::time::Instant::now();
    tx.commit().await?;
    tracing::debug!(
        ms = started.elapsed().as_secs_f64() * 1e3,
        "batch committed"
    );
    Ok(applied as u64)
}
