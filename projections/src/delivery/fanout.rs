//! The delivery projection: keeps the endpoints read model from `Endpoint` events and, for every
//! other event that yields an envelope, records one pending delivery per enabled endpoint of the
//! organization that takes its type, in the projector's transaction, so a delivery exists exactly
//! when its event is committed and checkpointed (nothing lost on a crash, nothing doubled).

use async_trait::async_trait;
use chrono::Utc;
use std::collections::HashSet;

use sqlx::{AnyConnection, Row};
use std::sync::Arc;
use switchboard_application::ports::{GlobalLog, LogPosition, RecordedEvent};
use switchboard_domain::endpoint::{Endpoint, EndpointEvent};

use super::endpoints::{EndpointRow, EndpointsView};
use super::envelope::{envelope_of, Envelope};
use crate::projection::{payload, Projection};

/// The delivery projection (checkpoint `deliveries`). A rebuild refills `endpoints_view`; the
/// deliveries themselves are never emptied and their ids are deterministic, so replaying the
/// log adds none twice. Given the log ([`DeliveryFanout::reading`]), the messages it reads back
/// for an envelope come with their personal fields opened.
#[derive(Clone, Default)]
pub struct DeliveryFanout {
    log: Option<Arc<dyn GlobalLog>>,
}

impl DeliveryFanout {
    /// A fan-out that reads earlier events back through `log`, opened.
    pub fn reading(log: Arc<dyn GlobalLog>) -> Self {
        Self { log: Some(log) }
    }
}

/// The delivery's id: a UUID v5 of the endpoint and the fact, so the same fact always maps to the
/// same delivery (and `webhook-id`) for an endpoint.
pub fn delivery_id(endpoint_id: &str, event_key: &str) -> uuid::Uuid {
    uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        format!("switchboard:delivery:{endpoint_id}:{event_key}").as_bytes(),
    )
}

/// How long the asynchronous delivery of an accepted message to a responder endpoint waits,
/// leaving the synchronous call inside the webhook (bounded by Twilio's 15 s timeout) to
/// deliver it first; if that process died, the dispatcher delivers it after this.
pub const RESPONDER_GRACE_MS: i64 = 15_000;

/// Records a pending delivery of `envelope` to `endpoint`, due at `due_ms`, unless it exists;
/// `position` is its fact's place in the log (deliveries of one conversation go in that order).
/// Returns whether it was new.
///
/// # Errors
/// The database error.
pub async fn insert_delivery(
    conn: &mut AnyConnection,
    endpoint: &EndpointRow,
    envelope: &Envelope,
    position: LogPosition,
    due_ms: i64,
) -> Result<bool, sqlx::Error> {
    let now = Utc::now();
    let done = sqlx::query(
        "INSERT INTO deliveries (delivery_id, endpoint_id, organization_id, event_key, event_type,
             conversation_key, log_tx, log_position, payload, status, attempts, next_attempt_ms,
             created_at, created_ms, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', 0, $10, $11, $12, $11)
         ON CONFLICT (delivery_id) DO NOTHING",
    )
    .bind(delivery_id(&endpoint.endpoint_id, &envelope.event_key).to_string())
    .bind(&endpoint.endpoint_id)
    .bind(&endpoint.organization_id)
    .bind(&envelope.event_key)
    .bind(envelope.event_type.as_str())
    .bind(&envelope.conversation_key)
    .bind(position.transaction_id)
    .bind(position.position)
    .bind(envelope.body())
    .bind(due_ms)
    .bind(now.to_rfc3339())
    .bind(now.timestamp_millis())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[async_trait]
impl Projection for DeliveryFanout {
    fn name(&self) -> &'static str {
        "deliveries"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["endpoints_view"]
    }

    /// As one [`Projection::apply`] each, but reads which organizations have an enabled endpoint
    /// once per batch (again after an endpoint event), and skips the facts of the others
    /// without reading their envelopes: a rebuild of a log whose organizations have few
    /// endpoints costs little.
    async fn apply_batch(
        &self,
        tx: &mut AnyConnection,
        events: &[RecordedEvent],
    ) -> Result<(), sqlx::Error> {
        let mut with_endpoints = organizations_with_endpoints(tx).await?;
        for event in events {
            if let Some(erased) = crate::erasure::erasure_of(event)? {
                crate::erasure::scrub_deliveries(tx, &erased).await?;
            } else if event.aggregate_type == <Endpoint as cqrs_es::Aggregate>::TYPE {
                apply_endpoint_event(tx, event).await?;
                with_endpoints = organizations_with_endpoints(tx).await?;
            } else if !with_endpoints.is_empty() && may_concern(event, &with_endpoints) {
                self.apply(tx, event).await?;
            }
        }
        Ok(())
    }

    async fn apply(
        &self,
        tx: &mut AnyConnection,
        event: &RecordedEvent,
    ) -> Result<(), sqlx::Error> {
        if let Some(erased) = crate::erasure::erasure_of(event)? {
            return crate::erasure::scrub_deliveries(tx, &erased).await;
        }
        if event.aggregate_type == <Endpoint as cqrs_es::Aggregate>::TYPE {
            return apply_endpoint_event(tx, event).await;
        }
        let Some(envelope) = envelope_of(tx, event, self.log.as_deref()).await? else {
            return Ok(());
        };
        let organization_id = envelope.organization_id.to_string();
        let now_ms = Utc::now().timestamp_millis();
        for endpoint in EndpointsView::enabled(tx, &organization_id).await? {
            if endpoint.wants(envelope.event_type) {
                let due_ms = if endpoint.responder && envelope.is_responder_call() {
                    now_ms + RESPONDER_GRACE_MS
                } else {
                    now_ms
                };
                insert_delivery(tx, &endpoint, &envelope, event.log_position, due_ms).await?;
            }
        }
        Ok(())
    }
}

