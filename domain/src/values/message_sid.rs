use std::fmt;

use serde::{Deserialize, Serialize};

/// A provider's message id. Twilio: `SM` or `MM` and 32 hex digits (OAI schema
/// `api.v2010.account.message.sid`, pattern `^(SM|MM)[0-9a-fA-F]{32}$`); SignalWire: a UUID.
/// Accepted here: 1 to 64 ASCII letters, digits and `-`, which covers both.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MessageSid(String);

/// The text cannot be a provider message id.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a MessageSid (1 to 64 letters, digits or `-`)")]
pub struct InvalidMessageSid {
    /// What was given.
    pub input: String,
}

impl MessageSid {
    /// Parses a MessageSid.
    ///
    /// # Errors
    /// [`InvalidMessageSid`] when empty, longer than 64 or containing other characters.
    pub fn parse(input: &str) -> Result<Self, InvalidMessageSid> {
        let ok = !input.is_empty()
            && input.len() <= 64
            && input.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if ok {
            Ok(Self(input.to_string()))
        } else {
            Err(InvalidMessageSid {
                input: input.to_string(),
            })
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for MessageSid {
    type Error = InvalidMessageSid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<MessageSid> for String {
    fn from(value: MessageSid) -> Self {
        value.0
    }
}

impl fmt::Display for MessageSid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twilio_and_signalwire_sids_are_accepted() {
        assert!(MessageSid::parse("SM1f0e8ae6ade43cb3c0ce4525424e404f").is_ok());
        assert!(MessageSid::parse("3f8b1a2c-0d4e-4f6a-9b7c-1d2e3f4a5b6c").is_ok());
    }

    #[test]
    fn empty_or_odd_sids_are_refused() {
        assert!(MessageSid::parse("").is_err());
        assert!(MessageSid::parse("SM 123").is_err());
        assert!(MessageSid::parse(&"S".repeat(65)).is_err());
    }
}
