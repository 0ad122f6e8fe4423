//! Secrets of organization API keys.

/// Random bytes in a key's secret.
const SECRET_BYTES: usize = 32;

/// A fresh key secret: 32 bytes from the operating system's CSPRNG, as 64 lower-case hex digits
/// (see `switchboard_domain::compose_api_key` for the whole key).
///
/// # Errors
/// The operating system had no randomness to give.
pub fn generate_api_key_secret() -> Result<String, getrandom::Error> {
    let mut secret = [0u8; SECRET_BYTES];
    getrandom::getrandom(&mut secret)?;
    Ok(secret.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_64_hex_digits_and_differ() {
        let a = generate_api_key_secret().unwrap();
        let b = generate_api_key_secret().unwrap();
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
