use chrono::{DateTime, Utc};

use super::{CallStatus, DialStatus, InboundCall, VoiceAnswer, Voicemail};

/// Orders to the `Call` aggregate (id: the provider's CallSid).
#[derive(Clone, Debug, PartialEq)]
pub enum CallCommand {
    /// Record an inbound call. Recording the same CallSid again changes nothing.
    ReceiveCall {
        /// What arrived and where it was routed.
        call: InboundCall,
        /// When we received it.
        received_at: DateTime<Utc>,
    },
    /// Record the answer the caller hears (once; a second answer changes nothing).
    Answer {
        /// The decided answer.
        answer: VoiceAnswer,
        /// When.
        answered_at: DateTime<Utc>,
    },
    /// Record how a forwarded call's `<Dial>` ended and what the caller hears next (once).
    EndDial {
        /// Twilio's `DialCallStatus`.
        dial_status: DialStatus,
        /// Twilio's `DialCallDuration`, seconds.
        dial_duration_secs: Option<u32>,
        /// What the caller hears next.
        answer: VoiceAnswer,
        /// When.
        ended_at: DateTime<Utc>,
    },
    /// A status callback: move the status forward (late or repeated ones change nothing).
    ChangeStatus {
        /// Twilio's `CallStatus`.
        status: CallStatus,
        /// Twilio's `CallDuration`, seconds (on the final callback).
        duration_secs: Option<u32>,
        /// When we received it.
        changed_at: DateTime<Utc>,
    },
    /// A recording callback: record the voicemail (once).
    RecordVoicemail {
        /// The recording.
        voicemail: Voicemail,
        /// When we received it.
        recorded_at: DateTime<Utc>,
    },
}
