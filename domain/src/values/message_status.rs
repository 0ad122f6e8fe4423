use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A message's delivery status (OAI `message_enum_status`). Status callbacks arrive out of order
/// and more than once ("Track the Message Status of Outbound Messages" doc page), so a status
/// only moves forward: `accepted`/`scheduled` < `queued` < `sending` < `sent` <
/// `delivered` < `read`; `failed`, `undelivered` and `canceled` end it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    /// Accepted by a Messaging Service.
    Accepted,
    /// Scheduled for later.
    Scheduled,
    /// Queued at the provider.
    Queued,
    /// Being sent.
    Sending,
    /// Handed to the carrier.
    Sent,
    /// Delivered to the handset.
    Delivered,
    /// Read (WhatsApp, RCS).
    Read,
    /// Failed before leaving the provider.
    Failed,
    /// The carrier could not deliver it.
    Undelivered,
    /// A scheduled message was canceled.
    Canceled,
    /// Inbound: received.
    Received,
}

/// The text names no status.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a message status")]
pub struct UnknownMessageStatus {
    /// What was given.
    pub input: String,
}

impl MessageStatus {
    const ALL: [MessageStatus; 11] = [
        MessageStatus::Accepted,
        MessageStatus::Scheduled,
        MessageStatus::Queued,
        MessageStatus::Sending,
        MessageStatus::Sent,
        MessageStatus::Delivered,
        MessageStatus::Read,
        MessageStatus::Failed,
        MessageStatus::Undelivered,
        MessageStatus::Canceled,
        MessageStatus::Received,
    ];

    /// Twilio's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Accepted => "accepted",
            MessageStatus::Scheduled => "scheduled",
            MessageStatus::Queued => "queued",
            MessageStatus::Sending => "sending",
            MessageStatus::Sent => "sent",
            MessageStatus::Delivered => "delivered",
            MessageStatus::Read => "read",
            MessageStatus::Failed => "failed",
            MessageStatus::Undelivered => "undelivered",
            MessageStatus::Canceled => "canceled",
            MessageStatus::Received => "received",
        }
    }

    fn rank(self) -> u8 {
        match self {
            MessageStatus::Accepted | MessageStatus::Scheduled => 0,
            MessageStatus::Queued => 1,
            MessageStatus::Sending => 2,
            MessageStatus::Sent => 3,
            MessageStatus::Delivered
            | MessageStatus::Failed
            | MessageStatus::Undelivered
            | MessageStatus::Canceled
            | MessageStatus::Received => 4,
            MessageStatus::Read => 5,
        }
    }

    /// Whether nothing may follow it.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            MessageStatus::Failed
                | MessageStatus::Undelivered
                | MessageStatus::Canceled
                | MessageStatus::Received
                | MessageStatus::Read
        )
    }

    /// Whether a message at `self` may move to `next`: strictly forward and not out of a
    /// terminal status.
    pub fn can_advance_to(self, next: MessageStatus) -> bool {
        !self.is_terminal() && next.rank() > self.rank()
    }
}

impl FromStr for MessageStatus {
    type Err = UnknownMessageStatus;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        MessageStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or(UnknownMessageStatus { input: s })
    }
}

impl fmt::Display for MessageStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::MessageStatus::*;

    #[test]
    fn statuses_only_move_forward() {
        assert!(Queued.can_advance_to(Sent));
        assert!(Sent.can_advance_to(Delivered));
        assert!(Delivered.can_advance_to(Read));
        assert!(Sent.can_advance_to(Failed));
        assert!(
            !Delivered.can_advance_to(Sent),
            "a late `sent` changes nothing"
        );
        assert!(!Sent.can_advance_to(Sent), "a duplicate changes nothing");
        assert!(!Delivered.can_advance_to(Undelivered));
    }

    #[test]
    fn failed_undelivered_and_canceled_are_terminal() {
        for terminal in [Failed, Undelivered, Canceled] {
            assert!(!terminal.can_advance_to(Delivered));
            assert!(!terminal.can_advance_to(Read));
        }
    }

    #[test]
    fn twilio_spellings_parse() {
        assert_eq!("delivered".parse::<super::MessageStatus>(), Ok(Delivered));
        assert!("lost".parse::<super::MessageStatus>().is_err());
    }
}
