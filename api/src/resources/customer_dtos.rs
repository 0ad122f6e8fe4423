//! What the customer operations answer: an erasure's summary and a customer's export.
//! Members that do not apply are omitted, never `null`.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use switchboard_projections::{ConversationRow, DeliveryRow};

use super::calls::CallView;
use super::messages::MessageView;
use super::types::{json_column, millis_column, time_column};
use crate::problem::ApiError;

/// What an erasure did.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ErasureView {
    /// The organization.
    pub organization_id: uuid::Uuid,
    /// The customer's address (`+E164` or `whatsapp:+E164`).
    pub address: String,
    /// When the erasure was recorded (the `CustomerErased` event).
    pub erased_at: DateTime<Utc>,
    /// How many times this customer has been erased (1 for the first).
    pub erasures: u32,
    /// Data keys deleted now (0 when an earlier erasure deleted them and the customer has not
    /// written since): what was sealed with them is unreadable in the event store for good.
    pub keys_deleted: u64,
    /// Whether every read model has already blanked the customer's data (if not, it does so as
    /// soon as the projector reaches the erasure, and the answer is 202).
    pub read_models_erased: bool,
}

/// One conversation of the customer: a run of messages without a 24-hour silence.
#[derive(Debug, Object)]
pub struct CustomerConversation {
    /// `sms` or `whatsapp`.
    pub channel: String,
    /// `customer` or `business`.
    pub started_by: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// Its last message.
    pub last_message_at: DateTime<Utc>,
    /// Messages in it.
    pub messages: i64,
}

impl TryFrom<ConversationRow> for CustomerConversation {
    type Error = ApiError;

    fn try_from(row: ConversationRow) -> Result<Self, ApiError> {
        Ok(Self {
            started_at: millis_column("started_ms", row.started_ms)?,
            last_message_at: millis_column("last_ms", row.last_ms)?,
            channel: row.channel,
            started_by: row.started_by,
            messages: row.messages,
        })
    }
}

/// One delivery about the customer to one of the organization's endpoints.
#[derive(Debug, Object)]
pub struct CustomerDelivery {
    /// The delivery's id.
    pub id: String,
    /// The endpoint's id.
    pub endpoint_id: String,
    /// e.g. `message.received`.
    pub event_type: String,
    /// `pending`, `delivered`, `failed`, …
    pub status: String,
    /// Attempts made so far.
    pub attempts: i64,
    /// The envelope as it is delivered (`{"type", "timestamp", "data"}`).
    pub payload: serde_json::Value,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl TryFrom<DeliveryRow> for CustomerDelivery {
    type Error = ApiError;

    fn try_from(row: DeliveryRow) -> Result<Self, ApiError> {
        Ok(Self {
            created_at: time_column("created_at", &row.created_at)?,
            payload: json_column("payload", &row.payload)?,
            id: row.delivery_id,
            endpoint_id: row.endpoint_id,
            event_type: row.event_type,
            status: row.status,
            attempts: row.attempts,
        })
    }
}

/// Everything Switchboard holds about one customer of one organization, oldest first. After an
/// erasure the bodies, media, profile names, caller names and voicemails are blank.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CustomerExport {
    /// The organization.
    pub organization_id: uuid::Uuid,
    /// The customer's address (`+E164` or `whatsapp:+E164`).
    pub address: String,
    /// When this export was taken.
    pub exported_at: DateTime<Utc>,
    /// Whether the customer opted out (STOP, or the provider's error 21610).
    pub opted_out: bool,
    /// When the customer last wrote (opens WhatsApp's 24-hour window).
    pub last_inbound_at: Option<DateTime<Utc>>,
    /// Whether the customer joined this organization on the shared number.
    pub joined_shared_number: bool,
    /// When the customer was last erased.
    pub last_erased_at: Option<DateTime<Utc>>,
    /// Messages from and to the customer.
    pub messages: Vec<MessageView>,
    /// Calls from the customer.
    pub calls: Vec<CallView>,
    /// Conversations (analytics).
    pub conversations: Vec<CustomerConversation>,
    /// Deliveries about the customer to the organization's endpoints.
    pub deliveries: Vec<CustomerDelivery>,
}
