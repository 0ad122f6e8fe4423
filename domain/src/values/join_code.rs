use std::fmt;

use serde::{Deserialize, Serialize};

/// The code a customer sends to the shared platform number (`join <code>`) to reach an
/// organization without a dedicated number: 4 to 16 letters or digits, compared
/// case-insensitively (stored upper case).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct JoinCode(String);

/// Not a join code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a join code (4 to 16 letters or digits)")]
pub struct InvalidJoinCode {
    /// What was given.
    pub input: String,
}

impl JoinCode {
    /// Parses a code.
    ///
    /// # Errors
    /// [`InvalidJoinCode`].
    pub fn parse(input: &str) -> Result<Self, InvalidJoinCode> {
        let code = input.trim().to_ascii_uppercase();
        if (4..=16).contains(&code.len()) && code.chars().all(|c| c.is_ascii_alphanumeric()) {
            Ok(Self(code))
        } else {
            Err(InvalidJoinCode {
                input: input.to_string(),
            })
        }
    }

    /// A fresh 8-character code from 40 random bits (`uuid` v4), in Crockford's base32 alphabet
    /// (no I, L, O, U).
    pub fn generate(random: uuid::Uuid) -> Self {
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        let bits = u64::from_be_bytes(random.as_bytes()[..8].try_into().unwrap_or_default());
        let code = (0..8)
            .map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize] as char)
            .collect();
        Self(code)
    }

    /// If `body` is `join <code>` (any case, any spacing), the code.
    pub fn from_join_message(body: &str) -> Option<Result<Self, InvalidJoinCode>> {
        let mut words = body.split_whitespace();
        let first = words.next()?;
        if !first.eq_ignore_ascii_case("join") {
            return None;
        }
        let code = words.next().unwrap_or_default();
        if words.next().is_some() {
            return None;
        }
        Some(Self::parse(code))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for JoinCode {
    type Error = InvalidJoinCode;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<JoinCode> for String {
    fn from(value: JoinCode) -> Self {
        value.0
    }
}

impl fmt::Display for JoinCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_messages_carry_a_code_in_any_case() {
        assert_eq!(
            JoinCode::from_join_message("join acme42")
                .unwrap()
                .unwrap()
                .as_str(),
            "ACME42"
        );
        assert_eq!(
            JoinCode::from_join_message("  JOIN   Acme42 ")
                .unwrap()
                .unwrap()
                .as_str(),
            "ACME42"
        );
        assert!(JoinCode::from_join_message("join").unwrap().is_err());
        assert!(JoinCode::from_join_message("join a b").is_none());
        assert!(JoinCode::from_join_message("hello").is_none());
    }

    #[test]
    fn generated_codes_are_eight_valid_characters() {
        let code = JoinCode::generate(uuid::Uuid::from_u128(
            0x1234_5678_9abc_def0_1111_2222_3333_4444,
        ));
        assert_eq!(code.as_str().len(), 8);
        assert_eq!(JoinCode::parse(code.as_str()), Ok(code));
    }
}
