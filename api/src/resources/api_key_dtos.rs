//! DTOs of `/v1/organizations/{id}/api-keys`.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use switchboard_domain::api_keys::ApiKeyRecord;

use super::types::{not_null, Choice, Described, KeyRole, Text};

/// Body of `POST /v1/organizations/{id}/api-keys`.
#[derive(Debug, Object)]
pub struct CreateApiKey {
    /// Display name: 1 to 100 characters, not only blanks (surrounding blanks are trimmed).
    #[oai(validator(min_length = 1, max_length = 100, pattern = "\\S"))]
    pub name: Text,
    /// What the key may do (default `admin`).
    #[oai(deserialize_with = "not_null")]
    pub role: Option<Choice<KeyRole>>,
}

/// An organization API key, without its secret.
#[derive(Debug, Object)]
pub struct ApiKeyView {
    /// The key's id.
    pub id: uuid::Uuid,
    /// Display name.
    pub name: String,
    /// What the key may do.
    pub role: Described<KeyRole>,
    /// The key's first characters (`sk_org_` and the organization's id), to recognise it.
    pub prefix: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last authenticated a request (to within a minute); absent if never.
    #[oai(skip_serializing_if_is_none)]
    pub last_used_at: Option<DateTime<Utc>>,
}

impl ApiKeyView {
    /// The view of `record`, with its last use.
    pub fn of(
        record: &ApiKeyRecord,
        organization: uuid::Uuid,
        last_used_at: Option<DateTime<Utc>>,
    ) -> Self {
        Self {
            id: record.key_id.as_uuid(),
            name: record.name.clone(),
            role: Described(record.role.into()),
            prefix: format!(
                "{}{}",
                switchboard_domain::API_KEY_PREFIX,
                organization.simple()
            ),
            created_at: record.created_at,
            last_used_at,
        }
    }
}

/// A key just created: the only time its secret is shown.
#[derive(Debug, Object)]
pub struct CreatedApiKey {
    /// The key's id.
    pub id: uuid::Uuid,
    /// Display name.
    pub name: String,
    /// What the key may do.
    pub role: Described<KeyRole>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// The secret key, `sk_org_` then 128 hex digits: send it as `Authorization: Bearer <key>`.
    /// Only its SHA-256 is stored; it is never shown again.
    pub key: String,
}

/// The organization's unrevoked keys, oldest first.
#[derive(Debug, Object)]
pub struct ApiKeyList {
    /// The keys.
    pub items: Vec<ApiKeyView>,
}
