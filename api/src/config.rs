//! One typed configuration, read from the environment (and `.env`). Keys and defaults are listed
//! in `.env.example`; secrets are `SecretString`s so they never print.

use secrecy::SecretString;
use switchboard_domain::E164;

/// Which telephony provider the server talks to, chosen from the credentials present.
#[derive(Clone, Debug)]
pub enum ProviderSettings {
    /// Twilio (or anything at `TWILIO_API_BASE_URL` that speaks its REST API).
    Twilio {
        /// `TWILIO_ACCOUNT_SID`.
        account_sid: String,
        /// `TWILIO_AUTH_TOKEN`: REST auth and the key of `X-Twilio-Signature`.
        auth_token: SecretString,
        /// `TWILIO_API_BASE_URL` (default `https://api.twilio.com`).
        api_base_url: String,
    },
    /// SignalWire's Compatibility API at `{SIGNALWIRE_SPACE_URL}/api/laml`.
    SignalWire {
        /// `SIGNALWIRE_SPACE_URL`, e.g. `https://example.signalwire.com`.
        space_url: String,
        /// `SIGNALWIRE_PROJECT_ID` (the AccountSid).
        project_id: String,
        /// `SIGNALWIRE_API_TOKEN`.
        api_token: SecretString,
        /// `SIGNALWIRE_SIGNING_KEY`: the key of `X-SignalWire-Signature`.
        signing_key: SecretString,
    },
    /// No credentials: the built-in local Twilio sandbox, mounted at `/sandbox`.
    Sandbox,
}

/// The server's configuration.
#[derive(Clone, Debug)]
pub struct Settings {
    /// `DATABASE_URL`; unset means the SQLite file `switchboard.db` in the working directory.
    pub database_url: String,
    /// `BIND_ADDR` (default `127.0.0.1:8080`; port 0 picks a free port).
    pub bind_addr: String,
    /// `PUBLIC_BASE_URL`: the URL Twilio reaches us at; unset means `http://{bound address}`.
    pub public_base_url: Option<String>,
    /// The provider.
    pub provider: ProviderSettings,
    /// `ADMIN_API_KEY`: the bearer token of `/v1`; unset means one is generated and printed.
    pub admin_api_key: Option<SecretString>,
    /// `SHARED_NUMBER`: the platform's shared number (E.164) that organizations without a
    /// dedicated number are reached on (`join <code>`); unset: no shared number.
    pub shared_number: Option<E164>,
    /// `PROVISIONING_TIMEOUT_SECS` (default 300): how old a provisioning request must be before
    /// the reconciler completes, compensates or expires it.
    pub provisioning_timeout: std::time::Duration,
}

/// The default `DATABASE_URL`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://switchboard.db";
/// The default `BIND_ADDR`.
pub const DEFAULT_BIND_ADDR: &str = "127.0.0.1:8080";
/// The default `TWILIO_API_BASE_URL`.
pub const DEFAULT_TWILIO_API_BASE_URL: &str = "https://api.twilio.com";

/// The configuration is incomplete or invalid.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A required companion variable is missing.
    #[error("{present} is set but {missing} is not")]
    Missing {
        /// The variable that is set.
        present: &'static str,
        /// The one it needs.
        missing: &'static str,
    },
    /// A variable's value is invalid.
    #[error("{key}: {reason}")]
    Invalid {
        /// The variable.
        key: &'static str,
        /// Why.
        reason: String,
    },
}

impl Settings {
    /// Reads the configuration from the environment (after loading `.env` if present).
    ///
    /// # Errors
    /// [`ConfigError`] when a provider's credentials are half given.
    pub fn from_env() -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        Self::from_lookup(|key| std::env::var(key).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads the configuration through `get` (for tests).
    ///
    /// # Errors
    /// [`ConfigError`].
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let secret = |key: &str| get(key).map(SecretString::from);
        let require = |present: &'static str, missing: &'static str| {
            get(missing).ok_or(ConfigError::Missing { present, missing })
        };
        let provider = if get("TWILIO_ACCOUNT_SID").is_some() || get("TWILIO_AUTH_TOKEN").is_some()
        {
            ProviderSettings::Twilio {
                account_sid: require("TWILIO_AUTH_TOKEN", "TWILIO_ACCOUNT_SID")?,
                auth_token: require("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN")?.into(),
                api_base_url: get("TWILIO_API_BASE_URL")
                    .unwrap_or_else(|| DEFAULT_TWILIO_API_BASE_URL.to_string()),
            }
        } else if get("SIGNALWIRE_PROJECT_ID").is_some() {
            ProviderSettings::SignalWire {
                space_url: require("SIGNALWIRE_PROJECT_ID", "SIGNALWIRE_SPACE_URL")?,
                project_id: require("SIGNALWIRE_SPACE_URL", "SIGNALWIRE_PROJECT_ID")?,
                api_token: require("SIGNALWIRE_PROJECT_ID", "SIGNALWIRE_API_TOKEN")?.into(),
                signing_key: require("SIGNALWIRE_PROJECT_ID", "SIGNALWIRE_SIGNING_KEY")?.into(),
            }
        } else {
            ProviderSettings::Sandbox
        };
        Ok(Self {
            database_url: get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string()),
            bind_addr: get("BIND_ADDR").unwrap_or_else(|| DEFAULT_BIND_ADDR.to_string()),
            public_base_url: get("PUBLIC_BASE_URL").map(|u| u.trim_end_matches('/').to_string()),
            provider,
            admin_api_key: secret("ADMIN_API_KEY"),
            shared_number: get("SHARED_NUMBER")
                .map(|n| {
                    E164::parse(&n).map_err(|e| ConfigError::Invalid {
                        key: "SHARED_NUMBER",
                        reason: e.to_string(),
                    })
                })
                .transpose()?,
            provisioning_timeout: std::time::Duration::from_secs(
                get("PROVISIONING_TIMEOUT_SECS")
                    .map(|v| {
                        v.trim().parse::<u64>().map_err(|_| ConfigError::Invalid {
                            key: "PROVISIONING_TIMEOUT_SECS",
                            reason: format!("`{v}` is not a number of seconds"),
                        })
                    })
                    .transpose()?
                    .unwrap_or(300),
            ),
        })
    }
}
