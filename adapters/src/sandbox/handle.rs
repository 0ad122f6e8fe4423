//! [`Sandbox`]: the cheap-to-clone handle over the sandbox's credentials and state.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use poem::{Endpoint, Response};
use secrecy::SecretString;

use super::config::SandboxConfig;
use super::routes;
use super::state::SandboxState;
use crate::twilio::Flavor;

/// Twilio's webhook budget: TCP connect 5 s, whole request 15 s (REFERENCE §4, error 11205).
const WEBHOOK_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const WEBHOOK_TOTAL_TIMEOUT: Duration = Duration::from_secs(15);

/// A stateful, Twilio-compatible local server for one account: its inventory, the numbers it
/// owns, the messages it sent (with their status callbacks) and the customer simulator. Clones share the same state (an `Arc<Mutex<…>>`), so a test
/// can keep a handle while the server runs.
#[derive(Clone, Debug)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: SandboxConfig,
    state: Mutex<SandboxState>,
    webhooks: reqwest::Client,
}

impl Sandbox {
    /// A sandbox for `config`'s account with the generated inventory and no numbers.
    ///
    /// # Panics
    /// When the HTTP client for webhooks cannot be built (the TLS backend fails to initialise),
    /// as `reqwest::Client::new` would.
    pub fn new(config: SandboxConfig) -> Self {
        let webhooks = reqwest::Client::builder()
            .connect_timeout(WEBHOOK_CONNECT_TIMEOUT)
            .timeout(WEBHOOK_TOTAL_TIMEOUT)
            .user_agent("TwilioProxy/1.1")
            .build()
            .expect("the webhook HTTP client can be built");
        Self {
            inner: Arc::new(Inner {
                state: Mutex::new(SandboxState::new(config.flavor)),
                config,
                webhooks,
            }),
        }
    }

    /// Which provider it behaves like.
    pub fn flavor(&self) -> Flavor {
        self.inner.config.flavor
    }

    /// The account SID (`AC…`; SignalWire: the project UUID): HTTP Basic user and
    /// `{AccountSid}` path segment.
    pub fn account_sid(&self) -> &str {
        &self.inner.config.account_sid
    }

    /// The auth token (SignalWire: the API token): the HTTP Basic password.
    pub fn auth_token(&self) -> &SecretString {
        &self.inner.config.auth_token
    }

    /// The key webhooks are signed with: the auth token at Twilio, the separate signing key at
    /// SignalWire.
    pub fn signing_key(&self) -> &SecretString {
        &self.inner.config.signing_key
    }

    /// Everything the sandbox serves, with paths relative to its mount point
    /// [`SANDBOX_PATH_PREFIX`](super::SANDBOX_PATH_PREFIX): mount it with
    /// `Route::new().nest("/sandbox", sandbox.endpoint())`, which yields
    /// `/sandbox/2010-04-01/Accounts/{AccountSid}/…json` (SignalWire flavor:
    /// `/sandbox/api/laml/2010-04-01/Accounts/{ProjectID}/…`, with or without `.json`),
    /// `/sandbox/messages`, `/sandbox/messages/outbound` and
    /// `/sandbox/messages/{MessageSid}/status`. (Resource `uri`s and `next_page_uri`s are built
    /// from the actual mount point, so another prefix also works.) Unknown paths answer
    /// Twilio's 404 / 20404 body.
    pub fn endpoint(&self) -> impl Endpoint<Output = Response> {
        routes::endpoint(self.clone())
    }

    /// Sets the pause before each automatic status callback of a sent message (before `sent`,
    /// then before `delivered`); 50 ms unless set. Applies to messages whose next callback is
    /// not yet waiting.
    pub fn set_status_callback_delay(&self, delay: Duration) {
        self.state().status_callback_delay = delay;
    }

    /// The state, locked. Never hold the guard across an `.await`.
    pub(crate) fn state(&self) -> MutexGuard<'_, SandboxState> {
        // A panic while holding the lock leaves the data consistent enough for a test double.
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The HTTP client webhooks are delivered with (Twilio's timeouts).
    pub(crate) fn webhook_client(&self) -> &reqwest::Client {
        &self.inner.webhooks
    }
}
