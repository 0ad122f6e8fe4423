//! The voice decision: what a caller hears, from the organization's voice settings, its business
//! hours and, after a forwarded call, how the `<Dial>` ended. Pure: the application gathers the
//! facts and records the answer.

use serde::{Deserialize, Serialize};

use super::DialStatus;
use crate::{Settings, E164};

/// The apology an unrouted call hears before `<Hangup/>`.
pub const UNROUTED_APOLOGY: &str = "Sorry, this number is not in service. Goodbye.";
/// Said after the away text when the caller may leave a voicemail.
pub const VOICEMAIL_PROMPT: &str = "Please leave a message after the beep.";
/// Said after the away text when voicemail is off.
pub const NO_VOICEMAIL: &str = "Please call again later. Goodbye.";
/// The away text spoken during business hours, when nobody can take the call.
pub const DEFAULT_UNAVAILABLE: &str = "Nobody can take your call right now.";
/// The away text spoken outside business hours, unless `away_message` is set.
pub const DEFAULT_VOICE_AWAY: &str = "{organization} is closed right now.";

/// One text spoken with `<Say>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spoken {
    /// What is said.
    pub text: String,
    /// `<Say language>`, e.g. `en-US`.
    pub language: String,
    /// `<Say voice>`, if set.
    pub voice: Option<String>,
}

/// What happens after the spoken texts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VoiceAction {
    /// `<Dial callerId="{caller_id}" timeout="20" action=".../dial-status">{to}</Dial>`.
    Forward {
        /// The organization's `forward_to`.
        to: E164,
        /// Our number, shown to the person the call is put through to.
        caller_id: E164,
    },
    /// `<Record maxLength="120" playBeep="true" recordingStatusCallback=".../recording">`.
    Voicemail,
    /// `<Hangup/>`.
    Hangup,
}

/// The caller's answer: texts spoken in order, then one action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoiceAnswer {
    /// `<Say>`s, in order.
    pub say: Vec<Spoken>,
    /// What follows.
    pub then: VoiceAction,
}

impl VoiceAnswer {
    /// The number the call was put through to, if it was.
    pub fn forwarded_to(&self) -> Option<&E164> {
        match &self.then {
            VoiceAction::Forward { to, .. } => Some(to),
            _ => None,
        }
    }
}

/// What the rules know about a routed call when deciding.
#[derive(Clone, Debug)]
pub struct CallFacts<'a> {
    /// The organization's settings.
    pub settings: &'a Settings,
    /// The organization's name, for `{organization}`.
    pub organization_name: &'a str,
    /// Whether the organization is open now (always, without business hours).
    pub open_now: bool,
    /// The number called, used as the forwarded call's caller id.
    pub our_number: &'a E164,
}

impl CallFacts<'_> {
    fn spoken(&self, text: String) -> Spoken {
        Spoken {
            text,
            language: self.settings.voice_language().to_string(),
            voice: self.settings.voice.clone(),
        }
    }

    /// The away text and the voicemail prompt (or goodbye), then `<Record>` or `<Hangup/>`.
    fn away(&self, mut say: Vec<Spoken>, away: String) -> VoiceAnswer {
        let (prompt, then) = if self.settings.voicemail_on() {
            (VOICEMAIL_PROMPT, VoiceAction::Voicemail)
        } else {
            (NO_VOICEMAIL, VoiceAction::Hangup)
        };
        say.push(self.spoken(format!("{away} {prompt}")));
        VoiceAnswer { say, then }
    }

    fn unavailable(&self) -> String {
        DEFAULT_UNAVAILABLE.to_string()
    }

    fn closed(&self) -> String {
        match &self.settings.away_message {
            Some(_) => self.settings.away(self.organization_name),
            None => DEFAULT_VOICE_AWAY.replace("{organization}", self.organization_name),
        }
    }
}

/// The answer to a routed call: the greeting, then during business hours with a `forward_to`
/// the call is put through; otherwise the away text (the organization's `away_message` when
/// closed) and a voicemail, or a goodbye and `<Hangup/>` with voicemail off.
pub fn answer_call(facts: &CallFacts<'_>) -> VoiceAnswer {
    let greeting = facts.spoken(facts.settings.voice_greeting(facts.organization_name));
    match (&facts.settings.forward_to, facts.open_now) {
        (Some(to), true) => VoiceAnswer {
            say: vec![greeting],
            then: VoiceAction::Forward {
                to: to.clone(),
                caller_id: facts.our_number.clone(),
            },
        },
        (None, true) => facts.away(vec![greeting], facts.unavailable()),
        (_, false) => facts.away(vec![greeting], facts.closed()),
    }
}

/// The answer once a forwarded call's `<Dial>` ended: nothing more when somebody took it,
/// otherwise the away text and a voicemail (or `<Hangup/>` with voicemail off).
pub fn after_dial(facts: &CallFacts<'_>, dial: DialStatus) -> VoiceAnswer {
    if dial.was_answered() {
        return VoiceAnswer {
            say: vec![],
            then: VoiceAction::Hangup,
        };
    }
    facts.away(vec![], facts.unavailable())
}

/// The answer to a call to a number no organization holds.
pub fn answer_unrouted() -> VoiceAnswer {
    VoiceAnswer {
        say: vec![Spoken {
            text: UNROUTED_APOLOGY.into(),
            language: crate::values::DEFAULT_VOICE_LANGUAGE.into(),
            voice: None,
        }],
        then: VoiceAction::Hangup,
    }
}
