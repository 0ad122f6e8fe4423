use std::sync::Arc;

use cqrs_es::persist::{PersistedEventRepository, PersistedEventStore};
use switchboard_domain::api_keys::ApiKeys;
use switchboard_domain::call::Call;
use switchboard_domain::conversation::Conversation;
use switchboard_domain::endpoint::Endpoint;
use switchboard_domain::message::Message;
use switchboard_domain::organization::Organization;
use switchboard_domain::phone_number::PhoneNumber;
use switchboard_domain::privacy::CustomerPrivacy;
use switchboard_domain::quota::Quota;
use switchboard_domain::shared_number::SharedNumberMember;
use switchboard_domain::{AutoReplyWindow, E164};

use crate::group_commit::Batches;
use crate::ports::{
    GlobalLog, OrganizationDirectory, ProvisioningLedger, TelephonyProvider, UnitOfWork,
    WebhookConfig,
};
use crate::read_cache::ReadCache;
use crate::reconcile::MissingNumbers;
use crate::turns::Turns;
use crate::Clock;

/// Events between snapshots of the streams that grow with traffic (quota, conversation): loading
/// one reads its snapshot and at most this many events, whatever its history (invariant 7).
pub const SNAPSHOT_EVERY: usize = 50;

/// What the application is wired with.
pub struct Dependencies<R> {
    /// The cqrs-es event repository.
    pub repository: R,
    /// Commits the events of several streams at once (on the repository's tables).
    pub unit_of_work: Arc<dyn UnitOfWork>,
    /// The telephony provider.
    pub provider: Arc<dyn TelephonyProvider>,
    /// Recorded on `NumberProvisioned`: `twilio`, `signalwire` or `sandbox`.
    pub provider_name: String,
    /// The URLs set on every number (built from `PUBLIC_BASE_URL`).
    pub webhooks: WebhookConfig,
    /// Where "now" comes from.
    pub clock: Arc<dyn Clock>,
    /// Told after each commit, so in-process projectors wake at once.
    pub log: Arc<dyn GlobalLog>,
    /// Join codes and active organizations (a read model).
    pub directory: Arc<dyn OrganizationDirectory>,
    /// Provisioning requests (a read model), for the reconciler.
    pub ledger: Arc<dyn ProvisioningLedger>,
    /// The platform's shared number (`SHARED_NUMBER`), if configured.
    pub shared_number: Option<E164>,
}

/// The application: every use case, over one event repository `R` and the ports.
pub struct Switchboard<R: PersistedEventRepository + Clone> {
    pub(crate) organizations: PersistedEventStore<R, Organization>,
    pub(crate) numbers: PersistedEventStore<R, PhoneNumber>,
    pub(crate) messages: PersistedEventStore<R, Message>,
    pub(crate) calls: PersistedEventStore<R, Call>,
    pub(crate) quotas: PersistedEventStore<R, Quota>,
    pub(crate) conversations: PersistedEventStore<R, Conversation>,
    pub(crate) members: PersistedEventStore<R, SharedNumberMember>,
    pub(crate) endpoints: PersistedEventStore<R, Endpoint>,
    pub(crate) api_keys: PersistedEventStore<R, ApiKeys>,
    pub(crate) privacy: PersistedEventStore<R, CustomerPrivacy>,
    pub(crate) unit_of_work: Arc<dyn UnitOfWork>,
    pub(crate) provider: Arc<dyn TelephonyProvider>,
    pub(crate) provider_name: String,
    pub(crate) webhooks: WebhookConfig,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) log: Arc<dyn GlobalLog>,
    pub(crate) directory: Arc<dyn OrganizationDirectory>,
    pub(crate) ledger: Arc<dyn ProvisioningLedger>,
    pub(crate) shared_number: Option<E164>,
    pub(crate) batches: Batches,
    pub(crate) cache: ReadCache,
    /// At most one automatic reply per customer per organization within this window.
    pub(crate) auto_reply_window: AutoReplyWindow,
    /// Inbound messages of one customer to one number, one at a time in this process.
    pub(crate) customers: Turns,
    /// The reconciler's memory of held numbers missing at the provider.
    pub(crate) missing: MissingNumbers,
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Wires the use cases.
    pub fn new(dependencies: Dependencies<R>) -> Self {
        let Dependencies {
            repository,
            unit_of_work,
            provider,
            provider_name,
            webhooks,
            clock,
            log,
            directory,
            ledger,
            shared_number,
        } = dependencies;
        Self {
            organizations: PersistedEventStore::new_event_store(repository.clone()),
            numbers: PersistedEventStore::new_event_store(repository.clone()),
            // Stored `MessageReceived` 1.0 events are read through their upcaster.
            messages: PersistedEventStore::new_event_store(repository.clone())
                .with_upcasters(switchboard_domain::upcasting::upcasters()),
            calls: PersistedEventStore::new_event_store(repository.clone()),
            quotas: PersistedEventStore::new_snapshot_store(repository.clone(), SNAPSHOT_EVERY),
            conversations: PersistedEventStore::new_snapshot_store(
                repository.clone(),
                SNAPSHOT_EVERY,
            ),
            members: PersistedEventStore::new_event_store(repository.clone()),
            endpoints: PersistedEventStore::new_event_store(repository.clone()),
            api_keys: PersistedEventStore::new_event_store(repository.clone()),
            privacy: PersistedEventStore::new_event_store(repository),
            unit_of_work,
            provider,
            provider_name,
            webhooks,
            clock,
            log,
            directory,
            ledger,
            shared_number,
            batches: Batches::default(),
            cache: ReadCache::default(),
            auto_reply_window: AutoReplyWindow::default(),
            customers: Turns::default(),
            missing: MissingNumbers::default(),
        }
    }

    /// Sets the auto-reply window (`AUTO_REPLY_WINDOW_SECS`; default one hour).
    pub fn with_auto_reply_window(mut self, window: AutoReplyWindow) -> Self {
        self.auto_reply_window = window;
        self
    }

    /// The telephony provider (for health checks).
    pub fn provider(&self) -> &Arc<dyn TelephonyProvider> {
        &self.provider
    }

    /// The provider's name.
    pub fn provider_name(&self) -> &str {
        &self.provider_name
    }

    /// The shared number, if configured.
    pub fn shared_number(&self) -> Option<&E164> {
        self.shared_number.as_ref()
    }
}
