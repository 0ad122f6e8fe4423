use async_trait::async_trait;
use sqlx::{AnyConnection, AnyPool, Row};
use switchboard_application::ports::RecordedEvent;
use switchboard_domain::message::{Message, MessageEvent, Routing};

use crate::projection::{payload, Projection};

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
        let rows = sqlx::query(
            "SELECT message_sid, log_position, direction, channel, from_address, to_address, body,
                    media_urls, profile_name, status, outcome, error_code, created_at
               FROM messages_view
              WHERE organization_id = $1 AND log_position < $2
              ORDER BY log_position DESC
              LIMIT $3",
        )
        .bind(organization_id)
        .bind(cursor.unwrap_or(i64::MAX))
        .bind(i64::from(limit) + 1)
        .fetch_all(pool)
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        let mut positions = Vec::with_capacity(rows.len());
        for row in &rows {
            positions.push(row.try_get::<i64, _>("log_position")?);
            let media: String = row.try_get("media_urls")?;
            items.push(MessageRow {
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
            });
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
        if event.aggregate_type != <Message as cqrs_es::Aggregate>::TYPE {
            return Ok(());
        }
        match payload::<MessageEvent>(event)? {
            MessageEvent::MessageReceived {
                message,
                received_at,
            } => {
                let organization_id = match message.routing {
                    Routing::Routed { organization_id } => Some(organization_id.to_string()),
                    Routing::Unrouted => None,
                };
                let media: Vec<&str> = message.media.iter().map(|m| m.url.as_str()).collect();
                sqlx::query(
                    "INSERT INTO messages_view (message_sid, log_position, organization_id,
                         direction, channel, from_address, to_address, body, media_urls,
                         profile_name, status, created_at)
                     VALUES ($1, $2, $3, 'inbound', $4, $5, $6, $7, $8, $9, 'received', $10)
                     ON CONFLICT (message_sid) DO NOTHING",
                )
                .bind(message.message_sid.as_str())
                .bind(event.log_position.position)
                .bind(organization_id)
                .bind(message.channel.as_str())
                .bind(message.from)
                .bind(message.to.to_string())
                .bind(message.body)
                .bind(serde_json::to_string(&media).unwrap_or_else(|_| "[]".into()))
                .bind(message.profile_name)
                .bind(received_at.to_rfc3339())
                .execute(&mut *tx)
                .await?;
            }
            MessageEvent::InboundOutcomeDecided { outcome, .. } => {
                sqlx::query("UPDATE messages_view SET outcome = $1 WHERE message_sid = $2")
                    .bind(outcome.as_str())
                    .bind(&event.aggregate_id)
                    .execute(&mut *tx)
                    .await?;
            }
            MessageEvent::MessageSent {
                message,
                status,
                sent_at,
            } => {
                sqlx::query(
                    "INSERT INTO messages_view (message_sid, log_position, organization_id,
                         direction, channel, from_address, to_address, body, media_urls,
                         profile_name, status, created_at)
                     VALUES ($1, $2, $3, 'outbound', $4, $5, $6, $7, $8, NULL, $9, $10)
                     ON CONFLICT (message_sid) DO NOTHING",
                )
                .bind(&event.aggregate_id)
                .bind(event.log_position.position)
                .bind(message.organization_id.to_string())
                .bind(message.channel.as_str())
                .bind(message.from)
                .bind(message.to)
                .bind(message.body.unwrap_or_default())
                .bind(serde_json::to_string(&message.media_urls).unwrap_or_else(|_| "[]".into()))
                .bind(status.as_str())
                .bind(sent_at.to_rfc3339())
                .execute(&mut *tx)
                .await?;
            }
            MessageEvent::ResponderReplied {
                reply, replied_at, ..
            } => {
                // The responder's reply went out in the TwiML answer: listed as an outbound
                // message from the number the customer wrote to, keyed by the inbound's SID.
                sqlx::query(
                    "INSERT INTO messages_view (message_sid, log_position, organization_id,
                         direction, channel, from_address, to_address, body, media_urls,
                         profile_name, status, created_at)
                     SELECT $1, $2, organization_id, 'outbound', channel, to_address,
                            from_address, $3, $4, NULL, 'sent', $5
                       FROM messages_view WHERE message_sid = $6
                     ON CONFLICT (message_sid) DO NOTHING",
                )
                .bind(reply_sid(&event.aggregate_id))
                .bind(event.log_position.position)
                .bind(reply.body)
                .bind(serde_json::to_string(&reply.media_urls).unwrap_or_else(|_| "[]".into()))
                .bind(replied_at.to_rfc3339())
                .bind(&event.aggregate_id)
                .execute(&mut *tx)
                .await?;
            }
            MessageEvent::MessageStatusChanged {
                status, error_code, ..
            } => {
                // The aggregate only records forward moves, and the log is applied in order, so
                // the latest event is the current status.
                sqlx::query(
                    "UPDATE messages_view SET status = $1, error_code = COALESCE($2, error_code)
                      WHERE message_sid = $3",
                )
                .bind(status.as_str())
                .bind(error_code.map(i64::from))
                .bind(&event.aggregate_id)
                .execute(&mut *tx)
                .await?;
            }
        }
        Ok(())
    }
}
