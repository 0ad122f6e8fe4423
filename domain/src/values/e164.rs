use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A phone number in E.164 form: `+`, country code and subscriber number, digits only, at most 15
/// digits (ITU-T Recommendation E.164). Parsed with the `phonenumber` crate (libphonenumber's
/// metadata), so `+1 (415) 555-0100` and `+14155550100` both become `+14155550100`.
///
/// Validity against the numbering plan is deliberately not required: Twilio's test numbers
/// (`+15005550006`, "Test Credentials" doc page) are structurally E.164 but not assigned ranges,
/// and a number already written canonically (`+`, a digit 1–9, 7 to 14 more digits: the API's
/// pattern `^\+[1-9][0-9]{7,14}$`) is taken as it is, whatever its country code.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct E164(String);

/// The input is not a phone number in international (E.164) form.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not an E.164 phone number (expected `+` followed by 8 to 15 digits)")]
pub struct InvalidE164 {
    /// What was given.
    pub input: String,
}

impl E164 {
    /// Parses `input` (which must start with `+`) into canonical E.164.
    ///
    /// # Errors
    /// [`InvalidE164`] when the input has no leading `+`, letters, or a digit count outside 8..=15.
    pub fn parse(input: &str) -> Result<Self, InvalidE164> {
        let invalid = || InvalidE164 {
            input: input.to_string(),
        };
        let trimmed = input.trim();
        if is_canonical(trimmed) {
            return Ok(Self(trimmed.to_string()));
        }
        if !trimmed.starts_with('+') || trimmed.chars().any(|c| c.is_ascii_alphabetic()) {
            return Err(invalid());
        }
        let parsed = phonenumber::parse(None, trimmed).map_err(|_| invalid())?;
        let formatted = parsed.format().mode(phonenumber::Mode::E164).to_string();
        let digits = formatted.len() - 1;
        if !(8..=15).contains(&digits) {
            return Err(invalid());
        }
        Ok(Self(formatted))
    }

    /// Parses only the canonical written form (`+`, a digit 1–9, 7 to 14 more digits; nothing
    /// trimmed or normalised): the API's pattern `^\+[1-9][0-9]{7,14}$`.
    ///
    /// # Errors
    /// [`InvalidE164`] for anything else, even a number [`E164::parse`] would normalise.
    pub fn parse_canonical(input: &str) -> Result<Self, InvalidE164> {
        if is_canonical(input) {
            Ok(Self(input.to_string()))
        } else {
            Err(InvalidE164 {
                input: input.to_string(),
            })
        }
    }

    /// The canonical text, e.g. `+14155550100`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `+`, a digit 1–9 and 7 to 14 more digits.
fn is_canonical(text: &str) -> bool {
    text.strip_prefix('+').is_some_and(|digits| {
        (8..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
    })
}

impl FromStr for E164 {
    type Err = InvalidE164;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for E164 {
    type Error = InvalidE164;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<E164> for String {
    fn from(value: E164) -> Self {
        value.0
    }
}

impl fmt::Display for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatted_numbers_become_canonical_e164() {
        assert_eq!(
            E164::parse("+1 (415) 555-0100").unwrap().as_str(),
            "+14155550100"
        );
        assert_eq!(
            E164::parse("+447911123456").unwrap().as_str(),
            "+447911123456"
        );
    }

    #[test]
    fn canonical_numbers_are_taken_as_they_are_whatever_their_country_code() {
        for number in ["+99912345678", "+12345678", "+123456789012345"] {
            assert_eq!(E164::parse(number).unwrap().as_str(), number);
        }
    }

    #[test]
    fn twilio_test_numbers_are_accepted() {
        assert_eq!(
            E164::parse("+15005550006").unwrap().as_str(),
            "+15005550006"
        );
    }

    #[test]
    fn numbers_without_plus_letters_or_wrong_length_are_refused() {
        for bad in [
            "4155550100",
            "+1415555ABCD",
            "+12",
            "",
            "whatsapp:+14155550100",
            "+1234567890123456",
        ] {
            assert!(E164::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
