use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A call's status (Twilio's `CallStatus`). Status callbacks arrive out of order and more than
/// once, so a status only moves forward: `queued`/`initiated` < `ringing` < `in-progress` <
/// the terminal `completed`, `busy`, `no-answer`, `failed` and `canceled`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallStatus {
    /// Queued at the provider.
    Queued,
    /// Being set up.
    Initiated,
    /// Ringing (an inbound call's status when the voice webhook is posted).
    Ringing,
    /// Answered and connected.
    InProgress,
    /// Ended normally.
    Completed,
    /// The caller got a busy signal.
    Busy,
    /// Nobody answered.
    NoAnswer,
    /// Could not be connected.
    Failed,
    /// Hung up while queued or ringing.
    Canceled,
}

/// The text names no call status.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a call status")]
pub struct UnknownCallStatus {
    /// What was given.
    pub input: String,
}

impl CallStatus {
    const ALL: [CallStatus; 9] = [
        CallStatus::Queued,
        CallStatus::Initiated,
        CallStatus::Ringing,
        CallStatus::InProgress,
        CallStatus::Completed,
        CallStatus::Busy,
        CallStatus::NoAnswer,
        CallStatus::Failed,
        CallStatus::Canceled,
    ];

    /// Twilio's spelling, e.g. `in-progress`.
    pub fn as_str(self) -> &'static str {
        match self {
            CallStatus::Queued => "queued",
            CallStatus::Initiated => "initiated",
            CallStatus::Ringing => "ringing",
            CallStatus::InProgress => "in-progress",
            CallStatus::Completed => "completed",
            CallStatus::Busy => "busy",
            CallStatus::NoAnswer => "no-answer",
            CallStatus::Failed => "failed",
            CallStatus::Canceled => "canceled",
        }
    }

    fn rank(self) -> u8 {
        match self {
            CallStatus::Queued | CallStatus::Initiated => 0,
            CallStatus::Ringing => 1,
            CallStatus::InProgress => 2,
            _ => 3,
        }
    }

    /// Whether the call is over.
    pub fn is_terminal(self) -> bool {
        self.rank() == 3
    }

    /// Whether a call at `self` may move to `next`: strictly forward, never out of an end.
    pub fn can_advance_to(self, next: CallStatus) -> bool {
        !self.is_terminal() && next.rank() > self.rank()
    }
}

impl FromStr for CallStatus {
    type Err = UnknownCallStatus;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        CallStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or(UnknownCallStatus { input: s })
    }
}

impl fmt::Display for CallStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a forwarded call's `<Dial>` ended (Twilio's `DialCallStatus` on the `action` request).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DialStatus {
    /// The forwarded party answered and the call ended.
    Completed,
    /// The forwarded party answered (still connected).
    Answered,
    /// Busy.
    Busy,
    /// Nobody answered within the `timeout`.
    NoAnswer,
    /// Could not be connected.
    Failed,
    /// The caller hung up first.
    Canceled,
}

impl DialStatus {
    /// Twilio's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DialStatus::Completed => "completed",
            DialStatus::Answered => "answered",
            DialStatus::Busy => "busy",
            DialStatus::NoAnswer => "no-answer",
            DialStatus::Failed => "failed",
            DialStatus::Canceled => "canceled",
        }
    }

    /// Whether somebody took the call.
    pub fn was_answered(self) -> bool {
        matches!(self, DialStatus::Completed | DialStatus::Answered)
    }
}

impl FromStr for DialStatus {
    type Err = UnknownCallStatus;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        [
            DialStatus::Completed,
            DialStatus::Answered,
            DialStatus::Busy,
            DialStatus::NoAnswer,
            DialStatus::Failed,
            DialStatus::Canceled,
        ]
        .into_iter()
        .find(|status| status.as_str() == s)
        .ok_or(UnknownCallStatus { input: s })
    }
}

#[cfg(test)]
mod tests {
    use super::CallStatus::*;
    use super::*;

    #[test]
    fn a_call_status_only_moves_forward() {
        assert!(Ringing.can_advance_to(InProgress));
        assert!(InProgress.can_advance_to(Completed));
        assert!(Ringing.can_advance_to(NoAnswer));
        assert!(!InProgress.can_advance_to(Ringing));
        assert!(!Completed.can_advance_to(InProgress));
        assert!(!Completed.can_advance_to(Failed));
        assert_eq!("in-progress".parse::<CallStatus>(), Ok(InProgress));
        assert!("ended".parse::<CallStatus>().is_err());
    }
}
