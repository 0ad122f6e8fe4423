use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};
use switchboard_application::ports::RecordedEvent;
use switchboard_domain::phone_number::{PhoneNumber, PhoneNumberEvent};

use crate::projection::{payload, Projection};

/// The routing table: which organization a number routes to, and whether it is still active.
/// Built from `NumberProvisioned`, `WebhooksConfigured`, `NumberReleased` and `NumberLost`.
#[derive(Clone, Copy, Debug, Default)]
pub struct RoutingTable;

/// One row of the routing table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoutingEntry {
    /// E.164 number.
    pub phone_number: String,
    /// The (last) owner.
    pub organization_id: String,
    /// `active`, `released` or `lost` (the provider no longer has it).
    pub status: String,
    /// `twilio`, `signalwire` or `sandbox`.
    pub provider: String,
    /// The provider's SID.
    pub provider_sid: String,
    /// `SmsUrl` as last applied.
    pub sms_url: String,
    /// `StatusCallback` as last applied.
    pub status_callback: String,
    /// RFC 3339 time of the last change.
    pub updated_at: String,
}

impl RoutingTable {
    /// The entry for `phone_number` (E.164), if it was ever provisioned.
    ///
    /// # Errors
    /// The database error.
    pub async fn find(
        pool: &AnyPool,
        phone_number: &str,
    ) -> Result<Option<RoutingEntry>, sqlx::Error> {
        let row = sqlx::query(&format!("{SELECT} WHERE phone_number = $1"))
            .bind(phone_number)
            .fetch_optional(pool)
            .await?;
        row.as_ref().map(entry).transpose()
    }

    /// Every active entry (the numbers organizations hold), by number.
    ///
    /// # Errors
    /// The database error.
    pub async fn active(pool: &AnyPool) -> Result<Vec<RoutingEntry>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "{SELECT} WHERE status = 'active' ORDER BY phone_number"
        ))
        .fetch_all(pool)
        .await?;
        rows.iter().map(entry).collect()
    }
}

/// The columns of a [`RoutingEntry`].
const SELECT: &str = "SELECT phone_number, organization_id, status, provider, provider_sid, \
                      sms_url, status_callback, updated_at FROM routing_table";

fn entry(row: &AnyRow) -> Result<RoutingEntry, sqlx::Error> {
    Ok(RoutingEntry {
        phone_number: row.try_get("phone_number")?,
        organization_id: row.try_get("organization_id")?,
        status: row.try_get("status")?,
        provider: row.try_get("provider")?,
        provider_sid: row.try_get("provider_sid")?,
        sms_url: row.try_get("sms_url")?,
        status_callback: row.try_get("status_callback")?,
        updated_at: row.try_get("updated_at")?,
    })
}

#[async_trait]
impl Projection for RoutingTable {
    fn name(&self) -> &'static str {
        "routing_table"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["routing_table"]
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
                webhooks,
                provisioned_at,
                ..
            } => {
                sqlx::query(
                    "INSERT INTO routing_table (phone_number, organization_id, status, provider,
                         provider_sid, sms_url, status_callback, updated_at)
                     VALUES ($1, $2, 'active', $3, $4, $5, $6, $7)
                     ON CONFLICT (phone_number) DO UPDATE SET
                         organization_id = excluded.organization_id, status = 'active',
                         provider = excluded.provider, provider_sid = excluded.provider_sid,
                         sms_url = excluded.sms_url, status_callback = excluded.status_callback,
                         updated_at = excluded.updated_at",
                )
                .bind(phone_number.as_str())
                .bind(organization_id.to_string())
                .bind(provider)
                .bind(provider_sid)
                .bind(webhooks.sms_url)
                .bind(webhooks.status_callback)
                .bind(provisioned_at.to_rfc3339())
                .execute(&mut *tx)
                .await?;
            }
            PhoneNumberEvent::WebhooksConfigured {
                webhooks,
                configured_at,
                ..
            } => {
                sqlx::query(
                    "UPDATE routing_table SET sms_url = $1, status_callback = $2, updated_at = $3
                      WHERE phone_number = $4",
                )
                .bind(webhooks.sms_url)
                .bind(webhooks.status_callback)
                .bind(configured_at.to_rfc3339())
                .bind(&event.aggregate_id)
                .execute(&mut *tx)
                .await?;
            }
            PhoneNumberEvent::NumberReleased { released_at, .. } => {
                set_status(tx, event, "released", released_at).await?;
            }
            PhoneNumberEvent::NumberLost { lost_at, .. } => {
                set_status(tx, event, "lost", lost_at).await?;
            }
            // Still routed to its owner until the release is done.
            PhoneNumberEvent::NumberReleaseRequested { .. } => {}
        }
        Ok(())
    }
}

/// Sets the event's number to `status` (no longer routed) as of `at`.
async fn set_status(
    tx: &mut AnyConnection,
    event: &RecordedEvent,
    status: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE routing_table SET status = $1, updated_at = $2 WHERE phone_number = $3")
        .bind(status)
        .bind(at.to_rfc3339())
        .bind(&event.aggregate_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
