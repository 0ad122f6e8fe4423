use std::fmt;

use serde::{Deserialize, Serialize};

/// An organization's display name: trimmed, 1 to 200 characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrganizationName(String);

/// The name is empty (after trimming) or longer than 200 characters.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("an organization name must have 1 to 200 characters (got {length})")]
pub struct InvalidOrganizationName {
    /// Characters after trimming.
    pub length: usize,
}

impl OrganizationName {
    /// Maximum length in characters.
    pub const MAX_CHARS: usize = 200;

    /// Trims and checks the length.
    ///
    /// # Errors
    /// [`InvalidOrganizationName`] when empty after trimming or over [`Self::MAX_CHARS`].
    pub fn parse(input: &str) -> Result<Self, InvalidOrganizationName> {
        let trimmed = input.trim();
        let length = trimmed.chars().count();
        if length == 0 || length > Self::MAX_CHARS {
            return Err(InvalidOrganizationName { length });
        }
        Ok(Self(trimmed.to_string()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrganizationName {
    type Error = InvalidOrganizationName;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OrganizationName> for String {
    fn from(value: OrganizationName) -> Self {
        value.0
    }
}

impl fmt::Display for OrganizationName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_and_overlong_names_are_refused() {
        assert_eq!(OrganizationName::parse("   ").unwrap_err().length, 0);
        assert!(OrganizationName::parse(&"x".repeat(201)).is_err());
        assert_eq!(OrganizationName::parse("  Acme ").unwrap().as_str(), "Acme");
    }
}
