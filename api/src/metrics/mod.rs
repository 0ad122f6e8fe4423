//! `/metrics` in the Prometheus text exposition format (version 0.0.4): HTTP requests by route
//! template and status with latency histograms, webhooks by outcome, provider calls by operation
//! and result with latency, projection lag per projection (events and seconds), events
//! appended by type, and the background jobs this process owns. Each server owns its registry, so several servers in one process (tests)
//! never share counters.

mod endpoint;
mod provider;
mod repository;
mod routes;
mod unit_of_work;

pub use endpoint::metrics_endpoint;
pub use provider::MeteredProvider;
pub use repository::MeteredRepository;
pub use routes::RouteTemplates;
pub use unit_of_work::MeteredUnitOfWork;

use prometheus::{
    GaugeVec, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGaugeVec, Opts, Registry,
};

/// Latency buckets in seconds: 1 ms to 10 s, for both HTTP handling and provider calls.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The server's metric families, registered in its own [`Registry`].
pub struct Metrics {
    registry: Registry,
    routes: RouteTemplates,
    /// `switchboard_http_requests_total{method, route, status}`.
    pub http_requests: IntCounterVec,
    /// `switchboard_http_request_duration_seconds{method, route}`.
    pub http_duration: HistogramVec,
    /// `switchboard_webhooks_total{webhook, outcome}`: `webhook` is `message` or `status`;
    /// `outcome` is the recorded outcome (`accepted`, `refused_quota`, `opted_out`, `unrouted`,
    /// …), `duplicate`, `invalid_signature`, `invalid_request` or `error`.
    pub webhooks: IntCounterVec,
    /// `switchboard_auth_failures_total{reason}`: `/v1` requests refused authentication;
    /// `reason` is `missing`, `wrong_key` (not the admin key), `unknown_key` (no organization
    /// key matches) or `revoked`.
    pub auth_failures: IntCounterVec,
    /// `switchboard_auto_replies_suppressed_total`: inbound messages whose automatic reply
    /// (welcome, away, quota-exhausted, join help) was left out because one went to the customer
    /// within `AUTO_REPLY_WINDOW_SECS`.
    pub auto_replies_suppressed: IntCounter,
    /// `switchboard_rate_limited_total{limit}`: `/v1` requests answered 429; `limit` is `key`
    /// (the API key's rate) or `source` (the client address's rate).
    pub rate_limited: IntCounterVec,
    /// `switchboard_delivery_attempts_total{mode, result}`: attempts to deliver to organizations'
    /// endpoints; `mode` is `async` (the dispatcher) or `responder` (inside the webhook),
    /// `result` `delivered` or `failed`.
    pub delivery_attempts: IntCounterVec,
    /// `switchboard_provider_calls_total{operation, result}`: `result` is `ok` or the error kind.
    pub provider_calls: IntCounterVec,
    /// `switchboard_provider_call_duration_seconds{operation}`.
    pub provider_duration: HistogramVec,
    /// `switchboard_events_appended_total{aggregate_type, event_type}`: events this process
    /// committed to the event store.
    pub events_appended: IntCounterVec,
    /// `switchboard_projection_lag_events{projection}`: final events not yet applied.
    pub projection_lag_events: IntGaugeVec,
    /// `switchboard_projection_lag_seconds{projection}`: age of the oldest unapplied event.
    pub projection_lag_seconds: GaugeVec,
    /// `switchboard_job_owned{job}`: 1 while this process holds the job's lease and runs it
    /// (`projector`, `dispatcher`, `reconciler`, `quota_reset`), else 0.
    pub jobs_owned: IntGaugeVec,
    /// `switchboard_webhook_signatures_previous_key_total`: webhooks accepted because they were
    /// signed with `TWILIO_AUTH_TOKEN_PREVIOUS` (a rotation is done once this stops growing).
    pub previous_key_signatures: IntCounter,
    /// `switchboard_reconcile_total{outcome}`: what reconciliation passes did, per number or
    /// request: `completed`, `released`, `expired`, `lost`, `failed`; `deadline` counts passes
    /// stopped at their deadline, `list_failed` passes without a complete provider list.
    pub reconcile: IntCounterVec,
    /// `switchboard_projector_log_reads_total{source}`: pages of the global log this process's
    /// projector read from the `database`, and pages its second lane was served from `memory`
    /// (the page the first lane had read). 0 on a replica that does not hold the projector's
    /// lease. Brought up to date at each scrape.
    pub projector_log_reads: IntCounterVec,
}

