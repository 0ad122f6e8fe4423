//! The messages read model's writes for a batch of events, in a few statements: every new row in
//! multi-row inserts (carrying the outcome and status changes that follow it in the same batch),
//! then every other outcome and status change in one `UPDATE … FROM (VALUES …)` each (the last
//! change of a message in the batch wins, as applying them in order would). Rows are inserted
//! before updates, which is the log's order for each message: its stream records it before any
//! outcome or status.

use std::collections::HashMap;

use sqlx::AnyConnection;
use switchboard_application::ports::RecordedEvent;
use switchboard_domain::message::{Message, MessageEvent, Routing};

use crate::bulk::{placeholders, rows_per_statement, value_columns};
use crate::projection::payload;
use crate::reply_sid;

/// One new row of `messages_view`.
struct NewRow {
    message_sid: String,
    log_position: i64,
    organization_id: Option<String>,
    direction: &'static str,
    channel: &'static str,
    from: String,
    to: String,
    body: String,
    media_urls: String,
    profile_name: Option<String>,
    status: String,
    created_at: String,
    outcome: Option<String>,
    error_code: Option<i64>,
}

/// A responder's reply, listed from the inbound message's row.
struct Reply {
    sid: String,
    log_position: i64,
    body: String,
    media_urls: String,
    replied_at: String,
    inbound_sid: String,
}

#[derive(Default)]
struct Writes {
    rows: Vec<NewRow>,
    /// Where each new row of the batch is in `rows`, by MessageSid.
    row_of: HashMap<String, usize>,
    replies: Vec<Reply>,
    outcomes: HashMap<String, String>,
    statuses: HashMap<String, (String, Option<i64>)>,
}

fn media_json<T: serde::Serialize>(media: &T) -> String {
    serde_json::to_string(media).unwrap_or_else(|_| "[]".into())
}

impl Writes {
    fn push(&mut self, row: NewRow) {
        self.row_of.insert(row.message_sid.clone(), self.rows.len());
        self.rows.push(row);
    }

    fn add(&mut self, event: &RecordedEvent) -> Result<(), sqlx::Error> {
        let position = event.log_position.position;
        match payload::<MessageEvent>(event)? {
            MessageEvent::MessageReceived {
                message,
                received_at,
                ..
            } => {
                let media: Vec<&str> = message.media.iter().map(|m| m.url.as_str()).collect();
                self.push(NewRow {
                    message_sid: message.message_sid.to_string(),
                    log_position: position,
                    organization_id: match message.routing {
                        Routing::Routed { organization_id } => Some(organization_id.to_string()),
                        Routing::Unrouted => None,
                    },
                    direction: "inbound",
                    channel: message.channel.as_str(),
                    from: message.from,
                    to: message.to.to_string(),
                    media_urls: media_json(&media),
                    body: message.body,
                    profile_name: message.profile_name,
                    status: "received".into(),
                    created_at: received_at.to_rfc3339(),
                    outcome: None,
                    error_code: None,
                });
            }
            MessageEvent::InboundOutcomeDecided { outcome, .. } => {
                let outcome = outcome.as_str().to_string();
                match self.row_of.get(&event.aggregate_id) {
                    Some(&at) => self.rows[at].outcome = Some(outcome),
                    None => {
                        self.outcomes.insert(event.aggregate_id.clone(), outcome);
                    }
                }
            }
            MessageEvent::MessageSent {
                message,
                status,
                sent_at,
            } => self.push(NewRow {
                message_sid: event.aggregate_id.clone(),
                log_position: position,
                organization_id: Some(message.organization_id.to_string()),
                direction: "outbound",
                channel: message.channel.as_str(),
                from: message.from,
                to: message.to,
                body: message.body.unwrap_or_default(),
                media_urls: media_json(&message.media_urls),
                profile_name: None,
                status: status.as_str().to_string(),
                created_at: sent_at.to_rfc3339(),
                outcome: None,
                error_code: None,
            }),
            MessageEvent::ResponderReplied {
                reply, replied_at, ..
            } => self.replies.push(Reply {
                sid: reply_sid(&event.aggregate_id),
                log_position: position,
                body: reply.body,
                media_urls: media_json(&reply.media_urls),
                replied_at: replied_at.to_rfc3339(),
                inbound_sid: event.aggregate_id.clone(),
            }),
            MessageEvent::MessageStatusChanged {
                status, error_code, ..
            } => {
                // The aggregate only records forward moves and the log is in order: the last
                // status is the current one; an error code stays until another replaces it.
                let error_code = error_code.map(i64::from);
                if let Some(&at) = self.row_of.get(&event.aggregate_id) {
                    let row = &mut self.rows[at];
                    row.status = status.as_str().to_string();
                    row.error_code = error_code.or(row.error_code);
                    return Ok(());
                }
                let entry = self
                    .statuses
                    .entry(event.aggregate_id.clone())
                    .or_insert((String::new(), None));
                entry.0 = status.as_str().to_string();
                entry.1 = error_code.or(entry.1);
            }
        }
        Ok(())
    }
}

