//! The audit chain's hash, defined so that an auditor can recompute it from an export:
//!
//! ```text
//! hash(n) = hex(SHA-256(hash(n-1) ‖ "\n" ‖ canonical JSON of
//!           [position, recorded_at_ms, aggregate_type, aggregate_id, sequence,
//!            event_type, event_version, payload, metadata]))
//! hash(0) = 64 zeros
//! ```
//!
//! where `n` counts events in the log's final (commit) order, `recorded_at_ms` is milliseconds
//! since the Unix epoch, and canonical JSON is compact JSON with every object's keys sorted by
//! their UTF-8 bytes (strings escaped as `serde_json` escapes them, numbers as stored). It covers
//! the stored payload, metadata, type, stream and sequence, so altering any of them in the
//! `events` table breaks the chain from that event on.

use serde_json::Value;
use sha2::{Digest, Sha256};
use switchboard_application::ports::RecordedEvent;

/// The hash before the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The chain hash of `event` following `previous` (lowercase hex, 64 characters).
pub fn chain_hash(previous: &str, event: &RecordedEvent) -> String {
    let fields = Value::Array(vec![
        Value::from(event.log_position.position),
        Value::from(event.recorded_at_ms),
        Value::from(event.aggregate_type.as_str()),
        Value::from(event.aggregate_id.as_str()),
        Value::from(event.sequence),
        Value::from(event.event_type.as_str()),
        Value::from(event.event_version.as_str()),
        event.payload.clone(),
        event.metadata.clone(),
    ]);
    let mut hasher = Sha256::new();
    hasher.update(previous.as_bytes());
    hasher.update(b"\n");
    hasher.update(canonical_json(&fields).as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Compact JSON with object keys sorted, whatever order the value holds them in.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (key, value)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::from(key.as_str()).to_string());
                out.push(':');
                write_canonical(value, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use switchboard_application::ports::LogPosition;

    use super::*;

    fn event(payload: Value) -> RecordedEvent {
        RecordedEvent {
            log_position: LogPosition {
                transaction_id: 7,
                position: 3,
            },
            aggregate_type: "Organization".into(),
            aggregate_id: "o1".into(),
            sequence: 1,
            event_type: "OrganizationCreated".into(),
            event_version: "1.0".into(),
            payload,
            metadata: json!({"request_id": "r", "actor": "admin"}),
            recorded_at_ms: 1_700_000_000_000,
        }
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_depth() {
        let value = json!({"b": [{"z": 1, "a": "x"}], "a": null});
        assert_eq!(
            canonical_json(&value),
            r#"{"a":null,"b":[{"a":"x","z":1}]}"#
        );
    }

    #[test]
    fn the_hash_covers_the_payload_and_chains_the_previous_one() {
        let original = chain_hash(GENESIS_HASH, &event(json!({"A": {"n": 1}})));
        assert_eq!(original.len(), 64);
        assert_eq!(
            original,
            chain_hash(GENESIS_HASH, &event(json!({"A": {"n": 1}})))
        );
        assert_ne!(
            original,
            chain_hash(GENESIS_HASH, &event(json!({"A": {"n": 2}})))
        );
        assert_ne!(
            original,
            chain_hash(&original, &event(json!({"A": {"n": 1}})))
        );
    }

    #[test]
    fn the_transaction_id_is_not_hashed() {
        let mut moved = event(json!({}));
        moved.log_position.transaction_id = 99;
        assert_eq!(
            chain_hash(GENESIS_HASH, &moved),
            chain_hash(GENESIS_HASH, &event(json!({})))
        );
    }
}
