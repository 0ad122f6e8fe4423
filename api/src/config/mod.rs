//! One typed configuration, read from the environment (and `.env`) and validated at start-up:
//! the first bad value stops the server with one line naming the variable. Keys and defaults are
//! listed in `.env.example`; secrets are `SecretString`s so they never print.

mod checks;
mod limits;

pub use checks::LogFormat;
pub use limits::{Limits, DEFAULT_RATE_PER_KEY, DEFAULT_RATE_PER_SOURCE};

use secrecy::SecretString;
use switchboard_domain::E164;
use switchboard_projections::analytics::PriceTable;

/// Which telephony provider the server talks to, chosen from the credentials present.
#[derive(Clone, Debug)]
pub enum ProviderSettings {
    /// Twilio (or anything at `TWILIO_API_BASE_URL` that speaks its REST API).
    Twilio {
        /// `TWILIO_ACCOUNT_SID`.
        account_sid: String,
        /// `TWILIO_AUTH_TOKEN`: REST auth and the key of `X-Twilio-Signature`.
        auth_token: SecretString,
        /// `TWILIO_AUTH_TOKEN_PREVIOUS` (optional, during a rotation): a webhook whose signature
        /// does not match `TWILIO_AUTH_TOKEN` is checked with this one too.
        previous_auth_token: Option<SecretString>,
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
    /// `PUBLIC_BASE_URL`: the URL Twilio reaches us at (absolute http(s), no credentials), required
    /// with provider credentials; `None` (only with the sandbox, or set so by an embedding test)
    /// means `http://{bound address}`.
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
    /// `MAINTENANCE_INTERVAL_SECS` (default 60, at least 1): the pause between two passes of
    /// background maintenance (quota resets, provisioning reconciliation); one runs at start-up.
    pub maintenance_interval: std::time::Duration,
    /// `LEASE_RETRY_MS` (default 1000, at most 60000): how often a process that does not own a
    /// background job tries to take its lease (PostgreSQL only), so the takeover after an
    /// owner dies is within about this long.
    pub lease_retry: std::time::Duration,
    /// `SHUTDOWN_DRAIN_MS` (default 0, at most 60000): on SIGTERM, how long the server keeps
    /// serving with `/health/ready` answering 503 before it closes its listener, so a load
    /// balancer that probes readiness stops sending traffic first (set it above the probe
    /// interval; 0 closes at once, for proxies that retry refused connections elsewhere).
    pub shutdown_drain: std::time::Duration,
    /// `RECONCILE_DEADLINE_SECS` (default 30): how long one reconciliation pass may run; past it
    /// the pass starts no more work and the next pass goes on.
    pub reconcile_deadline: std::time::Duration,
    /// `RECONCILE_LOST_GRACE_SECS` (default 300): how long a held number must be missing from
    /// the provider's complete list before it is marked lost and stops routing.
    pub reconcile_lost_grace: std::time::Duration,
    /// `LOG_FORMAT`: `text` (default) or `json` (JSON lines).
    pub log_format: LogFormat,
    /// Delivery to organizations' endpoints.
    pub delivery: DeliverySettings,
    /// The provider-cost estimate's prices (`PRICE_NUMBER_MONTH_USD`, `PRICE_MESSAGE_USD`,
    /// `PRICE_WHATSAPP_TEMPLATE_USD`; defaults $1.00, $0.005, $0.0034).
    pub prices: PriceTable,
    /// `SANDBOX` (or `serve --sandbox`): run the built-in sandbox on purpose. Without it the
    /// sandbox runs only on the zero-setup default (SQLite, a loopback `BIND_ADDR`).
    pub sandbox: bool,
    /// The bounds on abuse (auto-replies, request rates, slow connections).
    pub limits: Limits,
}

/// How deliveries to organizations' endpoints are made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliverySettings {
    /// `DELIVERY_RETRY_SCHEDULE`: the pause before each retry; when it is exhausted the delivery
    /// is marked failed. Default [`DEFAULT_RETRY_SCHEDULE`].
    pub retry_schedule: Vec<std::time::Duration>,
    /// `DELIVERY_TIMEOUT_MS` (default 10000): the deadline of one asynchronous attempt.
    pub timeout: std::time::Duration,
    /// `RESPONDER_TIMEOUT_MS` (default 4000, at most 10000, well inside Twilio's 15 s): the
    /// deadline of the synchronous responder call inside the inbound webhook.
    pub responder_timeout: std::time::Duration,
    /// `ALLOW_INSECURE_ENDPOINTS` (default false): accept plain-http endpoint URLs on hosts that
    /// are not loopback.
    pub allow_insecure_endpoints: bool,
}

