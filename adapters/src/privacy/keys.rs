//! The per-customer data keys (table `customer_keys`, migration 0014), with bounded in-memory
//! caches. On the hot path a customer's key costs one read when this process has not cached it,
//! and a new customer's key is written by the unit of work's own commit ([`NewKey`]), so a first
//! message is still one durable commit.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{KeyInit, OsRng};
use chacha20poly1305::{Key, XChaCha20Poly1305};
use quick_cache::sync::Cache;
use sqlx::{AnyPool, Row};
use switchboard_application::ports::StoreError;

/// Keys kept in memory per direction (sealing by customer, opening by key id).
const CACHE_ENTRIES: usize = 10_000;

/// How long a cached key is trusted before it is read again: bounds how long a process that did
/// not erase a customer itself keeps using the customer's deleted key.
const CACHE_TTL: Duration = Duration::from_secs(30);

/// Creates the customer's key, or returns the existing one, in one statement (PostgreSQL and
/// SQLite ≥ 3.35 both take `ON CONFLICT … DO UPDATE … RETURNING`).
const KEY_FOR: &str = "
INSERT INTO customer_keys (key_id, organization_id, address, secret) VALUES ($1, $2, $3, $4)
ON CONFLICT (organization_id, address) DO UPDATE SET address = excluded.address
RETURNING key_id, secret";

const KEY_BY_ID: &str = "SELECT secret FROM customer_keys WHERE key_id = $1";

const KEY_OF: &str =
    "SELECT key_id, secret FROM customer_keys WHERE organization_id = $1 AND address = $2";

const ERASE: &str =
    "DELETE FROM customer_keys WHERE organization_id = $1 AND address = $2 RETURNING key_id";

/// One customer's data key: its id (what a sealed field names) and the key itself.
#[derive(Clone)]
pub struct DataKey {
    /// A random UUID, stored beside every field sealed with it.
    pub id: String,
    /// The XChaCha20-Poly1305 key.
    pub key: Key,
}

impl DataKey {
    /// A new random key with a new id.
    pub fn generate() -> Self {
        Self {
            id: uuid::Uuid::new_v4().to_string(),
            key: XChaCha20Poly1305::generate_key(&mut OsRng),
        }
    }

    /// The key as `customer_keys.secret` holds it (base64).
    pub fn secret(&self) -> String {
        STANDARD.encode(self.key)
    }
}

/// A key made for a customer who had none, stored by the same transaction as the first events
/// sealed with it (so a message and its customer's key become durable together).
#[derive(Clone)]
pub struct NewKey {
    /// `customer_keys.organization_id`: an organization id, or `unrouted`.
    pub organization: String,
    /// `customer_keys.address`: the customer's address.
    pub address: String,
    /// The key.
    pub key: DataKey,
}

#[derive(Clone)]
struct Cached<T> {
    value: T,
    at: Instant,
}

impl<T: Clone> Cached<T> {
    fn fresh(&self) -> Option<T> {
        (self.at.elapsed() < CACHE_TTL).then(|| self.value.clone())
    }
}

/// The `customer_keys` table behind two bounded caches. Cheap to clone (shared caches).
#[derive(Clone)]
pub struct CustomerKeys {
    pool: AnyPool,
    by_customer: Arc<Cache<(String, String), Cached<DataKey>>>,
    by_id: Arc<Cache<String, Cached<Option<Key>>>>,
}

impl std::fmt::Debug for CustomerKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomerKeys").finish_non_exhaustive()
    }
}

impl CustomerKeys {
    /// Keys in `pool`'s `customer_keys` table.
    pub fn new(pool: AnyPool) -> Self {
        Self {
            pool,
            by_customer: Arc::new(Cache::new(CACHE_ENTRIES)),
            by_id: Arc::new(Cache::new(CACHE_ENTRIES)),
        }
    }

