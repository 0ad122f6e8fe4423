//! Standard Webhooks signatures (standard-webhooks spec 1.0.0, "Signature scheme" and
//! "Symmetric"): `v1,` + base64 of HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}`,
//! keyed with the secret's decoded bytes; secrets are `whsec_` + base64 of 24–64 random bytes.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Random bytes in a secret we generate (the spec allows 24 to 64).
pub const SECRET_BYTES: usize = 32;

/// The secret is not `whsec_` + base64 of at least one byte.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a Standard Webhooks secret (whsec_ + base64)")]
pub struct InvalidSecret;

/// A fresh secret: `whsec_` + base64 of [`SECRET_BYTES`] bytes from the operating system's
/// random source.
///
/// # Errors
/// The OS random source failed (`getrandom`).
pub fn generate_secret() -> Result<String, getrandom::Error> {
    let mut key = [0u8; SECRET_BYTES];
    getrandom::getrandom(&mut key)?;
    Ok(format!("whsec_{}", BASE64.encode(key)))
}

fn key_of(secret: &str) -> Result<Vec<u8>, InvalidSecret> {
    let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
    let key = BASE64.decode(encoded).map_err(|_| InvalidSecret)?;
    if key.is_empty() {
        return Err(InvalidSecret);
    }
    Ok(key)
}

/// One `v1,<base64>` signature of `body` for `webhook_id` at `timestamp` (Unix seconds).
///
/// # Errors
/// [`InvalidSecret`].
pub fn sign(
    secret: &str,
    webhook_id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, InvalidSecret> {
    let mut mac = Hmac::<Sha256>::new_from_slice(&key_of(secret)?).map_err(|_| InvalidSecret)?;
    mac.update(webhook_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!("v1,{}", BASE64.encode(mac.finalize().into_bytes())))
}

/// The `webhook-signature` header: one `v1` signature per secret, space-delimited (several
/// during a rotation, so receivers holding either secret verify).
///
/// # Errors
/// [`InvalidSecret`].
pub fn signature_header(
    secrets: &[&str],
    webhook_id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, InvalidSecret> {
    let signatures = secrets
        .iter()
        .map(|secret| sign(secret, webhook_id, timestamp, body))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(signatures.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SW-1 (standard-webhooks libraries/python tests `test_sign_function`).
    #[test]
    fn signs_the_spec_vector_sw1() {
        let signature = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            br#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    /// SW-2 (standard-webhooks libraries/rust `test_sign`).
    #[test]
    fn signs_the_spec_vector_sw2() {
        let signature = sign(
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
            1_649_367_553,
            br#"{"email":"test@example.com","username":"test_user"}"#,
        )
        .unwrap();
        assert_eq!(signature, "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=");
    }

    #[test]
    fn a_rotation_signs_with_both_secrets() {
        let header = signature_header(
            &[
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            ],
            "msg_1",
            1,
            b"{}",
        )
        .unwrap();
        let parts: Vec<&str> = header.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert!(parts.iter().all(|p| p.starts_with("v1,")));
        assert_ne!(parts[0], parts[1]);
    }

    #[test]
    fn generated_secrets_are_distinct_and_decode_to_32_bytes() {
        let a = generate_secret().unwrap();
        let b = generate_secret().unwrap();
        assert_ne!(a, b);
        assert_eq!(key_of(&a).unwrap().len(), SECRET_BYTES);
    }

    #[test]
    fn a_malformed_secret_is_refused() {
        assert_eq!(sign("whsec_!!", "msg", 1, b""), Err(InvalidSecret));
        assert_eq!(sign("whsec_", "msg", 1, b""), Err(InvalidSecret));
    }
}