/// The default `DELIVERY_RETRY_SCHEDULE`: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 6 h, 12 h,
/// 24 h (after the first attempt; jittered by up to 10 %).
pub const DEFAULT_RETRY_SCHEDULE: &str = "5s,30s,2m,10m,30m,1h,2h,6h,12h,24h";

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
    #[error("{missing}: must be set when {present} is set")]
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
    /// [`ConfigError`] naming the first variable at fault.
    pub fn from_env() -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        Self::from_lookup(|key| std::env::var(key).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads and validates the configuration through `get` (for tests).
    ///
    /// # Errors
    /// [`ConfigError`] naming the first variable at fault.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let check = |key: &'static str, f: fn(&str) -> Result<String, String>| {
            get(key)
                .map(|value| f(&value).map_err(|reason| ConfigError::Invalid { key, reason }))
                .transpose()
        };
        let require = |present: &'static str, missing: &'static str| {
            get(missing).ok_or(ConfigError::Missing { present, missing })
        };
        let provider = if get("TWILIO_ACCOUNT_SID").is_some() || get("TWILIO_AUTH_TOKEN").is_some()
        {
            let account_sid = require("TWILIO_AUTH_TOKEN", "TWILIO_ACCOUNT_SID")?;
            checks::account_sid(&account_sid).map_err(|reason| ConfigError::Invalid {
                key: "TWILIO_ACCOUNT_SID",
                reason,
            })?;
            ProviderSettings::Twilio {
                account_sid,
                auth_token: require("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN")?.into(),
                previous_auth_token: get("TWILIO_AUTH_TOKEN_PREVIOUS")
                    .filter(|token| !token.is_empty())
                    .map(SecretString::from),
                api_base_url: check("TWILIO_API_BASE_URL", checks::http_url)?
                    .unwrap_or_else(|| DEFAULT_TWILIO_API_BASE_URL.to_string()),
            }
        } else if [
            "SIGNALWIRE_PROJECT_ID",
            "SIGNALWIRE_SPACE_URL",
            "SIGNALWIRE_API_TOKEN",
        ]
        .iter()
        .any(|key| get(key).is_some())
        {
            let present = [
                "SIGNALWIRE_PROJECT_ID",
                "SIGNALWIRE_SPACE_URL",
                "SIGNALWIRE_API_TOKEN",
            ]
            .into_iter()
            .find(|key| get(key).is_some())
            .unwrap_or("SIGNALWIRE_PROJECT_ID");
            require(present, "SIGNALWIRE_SPACE_URL")?;
            ProviderSettings::SignalWire {
                space_url: check("SIGNALWIRE_SPACE_URL", checks::http_url)?.unwrap_or_default(),
                project_id: require(present, "SIGNALWIRE_PROJECT_ID")?,
                api_token: require(present, "SIGNALWIRE_API_TOKEN")?.into(),
                signing_key: require(present, "SIGNALWIRE_SIGNING_KEY")?.into(),
            }
        } else {
            ProviderSettings::Sandbox
        };
        let public_base_url = check("PUBLIC_BASE_URL", checks::http_url)?;
        let credentials = match &provider {
            ProviderSettings::Twilio { .. } => Some("TWILIO_ACCOUNT_SID"),
            ProviderSettings::SignalWire { .. } => Some("SIGNALWIRE_PROJECT_ID"),
            ProviderSettings::Sandbox => None,
        };
        if let (Some(present), None) = (credentials, &public_base_url) {
            return Err(ConfigError::Missing {
                present,
                missing: "PUBLIC_BASE_URL",
            });
        }
        let log_format = get("LOG_FORMAT")
            .map(|value| {
                checks::log_format(&value).map_err(|reason| ConfigError::Invalid {
                    key: "LOG_FORMAT",
                    reason,
                })
            })
            .transpose()?
            .unwrap_or_default();
        check("RUST_LOG", checks::log_filter)?;
        Ok(Self {
            database_url: check("DATABASE_URL", checks::database_url)?
                .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string()),
            bind_addr: check("BIND_ADDR", checks::bind_addr)?
                .unwrap_or_else(|| DEFAULT_BIND_ADDR.to_string()),
            public_base_url,
            provider,
            admin_api_key: get("ADMIN_API_KEY").map(SecretString::from),
            shared_number: get("SHARED_NUMBER")
                .map(|n| {
                    E164::parse(&n).map_err(|e| ConfigError::Invalid {
                        key: "SHARED_NUMBER",
                        reason: e.to_string(),
                    })
                })
                .transpose()?,
            provisioning_timeout: seconds(&get, "PROVISIONING_TIMEOUT_SECS", 300, 0)?,
            maintenance_interval: seconds(&get, "MAINTENANCE_INTERVAL_SECS", 60, 1)?,
            lease_retry: millis(&get, "LEASE_RETRY_MS", 1_000, 60_000)?,
            shutdown_drain: match get("SHUTDOWN_DRAIN_MS").as_deref().map(str::trim) {
                None | Some("0") => std::time::Duration::ZERO,
                Some(_) => millis(&get, "SHUTDOWN_DRAIN_MS", 0, 60_000)?,
            },
            reconcile_deadline: seconds(&get, "RECONCILE_DEADLINE_SECS", 30, 0)?,
            reconcile_lost_grace: seconds(&get, "RECONCILE_LOST_GRACE_SECS", 300, 0)?,
            log_format,
            prices: prices(&get)?,
            limits: Limits::from_lookup(&get)?,
            sandbox: get("SANDBOX")
                .map(|v| {
                    checks::boolean(&v).map_err(|reason| ConfigError::Invalid {
                        key: "SANDBOX",
                        reason,
                    })
                })
                .transpose()?
                .unwrap_or(false),
            delivery: DeliverySettings {
                retry_schedule: checks::schedule(
                    &get("DELIVERY_RETRY_SCHEDULE")
                        .unwrap_or_else(|| DEFAULT_RETRY_SCHEDULE.to_string()),
                )
                .map_err(|reason| ConfigError::Invalid {
                    key: "DELIVERY_RETRY_SCHEDULE",
                    reason,
                })?,
                timeout: millis(&get, "DELIVERY_TIMEOUT_MS", 10_000, 60_000)?,
                responder_timeout: millis(&get, "RESPONDER_TIMEOUT_MS", 4_000, 10_000)?,
                allow_insecure_endpoints: get("ALLOW_INSECURE_ENDPOINTS")
                    .map(|v| {
                        checks::boolean(&v).map_err(|reason| ConfigError::Invalid {
                            key: "ALLOW_INSECURE_ENDPOINTS",
                            reason,
                        })
                    })
                    .transpose()?
                    .unwrap_or(false),
            },
        })
    }

    /// Whether `serve` may start with this configuration: the sandbox only when asked for
    /// (`SANDBOX=true`) or on the zero-setup default (SQLite on a loopback `BIND_ADDR`), never
    /// beside provider credentials; with a provider, `ADMIN_API_KEY` set (only the sandbox
    /// generates one).
    ///
    /// # Errors
    /// [`ConfigError`] naming what to set, in one line.
    pub fn check_serve(&self) -> Result<(), ConfigError> {
        let provider_key = match &self.provider {
            ProviderSettings::Twilio { .. } => "TWILIO_ACCOUNT_SID",
            ProviderSettings::SignalWire { .. } => "SIGNALWIRE_PROJECT_ID",
            ProviderSettings::Sandbox => {
                let zero_setup = self.database_url.starts_with("sqlite:")
                    && checks::is_loopback_bind(&self.bind_addr);
                return if self.sandbox || zero_setup {
                    Ok(())
                } else {
                    Err(ConfigError::Invalid {
                        key: "SANDBOX",
                        reason: "no provider is configured: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN \
                                 (or SIGNALWIRE_SPACE_URL, SIGNALWIRE_PROJECT_ID, SIGNALWIRE_API_TOKEN and \
                                 SIGNALWIRE_SIGNING_KEY) with PUBLIC_BASE_URL, or SANDBOX=true to run the \
                                 built-in sandbox on purpose"
                            .into(),
                    })
                };
            }
        };
        if self.sandbox {
            return Err(ConfigError::Invalid {
                key: "SANDBOX",
                reason: format!("SANDBOX=true while {provider_key} is set: unset one of them"),
            });
        }
        if self.admin_api_key.is_none() {
            return Err(ConfigError::Missing {
                present: provider_key,
                missing: "ADMIN_API_KEY",
            });
        }
        Ok(())
    }

    /// What is allowed but probably wrong, one line each, for start-up to print loudly: a plain
    /// `http` `PUBLIC_BASE_URL` on a host that is not loopback (Twilio signs the exact URL it
    /// calls; production should be https).
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if let Some(url) = &self.public_base_url {
            if url.starts_with("http://") && !checks::is_loopback_url(url) {
                warnings.push(format!(
                    "PUBLIC_BASE_URL {url} is plain http on a host that is not loopback: \
                     webhooks and their signatures travel unencrypted; use https in production"
                ));
            }
        }
        warnings
    }
}