/// Applies `events` (any aggregate; only `Message` ones are used) to `messages_view`.
pub(crate) async fn apply(
    tx: &mut AnyConnection,
    events: &[RecordedEvent],
) -> Result<(), sqlx::Error> {
    let mut writes = Writes::default();
    for event in events
        .iter()
        .filter(|e| e.aggregate_type == <Message as cqrs_es::Aggregate>::TYPE)
    {
        writes.add(event)?;
    }
    insert_rows(tx, &writes.rows).await?;
    for reply in &writes.replies {
        sqlx::query(
            "INSERT INTO messages_view (message_sid, log_position, organization_id,
                 direction, channel, from_address, to_address, body, media_urls,
                 profile_name, status, created_at)
             SELECT $1, $2, organization_id, 'outbound', channel, to_address,
                    from_address, $3, $4, NULL, 'sent', $5
               FROM messages_view WHERE message_sid = $6
             ON CONFLICT (message_sid) DO NOTHING",
        )
        .bind(&reply.sid)
        .bind(reply.log_position)
        .bind(&reply.body)
        .bind(&reply.media_urls)
        .bind(&reply.replied_at)
        .bind(&reply.inbound_sid)
        .execute(&mut *tx)
        .await?;
    }
    update_outcomes(tx, &writes.outcomes).await?;
    update_statuses(tx, &writes.statuses).await
}

async fn insert_rows(tx: &mut AnyConnection, rows: &[NewRow]) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(rows_per_statement(14)) {
        let sql = format!(
            "INSERT INTO messages_view (message_sid, log_position, organization_id, direction,
                 channel, from_address, to_address, body, media_urls, profile_name, status,
                 created_at, outcome, error_code)
             VALUES {} ON CONFLICT (message_sid) DO NOTHING",
            placeholders(chunk.len(), 14)
        );
        let mut query = sqlx::query(&sql).persistent(false);
        for row in chunk {
            query = query
                .bind(&row.message_sid)
                .bind(row.log_position)
                .bind(&row.organization_id)
                .bind(row.direction)
                .bind(row.channel)
                .bind(&row.from)
                .bind(&row.to)
                .bind(&row.body)
                .bind(&row.media_urls)
                .bind(&row.profile_name)
                .bind(&row.status)
                .bind(&row.created_at)
                .bind(&row.outcome)
                .bind(row.error_code);
        }
        query.execute(&mut *tx).await?;
    }
    Ok(())
}

async fn update_outcomes(
    tx: &mut AnyConnection,
    outcomes: &HashMap<String, String>,
) -> Result<(), sqlx::Error> {
    let outcomes: Vec<(&String, &String)> = outcomes.iter().collect();
    for chunk in outcomes.chunks(rows_per_statement(2)) {
        let sql = format!(
            "UPDATE messages_view AS m SET outcome = v.outcome
               FROM (SELECT {} FROM (VALUES {}) AS x) AS v
              WHERE m.message_sid = v.sid",
            value_columns(&["sid", "outcome"]),
            placeholders(chunk.len(), 2)
        );
        let mut query = sqlx::query(&sql).persistent(false);
        for (sid, outcome) in chunk {
            query = query.bind(*sid).bind(*outcome);
        }
        query.execute(&mut *tx).await?;
    }
    Ok(())
}

async fn update_statuses(
    tx: &mut AnyConnection,
    statuses: &HashMap<String, (String, Option<i64>)>,
) -> Result<(), sqlx::Error> {
    let statuses: Vec<(&String, &(String, Option<i64>))> = statuses.iter().collect();
    for chunk in statuses.chunks(rows_per_statement(3)) {
        let sql = format!(
            "UPDATE messages_view AS m
                SET status = v.status, error_code = COALESCE(v.error_code, m.error_code)
               FROM (SELECT {} FROM (VALUES {}) AS x) AS v
              WHERE m.message_sid = v.sid",
            value_columns(&["sid", "status", "error_code"]),
            placeholders(chunk.len(), 3)
        );
        let mut query = sqlx::query(&sql).persistent(false);
        for (sid, (status, error_code)) in chunk {
            query = query.bind(*sid).bind(status).bind(*error_code);
        }
        query.execute(&mut *tx).await?;
    }
    Ok(())
}
