//! The edge of every request: request ids, tracing spans, the `/v1` body limit and rate limits,
//! `/v1` writes run to completion, the conversion of every framework error into problem+json
//! (with `Allow` on a 405), and `Connection: close` while the process drains.

mod allow;
mod body_limit;
mod drain;
mod edge;
mod framework_errors;
pub mod rate_limit;
pub mod to_completion;
pub mod webhook_bound;

pub use body_limit::MAX_BODY_BYTES;
pub use edge::edge;
pub use framework_errors::problem_from_error;

use std::sync::Arc;
use std::time::Instant;

use poem::http::StatusCode;
use poem::{Endpoint, IntoResponse, PathPattern, Request, Response};
use switchboard_application::RequestContext;
use tracing::Instrument;

use crate::metrics::Metrics;

/// Gives each request an id (`X-Request-Id` if the client sent a sane one, else a UUID), a
/// tracing span, a `RequestContext` for event metadata, and echoes the id back; refuses a `/v1`
/// body over [`MAX_BODY_BYTES`] (413) and answers every error as problem+json; counts and times
/// it in `metrics` by method, route template (`unmatched` for unknown paths) and status.
pub async fn request_context<E: Endpoint>(
    next: E,
    mut req: Request,
    metrics: Arc<Metrics>,
) -> poem::Result<Response> {
    let started = Instant::now();
    let method = req.method().to_string();
    let request_id = req
        .header("X-Request-Id")
        .filter(|id| !id.is_empty() && id.len() <= 128 && id.chars().all(|c| c.is_ascii_graphic()))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let actor = if req.uri().path().starts_with("/webhooks/") {
        "twilio"
    } else {
        "admin"
    };
    req.set_data(RequestContext {
        request_id: request_id.clone(),
        actor: actor.into(),
    });
    let path = req.uri().path().to_string();
    let span = tracing::info_span!("request", %request_id, method = %req.method(), %path);
    async move {
        let (mut response, route) = match body_limit::limit_body(req).await {
            Err(problem) => (problem.into_response(), "unmatched".to_string()),
            Ok(req) => match next.call(req).await {
                Ok(response) => {
                    let response = response.into_response();
                    let route = metrics.route_label(response.data::<PathPattern>());
                    (response, route)
                }
                Err(error) => {
                    let route = metrics.route_label(error.data::<PathPattern>());
                    (problem_from_error(error), route)
                }
            },
        };
        if response.status() == StatusCode::METHOD_NOT_ALLOWED {
            if let Some(value) = allow::allowed_methods(&path).and_then(|a| a.parse().ok()) {
                response.headers_mut().insert("Allow", value);
            }
        }
        let status = response.status();
        tracing::info!(status = status.as_u16(), "handled");
        metrics
            .http_requests
            .with_label_values(&[method.as_str(), route.as_str(), status.as_str()])
            .inc();
        metrics
            .http_duration
            .with_label_values(&[method.as_str(), route.as_str()])
            .observe(started.elapsed().as_secs_f64());
        if let Ok(value) = request_id.parse() {
            response.headers_mut().insert("X-Request-Id", value);
        }
        Ok(response)
    }
    .instrument(span)
    .await
}
