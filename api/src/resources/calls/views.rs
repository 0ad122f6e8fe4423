//! What the call operations answer: a call as listed and a page. Members that do not apply are
//! omitted, never `null`.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use switchboard_projections::CallRow;

use super::super::types::{enum_column, phone_column, time_column, Described, PhoneNumber};
use crate::problem::ApiError;

/// A call's status (Twilio's `CallStatus`), moved forward only: `queued`/`initiated` <
/// `ringing` < `in-progress` < `completed`, `busy`, `no-answer`, `failed`, `canceled`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "kebab-case")]
pub enum CallStatus {
    /// Queued at the provider.
    Queued,
    /// Being set up.
    Initiated,
    /// Ringing.
    Ringing,
    /// Answered and connected.
    InProgress,
    /// Ended normally.
    Completed,
    /// Busy.
    Busy,
    /// Nobody answered.
    NoAnswer,
    /// Could not be connected.
    Failed,
    /// Hung up early.
    Canceled,
}

/// What the caller heard first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum CallOutcome {
    /// The greeting, then the call was put through to `forwarded_to`.
    Forwarded,
    /// The greeting and the away text, then a voicemail.
    Voicemail,
    /// The greeting and the away text, then `<Hangup/>` (voicemail off).
    Hangup,
    /// No organization holds the number: an apology and `<Hangup/>`.
    Unrouted,
}

/// How a forwarded call's `<Dial>` ended (Twilio's `DialCallStatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "kebab-case")]
pub enum DialStatus {
    /// Taken, then ended.
    Completed,
    /// Taken.
    Answered,
    /// Busy.
    Busy,
    /// Nobody answered within 20 s.
    NoAnswer,
    /// Could not be connected.
    Failed,
    /// The caller hung up first.
    Canceled,
}

/// An inbound call.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CallView {
    /// The provider's CallSid.
    pub call_sid: String,
    /// The caller, as the provider wrote it (E.164, or e.g. `anonymous`).
    pub from: String,
    /// The number called.
    pub to: PhoneNumber,
    /// The caller's name (CNAM), when the provider looked it up.
    pub caller_name: Option<String>,
    /// Current status.
    pub status: Described<CallStatus>,
    /// What the caller heard first.
    pub outcome: Option<Described<CallOutcome>>,
    /// Where the call was put through.
    pub forwarded_to: Option<PhoneNumber>,
    /// How the forwarded call's `<Dial>` ended.
    pub dial_status: Option<Described<DialStatus>>,
    /// Length of the call in seconds, once completed.
    pub duration_secs: Option<i64>,
    /// The voicemail's recording URL, when one was left.
    pub voicemail_url: Option<String>,
    /// Length of the voicemail in seconds.
    pub voicemail_secs: Option<i64>,
    /// When it reached us.
    pub created_at: DateTime<Utc>,
    /// When it ended.
    pub completed_at: Option<DateTime<Utc>>,
}

impl TryFrom<CallRow> for CallView {
    type Error = ApiError;

    fn try_from(c: CallRow) -> Result<Self, ApiError> {
        Ok(Self {
            to: phone_column("to_address", &c.to)?,
            status: enum_column::<CallStatus>("status", &c.status)?.into(),
            outcome: c
                .outcome
                .as_deref()
                .map(|o| enum_column::<CallOutcome>("outcome", o).map(Described))
                .transpose()?,
            forwarded_to: c
                .forwarded_to
                .as_deref()
                .map(|n| phone_column("forwarded_to", n))
                .transpose()?,
            dial_status: c
                .dial_status
                .as_deref()
                .map(|d| enum_column::<DialStatus>("dial_status", d).map(Described))
                .transpose()?,
            created_at: time_column("created_at", &c.created_at)?,
            completed_at: c
                .completed_at
                .as_deref()
                .map(|t| time_column("completed_at", t))
                .transpose()?,
            call_sid: c.call_sid,
            from: c.from,
            caller_name: c.caller_name,
            duration_secs: c.duration_secs,
            voicemail_url: c.voicemail_url,
            voicemail_secs: c.voicemail_secs,
        })
    }
}

/// A page of calls, newest first.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CallPage {
    /// The calls.
    pub items: Vec<CallView>,
    /// Pass as `cursor` for the next (older) page; omitted on the last page.
    pub next_cursor: Option<String>,
}
