//! `switchboard audit verify`: walks the stored chain beside the log, recomputing every hash, and
//! names the first position where stored history no longer matches what was chained.

use std::collections::{HashSet, VecDeque};

use sqlx::AnyPool;
use switchboard_application::ports::{GlobalLog, LogPosition, RecordedEvent};

use super::chain::{link_of, ChainLink};
use super::hash::{chain_hash, GENESIS_HASH};
use crate::ProjectorError;

/// Chain links and events read per round trip.
const PAGE: u32 = 1000;

/// A chain head an auditor kept outside the database: `position:hash`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    /// The event's global position.
    pub position: i64,
    /// The chain hash there.
    pub hash: String,
}

impl std::str::FromStr for Anchor {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (position, hash) = text
            .split_once(':')
            .ok_or_else(|| format!("`{text}` is not POSITION:HASH"))?;
        let position = position
            .trim()
            .parse()
            .map_err(|_| format!("`{position}` is not a position"))?;
        let hash = hash.trim().to_ascii_lowercase();
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("`{hash}` is not a SHA-256 hash in hex"));
        }
        Ok(Self { position, hash })
    }
}

/// What the walk found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verification {
    /// Every chained event matches its link (and every anchor matched).
    Intact {
        /// Events checked.
        checked: u64,
        /// The last link, if the chain is not empty.
        head: Option<ChainLink>,
        /// Events after the head, not chained yet (the projector has not read them).
        unchained: u64,
    },
    /// Stored history differs from what was chained.
    Altered {
        /// The first position where it differs.
        position: i64,
        /// What differs.
        reason: String,
    },
}

/// Walks the whole chain and the log side by side; checks `anchors` on the way.
///
/// # Errors
/// [`ProjectorError`] when the database cannot be read (not when history was altered: that is
/// [`Verification::Altered`]).
pub async fn verify_chain(
    pool: &AnyPool,
    log: &dyn GlobalLog,
    anchors: &[Anchor],
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<Verification, ProjectorError> {
    let mut walk = Walk {
        previous: GENESIS_HASH.to_string(),
        checked: 0,
        head: None,
        anchored: HashSet::new(),
    };
    let mut after_seq = 0;
    let mut after = LogPosition::START;
    let mut events: VecDeque<RecordedEvent> = VecDeque::new();
    loop {
        let rows = sqlx::query(
            "SELECT chain_seq, position, transaction_id, hash FROM audit_chain
              WHERE chain_seq > $1 ORDER BY chain_seq LIMIT $2",
        )
        .bind(after_seq)
        .bind(i64::from(PAGE))
        .fetch_all(pool)
        .await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let link = link_of(row)?;
            after_seq = link.chain_seq;
            if events.is_empty() {
                events.extend(log.read_after(after, PAGE).await?);
            }
            let Some(event) = events.pop_front() else {
                return Ok(Verification::Altered {
                    position: link.position,
                    reason: format!(
                        "the chain holds position {} (link {}) but the log has no event there: \
                         events were deleted",
                        link.position, link.chain_seq
                    ),
                });
            };
            after = event.log_position;
            if let Some(altered) = walk.step(&link, &event, anchors) {
                return Ok(altered);
            }
        }
        progress(walk.checked);
    }
    if let Some(missing) = anchors
        .iter()
        .find(|a| !walk.anchored.contains(&a.position))
    {
        return Ok(Verification::Altered {
            position: missing.position,
            reason: format!(
                "anchor {}:{} names a position the chain does not hold: history was rewritten",
                missing.position, missing.hash
            ),
        });
    }
    Ok(Verification::Intact {
        checked: walk.checked,
        head: walk.head,
        unchained: log.backlog(after).await?.events,
    })
}

struct Walk {
    previous: String,
    checked: u64,
    head: Option<ChainLink>,
    anchored: HashSet<i64>,
}

impl Walk {
    /// Checks one link against the event the log holds at its place.
    fn step(
        &mut self,
        link: &ChainLink,
        event: &RecordedEvent,
        anchors: &[Anchor],
    ) -> Option<Verification> {
        if event.log_position.position != link.position {
            let first = event.log_position.position.min(link.position);
            return Some(Verification::Altered {
                position: first,
                reason: format!(
                    "link {} chained position {} but the log holds position {} in its place: \
                     events were inserted, deleted or moved",
                    link.chain_seq, link.position, event.log_position.position
                ),
            });
        }
        let hash = chain_hash(&self.previous, event);
        if hash != link.hash {
            return Some(Verification::Altered {
                position: link.position,
                reason: format!(
                    "the stored {} event {}#{} (link {}) is not what was chained: its payload, \
                     metadata, type, stream or sequence changed, or the chain was edited",
                    event.event_type, event.aggregate_type, event.sequence, link.chain_seq
                ),
            });
        }
        for anchor in anchors.iter().filter(|a| a.position == link.position) {
            self.anchored.insert(anchor.position);
            if anchor.hash != hash {
                return Some(Verification::Altered {
                    position: link.position,
                    reason: format!(
                        "the chain at position {} no longer matches the anchor kept outside the \
                         database: history at or before it was rewritten (chain included)",
                        link.position
                    ),
                });
            }
        }
        self.previous = hash;
        self.checked += 1;
        self.head = Some(link.clone());
        None
    }
}
