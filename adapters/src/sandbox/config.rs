//! The sandbox's account credentials and dialect.

use secrecy::SecretString;

use crate::twilio::Flavor;

/// The one account the sandbox serves: HTTP Basic must be `{account_sid}:{auth_token}` and the
/// path's `{AccountSid}` must be `account_sid`; webhooks are signed with `signing_key`.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// Which provider the sandbox behaves like (paths, SIDs, refusals, signature header).
    pub flavor: Flavor,
    /// Twilio: `AC` + 32 hex digits (OAI pattern `^AC[0-9a-fA-F]{32}$`). SignalWire: the
    /// project id, a UUID.
    pub account_sid: String,
    /// The auth token (SignalWire: the API token), the HTTP Basic password. Never logged.
    pub auth_token: SecretString,
    /// The key webhooks are signed with: the auth token at Twilio, the project's separate
    /// Signing Key at SignalWire (REFERENCE §6). Never logged.
    pub signing_key: SecretString,
}

impl SandboxConfig {
    /// Fresh random Twilio credentials: `AC` + the 32 hex digits of a UUID v4, and the 32 hex
    /// digits of another UUID v4 as token (the length of a Twilio auth token), which also signs.
    pub fn generate() -> Self {
        let token = uuid::Uuid::new_v4().simple().to_string();
        Self {
            flavor: Flavor::Twilio,
            account_sid: format!("AC{}", uuid::Uuid::new_v4().simple()),
            auth_token: SecretString::from(token.clone()),
            signing_key: SecretString::from(token),
        }
    }

    /// Fresh random SignalWire credentials: a UUID v4 project id, an API token `PT` + 48 hex
    /// digits and a distinct signing key `PSK_` + 32 hex digits (the prefixes SignalWire's
    /// dashboard shows; their lengths are the sandbox's choice).
    pub fn generate_signalwire() -> Self {
        let hex = || uuid::Uuid::new_v4().simple().to_string();
        Self {
            flavor: Flavor::SignalWire,
            account_sid: uuid::Uuid::new_v4().hyphenated().to_string(),
            auth_token: SecretString::from(format!("PT{}{}", hex(), &hex()[..16])),
            signing_key: SecretString::from(format!("PSK_{}", hex())),
        }
    }

    /// Fresh random credentials for `flavor`.
    pub fn generate_for(flavor: Flavor) -> Self {
        match flavor {
            Flavor::Twilio => Self::generate(),
            Flavor::SignalWire => Self::generate_signalwire(),
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
        assert_eq!(config.flavor, Flavor::Twilio);
        assert_eq!(config.account_sid.len(), 34);
        assert!(config.account_sid.starts_with("AC"));
        assert!(config.account_sid[2..]
            .chars()
            .all(|c| c.is_ascii_hexdigit()));
        assert_eq!(config.auth_token.expose_secret().len(), 32);
        assert_eq!(
            config.signing_key.expose_secret(),
            config.auth_token.expose_secret(),
            "Twilio signs with the auth token"
        );
        assert_ne!(
            SandboxConfig::generate().account_sid,
            config.account_sid,
            "each call is random"
        );
    }

    #[test]
    fn generated_signalwire_credentials_have_a_uuid_project_and_a_separate_signing_key() {
        let config = SandboxConfig::generate_for(Flavor::SignalWire);
        assert_eq!(config.flavor, Flavor::SignalWire);
        assert!(uuid::Uuid::parse_str(&config.account_sid).is_ok());
        assert!(config.auth_token.expose_secret().starts_with("PT"));
        assert!(config.signing_key.expose_secret().starts_with("PSK_"));
        assert_ne!(
            config.signing_key.expose_secret(),
            config.auth_token.expose_secret()
        );
    }
}
