use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An organization API key's id: a UUID chosen by the server when the key is created.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ApiKeyId(Uuid);

/// The text is not a UUID (RFC 9562), so it cannot name a key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not an API key id (a UUID)")]
pub struct InvalidApiKeyId {
    /// What was given.
    pub input: String,
}

impl ApiKeyId {
    /// Wraps an existing UUID.
    pub fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    /// The UUID inside.
    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl FromStr for ApiKeyId {
    type Err = InvalidApiKeyId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self).map_err(|_| InvalidApiKeyId {
            input: s.to_string(),
        })
    }
}

impl fmt::Display for ApiKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What an organization API key may do: `admin` reads and changes the organization, `viewer`
/// only reads it. Neither reaches another organization or the platform's operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyRole {
    /// Reads and changes its organization.
    Admin,
    /// Reads its organization.
    Viewer,
}

/// The text names no key role.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a key role (admin or viewer)")]
pub struct UnknownKeyRole {
    /// What was given.
    pub input: String,
}

impl KeyRole {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyRole::Admin => "admin",
            KeyRole::Viewer => "viewer",
        }
    }
}

impl FromStr for KeyRole {
    type Err = UnknownKeyRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(KeyRole::Admin),
            "viewer" => Ok(KeyRole::Viewer),
            _ => Err(UnknownKeyRole {
                input: s.to_string(),
            }),
        }
    }
}

/// The prefix that makes an organization API key recognisable (in logs, secret scanners).
pub const API_KEY_PREFIX: &str = "sk_org_";

/// Hex characters of the random secret part of a key (32 bytes).
pub const API_KEY_SECRET_HEX: usize = 64;

/// An organization API key as handed out once: `sk_org_`, the organization's and the key's ids
/// as 32 lower-case hex digits each, then the 64 hex digits of a 32-byte random secret. The ids
/// let a check find the key's stream without an index; only the SHA-256 of the whole key is
/// stored.
pub fn compose_api_key(
    organization: crate::OrganizationId,
    key: ApiKeyId,
    secret_hex: &str,
) -> String {
    format!(
        "{API_KEY_PREFIX}{}{}{secret_hex}",
        organization.as_uuid().simple(),
        key.0.simple()
    )
}

/// The organization and key ids named by a well-formed key, `None` for anything else.
pub fn parse_api_key(token: &str) -> Option<(crate::OrganizationId, ApiKeyId)> {
    let rest = token.strip_prefix(API_KEY_PREFIX)?;
    if rest.len() != 64 + API_KEY_SECRET_HEX || !rest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let organization = Uuid::parse_str(&rest[..32]).ok()?;
    let key = Uuid::parse_str(&rest[32..64]).ok()?;
    Some((
        crate::OrganizationId::from_uuid(organization),
        ApiKeyId(key),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_composed_key_parses_back_to_its_ids_and_anything_else_does_not() {
        let org = crate::OrganizationId::from_uuid(Uuid::from_u128(5));
        let key = ApiKeyId::from_uuid(Uuid::from_u128(6));
        let token = compose_api_key(org, key, &"ab".repeat(32));
        assert!(token.starts_with("sk_org_"));
        assert_eq!(parse_api_key(&token), Some((org, key)));
        assert_eq!(parse_api_key(&token[..token.len() - 1]), None);
        assert_eq!(parse_api_key(&token.replace("sk_org_", "sk_xxx_")), None);
        assert_eq!(
            parse_api_key(&format!("{}g", &token[..token.len() - 1])),
            None
        );
        assert_eq!(parse_api_key(""), None);
    }
}