/// The price table: each price from its variable, or its default.
fn prices(get: &impl Fn(&str) -> Option<String>) -> Result<PriceTable, ConfigError> {
    let defaults = PriceTable::default();
    let price = |key: &'static str, default: f64| {
        get(key)
            .map(|v| checks::price(&v).map_err(|reason| ConfigError::Invalid { key, reason }))
            .transpose()
            .map(|usd| usd.unwrap_or(default))
    };
    Ok(PriceTable {
        number_month: price("PRICE_NUMBER_MONTH_USD", defaults.number_month)?,
        message: price("PRICE_MESSAGE_USD", defaults.message)?,
        whatsapp_template: price("PRICE_WHATSAPP_TEMPLATE_USD", defaults.whatsapp_template)?,
    })
}

/// `key` as whole seconds, at least `min`; `default` when unset.
fn seconds(
    get: &impl Fn(&str) -> Option<String>,
    key: &'static str,
    default: u64,
    min: u64,
) -> Result<std::time::Duration, ConfigError> {
    let secs = get(key)
        .map(|v| checks::seconds(&v, min).map_err(|reason| ConfigError::Invalid { key, reason }))
        .transpose()?
        .unwrap_or(default);
    Ok(std::time::Duration::from_secs(secs))
}

/// `key` as milliseconds (1 to `max`), `default` when unset.
fn millis(
    get: &impl Fn(&str) -> Option<String>,
    key: &'static str,
    default: u64,
    max: u64,
) -> Result<std::time::Duration, ConfigError> {
    let ms = get(key)
        .map(|v| checks::millis(&v, max).map_err(|reason| ConfigError::Invalid { key, reason }))
        .transpose()?
        .unwrap_or(default);
    Ok(std::time::Duration::from_millis(ms))
}

#[cfg(test)]
mod tests;
