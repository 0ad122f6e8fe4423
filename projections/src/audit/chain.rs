//! The audit chain projection (checkpoint `audit_chain`): hashes every event, chained to the one
//! before it in the log's final order, when the projector first reads it, into `audit_chain`.
//! Never rebuilt: it records what the log held when first read.

use std::collections::HashSet;

use async_trait::async_trait;
use sqlx::{AnyConnection, Row};
use switchboard_application::ports::RecordedEvent;

use super::hash::{chain_hash, GENESIS_HASH};
use crate::Projection;

/// An anchor is logged (target `audit`) every this many chained events, so logs kept outside the
/// database hold periodic proof of the chain head.
pub const ANCHOR_EVERY: i64 = 10_000;

/// The audit chain projection.
#[derive(Clone, Copy, Debug, Default)]
pub struct AuditChain;

/// One link of the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainLink {
    /// Its index in the chain, from 1 (the n-th event in log order).
    pub chain_seq: i64,
    /// The event's global position.
    pub position: i64,
    /// The event's transaction (PostgreSQL `xid8`; 0 on SQLite).
    pub transaction_id: i64,
    /// The chain hash at this event (lowercase hex).
    pub hash: String,
}

impl ChainLink {
    /// `position:hash`, the anchor `switchboard audit head` prints and `audit verify --anchor`
    /// takes.
    pub fn anchor(&self) -> String {
        format!("{}:{}", self.position, self.hash)
    }
}

pub(crate) fn link_of(row: &sqlx::any::AnyRow) -> Result<ChainLink, sqlx::Error> {
    Ok(ChainLink {
        chain_seq: row.try_get("chain_seq")?,
        position: row.try_get("position")?,
        transaction_id: row.try_get("transaction_id")?,
        hash: row.try_get("hash")?,
    })
}

/// The last link of the chain, if any.
///
/// # Errors
/// The database error.
pub async fn chain_head(conn: &mut AnyConnection) -> Result<Option<ChainLink>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT chain_seq, position, transaction_id, hash FROM audit_chain
          ORDER BY chain_seq DESC LIMIT 1",
    )
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(link_of).transpose()
}

/// The positions among `events` already in the chain.
async fn chained(
    tx: &mut AnyConnection,
    events: &[RecordedEvent],
) -> Result<HashSet<i64>, sqlx::Error> {
    // Positions are integers: inlining them is safe and keeps the statement one round trip.
    let list = events
        .iter()
        .map(|e| e.log_position.position.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let rows = sqlx::query(&format!(
        "SELECT position FROM audit_chain WHERE position IN ({list})"
    ))
    .persistent(false)
    .fetch_all(&mut *tx)
    .await?;
    rows.iter().map(|row| row.try_get("position")).collect()
}

#[async_trait]
impl Projection for AuditChain {
    fn name(&self) -> &'static str {
        "audit_chain"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["audit_chain"]
    }

    fn rebuildable(&self) -> bool {
        false
    }

    fn reads_stored_payloads(&self) -> bool {
        true
    }

    fn background(&self) -> bool {
        true
    }

    async fn apply(
        &self,
        tx: &mut AnyConnection,
        event: &RecordedEvent,
    ) -> Result<(), sqlx::Error> {
        self.apply_batch(tx, std::slice::from_ref(event)).await
    }

    async fn apply_batch(
        &self,
        tx: &mut AnyConnection,
        events: &[RecordedEvent],
    ) -> Result<(), sqlx::Error> {
        if events.is_empty() {
            return Ok(());
        }
        let done = chained(tx, events).await?;
        let (mut seq, mut previous) = match chain_head(tx).await? {
            Some(head) => (head.chain_seq, head.hash),
            None => (0, GENESIS_HASH.to_string()),
        };
        let mut links = Vec::with_capacity(events.len());
        for event in events
            .iter()
            .filter(|e| !done.contains(&e.log_position.position))
        {
            seq += 1;
            previous = chain_hash(&previous, event);
            links.push(ChainLink {
                chain_seq: seq,
                position: event.log_position.position,
                transaction_id: event.log_position.transaction_id,
                hash: previous.clone(),
            });
        }
        if links.is_empty() {
            return Ok(());
        }
        let values = (0..links.len())
            .map(|i| {
                format!(
                    "(${}, ${}, ${}, ${})",
                    4 * i + 1,
                    4 * i + 2,
                    4 * i + 3,
                    4 * i + 4
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO audit_chain (chain_seq, position, transaction_id, hash) VALUES {values}"
        );
        let mut insert = sqlx::query(&sql).persistent(false);
        for link in &links {
            insert = insert
                .bind(link.chain_seq)
                .bind(link.position)
                .bind(link.transaction_id)
                .bind(link.hash.clone());
        }
        insert.execute(&mut *tx).await?;
        for link in links.iter().filter(|l| l.chain_seq % ANCHOR_EVERY == 0) {
            tracing::info!(
                target: "audit",
                chain_seq = link.chain_seq,
                anchor = %link.anchor(),
                "audit chain anchor"
            );
        }
        Ok(())
    }
}
