//! The `ApiKeys` aggregate: an organization's API keys (stream id: the organization's id).
//! A key is created with a role and the SHA-256 of its secret (the secret itself is shown once
//! and never stored), and revoked for good.

mod commands;
mod errors;
mod events;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

pub use commands::ApiKeyCommand;
pub use errors::ApiKeyError;
pub use events::ApiKeyEvent;

use crate::{ApiKeyId, KeyRole, OrganizationId};

/// How many unrevoked keys one organization may hold at once.
pub const MAX_ACTIVE_KEYS: usize = 50;

/// One key as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyRecord {
    /// The key's id.
    pub key_id: ApiKeyId,
    /// Its display name.
    pub name: String,
    /// What it may do.
    pub role: KeyRole,
    /// Lower-case hex SHA-256 of the whole secret key.
    pub secret_sha256: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// An organization's keys, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiKeys {
    organization_id: Option<OrganizationId>,
    keys: BTreeMap<ApiKeyId, ApiKeyRecord>,
    order: Vec<ApiKeyId>,
}

impl ApiKeys {
    /// The organization, once a key was created.
    pub fn organization_id(&self) -> Option<OrganizationId> {
        self.organization_id
    }

    /// One key, revoked or not.
    pub fn key(&self, key_id: ApiKeyId) -> Option<&ApiKeyRecord> {
        self.keys.get(&key_id)
    }

    /// The keys not revoked, oldest first.
    pub fn active(&self) -> impl Iterator<Item = &ApiKeyRecord> {
        self.order
            .iter()
            .filter_map(|id| self.keys.get(id))
            .filter(|key| key.revoked_at.is_none())
    }
}

impl Aggregate for ApiKeys {
    const TYPE: &'static str = "ApiKeys";
    type Command = ApiKeyCommand;
    type Event = ApiKeyEvent;
    type Error = ApiKeyError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        match command {
            ApiKeyCommand::CreateKey {
                organization_id,
                key_id,
                name,
                role,
                secret_sha256,
                at,
            } => {
                if self.keys.contains_key(&key_id) {
                    return Err(ApiKeyError::DuplicateKey);
                }
                if self.active().count() >= MAX_ACTIVE_KEYS {
                    return Err(ApiKeyError::TooManyKeys {
                        limit: MAX_ACTIVE_KEYS,
                    });
                }
                let name = commands::key_name(&name)?;
                let event = ApiKeyEvent::ApiKeyCreated {
                    organization_id,
                    key_id,
                    name,
                    role,
                    secret_sha256,
                    created_at: at,
                };
                sink.write(event, self).await;
                Ok(())
            }
            ApiKeyCommand::RevokeKey { key_id, at } => match self.keys.get(&key_id) {
                None => Err(ApiKeyError::NotFound),
                Some(key) if key.revoked_at.is_some() => Ok(()),
                Some(_) => {
                    let event = ApiKeyEvent::ApiKeyRevoked {
                        key_id,
                        revoked_at: at,
                    };
                    sink.write(event, self).await;
                    Ok(())
                }
            },
        }
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            ApiKeyEvent::ApiKeyCreated {
                organization_id,
                key_id,
                name,
                role,
                secret_sha256,
                created_at,
            } => {
                self.organization_id = Some(organization_id);
                self.order.push(key_id);
                self.keys.insert(
                    key_id,
                    ApiKeyRecord {
                        key_id,
                        name,
                        role,
                        secret_sha256,
                        created_at,
                        revoked_at: None,
                    },
                );
            }
            ApiKeyEvent::ApiKeyRevoked { key_id, revoked_at } => {
                if let Some(key) = self.keys.get_mut(&key_id) {
                    key.revoked_at = Some(revoked_at);
                }
            }
        }
    }
}
