use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::{CallStatus, DialStatus, InboundCall, VoiceAnswer, Voicemail};
use crate::message::Routing;

/// Facts about one call. A persisted contract: add fields with serde defaults, never rename in
/// place; version and upcast.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CallEvent {
    /// An inbound call reached us, routed to an organization or (no owner for `To`) unrouted.
    /// Version 2.0: as 1.0, with `call.caller_name` possibly stored sealed with the caller's key
    /// (blank beside a `sealed` member, opened when read, blank once the caller is erased;
    /// `upcasters::call_received_v2`).
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
    /// The caller left a voicemail. Version 2.0 adds whose it is (`caller`, `routing`, copied
    /// from the received call) so the event store can seal `voicemail.recording_url` with the
    /// caller's key; 1.0 events read with both absent (`upcasters::voicemail_recorded_v2`) and
    /// were stored unsealed.
    VoicemailRecorded {
        /// The recording.
        voicemail: Voicemail,
        /// When.
        recorded_at: DateTime<Utc>,
        /// The caller's `From` (absent before 2.0).
        #[serde(default)]
        caller: Option<String>,
        /// Where the call was routed (absent before 2.0).
        #[serde(default)]
        routing: Option<Routing>,
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
        match self {
            CallEvent::CallReceived { .. } | CallEvent::VoicemailRecorded { .. } => "2.0",
            _ => "1.0",
        }
        .to_string()
    }
}
