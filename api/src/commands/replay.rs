//! `switchboard replay [--projection NAME|--all] [--verify]`.

use std::io::Write;

use switchboard_application::ports::LogPosition;
use switchboard_projections::replay::{Replay, ReplaySummary};

use super::{open, CommandError};
use crate::progress::Progress;

/// Rebuilds (and swaps in) or verifies the projection named `projection` (all for `None`);
/// returns whether the views are the replay's (always, after a rebuild).
///
/// # Errors
/// The database, the log, or another replay running.
pub async fn run(
    database_url: &str,
    projection: Option<&str>,
    verify: bool,
    out: &mut dyn Write,
) -> Result<bool, CommandError> {
    let (database, log) = open(database_url).await?;
    database.migrate().await?;
    let replay = Replay::select(database.any().clone(), log.clone(), projection)?;
    let total = log.backlog(LogPosition::START).await?.events;
    let label = if verify {
        "verifying (replaying into scratch tables)"
    } else {
        "replaying into fresh tables"
    };
    let mut progress = Progress::new(label, Some(total));
    let result = if verify {
        replay.verify(&mut |applied| progress.set(applied)).await
    } else {
        replay.rebuild(&mut |applied| progress.set(applied)).await
    };
    progress.finish();
    database.close().await;
    let summary = result?;
    report(&summary, verify, out)?;
    Ok(summary.differences.is_empty())
}

fn report(summary: &ReplaySummary, verify: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let speed = format!(
        "{} events in {:.2} s ({:.0} events/s)",
        summary.events,
        summary.elapsed.as_secs_f64(),
        summary.events_per_second()
    );
    let names = summary.projections.join(", ");
    if !verify {
        return writeln!(out, "rebuilt and swapped in {names}: {speed}");
    }
    for difference in &summary.differences {
        writeln!(
            out,
            "DIFFERS {}: {} rows only live, {} rows only in the replay",
            difference.table, difference.only_live, difference.only_replay
        )?;
        for sample in &difference.samples {
            writeln!(out, "  {sample}")?;
        }
    }
    if summary.differences.is_empty() {
        writeln!(out, "ok: {names} equal a replay of the log: {speed}")
    } else {
        writeln!(
            out,
            "{} tables differ from a replay of the log ({speed})",
            summary.differences.len()
        )
    }
}
