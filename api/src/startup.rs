//! Startup as a library function: builds the application, binds (port 0 allowed) and returns the
//! bound address, so tests start the real server exactly as `switchboard serve` does.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use std::time::Instant;

use poem::{EndpointExt, Route};
use poem_openapi::OpenApiService;
use secrecy::{ExposeSecret, SecretString};
use switchboard_adapters::delivery::WebhookSender;
use switchboard_adapters::event_store::{Database, SqlGlobalLog, SqlUnitOfWork};
use switchboard_adapters::idempotency::SqlIdempotencyStore;
use switchboard_adapters::sandbox::{Sandbox, SandboxConfig, SANDBOX_PATH_PREFIX};
use switchboard_adapters::twilio::{Flavor, TwilioClient, TwilioClientConfig};
use switchboard_application::ports::{GlobalLog, TelephonyProvider, WebhookConfig};
use switchboard_application::{Dependencies, Switchboard, SystemClock};
use switchboard_projections::{OrganizationDirectoryView, Projector, ProvisioningRequests};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::Settings;
use crate::metrics::{
    metrics_endpoint, MeteredProvider, MeteredRepository, MeteredUnitOfWork, Metrics,
    RouteTemplates,
};
use crate::provider_health::ProviderHealth;
use crate::resources::PROVIDER_CHECK_TTL;
use crate::resources::{apis, Apis};
use crate::state::AppState;
use crate::{middleware, provider, webhooks};

/// The OpenAPI service for `/v1` and `/health`.
pub fn openapi_service() -> OpenApiService<Apis, ()> {
    OpenApiService::new(apis(), "Switchboard", env!("CARGO_PKG_VERSION")).description(
        "Multi-tenant messaging backend: organizations, dedicated Twilio/SignalWire numbers, \
             inbound routing. Errors are RFC 9457 application/problem+json with a stable `code`.",
    )
}

