//! `last_used_at` of organization API keys: written by the authentication check to the
//! `api_key_usage` table at most once per [`TOUCH_EVERY`] per key and process, so a busy key
//! costs no write per request.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::{AnyPool, Row};
use switchboard_domain::ApiKeyId;

/// How stale `last_used_at` may be, at most.
pub const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// Records and reads when keys were last used.
#[derive(Default)]
pub struct KeyUsage {
    written: Mutex<HashMap<ApiKeyId, Instant>>,
}

impl KeyUsage {
    /// Notes that `key` was used at `at`; writes unless this process wrote it less than
    /// [`TOUCH_EVERY`] ago. A failed write is logged, never refuses the request.
    pub async fn touch(&self, pool: &AnyPool, key: ApiKeyId, at: DateTime<Utc>) {
        let now = Instant::now();
        {
            let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
            if written
                .get(&key)
                .is_some_and(|last| now.duration_since(*last) < TOUCH_EVERY)
            {
                return;
            }
            written.insert(key, now);
        }
        let result = sqlx::query(
            "INSERT INTO api_key_usage (key_id, last_used_at) VALUES ($1, $2)
             ON CONFLICT (key_id) DO UPDATE SET last_used_at = excluded.last_used_at",
        )
        .bind(key.to_string())
        .bind(at.to_rfc3339_opts(SecondsFormat::Millis, true))
        .execute(pool)
        .await;
        if let Err(error) = result {
            tracing::warn!(%error, %key, "could not record the key's last use");
        }
    }

    /// When each of `keys` was last used, for those used at all.
    ///
    /// # Errors
    /// The database error.
    pub async fn last_used(
        pool: &AnyPool,
        keys: &[ApiKeyId],
    ) -> Result<HashMap<ApiKeyId, DateTime<Utc>>, sqlx::Error> {
        let mut found = HashMap::new();
        for key in keys {
            let row = sqlx::query("SELECT last_used_at FROM api_key_usage WHERE key_id = $1")
                .bind(key.to_string())
                .fetch_optional(pool)
                .await?;
            if let Some(row) = row {
                let text: String = row.try_get(0)?;
                if let Ok(at) = DateTime::parse_from_rfc3339(&text) {
                    found.insert(*key, at.with_timezone(&Utc));
                }
            }
        }
        Ok(found)
    }
}
