use std::fmt;

use serde::{Deserialize, Serialize};

/// A provider's call id, the `Call` aggregate's id. Twilio: `CA` and 32 hex digits (OAI pattern
/// `^CA[0-9a-fA-F]{32}$`); SignalWire: a UUID. Accepted here: 1 to 64 ASCII letters, digits and
/// `-`, which covers both.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CallSid(String);

/// The text cannot be a provider call id.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a CallSid (1 to 64 letters, digits or `-`)")]
pub struct InvalidCallSid {
    /// What was given.
    pub input: String,
}

impl CallSid {
    /// Parses a CallSid.
    ///
    /// # Errors
    /// [`InvalidCallSid`] when empty, longer than 64 or containing other characters.
    pub fn parse(input: &str) -> Result<Self, InvalidCallSid> {
        let ok = !input.is_empty()
            && input.len() <= 64
            && input.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if ok {
            Ok(Self(input.to_string()))
        } else {
            Err(InvalidCallSid {
                input: input.to_string(),
            })
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CallSid {
    type Error = InvalidCallSid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CallSid> for String {
    fn from(value: CallSid) -> Self {
        value.0
    }
}

impl fmt::Display for CallSid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
