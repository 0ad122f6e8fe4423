use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::{CallStatus, DialStatus, InboundCall, VoiceAnswer, Voicemail};

/// Facts about one call. A persisted contract: add fields with serde defaults, never rename in
/// place; version and upcast.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CallEvent {
    /// An inbound call reached us, routed to an organization or (no owner for `To`) unrouted.
    CallReceived {
        /// What arrived and where it was routed.
        call: InboundCall,
        /// When we received it.
        received_at: DateTime<Utc>,
    },
    /// The caller's answer was decided and sent as TwiML.
    CallAnswered {
        /// The answer.
        answer: VoiceAnswer,
        /// When.
        answered_at: DateTime<Utc>,
    },
    /// A forwarded call's `<Dial>` ended.
    DialEnded {
        /// Twilio's `DialCallStatus`.
        dial_status: DialStatus,
        /// Twilio's `DialCallDuration`, seconds.
        dial_duration_secs: Option<u32>,
        /// What the caller heard next.
        answer: VoiceAnswer,
        /// When.
        ended_at: DateTime<Utc>,
    },
    /// A status callback moved the call forward (not to an end).
    CallStatusChanged {
        /// The new status.
        status: CallStatus,
        /// When.
        changed_at: DateTime<Utc>,
    },
    /// The call ended.
    CallCompleted {
        /// The final status (`completed`, `busy`, `no-answer`, `failed`, `canceled`).
        status: CallStatus,
        /// Twilio's `CallDuration`, seconds (0 when not given).
        duration_secs: u32,
        /// When.
        completed_at: DateTime<Utc>,
    },
    /// The caller left a voicemail.
    VoicemailRecorded {
        /// The recording.
        voicemail: Voicemail,
        /// When.
        recorded_at: DateTime<Utc>,
    },
}

impl DomainEvent for CallEvent {
    fn event_type(&self) -> String {
        match self {
            CallEvent::CallReceived { .. } => "CallReceived",
            CallEvent::CallAnswered { .. } => "CallAnswered",
            CallEvent::DialEnded { .. } => "DialEnded",
            CallEvent::CallStatusChanged { .. } => "CallStatusChanged",
            CallEvent::CallCompleted { .. } => "CallCompleted",
            CallEvent::VoicemailRecorded { .. } => "VoicemailRecorded",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1.0".to_string()
    }
}
