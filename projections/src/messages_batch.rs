//! The messages read model's writes for a batch of events, in a few statements: every new row in
//! multi-row inserts (carrying the outcome and status changes that follow it in the same batch),
//! then every other outcome and status change in one `UPDATE … FROM` each (the last
//! change of a message in the batch wins, as applying them in order would). Rows are inserted
//! before updates, which is the log's order for each message: its stream records it before any
//! outcome or status. Each statement takes its rows as one JSON parameter (`bulk::json_rows`).

use std::collections::HashMap;

use serde::Serialize;
use sqlx::AnyConnection;
use switchboard_application::ports::RecordedEvent;
use switchboard_domain::message::{Message, MessageEvent, Routing};

use crate::bulk::{execute_rows, insert_new, json_rows, update_rows, JsonType};
use crate::projection::payload;
use crate::reply_sid;

use JsonType::{Integer, Text};

/// One new row of `messages_view` (serialized with its column names).
#[derive(Serialize)]
struct NewRow {
    message_sid: String,
    log_position: i64,
    organization_id: Option<String>,
    direction: &'static str,
    channel: &'static str,
    #[serde(rename = "from_address")]
    from: String,
    #[serde(rename = "to_address")]
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
#[derive(Serialize)]
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
    insert_replies(tx, &writes.replies).await?;
    update_outcomes(tx, &writes.outcomes).await?;
    update_statuses(tx, &writes.statuses).await
}

const ROW_COLUMNS: &[(&str, JsonType)] = &[
    ("message_sid", Text),
    ("log_position", Integer),
    ("organization_id", Text),
    ("direction", Text),
    ("channel", Text),
    ("from_address", Text),
    ("to_address", Text),
    ("body", Text),
    ("media_urls", Text),
    ("profile_name", Text),
    ("status", Text),
    ("created_at", Text),
    ("outcome", Text),
    ("error_code", Integer),
];

async fn insert_rows(tx: &mut AnyConnection, rows: &[NewRow]) -> Result<(), sqlx::Error> {
    insert_new(tx, "messages_view", ROW_COLUMNS, "message_sid", rows).await
}

/// Replies are listed with the inbound message's organization and channel, and its addresses
/// swapped.
async fn insert_replies(tx: &mut AnyConnection, replies: &[Reply]) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO messages_view (message_sid, log_position, organization_id,
             direction, channel, from_address, to_address, body, media_urls,
             profile_name, status, created_at)
         SELECT r.sid, r.log_position, m.organization_id, 'outbound', m.channel, m.to_address,
                m.from_address, r.body, r.media_urls, NULL, 'sent', r.replied_at
           FROM {} JOIN messages_view AS m ON m.message_sid = r.inbound_sid
          WHERE true
         ON CONFLICT (message_sid) DO NOTHING",
        json_rows(
            tx,
            1,
            "r",
            &[
                ("sid", Text),
                ("log_position", Integer),
                ("body", Text),
                ("media_urls", Text),
                ("replied_at", Text),
                ("inbound_sid", Text),
            ]
        )
    );
    execute_rows(tx, &sql, replies).await
}

/// An outcome change.
#[derive(Serialize)]
struct OutcomeRow<'a> {
    message_sid: &'a str,
    outcome: &'a str,
}

async fn update_outcomes(
    tx: &mut AnyConnection,
    outcomes: &HashMap<String, String>,
) -> Result<(), sqlx::Error> {
    let rows: Vec<OutcomeRow<'_>> = outcomes
        .iter()
        .map(|(message_sid, outcome)| OutcomeRow {
            message_sid,
            outcome,
        })
        .collect();
    update_rows(
        tx,
        "messages_view",
        ("message_sid", Text),
        &[("outcome", Text)],
        &rows,
    )
    .await
}

/// A status change.
#[derive(Serialize)]
struct StatusRow<'a> {
    sid: &'a str,
    status: &'a str,
    error_code: Option<i64>,
}

async fn update_statuses(
    tx: &mut AnyConnection,
    statuses: &HashMap<String, (String, Option<i64>)>,
) -> Result<(), sqlx::Error> {
    let rows: Vec<StatusRow<'_>> = statuses
        .iter()
        .map(|(sid, (status, error_code))| StatusRow {
            sid,
            status,
            error_code: *error_code,
        })
        .collect();
    let sql = format!(
        "UPDATE messages_view AS m
            SET status = v.status, error_code = COALESCE(v.error_code, m.error_code)
           FROM {} WHERE m.message_sid = v.sid",
        json_rows(
            tx,
            1,
            "v",
            &[("sid", Text), ("status", Text), ("error_code", Integer)]
        )
    );
    execute_rows(tx, &sql, &rows).await
}
