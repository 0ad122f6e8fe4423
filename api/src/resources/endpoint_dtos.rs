//! DTOs of `/v1/organizations/{id}/endpoints` and their deliveries.

use poem_openapi::{Enum, Object};
use switchboard_domain::EventType;
use switchboard_projections::delivery::{AttemptRow, DeliveryRow, EndpointRow};

use super::envelope_dtos::Envelope;
use super::types::{not_null, Described, Nullable, Text};

/// The type of a delivered envelope (Standard Webhooks style names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Enum)]
pub enum EventTypeName {
    /// An inbound message routed to the organization, with its outcome and our replies.
    #[oai(rename = "message.received")]
    MessageReceived,
    /// The provider accepted an outbound message.
    #[oai(rename = "message.sent")]
    MessageSent,
    /// An outbound message's status moved forward.
    #[oai(rename = "message.status")]
    MessageStatus,
    /// The organization got a number.
    #[oai(rename = "number.provisioned")]
    NumberProvisioned,
    /// The organization gave a number up.
    #[oai(rename = "number.released")]
    NumberReleased,
    /// An inbound call routed to the organization, with what the caller heard.
    #[oai(rename = "call.received")]
    CallReceived,
    /// A call ended, with its duration.
    #[oai(rename = "call.completed")]
    CallCompleted,
    /// A caller left a voicemail.
    #[oai(rename = "call.voicemail")]
    CallVoicemail,
}

impl From<EventTypeName> for EventType {
    fn from(name: EventTypeName) -> Self {
        match name {
            EventTypeName::MessageReceived => EventType::MessageReceived,
            EventTypeName::MessageSent => EventType::MessageSent,
            EventTypeName::MessageStatus => EventType::MessageStatus,
            EventTypeName::NumberProvisioned => EventType::NumberProvisioned,
            EventTypeName::NumberReleased => EventType::NumberReleased,
            EventTypeName::CallReceived => EventType::CallReceived,
            EventTypeName::CallCompleted => EventType::CallCompleted,
            EventTypeName::CallVoicemail => EventType::CallVoicemail,
        }
    }
}

impl From<EventType> for EventTypeName {
    fn from(event_type: EventType) -> Self {
        match event_type {
            EventType::MessageReceived => EventTypeName::MessageReceived,
            EventType::MessageSent => EventTypeName::MessageSent,
            EventType::MessageStatus => EventTypeName::MessageStatus,
            EventType::NumberProvisioned => EventTypeName::NumberProvisioned,
            EventType::NumberReleased => EventTypeName::NumberReleased,
            EventType::CallReceived => EventTypeName::CallReceived,
            EventType::CallCompleted => EventTypeName::CallCompleted,
            EventType::CallVoicemail => EventTypeName::CallVoicemail,
        }
    }
}

/// Body of `POST /v1/organizations/{id}/endpoints`.
#[derive(Debug, Object)]
pub struct CreateEndpoint {
    /// Where deliveries are posted: absolute `https`, or `http` on a loopback host (any host
    /// with `ALLOW_INSECURE_ENDPOINTS=true`; otherwise 422 `invalid_url`).
    #[oai(validator(
        max_length = 2048,
        pattern = r"^[hH][tT][tT][pP][sS]?://[^\s/?#@]+([/?#]\S*)?$"
    ))]
    pub url: String,
    /// Free text.
    #[oai(validator(max_length = 500), deserialize_with = "not_null")]
    pub description: Option<Text>,
    /// The types delivered; all when absent.
    #[oai(validator(max_items = 8, unique_items), deserialize_with = "not_null")]
    pub event_types: Option<Vec<EventTypeName>>,
    /// Whether this endpoint answers `message.received` synchronously with a reply for the
    /// customer (default false).
    #[oai(deserialize_with = "not_null")]
    pub responder: Option<bool>,
}

/// Body of `PATCH /v1/organizations/{id}/endpoints/{endpoint_id}`: only the fields given change.
#[derive(Debug, Object)]
pub struct UpdateEndpoint {
    /// New URL.
    #[oai(
        validator(min_length = 1, max_length = 2048),
        deserialize_with = "not_null"
    )]
    pub url: Option<Text>,
    /// New description; `null` clears it.
    #[oai(validator(max_length = 500))]
    pub description: Nullable<Text>,
    /// New type filter; `null` delivers every type.
    #[oai(validator(max_items = 8, unique_items))]
    pub event_types: Nullable<Vec<EventTypeName>>,
    /// New responder flag.
    #[oai(deserialize_with = "not_null")]
    pub responder: Option<bool>,
    /// `true` re-enables a disabled endpoint (clearing `disabled_reason`); `false` disables it.
    #[oai(deserialize_with = "not_null")]
    pub enabled: Option<bool>,
}

/// An endpoint.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct EndpointView {
    /// The endpoint's id.
    pub id: uuid::Uuid,
    /// Where deliveries are posted.
    pub url: String,
    /// Free text.
    pub description: Option<String>,
    /// The types delivered; absent means every type.
    pub event_types: Option<Vec<EventTypeName>>,
    /// Whether it answers `message.received` synchronously.
    pub responder: bool,
    /// Why deliveries are stopped (after 24 h of failures, a 410, or by the organization);
    /// absent while enabled.
    pub disabled_reason: Option<String>,
    /// Creation time.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Last change.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

