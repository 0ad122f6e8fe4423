use crate::projection::Projection;
use async_trait::async_trait;
use sqlx::{AnyConnection, AnyPool, Row};
use switchboard_application::ports::RecordedEvent;

/// The id a responder's reply is listed under: the inbound message's SID with `-reply` (the
/// reply went out in our TwiML answer, so the provider's own SID for it is not known to us).
pub fn reply_sid(inbound_sid: &str) -> String {
    format!("{inbound_sid}-reply")
}

/// The messages read model: every message, both directions, with its organization (none when
/// unrouted), inbound outcome and current delivery status, newest first per organization.
#[derive(Clone, Copy, Debug, Default)]
pub struct MessagesView;

/// One message as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageRow {
    /// Twilio's MessageSid.
    pub message_sid: String,
    /// `inbound`.
    pub direction: String,
    /// `sms` or `whatsapp`.
    pub channel: String,
    /// Sender address as Twilio sent it.
    pub from: String,
    /// Recipient address (`whatsapp:` prefixed on WhatsApp).
    pub to: String,
    /// Text.
    pub body: String,
    /// Media URLs.
    pub media_urls: Vec<String>,
    /// WhatsApp profile name.
    pub profile_name: Option<String>,
    /// `received` for inbound; the delivery status for outbound.
    pub status: String,
    /// Inbound: what the rules decided (`accepted`, `refused_quota`, …).
    pub outcome: Option<String>,
    /// Twilio's `ErrorCode` of a failed delivery.
    pub error_code: Option<i64>,
    /// RFC 3339.
    pub created_at: String,
}

/// A page of messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessagesPage {
    /// Newest first.
    pub items: Vec<MessageRow>,
    /// Pass as `cursor` for the next (older) page; `None` on the last.
    pub next_cursor: Option<i64>,
}

/// The `messages_view` columns a [`MessageRow`] is read from.
pub(crate) const MESSAGE_COLUMNS: &str = "message_sid, log_position, direction, channel,
    from_address, to_address, body, media_urls, profile_name, status, outcome, error_code,
    created_at";

/// A [`MessageRow`] from a row of [`MESSAGE_COLUMNS`].
pub(crate) fn message_row(row: &sqlx::any::AnyRow) -> Result<MessageRow, sqlx::Error> {
    let media: String = row.try_get("media_urls")?;
    Ok(MessageRow {
        message_sid: row.try_get("message_sid")?,
        direction: row.try_get("direction")?,
        channel: row.try_get("channel")?,
        from: row.try_get("from_address")?,
        to: row.try_get("to_address")?,
        body: row.try_get("body")?,
        media_urls: serde_json::from_str(&media).unwrap_or_default(),
        profile_name: row.try_get("profile_name")?,
        status: row.try_get("status")?,
        outcome: row.try_get("outcome")?,
        error_code: row.try_get("error_code")?,
        created_at: row.try_get("created_at")?,
    })
}

impl MessagesView {
    /// Up to `limit` of an organization's messages older than `cursor`, newest first.
    ///
    /// # Errors
    /// The database error.
    pub async fn list(
        pool: &AnyPool,
        organization_id: &str,
        limit: u32,
        cursor: Option<i64>,
    ) -> Result<MessagesPage, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages_view
              WHERE organization_id = $1 AND log_position < $2
              ORDER BY log_position DESC
              LIMIT $3"
        ))
        .bind(organization_id)
        .bind(cursor.unwrap_or(i64::MAX))
        .bind(i64::from(limit) + 1)
        .fetch_all(pool)
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        let mut positions = Vec::with_capacity(rows.len());
        for row in &rows {
            positions.push(row.try_get::<i64, _>("log_position")?);
            items.push(message_row(row)?);
        }
        let next_cursor = if items.len() > limit as usize {
            items.truncate(limit as usize);
            positions.get(limit as usize - 1).copied()
        } else {
            None
        };
        Ok(MessagesPage { items, next_cursor })
    }
}

#[async_trait]
impl Projection for MessagesView {
    fn name(&self) -> &'static str {
        "messages_view"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["messages_view"]
    }

    async fn apply(
        &self,
        tx: &mut AnyConnection,
        event: &RecordedEvent,
    ) -> Result<(), sqlx::Error> {
        self.apply_batch(tx, std::slice::from_ref(event)).await
    }

    /// In batches, cut at each customer's erasure, which blanks what came before it.
    async fn apply_batch(
        &self,
        tx: &mut AnyConnection,
        events: &[RecordedEvent],
    ) -> Result<(), sqlx::Error> {
        for (part, erasure) in crate::erasure::parts(events) {
            crate::messages_batch::apply(tx, part).await?;
            if let Some(erased) = erasure
                .map(crate::erasure::erasure_of)
                .transpose()?
                .flatten()
            {
                crate::erasure::scrub_messages(tx, &erased).await?;
            }
        }
        Ok(())
    }
}
