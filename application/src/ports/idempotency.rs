//! The idempotency-key store port: which `Idempotency-Key`s were seen, for which request, and
//! the response the first one got, so a retried write is answered without running again
//! (IETF draft "The Idempotency-Key HTTP Header Field", draft-ietf-httpapi-idempotency-key-header;
//! the semantics Stripe's API popularised). The database row decides, so it holds across
//! processes.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use super::StoreError;

/// How long a key is remembered after its first use (the draft leaves expiry to the server;
/// Stripe keeps keys 24 hours).
pub const IDEMPOTENCY_KEY_TTL: Duration = Duration::hours(24);

/// How long a request may hold its key in progress before another may take it over (the holder
/// is presumed dead: its process crashed before it stored a response).
pub const IN_PROGRESS_LEASE: Duration = Duration::minutes(2);

/// One use of a key: who it belongs to and what request it came with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyUse<'a> {
    /// The namespace of the key (the organization the request is for): the same key in two
    /// scopes is two keys.
    pub scope: &'a str,
    /// The client's `Idempotency-Key`.
    pub key: &'a str,
    /// SHA-256 (lowercase hex) of the request's method, path and body.
    pub fingerprint: &'a str,
    /// When the request arrived.
    pub now: DateTime<Utc>,
}

/// The response a key's first request got, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredResponse {
    /// The HTTP status.
    pub status: u16,
    /// Its `Content-Type`, if any.
    pub content_type: Option<String>,
    /// Its body (UTF-8; the API answers JSON).
    pub body: String,
}

/// What a request with a key may do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The key is this request's: run it, then [`IdempotencyStore::complete`] or
    /// [`IdempotencyStore::release`].
    Acquired,
    /// The key's first request finished with this response: answer it again.
    Replay(StoredResponse),
    /// The key was first used with another request (fingerprint differs).
    Mismatch,
    /// The key's first request is still running.
    InProgress,
}

/// Keys and their responses, durable and shared by every process.
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Claims `use_.key` in `use_.scope` for a request with `use_.fingerprint`: the first use
    /// (or one after the key expired, or after its holder's lease ran out) acquires it.
    async fn claim(&self, use_: &KeyUse<'_>) -> Result<Claim, StoreError>;

    /// Stores the response of the request that holds the key.
    async fn complete(
        &self,
        scope: &str,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), StoreError>;

    /// Lets go of a key whose request produced nothing worth replaying (a 5xx, a refusal before
    /// it ran), so a retry runs again.
    async fn release(&self, scope: &str, key: &str) -> Result<(), StoreError>;

    /// Forgets keys first used before `before`; returns how many.
    async fn expire(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;
}