impl Metrics {
    /// Registers every family in a fresh registry; HTTP routes are labelled with `routes`.
    ///
    /// # Panics
    /// Never in practice: the names and labels are fixed and valid, and each is registered once.
    pub fn new(routes: RouteTemplates) -> Self {
        let registry = Registry::new();
        let counter = |name: &str, help: &str, labels: &[&str]| {
            let family = IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric");
            registry
                .register(Box::new(family.clone()))
                .expect("registered once");
            family
        };
        let histogram = |name: &str, help: &str, labels: &[&str]| {
            let opts = HistogramOpts::new(name, help).buckets(LATENCY_BUCKETS.to_vec());
            let family = HistogramVec::new(opts, labels).expect("valid metric");
            registry
                .register(Box::new(family.clone()))
                .expect("registered once");
            family
        };
        let http_requests = counter(
            "switchboard_http_requests_total",
            "HTTP requests handled, by method, route template and status.",
            &["method", "route", "status"],
        );
        let http_duration = histogram(
            "switchboard_http_request_duration_seconds",
            "Time to handle an HTTP request, by method and route template.",
            &["method", "route"],
        );
        let webhooks = counter(
            "switchboard_webhooks_total",
            "Twilio webhooks handled, by webhook and outcome.",
            &["webhook", "outcome"],
        );
        let auth_failures = counter(
            "switchboard_auth_failures_total",
            "/v1 requests refused authentication, by reason.",
            &["reason"],
        );
        let auto_replies_suppressed = IntCounter::new(
            "switchboard_auto_replies_suppressed_total",
            "Inbound messages whose automatic reply the auto-reply window suppressed.",
        )
        .expect("valid metric");
        registry
            .register(Box::new(auto_replies_suppressed.clone()))
            .expect("registered once");
        let rate_limited = counter(
            "switchboard_rate_limited_total",
            "/v1 requests answered 429, by the limit they exceeded (key or source).",
            &["limit"],
        );
        let delivery_attempts = counter(
            "switchboard_delivery_attempts_total",
            "Attempts to deliver envelopes to organizations' endpoints, by mode and result.",
            &["mode", "result"],
        );
        let provider_calls = counter(
            "switchboard_provider_calls_total",
            "Calls to the telephony provider's REST API, by operation and result.",
            &["operation", "result"],
        );
        let provider_duration = histogram(
            "switchboard_provider_call_duration_seconds",
            "Latency of calls to the telephony provider, by operation.",
            &["operation"],
        );
        let events_appended = counter(
            "switchboard_events_appended_total",
            "Events this process committed to the event store, by aggregate and event type.",
            &["aggregate_type", "event_type"],
        );
        let projection_lag_events = IntGaugeVec::new(
            Opts::new(
                "switchboard_projection_lag_events",
                "Events in the global log a projection has not applied yet.",
            ),
            &["projection"],
        )
        .expect("valid metric");
        let projection_lag_seconds = GaugeVec::new(
            Opts::new(
                "switchboard_projection_lag_seconds",
                "Age in seconds of the oldest event a projection has not applied yet.",
            ),
            &["projection"],
        )
        .expect("valid metric");
        let jobs_owned = IntGaugeVec::new(
            Opts::new(
                "switchboard_job_owned",
                "1 while this process holds a background job's lease and runs it, else 0.",
            ),
            &["job"],
        )
        .expect("valid metric");
        let previous_key_signatures = IntCounter::new(
            "switchboard_webhook_signatures_previous_key_total",
            "Webhooks accepted with a signature made with TWILIO_AUTH_TOKEN_PREVIOUS.",
        )
        .expect("valid metric");
        registry
            .register(Box::new(previous_key_signatures.clone()))
            .expect("registered once");
        let reconcile = counter(
            "switchboard_reconcile_total",
            "What reconciliation passes did, by outcome.",
            &["outcome"],
        );
        let projector_log_reads = counter(
            "switchboard_projector_log_reads_total",
            "Pages of the global log the projector read, by source (database or memory).",
            &["source"],
        );
        for gauge in [
            Box::new(projection_lag_events.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(projection_lag_seconds.clone()),
            Box::new(jobs_owned.clone()),
        ] {
            registry.register(gauge).expect("registered once");
        }
        Self {
            registry,
            routes,
            http_requests,
            http_duration,
            webhooks,
            auth_failures,
            auto_replies_suppressed,
            rate_limited,
            delivery_attempts,
            provider_calls,
            provider_duration,
            events_appended,
            projection_lag_events,
            projection_lag_seconds,
            jobs_owned,
            previous_key_signatures,
            reconcile,
            projector_log_reads,
        }
    }

    /// Brings `switchboard_projector_log_reads_total` up to `reads` (counters only grow: a
    /// count below the family's is ignored).
    pub fn projector_reads(&self, reads: switchboard_projections::LogReads) {
        for (source, total) in [("database", reads.database), ("memory", reads.memory)] {
            let counter = self.projector_log_reads.with_label_values(&[source]);
            counter.inc_by(total.saturating_sub(counter.get()));
        }
    }

    /// The `route` label of a matched path pattern (see [`RouteTemplates::label`]).
    pub fn route_label(&self, pattern: Option<&poem::PathPattern>) -> String {
        self.routes.label(pattern)
    }

    /// Counts one webhook with its outcome.
    pub fn webhook(&self, webhook: &str, outcome: &str) {
        self.webhooks.with_label_values(&[webhook, outcome]).inc();
    }

    /// Counts one delivery attempt.
    pub fn delivery_attempt(&self, mode: &str, delivered: bool) {
        let result = if delivered { "delivered" } else { "failed" };
        self.delivery_attempts
            .with_label_values(&[mode, result])
            .inc();
    }

    /// The registry's families in the text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if let Err(error) =
            prometheus::TextEncoder::new().encode_utf8(&self.registry.gather(), &mut out)
        {
            tracing::error!(%error, "cannot encode metrics");
        }
        out
    }
}
