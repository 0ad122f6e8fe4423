//! The delivery queue over the `deliveries` outbox: what the dispatcher claims and records, and
//! what the API lists, retries and replays.
//!
//! A delivery is due when it is pending, its `next_attempt_ms` has come, no live lease holds it,
//! its endpoint is enabled, and no earlier delivery (in log order) to the same endpoint for the
//! same conversation is still pending: that keeps per-conversation order while a failing
//! endpoint delays only its own deliveries. Claims are compare-and-set leases, so several
//! processes never send the same attempt at once, and a claim whose process died expires.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

/// A delivery claimed for one attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimedDelivery {
    /// UUID; the `webhook-id` is `msg_` + its 32 hex digits.
    pub delivery_id: String,
    /// The endpoint.
    pub endpoint_id: String,
    /// Its organization.
    pub organization_id: String,
    /// The exact JSON body to send.
    pub payload: String,
    /// Attempts made before this one.
    pub attempts: u32,
    /// When the delivery was created, ms since the epoch.
    pub created_ms: i64,
}

/// What one attempt came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptResult {
    /// The endpoint's HTTP status, when it answered.
    pub http_status: Option<u16>,
    /// How long the attempt took.
    pub latency_ms: i64,
    /// Why it failed (cut to 1 KiB), when it did.
    pub error: Option<String>,
}

/// What happens to the delivery after an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextStep {
    /// A 2xx: done.
    Delivered,
    /// Failed; try again at this time (ms since the epoch).
    RetryAt(i64),
    /// Failed and the retry schedule is exhausted.
    Failed,
}

impl NextStep {
    fn status(self) -> &'static str {
        match self {
            NextStep::Delivered => "delivered",
            NextStep::RetryAt(_) => "pending",
            NextStep::Failed => "failed",
        }
    }
}

/// One recorded attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptRow {
    /// 1 for the first.
    pub attempt: i64,
    /// RFC 3339.
    pub attempted_at: String,
    /// The endpoint's HTTP status, when it answered.
    pub http_status: Option<i64>,
    /// Milliseconds.
    pub latency_ms: i64,
    /// Why it failed.
    pub error: Option<String>,
}

/// One delivery as listed, with its attempts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryRow {
    /// UUID.
    pub delivery_id: String,
    /// The envelope's type.
    pub event_type: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    /// Attempts made.
    pub attempts: i64,
    /// When the next attempt is due (pending only), ms since the epoch.
    pub next_attempt_ms: Option<i64>,
    /// RFC 3339.
    pub created_at: String,
    /// The JSON body.
    pub payload: String,
    /// Its attempts, oldest first.
    pub attempt_log: Vec<AttemptRow>,
    /// The list cursor.
    seq: i64,
}

/// A page of deliveries, newest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveriesPage {
    /// The deliveries.
    pub items: Vec<DeliveryRow>,
    /// Pass as `cursor` for the next (older) page; `None` on the last.
    pub next_cursor: Option<i64>,
}

/// The longest error text kept per attempt.
pub const MAX_ERROR_BYTES: usize = 1024;

