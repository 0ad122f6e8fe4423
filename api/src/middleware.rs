//! Request ids, tracing spans, and the conversion of every framework error into problem+json.

use std::sync::Arc;
use std::time::Instant;

use poem::http::StatusCode;
use poem::{Endpoint, IntoResponse, PathPattern, Request, Response};
use poem_openapi::error::{
    AuthorizationError, ContentTypeError, ParseParamError, ParsePathError, ParseRequestPayloadError,
};
use switchboard_application::RequestContext;
use tracing::Instrument;

use crate::metrics::Metrics;
use crate::problem::Problem;

/// Gives each request an id (`X-Request-Id` if the client sent a sane one, else a UUID), a
/// tracing span, a `RequestContext` for event metadata, and echoes the id back; counts and times
/// it in `metrics` by method, route template (`unmatched` for unknown paths) and status.
pub async fn request_context<E: Endpoint>(
    next: E,
    mut req: Request,
    metrics: Arc<Metrics>,
) -> poem::Result<Response> {
    let started = Instant::now();
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
    let method = req.method().to_string();
    let span = tracing::info_span!("request", %request_id, method = %req.method(), path = %req.uri().path());
    async move {
        let (mut response, route) = match next.call(req).await {
            Ok(response) => {
                let response = response.into_response();
                let route = metrics.route_label(response.data::<PathPattern>());
                (response, route)
            }
            Err(error) => {
                let route = metrics.route_label(error.data::<PathPattern>());
                (problem_from_error(error), route)
            }
        };
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

/// Maps framework errors (unparseable parameters or bodies, missing auth, unknown routes) to
/// problem+json with a stable code; never a bare text body.
pub fn problem_from_error(error: poem::Error) -> Response {
    if error.is_from_response() {
        // Our own `ApiError`s arrive here already rendered as problem+json.
        return error.into_response();
    }
    let status = error.status();
    let problem = if let Some(e) = error.downcast_ref::<ParseParamError>() {
        Problem::new(StatusCode::BAD_REQUEST, "invalid_parameter", e.to_string()).with_field(e.name)
    } else if let Some(e) = error.downcast_ref::<ParsePathError>() {
        Problem::new(StatusCode::BAD_REQUEST, "invalid_parameter", e.to_string()).with_field(e.name)
    } else if let Some(e) = error.downcast_ref::<ParseRequestPayloadError>() {
        Problem::new(StatusCode::BAD_REQUEST, "invalid_body", e.reason.clone())
    } else if error.is::<AuthorizationError>() {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send Authorization: Bearer <ADMIN_API_KEY>",
        )
        .with_field("Authorization")
    } else if let Some(e) = error.downcast_ref::<ContentTypeError>() {
        Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            e.to_string(),
        )
        .with_field("Content-Type")
    } else if status == StatusCode::NOT_FOUND {
        Problem::new(status, "not_found", "no such resource")
    } else if status == StatusCode::METHOD_NOT_ALLOWED {
        Problem::new(
            status,
            "method_not_allowed",
            "method not allowed on this resource",
        )
    } else if status.is_server_error() {
        tracing::error!(%error, "request failed");
        Problem::new(status, "internal_error", "internal error")
    } else {
        Problem::new(status, "bad_request", error.to_string())
    };
    let mut response = Problem::into_response(problem);
    if status == StatusCode::UNAUTHORIZED {
        if let Ok(value) = "Bearer".parse() {
            response.headers_mut().insert("WWW-Authenticate", value);
        }
    }
    response
}
