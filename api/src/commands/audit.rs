//! `switchboard audit verify [--anchor POSITION:HASH]…` and `switchboard audit head`.

use std::io::Write;

use switchboard_projections::audit::{chain_head, verify_chain, Anchor, Verification};

use super::{open, CommandError};
use crate::progress::Progress;

/// Walks the chain; prints `ok …` or `ALTERED at position N: …`; returns whether it is intact.
///
/// # Errors
/// The database or the log could not be read.
pub async fn verify(
    database_url: &str,
    anchors: &[Anchor],
    out: &mut dyn Write,
) -> Result<bool, CommandError> {
    let (database, log) = open(database_url).await?;
    let mut progress = Progress::new("verifying the audit chain", None);
    let result = verify_chain(database.any(), log.as_ref(), anchors, &mut |checked| {
        progress.set(checked)
    })
    .await;
    progress.finish();
    database.close().await;
    match result? {
        Verification::Intact {
            checked,
            head,
            unchained,
        } => {
            let head = head.map_or("empty chain".to_string(), |h| {
                format!("head {}", h.anchor())
            });
            writeln!(
                out,
                "ok: {checked} events match the audit chain ({head}; {} anchors matched; \
                 {unchained} events not chained yet)",
                anchors.len()
            )?;
            Ok(true)
        }
        Verification::Altered { position, reason } => {
            writeln!(out, "ALTERED at position {position}: {reason}")?;
            Ok(false)
        }
    }
}

/// Prints the chain head as `POSITION:HASH` (nothing on an empty chain); how many events wait
/// to be chained goes to stderr.
///
/// # Errors
/// The database could not be read.
#[allow(clippy::print_stderr)]
pub async fn head(database_url: &str, out: &mut dyn Write) -> Result<bool, CommandError> {
    let (database, log) = open(database_url).await?;
    let mut conn = database.any().acquire().await?;
    let head = chain_head(&mut conn).await?;
    drop(conn);
    let after = match &head {
        Some(link) => log.locate(link.position).await?.unwrap_or_default(),
        None => Default::default(),
    };
    let unchained = log.backlog(after).await?.events;
    database.close().await;
    match head {
        Some(link) => writeln!(out, "{}", link.anchor())?,
        None => eprintln!("the audit chain is empty"),
    }
    if unchained > 0 {
        eprintln!("{unchained} events are not chained yet (the projector has not read them)");
    }
    Ok(true)
}
