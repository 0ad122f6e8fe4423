//! Everything the read models hold about one customer of one organization (`GET
//! /v1/organizations/{id}/customers/{address}/export`): their messages both ways, calls,
//! conversations (analytics) and the deliveries made about them.

use sqlx::{AnyPool, Row};

use crate::calls::{call_row, CALL_COLUMNS};
use crate::messages::{message_row, MESSAGE_COLUMNS};
use crate::{CallRow, MessageRow};

/// One conversation of the customer (a run of messages without a 24 h silence).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConversationRow {
    /// `sms` or `whatsapp`.
    pub channel: String,
    /// `customer` or `business`.
    pub started_by: String,
    /// When it started, milliseconds since the Unix epoch.
    pub started_ms: i64,
    /// Its last message, milliseconds since the Unix epoch.
    pub last_ms: i64,
    /// Messages in it.
    pub messages: i64,
}

/// One delivery of an envelope about the customer to one of the organization's endpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryRow {
    /// The delivery's id.
    pub delivery_id: String,
    /// The endpoint.
    pub endpoint_id: String,
    /// e.g. `message.received`.
    pub event_type: String,
    /// `pending`, `delivered`, `failed`, …
    pub status: String,
    /// Attempts made.
    pub attempts: i64,
    /// The envelope as delivered (JSON text).
    pub payload: String,
    /// RFC 3339.
    pub created_at: String,
}

/// What the read models hold about a customer, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerData {
    /// Messages from and to the customer.
    pub messages: Vec<MessageRow>,
    /// Calls from the customer.
    pub calls: Vec<CallRow>,
    /// Conversations.
    pub conversations: Vec<ConversationRow>,
    /// Deliveries about the customer.
    pub deliveries: Vec<DeliveryRow>,
}

impl CustomerData {
    /// Whether the read models hold nothing about the customer.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
            && self.calls.is_empty()
            && self.conversations.is_empty()
            && self.deliveries.is_empty()
    }

    /// What the read models hold about `customer` (an address as Twilio writes it: `+E164` or
    /// `whatsapp:+E164`) at `organization_id`.
    ///
    /// # Errors
    /// The database error.
    pub async fn of(
        pool: &AnyPool,
        organization_id: &str,
        customer: &str,
    ) -> Result<Self, sqlx::Error> {
        let messages = sqlx::query(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages_view
              WHERE organization_id = $1 AND (TRIM(from_address) = $2 OR TRIM(to_address) = $2)
              ORDER BY log_position"
        ))
        .bind(organization_id)
        .bind(customer)
        .fetch_all(pool)
        .await?
        .iter()
        .map(message_row)
        .collect::<Result<_, _>>()?;
        let calls = sqlx::query(&format!(
            "SELECT {CALL_COLUMNS} FROM calls_view
              WHERE organization_id = $1 AND TRIM(from_address) = $2
              ORDER BY log_position"
        ))
        .bind(organization_id)
        .bind(customer)
        .fetch_all(pool)
        .await?
        .iter()
        .map(call_row)
        .collect::<Result<_, _>>()?;
        let conversations = sqlx::query(
            "SELECT channel, started_by, started_ms, last_ms, messages FROM conversations
              WHERE organization_id = $1 AND customer = $2 ORDER BY started_ms",
        )
        .bind(organization_id)
        .bind(customer)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            Ok(ConversationRow {
                channel: row.try_get("channel")?,
                started_by: row.try_get("started_by")?,
                started_ms: row.try_get("started_ms")?,
                last_ms: row.try_get("last_ms")?,
                messages: row.try_get("messages")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
        let deliveries = sqlx::query(
            "SELECT delivery_id, endpoint_id, event_type, status, attempts, payload, created_at
               FROM deliveries WHERE conversation_key = $1 ORDER BY log_position",
        )
        .bind(format!("{organization_id}/{customer}"))
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            Ok(DeliveryRow {
                delivery_id: row.try_get("delivery_id")?,
                endpoint_id: row.try_get("endpoint_id")?,
                event_type: row.try_get("event_type")?,
                status: row.try_get("status")?,
                attempts: row.try_get("attempts")?,
                payload: row.try_get("payload")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
        Ok(Self {
            messages,
            calls,
            conversations,
            deliveries,
        })
    }
}