/// The OpenAPI document's path templates, for the metrics' route labels.
fn route_templates() -> RouteTemplates {
    let spec: serde_json::Value =
        serde_json::from_str(&openapi_service().spec()).unwrap_or_default();
    let paths = spec["paths"]
        .as_object()
        .map(|paths| paths.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    RouteTemplates::new(paths.iter().map(String::as_str))
}

/// Startup failed.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// Database connection or migration.
    #[error(transparent)]
    Database(#[from] switchboard_adapters::event_store::DatabaseError),
    /// Binding the listen address.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// `BIND_ADDR`.
        addr: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The delivery HTTP client could not be built.
    #[error("cannot build the delivery client: {0}")]
    Sender(#[source] reqwest::Error),
    /// The provider client could not be built.
    #[error(transparent)]
    Provider(#[from] switchboard_adapters::twilio::TwilioClientError),
    /// The configuration may not serve (see [`Settings::check_serve`]).
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
}

/// A running server.
pub struct Application {
    addr: SocketAddr,
    admin_api_key: SecretString,
    provider_name: String,
    generated_key: bool,
    shutdown: watch::Sender<bool>,
    stop_jobs: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    jobs: Vec<JoinHandle<()>>,
    state: Arc<AppState>,
    drain: Duration,
    database: Database,
}

impl Application {
    /// Connects and migrates the database, binds `BIND_ADDR`, wires the provider (the in-process
    /// sandbox when no credentials are set), starts the projector and serves.
    ///
    /// # Errors
    /// [`StartupError`].
    pub async fn start(settings: Settings) -> Result<Self, StartupError> {
        settings.check_serve()?;
        let database = Database::connect(&settings.database_url).await?;
        database.migrate().await?;

        let listener = tokio::net::TcpListener::bind(&settings.bind_addr)
            .await
            .map_err(|source| StartupError::Bind {
                addr: settings.bind_addr.clone(),
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: settings.bind_addr.clone(),
            source,
        })?;
        let public_base_url = settings
            .public_base_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));

        let mut sandbox = None;
        let mut previous_signature_key = None;
        let (client, signature_key, flavor, provider_name) =
            match provider::remote(&settings.provider)? {
                Some(remote) => {
                    previous_signature_key = remote.previous_signature_key;
                    (
                        remote.client,
                        remote.signature_key,
                        remote.flavor,
                        remote.flavor.name(),
                    )
                }
                None => {
                    let local = Sandbox::new(SandboxConfig::generate());
                    let client = TwilioClient::new(TwilioClientConfig {
                        api_base_url: format!("http://{addr}{SANDBOX_PATH_PREFIX}"),
                        account_sid: local.account_sid().to_string(),
                        auth_token: local.auth_token().clone(),
                    })?;
                    let key = local.signing_key().clone();
                    sandbox = Some(local);
                    (client, key, Flavor::Twilio, "sandbox")
                }
            };
        let metrics = Arc::new(Metrics::new(route_templates()));
        let provider: Arc<dyn TelephonyProvider> =
            Arc::new(MeteredProvider::new(Arc::new(client), metrics.clone()));

        let log = Arc::new(SqlGlobalLog::new(&database));
        let log_port: Arc<dyn GlobalLog> = log.clone();
        let projector = Projector::new(database.any().clone(), log_port.clone())
            .in_lanes(database.postgres().is_some());
        let webhooks = WebhookConfig::under(&public_base_url);
        let app = Switchboard::new(Dependencies {
            repository: MeteredRepository::new(database.event_repository(), metrics.clone()),
            unit_of_work: Arc::new(MeteredUnitOfWork::new(
                Arc::new(SqlUnitOfWork::new(&database)),
                metrics.clone(),
            )),
            provider,
            provider_name: provider_name.to_string(),
            webhooks,
            clock: Arc::new(SystemClock),
            log: log_port.clone(),
            directory: Arc::new(OrganizationDirectoryView::new(database.any().clone())),
            ledger: Arc::new(ProvisioningRequests::ledger(database.any().clone())),
            shared_number: settings.shared_number.clone(),
        })
        .with_auto_reply_window(settings.limits.auto_reply_window);
        let generated_key = settings.admin_api_key.is_none();
        let admin_api_key = settings
            .admin_api_key
            .clone()
            .unwrap_or_else(|| SecretString::from(format!("sb_{}", uuid::Uuid::new_v4().simple())));
        let state = Arc::new(AppState {
            app,
            projector: projector.clone(),
            log: log_port,
            database: database.clone(),
            admin_api_key: admin_api_key.clone(),
            signature_key,
            previous_signature_key,
            provider_flavor: flavor,
            public_base_url,
            started_at: Instant::now(),
            metrics: metrics.clone(),
            provider_health: ProviderHealth::new(PROVIDER_CHECK_TTL),
            delivery: settings.delivery.clone(),
            prices: settings.prices,
            sender: WebhookSender::new().map_err(StartupError::Sender)?,
            key_usage: crate::auth::KeyUsage::default(),
            draining: std::sync::atomic::AtomicBool::new(false),
            idempotency: Arc::new(SqlIdempotencyStore::new(&database)),
        });

        let (shutdown, shutdown_rx) = watch::channel(false);
        let (stop_jobs, jobs_rx) = watch::channel(false);
        let mut jobs = crate::jobs::spawn_all(&state, &settings, &database, &metrics, &jobs_rx);
        jobs.push(tokio::spawn({
            // Per process, not leased: it invalidates this process's own caches.
            let (state, shutdown) = (state.clone(), jobs_rx.clone());
            async move { state.app.follow_log(shutdown).await }
        }));

        let api = openapi_service().server(format!("http://{addr}"));
        let spec_yaml = api.spec_yaml();
        let mut routes = Route::new()
            .at(
                "/webhooks/twilio/messages",
                poem::post(webhooks::inbound_message),
            )
            .at(
                "/webhooks/twilio/status",
                poem::post(webhooks::status_callback),
            )
            .at("/webhooks/twilio/voice", poem::post(webhooks::inbound_call))
            .at(
                "/webhooks/twilio/voice/dial-status",
                poem::post(webhooks::dial_status),
            )
            .at(
                "/webhooks/twilio/voice/status",
                poem::post(webhooks::call_status),
            )
            .at(
                "/webhooks/twilio/voice/recording",
                poem::post(webhooks::recording),
            )
            .at("/metrics", poem::get(metrics_endpoint))
            .at(
                "/openapi.yaml",
                poem::get(poem::endpoint::make_sync(move |_| {
                    poem::Response::builder()
                        .content_type("application/yaml")
                        .body(spec_yaml.clone())
                })),
            )
            .nest("/docs", api.swagger_ui())
            .nest("/", api);
        if let Some(sandbox) = &sandbox {
            let open = addr.ip().is_loopback();
            let key = Arc::new(admin_api_key.clone());
            routes = routes.nest(
                SANDBOX_PATH_PREFIX,
                sandbox.endpoint().around(move |next, req| {
                    crate::sandbox_guard::guard(next, req, open, key.clone())
                }),
            );
            tracing::warn!(
                "no provider credentials: using the built-in local Twilio sandbox at {SANDBOX_PATH_PREFIX}"
            );
        }
        let endpoint = middleware::edge(routes, state.clone(), &settings.limits, metrics);
        let mut stop = shutdown_rx;
        let server = tokio::spawn(crate::server::serve(
            listener,
            endpoint,
            settings.limits.connection_timeouts(),
            async move {
                let _ = stop.wait_for(|stopped| *stopped).await;
            },
        ));
        tracing::info!(%addr, provider = provider_name, "Switchboard listening");
        Ok(Self {
            addr,
            admin_api_key,
            provider_name: provider_name.to_string(),
            generated_key,
            shutdown,
            stop_jobs,
            server,
            jobs,
            state,
            drain: settings.shutdown_drain,
            database,
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The `/v1` bearer token in force.
    pub fn admin_api_key(&self) -> &str {
        self.admin_api_key.expose_secret()
    }

    /// Whether the key was generated (because `ADMIN_API_KEY` was unset).
    pub fn admin_api_key_was_generated(&self) -> bool {
        self.generated_key
    }

    /// `twilio`, `signalwire` or `sandbox`.
    pub fn provider_name(&self) -> &str {
        &self.provider_name
    }

    /// Graceful shutdown, in this order: `/health/ready` turns 503 (so a load balancer stops
    /// sending traffic), the listener closes and in-flight requests finish (≤ 10 s), then the
    /// background jobs stop and give their leases back (another replica takes over within
    /// `LEASE_RETRY_MS`), and the database closes.
    pub async fn stop(self) {
        self.state
            .draining
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = self.shutdown.send(true);
        let _ = self.server.await;
        let _ = self.stop_jobs.send(true);
        for job in self.jobs {
            let _ = job.await;
        }
        self.database.close().await;
    }

    /// Serves until SIGTERM or Ctrl-C, then stops gracefully: `/health/ready` answers 503 at
    /// once, requests are still served for `SHUTDOWN_DRAIN_MS`, then [`Application::stop`].
    pub async fn run_until_stopped(self) {
        shutdown_signal().await;
        tracing::info!(drain = ?self.drain, "shutting down: not ready any more");
        self.state
            .draining
            .store(true, std::sync::atomic::Ordering::SeqCst);
        tokio::time::sleep(self.drain).await;
        self.stop().await;
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
