//! What every handler shares.

use std::sync::Arc;
use std::time::Instant;

use secrecy::SecretString;
use switchboard_adapters::delivery::WebhookSender;
use switchboard_adapters::event_store::Database;
use switchboard_adapters::twilio::Flavor;
use switchboard_application::ports::{GlobalLog, IdempotencyStore};
use switchboard_application::Switchboard;
use switchboard_projections::Projector;

use crate::config::DeliverySettings;

use crate::metrics::{MeteredRepository, Metrics};
use crate::provider_health::ProviderHealth;

/// Shared server state, behind an `Arc`.
pub struct AppState {
    /// The use cases.
    pub app: Switchboard<MeteredRepository>,
    /// The read models' projector (for waiting on read-your-writes and for queries).
    pub projector: Projector,
    /// The global log (read-your-writes waits).
    pub log: Arc<dyn GlobalLog>,
    /// The database (health checks).
    pub database: Database,
    /// The `/v1` bearer token.
    pub admin_api_key: SecretString,
    /// The key webhook signatures are checked with (Twilio auth token or SignalWire signing key).
    pub signature_key: SecretString,
    /// `TWILIO_AUTH_TOKEN_PREVIOUS`: accepted too while the auth token is rotated.
    pub previous_signature_key: Option<SecretString>,
    /// The provider's dialect: which headers carry webhook signatures.
    pub provider_flavor: Flavor,
    /// `PUBLIC_BASE_URL`, without a trailing slash.
    pub public_base_url: String,
    /// When the server started.
    pub started_at: Instant,
    /// The server's metric families (`/metrics`).
    pub metrics: Arc<Metrics>,
    /// The cached provider check of `/health`.
    pub provider_health: ProviderHealth,
    /// How deliveries to organizations' endpoints are made.
    pub delivery: DeliverySettings,
    /// The provider-cost estimate's prices.
    pub prices: switchboard_projections::analytics::PriceTable,
    /// When organization API keys were last used.
    pub key_usage: crate::auth::KeyUsage,
    /// `Idempotency-Key`s of `/v1` writes and their first responses.
    pub idempotency: Arc<dyn IdempotencyStore>,
    /// Posts signed deliveries (the dispatcher and the responder share its connection pool).
    pub sender: WebhookSender,
    /// Set when graceful shutdown begins: `/health/ready` answers 503 from then on, before
    /// in-flight requests finish and the job leases are given back.
    pub draining: std::sync::atomic::AtomicBool,
}