fn time(rfc3339: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default()
}

impl From<EndpointRow> for EndpointView {
    fn from(row: EndpointRow) -> Self {
        Self {
            id: row.endpoint_id.parse().unwrap_or_default(),
            url: row.url,
            description: row.description,
            event_types: row
                .event_types
                .map(|types| types.into_iter().map(Into::into).collect()),
            responder: row.responder,
            disabled_reason: row.disabled_reason,
            created_at: time(&row.created_at),
            updated_at: time(&row.updated_at),
        }
    }
}

/// A new endpoint, with its signing secret (shown only here).
#[derive(Debug, Object)]
pub struct CreatedEndpoint {
    /// The endpoint.
    #[oai(flatten)]
    pub endpoint: EndpointView,
    /// The Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes. Verify
    /// deliveries with it (e.g. the `standardwebhooks` libraries); it is not shown again.
    pub secret: String,
}

/// A page of endpoints, oldest first.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct EndpointPage {
    /// The endpoints.
    pub items: Vec<EndpointView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// The new secret after a rotation.
#[derive(Debug, Object)]
pub struct RotatedSecret {
    /// The new signing secret (`whsec_…`), shown only here.
    pub secret: String,
    /// Until when the previous secret also signs each delivery (24 h).
    pub previous_secret_valid_until: chrono::DateTime<chrono::Utc>,
}

/// A delivery's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not delivered yet: waiting for its first attempt or a retry.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Every attempt of the retry schedule failed.
    Failed,
}

/// One attempt of a delivery.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct DeliveryAttempt {
    /// 1 for the first.
    pub attempt: u32,
    /// When it was made.
    pub attempted_at: chrono::DateTime<chrono::Utc>,
    /// The endpoint's HTTP status; absent on a timeout or connection error.
    pub http_status: Option<u16>,
    /// Milliseconds from sending to the end of the response.
    pub latency_ms: u64,
    /// Why it failed (at most 1 KiB); absent on success.
    pub error: Option<String>,
}

impl From<AttemptRow> for DeliveryAttempt {
    fn from(row: AttemptRow) -> Self {
        Self {
            attempt: u32::try_from(row.attempt).unwrap_or_default(),
            attempted_at: time(&row.attempted_at),
            http_status: row.http_status.and_then(|s| u16::try_from(s).ok()),
            latency_ms: u64::try_from(row.latency_ms).unwrap_or_default(),
            error: row.error,
        }
    }
}

/// One event's delivery to an endpoint.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct DeliveryView {
    /// The delivery's id.
    pub id: uuid::Uuid,
    /// The `webhook-id` header it is sent with, the same on every attempt (deduplicate on it).
    pub webhook_id: String,
    /// The envelope's type.
    pub event_type: Described<EventTypeName>,
    /// Its state.
    pub status: Described<DeliveryStatus>,
    /// When the next attempt is due; only while pending.
    pub next_attempt_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When the delivery was created.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The attempts, oldest first.
    pub attempts: Vec<DeliveryAttempt>,
    /// What is delivered: the exact JSON body of every attempt.
    pub envelope: Described<Envelope>,
}

/// The `webhook-id` of a delivery: `msg_` + the 32 hex digits of its id.
pub fn webhook_id(delivery_id: &uuid::Uuid) -> String {
    format!("msg_{}", delivery_id.simple())
}

impl From<DeliveryRow> for DeliveryView {
    fn from(row: DeliveryRow) -> Self {
        let id: uuid::Uuid = row.delivery_id.parse().unwrap_or_default();
        Self {
            webhook_id: webhook_id(&id),
            id,
            event_type: Described(
                row.event_type
                    .parse::<EventType>()
                    .map(Into::into)
                    .unwrap_or(EventTypeName::MessageReceived),
            ),
            status: Described(match row.status.as_str() {
                "delivered" => DeliveryStatus::Delivered,
                "failed" => DeliveryStatus::Failed,
                _ => DeliveryStatus::Pending,
            }),
            next_attempt_at: row
                .next_attempt_ms
                .and_then(chrono::DateTime::from_timestamp_millis),
            created_at: time(&row.created_at),
            attempts: row.attempt_log.into_iter().map(Into::into).collect(),
            envelope: Described(
                Envelope::parse(&row.payload).unwrap_or_else(|_| Envelope::empty()),
            ),
        }
    }
}

/// A page of deliveries, newest first.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct DeliveryPage {
    /// The deliveries.
    pub items: Vec<DeliveryView>,
    /// Pass as `cursor` for the next (older) page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Body of `POST …/endpoints/{endpoint_id}/replay`.
#[derive(Debug, Object)]
pub struct ReplayRequest {
    /// Redeliver everything recorded at or after this time (RFC 3339).
    pub since: chrono::DateTime<chrono::Utc>,
}

/// What a replay scheduled.
#[derive(Debug, Object)]
pub struct ReplayResult {
    /// Deliveries made due now.
    pub replayed: u64,
}