/// Whether `event` may yield an envelope for one of `organizations`: always, unless its payload
/// names another organization (a sent message, a number event); an inbound outcome names none,
/// so its message is read.
fn may_concern(event: &RecordedEvent, organizations: &HashSet<String>) -> bool {
    let named = event
        .payload
        .as_object()
        .and_then(|o| o.values().next())
        .and_then(|data| {
            data.get("organization_id")
                .or_else(|| data.get("message").and_then(|m| m.get("organization_id")))
        })
        .and_then(|id| id.as_str());
    named.is_none_or(|id| organizations.contains(id))
}

/// The organizations with at least one enabled endpoint.
async fn organizations_with_endpoints(
    tx: &mut AnyConnection,
) -> Result<HashSet<String>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT DISTINCT organization_id FROM endpoints_view
          WHERE deleted = 0 AND disabled_reason IS NULL",
    )
    .fetch_all(&mut *tx)
    .await?;
    rows.iter()
        .map(|row| row.try_get("organization_id"))
        .collect()
}

async fn apply_endpoint_event(
    tx: &mut AnyConnection,
    event: &RecordedEvent,
) -> Result<(), sqlx::Error> {
    let id = event.aggregate_id.as_str();
    let types_json = |types: &Option<Vec<switchboard_domain::EventType>>| {
        types
            .as_ref()
            .map(|t| serde_json::to_string(t).unwrap_or_else(|_| "[]".into()))
    };
    match payload::<EndpointEvent>(event)? {
        EndpointEvent::EndpointCreated {
            organization_id,
            url,
            description,
            event_types,
            responder,
            secret,
            created_at,
            ..
        } => {
            sqlx::query(
                "INSERT INTO endpoints_view (endpoint_id, organization_id, created_position, url,
                     description, event_types, responder, secret, deleted, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $9)
                 ON CONFLICT (endpoint_id) DO NOTHING",
            )
            .bind(id)
            .bind(organization_id.to_string())
            .bind(event.log_position.position)
            .bind(url.as_str())
            .bind(description)
            .bind(types_json(&event_types))
            .bind(i64::from(responder))
            .bind(secret)
            .bind(created_at.to_rfc3339())
            .execute(&mut *tx)
            .await?;
        }
        EndpointEvent::EndpointUpdated {
            url,
            description,
            event_types,
            responder,
            updated_at,
        } => {
            sqlx::query(
                "UPDATE endpoints_view SET url = $1, description = $2, event_types = $3,
                     responder = $4, updated_at = $5 WHERE endpoint_id = $6",
            )
            .bind(url.as_str())
            .bind(description)
            .bind(types_json(&event_types))
            .bind(i64::from(responder))
            .bind(updated_at.to_rfc3339())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        EndpointEvent::EndpointSecretRotated {
            secret,
            previous_secret,
            previous_valid_until,
            rotated_at,
        } => {
            sqlx::query(
                "UPDATE endpoints_view SET secret = $1, previous_secret = $2,
                     previous_secret_until_ms = $3, updated_at = $4 WHERE endpoint_id = $5",
            )
            .bind(secret)
            .bind(previous_secret)
            .bind(previous_valid_until.timestamp_millis())
            .bind(rotated_at.to_rfc3339())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        EndpointEvent::EndpointDisabled {
            reason,
            disabled_at,
        } => {
            sqlx::query(
                "UPDATE endpoints_view SET disabled_reason = $1, updated_at = $2
                  WHERE endpoint_id = $3",
            )
            .bind(reason)
            .bind(disabled_at.to_rfc3339())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        EndpointEvent::EndpointEnabled { enabled_at } => {
            sqlx::query(
                "UPDATE endpoints_view SET disabled_reason = NULL, updated_at = $1
                  WHERE endpoint_id = $2",
            )
            .bind(enabled_at.to_rfc3339())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        EndpointEvent::EndpointDeleted { deleted_at } => {
            sqlx::query(
                "UPDATE endpoints_view SET deleted = 1, updated_at = $1 WHERE endpoint_id = $2",
            )
            .bind(deleted_at.to_rfc3339())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
    }
    Ok(())
}
