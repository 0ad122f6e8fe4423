//! The `Call` aggregate, one short stream per CallSid: the event store's uniqueness on
//! `(aggregate_type, aggregate_id, sequence)` makes "recorded once" hold however often and
//! however concurrently the provider posts the same call. The voice decision itself is pure
//! (`answer.rs`); the application gathers the facts and records the answer here.

mod answer;
mod call_sid;
mod commands;
mod errors;
mod events;
mod status;
#[cfg(test)]
mod tests;
pub mod upcasters;

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

pub use answer::{
    after_dial, answer_call, answer_unrouted, CallFacts, Spoken, VoiceAction, VoiceAnswer,
    DEFAULT_UNAVAILABLE, DEFAULT_VOICE_AWAY, NO_VOICEMAIL, UNROUTED_APOLOGY, VOICEMAIL_PROMPT,
};
pub use call_sid::{CallSid, InvalidCallSid};
pub use commands::CallCommand;
pub use errors::CallError;
pub use events::CallEvent;
pub use status::{CallStatus, DialStatus, UnknownCallStatus};

use crate::message::Routing;
use crate::E164;

/// An inbound call as Twilio described it (the voice webhook's `CallSid`, `AccountSid`, `From`,
/// `To`, `CallStatus`, `Direction`, `CallerName`), plus our routing decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundCall {
    /// Twilio's `CallSid`.
    pub call_sid: CallSid,
    /// Twilio's `AccountSid`.
    pub account_sid: String,
    /// Twilio's `From` as sent (E.164, or raw caller id such as `anonymous`).
    pub from: String,
    /// Twilio's `To`: the number called.
    pub to: E164,
    /// Twilio's `CallStatus` when the webhook was posted (usually `ringing`).
    pub status: CallStatus,
    /// Twilio's `Direction` (`inbound`).
    pub direction: String,
    /// Twilio's `CallerName` (CNAM), when looked up.
    pub caller_name: Option<String>,
    /// Where it went.
    pub routing: Routing,
}

/// A voicemail (the recording callback's `RecordingSid`, `RecordingUrl`, `RecordingDuration`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voicemail {
    /// `RE…`.
    pub recording_sid: String,
    /// Where the provider serves it.
    pub recording_url: String,
    /// Seconds.
    pub duration_secs: u32,
}

/// State of one call.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Call {
    received: Option<InboundCall>,
    received_at: Option<DateTime<Utc>>,
    answer: Option<VoiceAnswer>,
    dial: Option<(DialStatus, VoiceAnswer)>,
    status: Option<CallStatus>,
    duration_secs: Option<u32>,
    voicemail: Option<Voicemail>,
}

impl Call {
    /// The inbound call, once recorded.
    pub fn received(&self) -> Option<&InboundCall> {
        self.received.as_ref()
    }

    /// When it was recorded.
    pub fn received_at(&self) -> Option<DateTime<Utc>> {
        self.received_at
    }

    /// The answer the caller heard first, once decided.
    pub fn answer(&self) -> Option<&VoiceAnswer> {
        self.answer.as_ref()
    }

    /// How the `<Dial>` ended and what the caller heard next, for a forwarded call.
    pub fn dial(&self) -> Option<&(DialStatus, VoiceAnswer)> {
        self.dial.as_ref()
    }

    /// The current status.
    pub fn status(&self) -> Option<CallStatus> {
        self.status
    }

    /// The duration, seconds, once completed.
    pub fn duration_secs(&self) -> Option<u32> {
        self.duration_secs
    }

    /// The voicemail, once recorded.
    pub fn voicemail(&self) -> Option<&Voicemail> {
        self.voicemail.as_ref()
    }

    fn advances_to(&self, status: CallStatus) -> bool {
        self.status
            .is_none_or(|current| current.can_advance_to(status))
    }
}

impl Aggregate for Call {
    const TYPE: &'static str = "Call";
    type Command = CallCommand;
    type Event = CallEvent;
    type Error = CallError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        match command {
            CallCommand::ReceiveCall { call, received_at } => {
                if let Some(existing) = &self.received {
                    if existing.call_sid != call.call_sid {
                        return Err(CallError::WrongCall {
                            command: call.call_sid,
                            stream: existing.call_sid.clone(),
                        });
                    }
                    return Ok(());
                }
                sink.write(CallEvent::CallReceived { call, received_at }, self)
                    .await;
            }
            CallCommand::Answer {
                answer,
                answered_at,
            } => {
                if self.received.is_none() {
                    return Err(CallError::NotReceived);
                }
                if self.answer.is_none() {
                    let event = CallEvent::CallAnswered {
                        answer,
                        answered_at,
                    };
                    sink.write(event, self).await;
                }
            }
            CallCommand::EndDial {
                dial_status,
                dial_duration_secs,
                answer,
                ended_at,
            } => {
                if self
                    .answer
                    .as_ref()
                    .and_then(|a| a.forwarded_to())
                    .is_none()
                {
                    return Err(CallError::NotForwarded);
                }
                if self.dial.is_none() {
                    let event = CallEvent::DialEnded {
                        dial_status,
                        dial_duration_secs,
                        answer,
                        ended_at,
                    };
                    sink.write(event, self).await;
                }
            }
            CallCommand::ChangeStatus {
                status,
                duration_secs,
                changed_at,
            } => {
                if self.advances_to(status) {
                    let event = if status.is_terminal() {
                        CallEvent::CallCompleted {
                            status,
                            duration_secs: duration_secs.unwrap_or(0),
                            completed_at: changed_at,
                        }
                    } else {
                        CallEvent::CallStatusChanged { status, changed_at }
                    };
                    sink.write(event, self).await;
                }
            }
            CallCommand::RecordVoicemail {
                voicemail,
                recorded_at,
            } => {
                let Some(call) = &self.received else {
                    return Err(CallError::NotReceived);
                };
                if self.voicemail.is_none() {
                    let event = CallEvent::VoicemailRecorded {
                        voicemail,
                        recorded_at,
                        caller: Some(call.from.clone()),
                        routing: Some(call.routing.clone()),
                    };
                    sink.write(event, self).await;
                }
            }
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            CallEvent::CallReceived { call, received_at } => {
                if self.advances_to(call.status) {
                    self.status = Some(call.status);
                }
                self.received = Some(call);
                self.received_at = Some(received_at);
            }
            CallEvent::CallAnswered { answer, .. } => self.answer = Some(answer),
            CallEvent::DialEnded {
                dial_status,
                answer,
                ..
            } => self.dial = Some((dial_status, answer)),
            CallEvent::CallStatusChanged { status, .. } => self.status = Some(status),
            CallEvent::CallCompleted {
                status,
                duration_secs,
                ..
            } => {
                self.status = Some(status);
                self.duration_secs = Some(duration_secs);
            }
            CallEvent::VoicemailRecorded { voicemail, .. } => self.voicemail = Some(voicemail),
        }
    }
}