    /// The key of `address` at `organization` (an organization id, or `unrouted`), created on
    /// first need.
    ///
    /// # Errors
    /// [`StoreError`] when the table cannot be written or the stored key is malformed.
    pub async fn key_for(&self, organization: &str, address: &str) -> Result<DataKey, StoreError> {
        let customer = (organization.to_string(), address.to_string());
        if let Some(key) = self.by_customer.get(&customer).and_then(|c| c.fresh()) {
            return Ok(key);
        }
        let fresh = DataKey::generate();
        let row = sqlx::query(KEY_FOR)
            .bind(fresh.id.as_str())
            .bind(organization)
            .bind(address)
            .bind(fresh.secret())
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::from_error)?;
        let key = key_of_row(&row)?;
        self.remember(customer, key.clone());
        Ok(key)
    }

    /// The stored key of `address` at `organization`, if it has one (read without writing).
    ///
    /// # Errors
    /// [`StoreError`] when the table cannot be read or the stored key is malformed.
    pub async fn stored_key(
        &self,
        organization: &str,
        address: &str,
    ) -> Result<Option<DataKey>, StoreError> {
        let customer = (organization.to_string(), address.to_string());
        if let Some(key) = self.by_customer.get(&customer).and_then(|c| c.fresh()) {
            return Ok(Some(key));
        }
        let row = sqlx::query(KEY_OF)
            .bind(organization)
            .bind(address)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::from_error)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let key = key_of_row(&row)?;
        self.remember(customer, key.clone());
        Ok(Some(key))
    }

    /// Remembers keys once the transaction that stored them has committed.
    pub fn stored(&self, keys: Vec<NewKey>) {
        for new in keys {
            self.remember((new.organization, new.address), new.key);
        }
    }

    /// The key `key_id` names; `None` once it was erased.
    ///
    /// # Errors
    /// [`StoreError`] when the table cannot be read or the stored key is malformed.
    pub async fn key_by_id(&self, key_id: &str) -> Result<Option<Key>, StoreError> {
        if let Some(key) = self.by_id.get(key_id).and_then(|c| c.fresh()) {
            return Ok(key);
        }
        let secret: Option<String> = sqlx::query_scalar(KEY_BY_ID)
            .bind(key_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::from_error)?;
        let key = secret.as_deref().map(decode).transpose()?;
        self.by_id.insert(
            key_id.to_string(),
            Cached {
                value: key,
                at: Instant::now(),
            },
        );
        Ok(key)
    }

    /// Deletes the keys of `address` at `organization` (crypto-shredding: every field sealed
    /// with them becomes unreadable); returns how many were deleted (0 when already erased).
    ///
    /// # Errors
    /// [`StoreError`] when the table cannot be written.
    pub async fn erase(&self, organization: &str, address: &str) -> Result<u64, StoreError> {
        let ids: Vec<String> = sqlx::query_scalar(ERASE)
            .bind(organization)
            .bind(address)
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::from_error)?;
        self.by_customer
            .remove(&(organization.to_string(), address.to_string()));
        for id in &ids {
            self.by_id.insert(
                id.clone(),
                Cached {
                    value: None,
                    at: Instant::now(),
                },
            );
        }
        Ok(ids.len() as u64)
    }

    fn remember(&self, customer: (String, String), key: DataKey) {
        let at = Instant::now();
        self.by_id.insert(
            key.id.clone(),
            Cached {
                value: Some(key.key),
                at,
            },
        );
        self.by_customer.insert(customer, Cached { value: key, at });
    }
}

fn key_of_row(row: &sqlx::any::AnyRow) -> Result<DataKey, StoreError> {
    let id: String = row.try_get("key_id").map_err(StoreError::from_error)?;
    let secret: String = row.try_get("secret").map_err(StoreError::from_error)?;
    Ok(DataKey {
        key: decode(&secret)?,
        id,
    })
}

fn decode(secret: &str) -> Result<Key, StoreError> {
    let bytes = STANDARD.decode(secret).map_err(StoreError::from_error)?;
    if bytes.len() != 32 {
        return Err(StoreError::from_error(std::io::Error::other(
            "a customer key is not 32 bytes",
        )));
    }
    Ok(*Key::from_slice(&bytes))
}
