use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use crate::{ApiKeyId, KeyRole, OrganizationId};

/// Facts about an organization's API keys. A persisted contract: never renamed in place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ApiKeyEvent {
    /// A key was created; only the SHA-256 of its secret is kept.
    ApiKeyCreated {
        /// The organization it reaches.
        organization_id: OrganizationId,
        /// Its id.
        key_id: ApiKeyId,
        /// Display name.
        name: String,
        /// What it may do.
        role: KeyRole,
        /// Lower-case hex SHA-256 of the whole secret key.
        secret_sha256: String,
        /// When.
        created_at: DateTime<Utc>,
    },
    /// A key was revoked; it authenticates nothing from now on.
    ApiKeyRevoked {
        /// The key.
        key_id: ApiKeyId,
        /// When.
        revoked_at: DateTime<Utc>,
    },
}

impl DomainEvent for ApiKeyEvent {
    fn event_type(&self) -> String {
        match self {
            ApiKeyEvent::ApiKeyCreated { .. } => "ApiKeyCreated",
            ApiKeyEvent::ApiKeyRevoked { .. } => "ApiKeyRevoked",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1.0".to_string()
    }
}
