//! Conversations: a customer's messages with an organization, cut by 24 hours of silence. Kept
//! by the `message_analytics` projection (`conversation_writes`); listed newest first for
//! `GET /v1/organizations/{id}/conversations`.

use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

/// Silence after which the next message starts a new conversation.
pub const CONVERSATION_GAP_MS: i64 = 24 * 60 * 60 * 1000;

/// One conversation as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConversationRow {
    /// The customer's address (`whatsapp:`-prefixed on WhatsApp).
    pub customer: String,
    /// `sms` or `whatsapp`.
    pub channel: String,
    /// `customer` or `business`: who wrote first.
    pub started_by: String,
    /// First message, ms since the epoch.
    pub started_ms: i64,
    /// Last message, ms since the epoch.
    pub last_ms: i64,
    /// Messages in it, both directions.
    pub messages: i64,
    /// When the business first answered (conversations the customer started), ms since the
    /// epoch.
    pub first_reply_ms: Option<i64>,
    /// The list cursor.
    pub position: i64,
}

/// A page of conversations, newest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConversationsPage {
    /// The conversations.
    pub items: Vec<ConversationRow>,
    /// Pass as `cursor` for the next (older) page; `None` on the last.
    pub next_cursor: Option<i64>,
}

fn decode(row: &AnyRow) -> Result<ConversationRow, sqlx::Error> {
    Ok(ConversationRow {
        customer: row.try_get("customer")?,
        channel: row.try_get("channel")?,
        started_by: row.try_get("started_by")?,
        started_ms: row.try_get("started_ms")?,
        last_ms: row.try_get("last_ms")?,
        messages: row.try_get("messages")?,
        first_reply_ms: row.try_get("first_reply_ms")?,
        position: row.try_get("position")?,
    })
}

/// The conversations query.
#[derive(Clone, Debug)]
pub struct ConversationsView {
    pool: AnyPool,
}

impl ConversationsView {
    /// Over the read-model pool.
    pub fn new(pool: AnyPool) -> Self {
        Self { pool }
    }

    /// Up to `limit` of an organization's conversations started before `cursor`, newest first.
    ///
    /// # Errors
    /// The database error.
    pub async fn list(
        &self,
        organization_id: &str,
        limit: u32,
        cursor: Option<i64>,
    ) -> Result<ConversationsPage, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT position, customer, channel, started_by, started_ms, last_ms, messages,
                    first_reply_ms
               FROM conversations
              WHERE organization_id = $1 AND position < $2
              ORDER BY position DESC LIMIT $3",
        )
        .bind(organization_id)
        .bind(cursor.unwrap_or(i64::MAX))
        .bind(i64::from(limit) + 1)
        .fetch_all(&self.pool)
        .await?;
        let mut items = rows.iter().map(decode).collect::<Result<Vec<_>, _>>()?;
        let next_cursor = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|c| c.position)
        } else {
            None
        };
        Ok(ConversationsPage { items, next_cursor })
    }
}
