//! The `number_history` projection: every ownership of every number (who held it from when to
//! when), for `GET /v1/numbers/{phone_number}/history` and the number-months of the cost
//! estimate.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};
use switchboard_application::ports::RecordedEvent;
use switchboard_domain::phone_number::{PhoneNumber, PhoneNumberEvent};

use crate::projection::{payload, Projection};

/// The number history projection.
#[derive(Clone, Copy, Debug, Default)]
pub struct NumberHistory;

/// One ownership of a number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ownership {
    /// E.164.
    pub phone_number: String,
    /// The owner.
    pub organization_id: String,
    /// `twilio`, `signalwire` or `sandbox`.
    pub provider: String,
    /// The provider's SID during this ownership.
    pub provider_sid: String,
    /// Provisioned, ms since the epoch.
    pub provisioned_ms: i64,
    /// Released (or found lost), ms since the epoch; `None` while held.
    pub released_ms: Option<i64>,
    /// How the ownership ended: `released` or `lost`; `None` while held.
    pub ended_as: Option<String>,
}

fn decode(row: &AnyRow) -> Result<Ownership, sqlx::Error> {
    Ok(Ownership {
        phone_number: row.try_get("phone_number")?,
        organization_id: row.try_get("organization_id")?,
        provider: row.try_get("provider")?,
        provider_sid: row.try_get("provider_sid")?,
        provisioned_ms: row.try_get("provisioned_ms")?,
        released_ms: row.try_get("released_ms")?,
        ended_as: row.try_get("ended_as")?,
    })
}

const COLUMNS: &str =
    "phone_number, organization_id, provider, provider_sid, provisioned_ms, released_ms, ended_as";

impl NumberHistory {
    /// Every ownership of `phone_number`, oldest first.
    ///
    /// # Errors
    /// The database error.
    pub async fn of_number(
        pool: &AnyPool,
        phone_number: &str,
    ) -> Result<Vec<Ownership>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM number_ownerships WHERE phone_number = $1 ORDER BY sequence"
        ))
        .bind(phone_number)
        .fetch_all(pool)
        .await?;
        rows.iter().map(decode).collect()
    }

    /// The ownerships of `organization_id` that overlap `[from_ms, to_ms)`.
    ///
    /// # Errors
    /// The database error.
    pub async fn of_organization(
        pool: &AnyPool,
        organization_id: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<Ownership>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM number_ownerships
              WHERE organization_id = $1 AND provisioned_ms < $2
                AND (released_ms IS NULL OR released_ms > $3)"
        ))
        .bind(organization_id)
        .bind(to_ms)
        .bind(from_ms)
        .fetch_all(pool)
        .await?;
        rows.iter().map(decode).collect()
    }
}

#[async_trait]
impl Projection for NumberHistory {
    fn name(&self) -> &'static str {
        "number_history"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["number_ownerships"]
    }

    async fn apply(
        &self,
        tx: &mut AnyConnection,
        event: &RecordedEvent,
    ) -> Result<(), sqlx::Error> {
        if event.aggregate_type != <PhoneNumber as cqrs_es::Aggregate>::TYPE {
            return Ok(());
        }
        match payload::<PhoneNumberEvent>(event)? {
            PhoneNumberEvent::NumberProvisioned {
                phone_number,
                organization_id,
                provider,
                provider_sid,
                provisioned_at,
                ..
            } => {
                sqlx::query(
                    "INSERT INTO number_ownerships (phone_number, sequence, organization_id,
                         provider, provider_sid, provisioned_ms, released_ms)
                     VALUES ($1, $2, $3, $4, $5, $6, NULL)
                     ON CONFLICT (phone_number, sequence) DO NOTHING",
                )
                .bind(phone_number.as_str())
                .bind(event.sequence)
                .bind(organization_id.to_string())
                .bind(provider)
                .bind(provider_sid)
                .bind(provisioned_at.timestamp_millis())
                .execute(&mut *tx)
                .await?;
            }
            PhoneNumberEvent::NumberReleased { released_at, .. } => {
                end(tx, event, released_at, "released").await?;
            }
            PhoneNumberEvent::NumberLost { lost_at, .. } => {
                end(tx, event, lost_at, "lost").await?;
            }
            PhoneNumberEvent::WebhooksConfigured { .. }
            | PhoneNumberEvent::NumberReleaseRequested { .. } => {}
        }
        Ok(())
    }
}

/// Ends the open ownership of the event's number at `at`, as `ended_as`.
async fn end(
    tx: &mut AnyConnection,
    event: &RecordedEvent,
    at: chrono::DateTime<chrono::Utc>,
    ended_as: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE number_ownerships SET released_ms = $1, ended_as = $2
          WHERE phone_number = $3 AND released_ms IS NULL AND sequence < $4",
    )
    .bind(at.timestamp_millis())
    .bind(ended_as)
    .bind(&event.aggregate_id)
    .bind(event.sequence)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
