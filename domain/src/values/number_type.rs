use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The kind of number in a provider's inventory: Twilio's `AvailablePhoneNumbers/{Country}/Local`,
/// `TollFree` and `Mobile` sub-resources (OAI operationIds `ListAvailablePhoneNumberLocal` etc.).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NumberType {
    /// A geographic number.
    #[default]
    Local,
    /// A toll-free number (US/CA 8xx).
    TollFree,
    /// A mobile number.
    Mobile,
}

/// The text names no number type.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a number type (expected local, toll-free or mobile)")]
pub struct UnknownNumberType {
    /// What was given.
    pub input: String,
}

impl NumberType {
    /// The wire name: `local`, `toll-free` or `mobile`.
    pub fn as_str(self) -> &'static str {
        match self {
            NumberType::Local => "local",
            NumberType::TollFree => "toll-free",
            NumberType::Mobile => "mobile",
        }
    }

    /// Twilio's path segment: `Local`, `TollFree` or `Mobile`.
    pub fn twilio_resource(self) -> &'static str {
        match self {
            NumberType::Local => "Local",
            NumberType::TollFree => "TollFree",
            NumberType::Mobile => "Mobile",
        }
    }
}

impl FromStr for NumberType {
    type Err = UnknownNumberType;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "local" => Ok(NumberType::Local),
            "toll-free" | "tollfree" | "toll_free" => Ok(NumberType::TollFree),
            "mobile" => Ok(NumberType::Mobile),
            _ => Err(UnknownNumberType {
                input: s.to_string(),
            }),
        }
    }
}

impl fmt::Display for NumberType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
