//! Organization API keys: create (the secret shown once, its SHA-256 kept), list, revoke, and
//! check a presented key.

use cqrs_es::persist::PersistedEventRepository;
use sha2::{Digest, Sha256};
use switchboard_domain::api_keys::{ApiKeyCommand, ApiKeyError, ApiKeyRecord, ApiKeys};
use switchboard_domain::{compose_api_key, parse_api_key, ApiKeyId, KeyRole, OrganizationId};

use crate::{AppError, RequestContext, Switchboard};

/// A key just created: its record and the secret key, which is never shown again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedApiKey {
    /// As recorded.
    pub record: ApiKeyRecord,
    /// The whole secret key (`sk_org_…`).
    pub key: String,
}

/// Who a valid organization key speaks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyHolder {
    /// The only organization it reaches.
    pub organization_id: OrganizationId,
    /// The key.
    pub key_id: ApiKeyId,
    /// What it may do.
    pub role: KeyRole,
}

/// What a presented organization key turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyCheck {
    /// A live key.
    Valid(KeyHolder),
    /// A key that was revoked.
    Revoked(KeyHolder),
    /// Not a key we issued (malformed, unknown, or a wrong secret).
    Unknown,
}

/// Lower-case hex SHA-256 of `key` (FIPS 180-4).
pub fn key_sha256(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares two strings in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Creates a key for an active organization from `secret_hex` (64 hex digits of a 32-byte
    /// random secret, made by the caller's generator).
    ///
    /// # Errors
    /// `OrganizationError::{NotFound, Deleted}`, `ApiKeyError::{InvalidName, TooManyKeys}`,
    /// storage.
    #[tracing::instrument(skip(self, secret_hex, context))]
    pub async fn create_api_key(
        &self,
        organization_id: OrganizationId,
        name: String,
        role: KeyRole,
        secret_hex: &str,
        context: &RequestContext,
    ) -> Result<CreatedApiKey, AppError> {
        self.active_organization(organization_id).await?;
        let key_id = ApiKeyId::from_uuid(uuid::Uuid::new_v4());
        let key = compose_api_key(organization_id, key_id, secret_hex);
        let command = ApiKeyCommand::CreateKey {
            organization_id,
            key_id,
            name,
            role,
            secret_sha256: key_sha256(&key),
            at: self.clock.now(),
        };
        let keys = self
            .run(
                &self.api_keys,
                &organization_id.to_string(),
                command,
                context,
            )
            .await?;
        let record = keys.key(key_id).cloned().ok_or(ApiKeyError::NotFound)?;
        Ok(CreatedApiKey { record, key })
    }

    /// The organization's unrevoked keys, oldest first.
    ///
    /// # Errors
    /// `OrganizationError::{NotFound, Deleted}`, storage.
    pub async fn api_keys(
        &self,
        organization_id: OrganizationId,
    ) -> Result<Vec<ApiKeyRecord>, AppError> {
        self.active_organization(organization_id).await?;
        let keys: ApiKeys = self
            .state(&self.api_keys, &organization_id.to_string())
            .await?;
        Ok(keys.active().cloned().collect())
    }

    /// Revokes one of the organization's keys; it authenticates nothing from the moment this
    /// returns (checks read the key's stream, not a read model).
    ///
    /// # Errors
    /// `ApiKeyError::NotFound` (also for another organization's key), storage.
    #[tracing::instrument(skip(self, context))]
    pub async fn revoke_api_key(
        &self,
        organization_id: OrganizationId,
        key_id: ApiKeyId,
        context: &RequestContext,
    ) -> Result<(), AppError> {
        let command = ApiKeyCommand::RevokeKey {
            key_id,
            at: self.clock.now(),
        };
        self.run(
            &self.api_keys,
            &organization_id.to_string(),
            command,
            context,
        )
        .await?;
        Ok(())
    }

    /// Checks a presented organization key against its stream: the SHA-256 of the whole key
    /// must match what was recorded at creation.
    ///
    /// # Errors
    /// Storage.
    pub async fn check_api_key(&self, presented: &str) -> Result<KeyCheck, AppError> {
        let Some((organization_id, key_id)) = parse_api_key(presented) else {
            return Ok(KeyCheck::Unknown);
        };
        let keys: ApiKeys = self
            .state(&self.api_keys, &organization_id.to_string())
            .await?;
        let Some(record) = keys.key(key_id) else {
            return Ok(KeyCheck::Unknown);
        };
        if !same(&record.secret_sha256, &key_sha256(presented)) {
            return Ok(KeyCheck::Unknown);
        }
        let holder = KeyHolder {
            organization_id,
            key_id,
            role: record.role,
        };
        Ok(match record.revoked_at {
            Some(_) => KeyCheck::Revoked(holder),
            None => KeyCheck::Valid(holder),
        })
    }
}
