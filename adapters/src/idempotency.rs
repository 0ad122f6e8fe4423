//! The `idempotency_keys` table (migration 0011) behind the [`IdempotencyStore`] port: one row
//! per (scope, key), claimed with an `INSERT … ON CONFLICT DO NOTHING`, so of two processes that
//! see the same key at once exactly one runs the request.

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::{AnyPool, Row};
use switchboard_application::ports::idempotency::{IDEMPOTENCY_KEY_TTL, IN_PROGRESS_LEASE};
use switchboard_application::ports::{Claim, IdempotencyStore, KeyUse, StoreError, StoredResponse};

use crate::event_store::Database;

/// Idempotency keys in the application's database (SQLite or PostgreSQL).
#[derive(Clone)]
pub struct SqlIdempotencyStore {
    pool: AnyPool,
}

impl SqlIdempotencyStore {
    /// The store in `database`.
    pub fn new(database: &Database) -> Self {
        Self {
            pool: database.any().clone(),
        }
    }
}

/// Times as stored: RFC 3339 UTC with milliseconds, which order as text.
fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn store_error(error: sqlx::Error) -> StoreError {
    StoreError::from_error(error)
}

impl SqlIdempotencyStore {
    /// One attempt at taking the key: `None` when the row vanished between the insert and the
    /// read (expired or released meanwhile), so the caller tries again.
    async fn try_claim(&self, use_: &KeyUse<'_>) -> Result<Option<Claim>, StoreError> {
        let now = stamp(use_.now);
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys
                 (scope, idempotency_key, fingerprint, created_at, locked_at)
             VALUES ($1, $2, $3, $4, $4)
             ON CONFLICT (scope, idempotency_key) DO NOTHING",
        )
        .bind(use_.scope)
        .bind(use_.key)
        .bind(use_.fingerprint)
        .bind(&now)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        if inserted.rows_affected() == 1 {
            return Ok(Some(Claim::Acquired));
        }
        let Some(row) = sqlx::query(
            "SELECT fingerprint, status, content_type, body, locked_at FROM idempotency_keys
             WHERE scope = $1 AND idempotency_key = $2",
        )
        .bind(use_.scope)
        .bind(use_.key)
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?
        else {
            return Ok(None);
        };
        let fingerprint: String = row.try_get(0).map_err(store_error)?;
        if fingerprint != use_.fingerprint {
            return Ok(Some(Claim::Mismatch));
        }
        let status: Option<i64> = row.try_get(1).map_err(store_error)?;
        if let Some(status) = status {
            return Ok(Some(Claim::Replay(StoredResponse {
                status: u16::try_from(status).unwrap_or(500),
                content_type: row.try_get(2).map_err(store_error)?,
                body: row
                    .try_get::<Option<String>, _>(3)
                    .map_err(store_error)?
                    .unwrap_or_default(),
            })));
        }
        let locked_at: String = row.try_get(4).map_err(store_error)?;
        if locked_at >= stamp(use_.now - IN_PROGRESS_LEASE) {
            return Ok(Some(Claim::InProgress));
        }
        // The holder's lease ran out (its process died mid-request): take the key over, unless
        // another request just did.
        let taken = sqlx::query(
            "UPDATE idempotency_keys SET locked_at = $3
             WHERE scope = $1 AND idempotency_key = $2 AND status IS NULL AND locked_at = $4",
        )
        .bind(use_.scope)
        .bind(use_.key)
        .bind(&now)
        .bind(&locked_at)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(Some(if taken.rows_affected() == 1 {
            Claim::Acquired
        } else {
            Claim::InProgress
        }))
    }
}

#[async_trait]
impl IdempotencyStore for SqlIdempotencyStore {
    #[tracing::instrument(skip(self, use_), fields(scope = use_.scope))]
    async fn claim(&self, use_: &KeyUse<'_>) -> Result<Claim, StoreError> {
        sqlx::query(
            "DELETE FROM idempotency_keys
             WHERE scope = $1 AND idempotency_key = $2 AND created_at < $3",
        )
        .bind(use_.scope)
        .bind(use_.key)
        .bind(stamp(use_.now - IDEMPOTENCY_KEY_TTL))
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        for _ in 0..3 {
            if let Some(claim) = self.try_claim(use_).await? {
                return Ok(claim);
            }
        }
        Ok(Claim::InProgress)
    }

    #[tracing::instrument(skip(self, response))]
    async fn complete(
        &self,
        scope: &str,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE idempotency_keys SET status = $3, content_type = $4, body = $5
             WHERE scope = $1 AND idempotency_key = $2",
        )
        .bind(scope)
        .bind(key)
        .bind(i64::from(response.status))
        .bind(response.content_type.as_deref())
        .bind(response.body.as_str())
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(())
    }

    #[tracing::instrument(skip(self))]
    async fn release(&self, scope: &str, key: &str) -> Result<(), StoreError> {
        sqlx::query(
            "DELETE FROM idempotency_keys
             WHERE scope = $1 AND idempotency_key = $2 AND status IS NULL",
        )
        .bind(scope)
        .bind(key)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(())
    }

    #[tracing::instrument(skip(self))]
    async fn expire(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(stamp(before))
            .execute(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(done.rows_affected())
    }
}
