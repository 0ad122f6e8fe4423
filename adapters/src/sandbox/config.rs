//! The sandbox's account credentials.

use secrecy::SecretString;

/// The one account the sandbox serves: HTTP Basic must be `{account_sid}:{auth_token}` and the
/// path's `{AccountSid}` must be `account_sid`; webhooks are signed with `auth_token`.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// `AC` + 32 hex digits, Twilio's Account SID shape (OAI pattern `^AC[0-9a-fA-F]{32}$`).
    pub account_sid: String,
    /// The auth token (HTTP Basic password and webhook signing key). Never logged.
    pub auth_token: SecretString,
}

impl SandboxConfig {
    /// Fresh random credentials: `AC` + the 32 hex digits of a UUID v4, and the 32 hex digits of
    /// another UUID v4 as token (the length of a Twilio auth token).
    pub fn generate() -> Self {
        Self {
            account_sid: format!("AC{}", uuid::Uuid::new_v4().simple()),
            auth_token: SecretString::from(uuid::Uuid::new_v4().simple().to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn generated_credentials_have_twilio_shapes() {
        let config = SandboxConfig::generate();
        assert_eq!(config.account_sid.len(), 34);
        assert!(config.account_sid.starts_with("AC"));
        assert!(config.account_sid[2..]
            .chars()
            .all(|c| c.is_ascii_hexdigit()));
        assert_eq!(config.auth_token.expose_secret().len(), 32);
        assert_ne!(
            SandboxConfig::generate().account_sid,
            config.account_sid,
            "each call is random"
        );
    }
}
