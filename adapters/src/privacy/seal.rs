//! Sealing and opening the personal fields of a stored event.
//!
//! A sealed event keeps its domain shape with the personal fields blank (see
//! [`super::fields`]) and one more member beside the object holding them (`message`, `call`,
//! `voicemail`, `reply`):
//! `"sealed": {"key_id": "<uuid>", "nonce": "<base64, 24 bytes>", "ciphertext": "<base64>"}`,
//! the XChaCha20-Poly1305 encryption of a JSON object holding the personal fields, with the
//! associated data `switchboard-sealed-v1 ⏎ organization ⏎ address ⏎ aggregate type ⏎ aggregate
//! id ⏎ sequence ⏎ event type`, so a sealed blob cannot be moved to another event or customer.
//! Opening restores the fields and drops `sealed`; with the key erased (or a blob that does not
//! authenticate) the fields stay blank: an erased customer reads as blank, never as an error.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use cqrs_es::persist::SerializedEvent;
use serde_json::{json, Map, Value};
use switchboard_application::ports::StoreError;

use super::fields::personal;
use super::{CustomerKeys, DataKey};

/// The member of a sealed event's object that holds the sealed fields.
pub const SEALED: &str = "sealed";

/// Where an event stands: bound into its sealed fields' associated data.
#[derive(Clone, Copy, Debug)]
pub struct EventIdentity<'a> {
    /// e.g. `Message`.
    pub aggregate_type: &'a str,
    /// The stream id.
    pub aggregate_id: &'a str,
    /// Its sequence in the stream, from 1.
    pub sequence: i64,
    /// e.g. `MessageReceived`.
    pub event_type: &'a str,
}

impl<'a> EventIdentity<'a> {
    /// The identity of a cqrs-es serialized event.
    pub fn of(event: &'a SerializedEvent) -> Self {
        Self {
            aggregate_type: &event.aggregate_type,
            aggregate_id: &event.aggregate_id,
            sequence: i64::try_from(event.sequence).unwrap_or(i64::MAX),
            event_type: &event.event_type,
        }
    }

    fn associated_data(&self, organization: &str, address: &str) -> Vec<u8> {
        format!(
            "switchboard-sealed-v1\n{organization}\n{address}\n{}\n{}\n{}\n{}",
            self.aggregate_type, self.aggregate_id, self.sequence, self.event_type
        )
        .into_bytes()
    }
}

/// Whether `payload` of an `event_type` event holds sealed fields.
pub fn is_sealed(event_type: &str, payload: &Value) -> bool {
    payload
        .get(event_type)
        .and_then(|event| event.get(SEALED))
        .is_some()
}

/// Whether an event of this type would be sealed (it carries personal fields).
pub fn carries_personal_data(aggregate_type: &str, event_type: &str) -> bool {
    personal(aggregate_type, event_type).is_some()
}

fn failure(what: &str) -> StoreError {
    StoreError(format!("sealed event: {what}"))
}

/// The event object of a payload of `event_type`.
fn event_of<'v>(event_type: &str, payload: &'v mut Value) -> Option<&'v mut Map<String, Value>> {
    payload.get_mut(event_type)?.as_object_mut()
}

impl CustomerKeys {
    /// Seals the personal fields of `payload` (an event of `id`) with its customer's key
    /// (created on first need); leaves events without personal fields, and sealed ones, alone.
    ///
    /// # Errors
    /// [`StoreError`] when the key cannot be read or created.
    pub async fn seal(
        &self,
        id: &EventIdentity<'_>,
        payload: &mut Value,
    ) -> Result<(), StoreError> {
        seal_with(id, payload, async |organization: &str, address: &str| {
            self.key_for(organization, address).await
        })
        .await
    }

    /// Seals a serialized event in place (see [`CustomerKeys::seal`]).
    ///
    /// # Errors
    /// As [`CustomerKeys::seal`].
    pub async fn seal_event(&self, event: &mut SerializedEvent) -> Result<(), StoreError> {
        seal_event_with(event, async |organization: &str, address: &str| {
            self.key_for(organization, address).await
        })
        .await
    }

