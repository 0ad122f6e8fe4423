//! What identifies a request under a key, and what a key may be.

use sha2::{Digest, Sha256};

/// The longest key accepted.
pub const MAX_KEY_LEN: usize = 255;

/// Whether `key` is 1 to [`MAX_KEY_LEN`] visible ASCII characters (`!` to `~`).
pub fn is_valid_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= MAX_KEY_LEN && key.bytes().all(|b| b.is_ascii_graphic())
}

/// SHA-256 of `method`, `path` and `body` (separated by a newline), lowercase hex: two
/// requests under one key are the same request when this is equal.
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(method.as_bytes());
    hasher.update(b"\n");
    hasher.update(path.as_bytes());
    hasher.update(b"\n");
    hasher.update(body);
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_one_to_255_visible_ascii_characters() {
        assert!(is_valid_key("a"));
        assert!(is_valid_key(&"k".repeat(255)));
        assert!(!is_valid_key(""));
        assert!(!is_valid_key(&"k".repeat(256)));
        assert!(!is_valid_key("has space"));
        assert!(!is_valid_key("é"));
    }

    #[test]
    fn a_fingerprint_changes_with_the_method_the_path_or_the_body() {
        let one = fingerprint("POST", "/v1/a", b"{}");
        assert_eq!(one, fingerprint("POST", "/v1/a", b"{}"));
        assert_eq!(one.len(), 64);
        assert_ne!(one, fingerprint("PUT", "/v1/a", b"{}"));
        assert_ne!(one, fingerprint("POST", "/v1/b", b"{}"));
        assert_ne!(one, fingerprint("POST", "/v1/a", b"{ }"));
    }
}
