use chrono::{DateTime, Utc};

use super::ApiKeyError;
use crate::{ApiKeyId, KeyRole, OrganizationId};

/// The longest key name, in characters.
pub const MAX_KEY_NAME_CHARS: usize = 100;

/// Orders to the `ApiKeys` aggregate. Ids, the secret's hash and timestamps come in the command,
/// so `handle` is deterministic.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiKeyCommand {
    /// Create a key.
    CreateKey {
        /// The organization the key reaches.
        organization_id: OrganizationId,
        /// The new key's id.
        key_id: ApiKeyId,
        /// Display name, 1 to 100 characters once trimmed.
        name: String,
        /// What the key may do.
        role: KeyRole,
        /// Lower-case hex SHA-256 of the whole secret key.
        secret_sha256: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// Revoke a key (revoking a revoked key changes nothing).
    RevokeKey {
        /// The key.
        key_id: ApiKeyId,
        /// When.
        at: DateTime<Utc>,
    },
}

/// The trimmed name, refused when empty or over [`MAX_KEY_NAME_CHARS`].
pub(super) fn key_name(name: &str) -> Result<String, ApiKeyError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_KEY_NAME_CHARS {
        return Err(ApiKeyError::InvalidName);
    }
    Ok(name.to_string())
}