/// Cuts `text` to at most [`MAX_ERROR_BYTES`] bytes on a character boundary.
pub fn cut_error(text: &str) -> String {
    let mut end = text.len().min(MAX_ERROR_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

const DUE: &str = "
SELECT d.delivery_id, d.endpoint_id, d.organization_id, d.payload, d.attempts, d.created_ms
  FROM deliveries d
  JOIN endpoints_view e ON e.endpoint_id = d.endpoint_id
 WHERE d.status = 'pending' AND d.next_attempt_ms <= $1
   AND (d.lease_until_ms IS NULL OR d.lease_until_ms < $1)
   AND e.deleted = 0 AND e.disabled_reason IS NULL
   AND NOT EXISTS (
       SELECT 1 FROM deliveries p
        WHERE p.endpoint_id = d.endpoint_id AND p.conversation_key = d.conversation_key
          AND p.status = 'pending'
          AND (p.log_tx < d.log_tx OR (p.log_tx = d.log_tx AND p.log_position < d.log_position)))
 ORDER BY d.next_attempt_ms
 LIMIT $2";

/// Queries and updates of the delivery outbox.
pub struct DeliveryQueue;

impl DeliveryQueue {
    /// Claims up to `limit` due deliveries for `owner` until `now_ms + lease_ms`.
    ///
    /// # Errors
    /// The database error.
    pub async fn claim_due(
        pool: &AnyPool,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
        limit: u32,
    ) -> Result<Vec<ClaimedDelivery>, sqlx::Error> {
        let rows = sqlx::query(DUE)
            .bind(now_ms)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in rows {
            let delivery_id: String = row.try_get("delivery_id")?;
            let won = sqlx::query(
                "UPDATE deliveries SET lease_until_ms = $1, lease_owner = $2
                  WHERE delivery_id = $3 AND status = 'pending'
                    AND (lease_until_ms IS NULL OR lease_until_ms < $4)",
            )
            .bind(now_ms + lease_ms)
            .bind(owner)
            .bind(&delivery_id)
            .bind(now_ms)
            .execute(pool)
            .await?
            .rows_affected()
                == 1;
            if won {
                claimed.push(ClaimedDelivery {
                    delivery_id,
                    endpoint_id: row.try_get("endpoint_id")?,
                    organization_id: row.try_get("organization_id")?,
                    payload: row.try_get("payload")?,
                    attempts: u32::try_from(row.try_get::<i64, _>("attempts")?).unwrap_or(0),
                    created_ms: row.try_get("created_ms")?,
                });
            }
        }
        Ok(claimed)
    }

    /// Gives a claim back unused (the dispatcher had no room for it), so it is due again at once.
    ///
    /// # Errors
    /// The database error.
    pub async fn release(
        pool: &AnyPool,
        delivery_id: &str,
        owner: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE deliveries SET lease_until_ms = NULL, lease_owner = NULL
              WHERE delivery_id = $1 AND lease_owner = $2",
        )
        .bind(delivery_id)
        .bind(owner)
        .execute(pool)
        .await
        .map(|_| ())
    }

    /// Records attempt number `attempt` of a delivery this process claimed, and what comes next;
    /// releases the lease.
    ///
    /// # Errors
    /// The database error.
    pub async fn record_attempt(
        pool: &AnyPool,
        delivery_id: &str,
        attempt: u32,
        at: DateTime<Utc>,
        result: &AttemptResult,
        next: NextStep,
    ) -> Result<(), sqlx::Error> {
        let mut tx = pool.begin().await?;
        sqlx::query(
            "INSERT INTO delivery_attempts (delivery_id, attempt, attempted_at, http_status,
                 latency_ms, error)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (delivery_id, attempt) DO NOTHING",
        )
        .bind(delivery_id)
        .bind(i64::from(attempt))
        .bind(at.to_rfc3339())
        .bind(result.http_status.map(i64::from))
        .bind(result.latency_ms)
        .bind(result.error.as_deref().map(cut_error))
        .execute(&mut *tx)
        .await?;
        let next_ms = match next {
            NextStep::RetryAt(ms) => ms,
            NextStep::Delivered | NextStep::Failed => at.timestamp_millis(),
        };
        sqlx::query(
            "UPDATE deliveries SET status = $1, attempts = $2, next_attempt_ms = $3,
                 lease_until_ms = NULL, lease_owner = NULL, last_http_status = $4,
                 last_error = $5, updated_at = $6
              WHERE delivery_id = $7",
        )
        .bind(next.status())
        .bind(i64::from(attempt))
        .bind(next_ms)
        .bind(result.http_status.map(i64::from))
        .bind(result.error.as_deref().map(cut_error))
        .bind(at.to_rfc3339())
        .bind(delivery_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// Notes a success (`failing_since` cleared) or a failure of an endpoint; returns since when
    /// it has been failing (ms since the epoch), `None` after a success.
    ///
    /// # Errors
    /// The database error.
    pub async fn note_endpoint_result(
        pool: &AnyPool,
        endpoint_id: &str,
        success: bool,
        now_ms: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        if success {
            sqlx::query(
                "INSERT INTO endpoint_health (endpoint_id, failing_since_ms, last_success_ms)
                 VALUES ($1, NULL, $2)
                 ON CONFLICT (endpoint_id) DO UPDATE SET failing_since_ms = NULL,
                     last_success_ms = excluded.last_success_ms",
            )
            .bind(endpoint_id)
            .bind(now_ms)
            .execute(pool)
            .await?;
            return Ok(None);
        }
        sqlx::query(
            "INSERT INTO endpoint_health (endpoint_id, failing_since_ms, last_success_ms)
             VALUES ($1, $2, NULL)
             ON CONFLICT (endpoint_id) DO UPDATE SET
                 failing_since_ms = COALESCE(endpoint_health.failing_since_ms, excluded.failing_since_ms)",
        )
        .bind(endpoint_id)
        .bind(now_ms)
        .execute(pool)
        .await?;
        sqlx::query_scalar("SELECT failing_since_ms FROM endpoint_health WHERE endpoint_id = $1")
            .bind(endpoint_id)
            .fetch_one(pool)
            .await
    }

    /// An endpoint's deliveries, newest first, optionally of one `status`, with their attempts.
    ///
    /// # Errors
    /// The database error.
    pub async fn list(
        pool: &AnyPool,
        endpoint_id: &str,
        status: Option<&str>,
        limit: u32,
        cursor: Option<i64>,
    ) -> Result<DeliveriesPage, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT delivery_id, event_type, status, attempts, next_attempt_ms, created_at,
                    seq, payload
               FROM deliveries
              WHERE endpoint_id = $1 AND ($2 = '' OR status = $2) AND seq < $3
              ORDER BY seq DESC
              LIMIT $4",
        )
        .bind(endpoint_id)
        .bind(status.unwrap_or_default())
        .bind(cursor.unwrap_or(i64::MAX))
        .bind(i64::from(limit) + 1)
        .fetch_all(pool)
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut delivery = decode_delivery(row)?;
            delivery.attempt_log = Self::attempts(pool, &delivery.delivery_id).await?;
            items.push(delivery);
        }
        let next_cursor = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|d| d.seq)
        } else {
            None
        };
        Ok(DeliveriesPage { items, next_cursor })
    }

    async fn attempts(pool: &AnyPool, delivery_id: &str) -> Result<Vec<AttemptRow>, sqlx::Error> {
        sqlx::query(
            "SELECT attempt, attempted_at, http_status, latency_ms, error
               FROM delivery_attempts WHERE delivery_id = $1 ORDER BY attempt",
        )
        .bind(delivery_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            Ok(AttemptRow {
                attempt: row.try_get("attempt")?,
                attempted_at: row.try_get("attempted_at")?,
                http_status: row.try_get("http_status")?,
                latency_ms: row.try_get("latency_ms")?,
                error: row.try_get("error")?,
            })
        })
        .collect()
    }

    /// One delivery of an endpoint, with its attempts.
    ///
    /// # Errors
    /// The database error.
    pub async fn get(
        pool: &AnyPool,
        endpoint_id: &str,
        delivery_id: &str,
    ) -> Result<Option<DeliveryRow>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT delivery_id, event_type, status, attempts, next_attempt_ms, created_at,
                    seq, payload
               FROM deliveries WHERE endpoint_id = $1 AND delivery_id = $2",
        )
        .bind(endpoint_id)
        .bind(delivery_id)
        .fetch_optional(pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let mut delivery = decode_delivery(&row)?;
        delivery.attempt_log = Self::attempts(pool, delivery_id).await?;
        Ok(Some(delivery))
    }

    /// Makes a delivery due now (whatever its status); returns whether it exists.
    ///
    /// # Errors
    /// The database error.
    pub async fn retry_now(
        pool: &AnyPool,
        endpoint_id: &str,
        delivery_id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE deliveries SET status = 'pending', next_attempt_ms = $1, updated_at = $2
              WHERE endpoint_id = $3 AND delivery_id = $4",
        )
        .bind(now.timestamp_millis())
        .bind(now.to_rfc3339())
        .bind(endpoint_id)
        .bind(delivery_id)
        .execute(pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

fn decode_delivery(row: &AnyRow) -> Result<DeliveryRow, sqlx::Error> {
    let status: String = row.try_get("status")?;
    let next: i64 = row.try_get("next_attempt_ms")?;
    Ok(DeliveryRow {
        delivery_id: row.try_get("delivery_id")?,
        event_type: row.try_get("event_type")?,
        next_attempt_ms: (status == "pending").then_some(next),
        status,
        attempts: row.try_get("attempts")?,
        created_at: row.try_get("created_at")?,
        payload: row.try_get("payload")?,
        attempt_log: Vec::new(),
        seq: row.try_get("seq")?,
    })
}
