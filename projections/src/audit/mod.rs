//! Tamper evidence and the auditor's view of the log: the audit chain (a SHA-256 hash chain over
//! the stored events in global order, written by a checkpointed projection), its verification,
//! and the log with each event's hash.

mod chain;
mod hash;
mod log;
mod verify;

pub use chain::{chain_head, AuditChain, ChainLink, ANCHOR_EVERY};
pub use hash::{canonical_json, chain_hash, GENESIS_HASH};
pub use log::{with_hashes, AuditEntry, AuditLog};
pub use verify::{verify_chain, Anchor, Verification};
