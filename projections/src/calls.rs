use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, AnyPool, Row};
use switchboard_application::ports::RecordedEvent;
use switchboard_domain::call::{Call, CallEvent, VoiceAction};
use switchboard_domain::message::Routing;

use crate::projection::{payload, Projection};

/// The calls read model: every inbound call with its organization (none when unrouted), what
/// the caller heard (`forwarded`, `voicemail`, `hangup`, `unrouted`), its current status, its
/// duration and its voicemail, newest first per organization.
#[derive(Clone, Copy, Debug, Default)]
pub struct CallsView;

/// One call as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallRow {
    /// Twilio's CallSid.
    pub call_sid: String,
    /// The caller as Twilio sent it.
    pub from: String,
    /// The number called.
    pub to: String,
    /// Twilio's `CallerName`, when looked up.
    pub caller_name: Option<String>,
    /// Twilio's `CallStatus`, moved forward only (`ringing` … `completed`).
    pub status: String,
    /// What the caller heard first: `forwarded`, `voicemail`, `hangup` or `unrouted`.
    pub outcome: Option<String>,
    /// Where the call was put through, E.164.
    pub forwarded_to: Option<String>,
    /// How the `<Dial>` ended (`completed`, `no-answer`, `busy`…).
    pub dial_status: Option<String>,
    /// Seconds, once completed.
    pub duration_secs: Option<i64>,
    /// The voicemail's recording URL.
    pub voicemail_url: Option<String>,
    /// The voicemail's length, seconds.
    pub voicemail_secs: Option<i64>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339, once completed.
    pub completed_at: Option<String>,
}

/// A page of calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallsPage {
    /// Newest first.
    pub items: Vec<CallRow>,
    /// Pass as `cursor` for the next (older) page; `None` on the last.
    pub next_cursor: Option<i64>,
}

/// The `calls_view` columns a [`CallRow`] is read from.
pub(crate) const CALL_COLUMNS: &str = "call_sid, log_position, from_address, to_address,
    caller_name, status, outcome, forwarded_to, dial_status, duration_secs, voicemail_url,
    voicemail_secs, created_at, completed_at";

/// A [`CallRow`] from a row of [`CALL_COLUMNS`].
pub(crate) fn call_row(row: &sqlx::any::AnyRow) -> Result<CallRow, sqlx::Error> {
    Ok(CallRow {
        call_sid: row.try_get("call_sid")?,
        from: row.try_get("from_address")?,
        to: row.try_get("to_address")?,
        caller_name: row.try_get("caller_name")?,
        status: row.try_get("status")?,
        outcome: row.try_get("outcome")?,
        forwarded_to: row.try_get("forwarded_to")?,
        dial_status: row.try_get("dial_status")?,
        duration_secs: row.try_get("duration_secs")?,
        voicemail_url: row.try_get("voicemail_url")?,
        voicemail_secs: row.try_get("voicemail_secs")?,
        created_at: row.try_get("created_at")?,
        completed_at: row.try_get("completed_at")?,
    })
}

impl CallsView {
    /// Up to `limit` of an organization's calls older than `cursor`, newest first.
    ///
    /// # Errors
    /// The database error.
    pub async fn list(
        pool: &AnyPool,
        organization_id: &str,
        limit: u32,
        cursor: Option<i64>,
    ) -> Result<CallsPage, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT {CALL_COLUMNS} FROM calls_view
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
            items.push(call_row(row)?);
        }
        let next_cursor = if items.len() > limit as usize {
            items.truncate(limit as usize);
            positions.get(limit as usize - 1).copied()
        } else {
            None
        };
        Ok(CallsPage { items, next_cursor })
    }
}

/// An organization's calls since a time: how many, and their length.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallUsage {
    /// Calls received.
    pub calls: i64,
    /// Seconds of the completed ones.
    pub seconds: i64,
    /// Minutes, each call rounded up to the next whole minute (as carriers bill).
    pub minutes: i64,
}

