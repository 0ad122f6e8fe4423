//! The configured telephony provider as a client: Twilio, or SignalWire through its
//! Twilio-compatible API. Shared by `serve` (startup) and `doctor`, so both talk to the provider
//! the same way.

use secrecy::SecretString;
use switchboard_adapters::twilio::{
    signalwire_api_base_url, Flavor, TwilioClient, TwilioClientConfig, TwilioClientError,
};

use crate::config::ProviderSettings;

/// A remote provider: its client, dialect and the key its webhooks are signed with.
#[derive(Clone, Debug)]
pub struct RemoteProvider {
    /// The REST client, speaking `flavor`'s dialect.
    pub client: TwilioClient,
    /// Twilio or SignalWire; its [`Flavor::name`] is the provider recorded on each number.
    pub flavor: Flavor,
    /// `TWILIO_AUTH_TOKEN` or `SIGNALWIRE_SIGNING_KEY` (never the SignalWire API token).
    pub signature_key: SecretString,
    /// `TWILIO_AUTH_TOKEN_PREVIOUS` during a rotation: also accepted on webhooks.
    pub previous_signature_key: Option<SecretString>,
}

/// The client for the configured credentials: Twilio at `TWILIO_API_BASE_URL`, or SignalWire
/// at `{SIGNALWIRE_SPACE_URL}/api/laml` (a Space URL without scheme means `https://`). `None`
/// when no credentials are configured (the server then runs its built-in sandbox).
///
/// # Errors
/// [`TwilioClientError`] when the base URL is unusable or the HTTP client cannot be built.
pub fn remote(settings: &ProviderSettings) -> Result<Option<RemoteProvider>, TwilioClientError> {
    let (config, flavor, signature_key, previous_signature_key) = match settings {
        ProviderSettings::Twilio {
            account_sid,
            auth_token,
            previous_auth_token,
            api_base_url,
        } => (
            TwilioClientConfig {
                api_base_url: api_base_url.clone(),
                account_sid: account_sid.clone(),
                auth_token: auth_token.clone(),
            },
            Flavor::Twilio,
            auth_token.clone(),
            previous_auth_token.clone(),
        ),
        ProviderSettings::SignalWire {
            space_url,
            project_id,
            api_token,
            signing_key,
        } => (
            TwilioClientConfig {
                api_base_url: signalwire_api_base_url(space_url),
                account_sid: project_id.clone(),
                auth_token: api_token.clone(),
            },
            Flavor::SignalWire,
            signing_key.clone(),
            None,
        ),
        ProviderSettings::Sandbox => return Ok(None),
    };
    Ok(Some(RemoteProvider {
        client: TwilioClient::new(config)?.with_flavor(flavor),
        flavor,
        signature_key,
        previous_signature_key,
    }))
}
