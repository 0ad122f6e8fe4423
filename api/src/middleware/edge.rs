//! The edge every request passes, outermost first: CORS; the request context (id, span, `/v1`
//! body limit, problem+json for every error, HTTP metrics); the per-source rate limit; the
//! bound on webhooks in flight; `/v1` writes run to completion in their own task; the
//! authorization policy; the per-key rate limit. Every response, once the process drains, says
//! `Connection: close`.

use std::sync::Arc;

use poem::endpoint::BoxEndpoint;
use poem::middleware::Cors;
use poem::{Endpoint, EndpointExt};

use super::rate_limit::{limit_key, limit_source, RateLimits};
use super::{request_context, webhook_bound};
use crate::config::Limits;
use crate::metrics::Metrics;
use crate::state::AppState;

/// Wraps `routes` (with `state` as request data) in the edge, with `limits`' rates, as one
/// boxed endpoint.
pub fn edge(
    routes: impl Endpoint + 'static,
    state: Arc<AppState>,
    limits: &Limits,
    metrics: Arc<Metrics>,
) -> BoxEndpoint<'static> {
    let policy_state = state.clone();
    let drain_state = state.clone();
    let webhook_permits = Arc::new(tokio::sync::Semaphore::new(
        webhook_bound::MAX_IN_FLIGHT_WEBHOOKS,
    ));
    let rate_limits = Arc::new(RateLimits::new(
        limits.rate_per_key,
        limits.rate_per_source,
        metrics.clone(),
    ));
    let key_limits = rate_limits.clone();
    routes
        .data(state)
        .around(move |next, req| limit_key(next, req, key_limits.clone()))
        .around(move |next, req| crate::auth::policy::authorize(next, req, policy_state.clone()))
        .around(super::to_completion::run_to_completion)
        .around(move |next, req| webhook_bound::bound(next, req, webhook_permits.clone()))
        // Boxed halfway and at the end: the nested middleware types otherwise grow past the
        // compiler's query depth limit wherever the server future is named.
        .boxed()
        .around(move |next, req| limit_source(next, req, rate_limits.clone()))
        .around(move |next, req| request_context(next, req, metrics.clone()))
        .with(Cors::new())
        .map_to_response()
        .around(move |next, req| super::drain::close_when_draining(next, req, drain_state.clone()))
        .boxed()
}