impl CallsView {
    /// The organization's calls received at or after `since`.
    ///
    /// # Errors
    /// The database error.
    pub async fn usage(
        pool: &AnyPool,
        organization_id: &str,
        since: DateTime<Utc>,
    ) -> Result<CallUsage, sqlx::Error> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS calls,
                    CAST(COALESCE(SUM(duration_secs), 0) AS BIGINT) AS seconds,
                    CAST(COALESCE(SUM((duration_secs + 59) / 60), 0) AS BIGINT) AS minutes
               FROM calls_view
              WHERE organization_id = $1 AND created_at >= $2",
        )
        .bind(organization_id)
        .bind(since.to_rfc3339())
        .fetch_one(pool)
        .await?;
        Ok(CallUsage {
            calls: row.try_get("calls")?,
            seconds: row.try_get("seconds")?,
            minutes: row.try_get("minutes")?,
        })
    }
}

#[async_trait]
impl Projection for CallsView {
    fn name(&self) -> &'static str {
        "calls_view"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["calls_view"]
    }

    async fn apply(
        &self,
        tx: &mut AnyConnection,
        event: &RecordedEvent,
    ) -> Result<(), sqlx::Error> {
        if let Some(erased) = crate::erasure::erasure_of(event)? {
            return crate::erasure::scrub_calls(tx, &erased).await;
        }
        if event.aggregate_type != <Call as cqrs_es::Aggregate>::TYPE {
            return Ok(());
        }
        let sid = &event.aggregate_id;
        match payload::<CallEvent>(event)? {
            CallEvent::CallReceived { call, received_at } => {
                let organization_id = match call.routing {
                    Routing::Routed { organization_id } => Some(organization_id.to_string()),
                    Routing::Unrouted => None,
                };
                sqlx::query(
                    "INSERT INTO calls_view (call_sid, log_position, organization_id,
                         from_address, to_address, caller_name, status, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                     ON CONFLICT (call_sid) DO NOTHING",
                )
                .bind(call.call_sid.as_str())
                .bind(event.log_position.position)
                .bind(organization_id)
                .bind(call.from)
                .bind(call.to.to_string())
                .bind(call.caller_name)
                .bind(call.status.as_str())
                .bind(received_at.to_rfc3339())
                .execute(&mut *tx)
                .await?;
            }
            CallEvent::CallAnswered { answer, .. } => {
                let outcome = match &answer.then {
                    VoiceAction::Forward { .. } => "forwarded",
                    VoiceAction::Voicemail => "voicemail",
                    VoiceAction::Hangup => "hangup",
                };
                sqlx::query(
                    "UPDATE calls_view
                        SET outcome = CASE WHEN organization_id IS NULL THEN 'unrouted' ELSE $1 END,
                            forwarded_to = $2
                      WHERE call_sid = $3",
                )
                .bind(outcome)
                .bind(answer.forwarded_to().map(|n| n.to_string()))
                .bind(sid)
                .execute(&mut *tx)
                .await?;
            }
            CallEvent::DialEnded { dial_status, .. } => {
                sqlx::query("UPDATE calls_view SET dial_status = $1 WHERE call_sid = $2")
                    .bind(dial_status.as_str())
                    .bind(sid)
                    .execute(&mut *tx)
                    .await?;
            }
            CallEvent::CallStatusChanged { status, .. } => {
                // The aggregate only records forward moves and the log is applied in order.
                sqlx::query("UPDATE calls_view SET status = $1 WHERE call_sid = $2")
                    .bind(status.as_str())
                    .bind(sid)
                    .execute(&mut *tx)
                    .await?;
            }
            CallEvent::CallCompleted {
                status,
                duration_secs,
                completed_at,
            } => {
                sqlx::query(
                    "UPDATE calls_view SET status = $1, duration_secs = $2, completed_at = $3
                      WHERE call_sid = $4",
                )
                .bind(status.as_str())
                .bind(i64::from(duration_secs))
                .bind(completed_at.to_rfc3339())
                .bind(sid)
                .execute(&mut *tx)
                .await?;
            }
            CallEvent::VoicemailRecorded { voicemail, .. } => {
                sqlx::query(
                    "UPDATE calls_view SET voicemail_url = $1, voicemail_secs = $2
                      WHERE call_sid = $3",
                )
                .bind(voicemail.recording_url)
                .bind(i64::from(voicemail.duration_secs))
                .bind(sid)
                .execute(&mut *tx)
                .await?;
            }
        }
        Ok(())
    }
}