    /// Opens the sealed fields of `payload` (an event of `id`) in place and drops `sealed`; an
    /// erased key, or a blob that does not authenticate (logged), leaves them blank.
    ///
    /// # Errors
    /// [`StoreError`] when the key table cannot be read.
    pub async fn open(
        &self,
        id: &EventIdentity<'_>,
        payload: &mut Value,
    ) -> Result<(), StoreError> {
        let Some(spec) = personal(id.aggregate_type, id.event_type) else {
            return Ok(());
        };
        let Some(event) = event_of(id.event_type, payload) else {
            return Ok(());
        };
        let Some(sealed) = event.remove(SEALED) else {
            return Ok(());
        };
        let text = |name: &str| sealed.get(name).and_then(Value::as_str).unwrap_or_default();
        let Some(key) = self.key_by_id(text("key_id")).await? else {
            return Ok(());
        };
        let (organization, address) = spec.customer(event);
        let Some(object) = event.get_mut(spec.object).and_then(Value::as_object_mut) else {
            return Ok(());
        };
        let opened = (|| {
            let nonce = STANDARD.decode(text("nonce")).ok()?;
            let ciphertext = STANDARD.decode(text("ciphertext")).ok()?;
            if nonce.len() != 24 {
                return None;
            }
            let plaintext = XChaCha20Poly1305::new(&key)
                .decrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: &ciphertext,
                        aad: &id.associated_data(&organization, &address),
                    },
                )
                .ok()?;
            serde_json::from_slice::<Map<String, Value>>(&plaintext).ok()
        })();
        match opened {
            Some(fields) => object.extend(fields),
            None => tracing::error!(
                aggregate_id = id.aggregate_id,
                sequence = id.sequence,
                "a sealed event does not authenticate; its personal fields read as erased"
            ),
        }
        Ok(())
    }
}

/// Seals the personal fields of `payload` (an event of `id`) with the key `key` gives for the
/// event's customer (organization, address); leaves events without personal fields, and sealed
/// ones, alone.
///
/// # Errors
/// What `key` returns; [`StoreError`] when encryption fails.
pub async fn seal_with(
    id: &EventIdentity<'_>,
    payload: &mut Value,
    key: impl AsyncFnOnce(&str, &str) -> Result<DataKey, StoreError>,
) -> Result<(), StoreError> {
    let Some(spec) = personal(id.aggregate_type, id.event_type) else {
        return Ok(());
    };
    if is_sealed(id.event_type, payload) {
        return Ok(());
    }
    let Some(event) = event_of(id.event_type, payload) else {
        return Ok(());
    };
    let (organization, address) = spec.customer(event);
    let Some(object) = event.get_mut(spec.object).and_then(Value::as_object_mut) else {
        return Ok(());
    };
    let mut secret = Map::new();
    for (name, blank) in spec.fields {
        if let Some(value) = object.insert((*name).to_string(), blank.value()) {
            secret.insert((*name).to_string(), value);
        }
    }
    let key = key(&organization, &address).await?;
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let plaintext = serde_json::to_vec(&secret).map_err(StoreError::from_error)?;
    let ciphertext = XChaCha20Poly1305::new(&key.key)
        .encrypt(
            &nonce,
            Payload {
                msg: &plaintext,
                aad: &id.associated_data(&organization, &address),
            },
        )
        .map_err(|_| failure("encryption failed"))?;
    event.insert(
        SEALED.to_string(),
        json!({
            "key_id": key.id,
            "nonce": STANDARD.encode(nonce),
            "ciphertext": STANDARD.encode(ciphertext),
        }),
    );
    Ok(())
}

/// Seals a serialized event in place (see [`seal_with`]).
///
/// # Errors
/// As [`seal_with`].
pub async fn seal_event_with(
    event: &mut SerializedEvent,
    key: impl AsyncFnOnce(&str, &str) -> Result<DataKey, StoreError>,
) -> Result<(), StoreError> {
    let mut payload = std::mem::take(&mut event.payload);
    let sealed = seal_with(&EventIdentity::of(event), &mut payload, key).await;
    event.payload = payload;
    sealed
}
