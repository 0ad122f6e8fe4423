use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, AnyPool, Row};
use switchboard_application::ports::{
    ProvisioningLedger, ProvisioningRequest, RecordedEvent, RequestState, StoreError,
};
use switchboard_domain::organization::{Organization, OrganizationEvent};
use switchboard_domain::{RequestId, E164};

use crate::projection::{payload, Projection};

/// Provisioning requests and where they stand (`in_flight`, `attached`, `failed`), for the
/// reconciler. Times are RFC 3339 in UTC, so they compare as text.
#[derive(Clone, Debug)]
pub struct ProvisioningRequests {
    pool: Option<AnyPool>,
}

impl ProvisioningRequests {
    /// The projection (no pool needed to project).
    pub fn projection() -> Self {
        Self { pool: None }
    }

    /// The ledger over the read-model pool.
    pub fn ledger(pool: AnyPool) -> Self {
        Self { pool: Some(pool) }
    }

    fn pool(&self) -> Result<&AnyPool, StoreError> {
        self.pool
            .as_ref()
            .ok_or_else(|| StoreError("the provisioning ledger has no pool".into()))
    }
}

fn decode(row: &sqlx::any::AnyRow) -> Result<ProvisioningRequest, StoreError> {
    let text = |name: &str| {
        row.try_get::<String, _>(name)
            .map_err(StoreError::from_error)
    };
    let state = match text("state")?.as_str() {
        "attached" => RequestState::Attached,
        "failed" => RequestState::Failed,
        _ => RequestState::InFlight,
    };
    Ok(ProvisioningRequest {
        request_id: RequestId::from_uuid(
            text("request_id")?
                .parse()
                .map_err(StoreError::from_error)?,
        ),
        organization_id: text("organization_id")?
            .parse()
            .map_err(StoreError::from_error)?,
        requested_at: text("requested_at")?
            .parse()
            .map_err(StoreError::from_error)?,
        state,
    })
}

fn utc(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

#[async_trait]
impl ProvisioningLedger for ProvisioningRequests {
    async fn request(
        &self,
        request_id: RequestId,
    ) -> Result<Option<ProvisioningRequest>, StoreError> {
        let row = sqlx::query(
            "SELECT request_id, organization_id, requested_at, state
               FROM provisioning_requests WHERE request_id = $1",
        )
        .bind(request_id.to_string())
        .fetch_optional(self.pool()?)
        .await
        .map_err(StoreError::from_error)?;
        row.as_ref().map(decode).transpose()
    }

    async fn in_flight_before(
        &self,
        before: DateTime<Utc>,
    ) -> Result<Vec<ProvisioningRequest>, StoreError> {
        let rows = sqlx::query(
            "SELECT request_id, organization_id, requested_at, state
               FROM provisioning_requests WHERE state = 'in_flight' AND requested_at < $1",
        )
        .bind(utc(before))
        .fetch_all(self.pool()?)
        .await
        .map_err(StoreError::from_error)?;
        rows.iter().map(decode).collect()
    }

    async fn held_numbers(&self) -> Result<Vec<E164>, StoreError> {
        let rows = sqlx::query(
            "SELECT phone_number FROM routing_table WHERE status = 'active' ORDER BY phone_number",
        )
        .fetch_all(self.pool()?)
        .await
        .map_err(StoreError::from_error)?;
        rows.iter()
            .map(|row| {
                let text: String = row
                    .try_get("phone_number")
                    .map_err(StoreError::from_error)?;
                E164::parse(&text).map_err(StoreError::from_error)
            })
            .collect()
    }
}

#[async_trait]
impl Projection for ProvisioningRequests {
    fn name(&self) -> &'static str {
        "provisioning_requests"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["provisioning_requests"]
    }

    async fn apply(
        &self,
        tx: &mut AnyConnection,
        event: &RecordedEvent,
    ) -> Result<(), sqlx::Error> {
        if event.aggregate_type != <Organization as cqrs_es::Aggregate>::TYPE {
            return Ok(());
        }
        let (request_id, state) = match payload::<OrganizationEvent>(event)? {
            OrganizationEvent::NumberRequested {
                request_id,
                requested_at,
                ..
            } => {
                sqlx::query(
                    "INSERT INTO provisioning_requests (request_id, organization_id, requested_at, state)
                     VALUES ($1, $2, $3, 'in_flight') ON CONFLICT (request_id) DO NOTHING",
                )
                .bind(request_id.to_string())
                .bind(&event.aggregate_id)
                .bind(utc(requested_at))
                .execute(&mut *tx)
                .await?;
                return Ok(());
            }
            OrganizationEvent::NumberAttached { request_id, .. } => (request_id, "attached"),
            OrganizationEvent::NumberRequestFailed { request_id, .. } => (request_id, "failed"),
            _ => return Ok(()),
        };
        sqlx::query("UPDATE provisioning_requests SET state = $1 WHERE request_id = $2")
            .bind(state)
            .bind(request_id.to_string())
            .execute(&mut *tx)
            .await?;
        Ok(())
    }
}
