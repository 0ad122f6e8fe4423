use std::sync::Arc;

use cqrs_es::persist::{PersistedEventRepository, PersistedEventStore};
use switchboard_domain::message::Message;
use switchboard_domain::organization::Organization;
use switchboard_domain::phone_number::PhoneNumber;

use crate::ports::{GlobalLog, TelephonyProvider, WebhookConfig};
use crate::Clock;

/// The application: every use case, over one event repository `R` and the ports.
pub struct Switchboard<R: PersistedEventRepository + Clone> {
    pub(crate) organizations: PersistedEventStore<R, Organization>,
    pub(crate) numbers: PersistedEventStore<R, PhoneNumber>,
    pub(crate) messages: PersistedEventStore<R, Message>,
    pub(crate) provider: Arc<dyn TelephonyProvider>,
    pub(crate) provider_name: String,
    pub(crate) webhooks: WebhookConfig,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) log: Arc<dyn GlobalLog>,
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Wires the use cases.
    ///
    /// - `provider_name`: recorded on `NumberProvisioned` (`twilio`, `signalwire`, `sandbox`).
    /// - `webhooks`: the URLs set on every number (built from `PUBLIC_BASE_URL`).
    /// - `log`: told after each commit, so in-process projectors wake at once.
    pub fn new(
        repository: R,
        provider: Arc<dyn TelephonyProvider>,
        provider_name: impl Into<String>,
        webhooks: WebhookConfig,
        clock: Arc<dyn Clock>,
        log: Arc<dyn GlobalLog>,
    ) -> Self {
        Self {
            organizations: PersistedEventStore::new_event_store(repository.clone()),
            numbers: PersistedEventStore::new_event_store(repository.clone()),
            messages: PersistedEventStore::new_event_store(repository),
            provider,
            provider_name: provider_name.into(),
            webhooks,
            clock,
            log,
        }
    }

    /// The telephony provider (for health checks).
    pub fn provider(&self) -> &Arc<dyn TelephonyProvider> {
        &self.provider
    }

    /// The provider's name.
    pub fn provider_name(&self) -> &str {
        &self.provider_name
    }
}
