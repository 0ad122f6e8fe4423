//! The edge of every request: request ids, tracing spans, the `/v1` body limit, and the
//! conversion of every framework error into problem+json (with `Allow` on a 405).

mod allow;
mod body_limit;
mod framework_errors;

pub use body_limit::MAX_BODY_BYTES;
pub use framework_errors::problem_from_error;

use poem::http::StatusCode;
use poem::{Endpoint, IntoResponse, Request, Response};
use switchboard_application::RequestContext;
use tracing::Instrument;

/// Gives each request an id (`X-Request-Id` if the client sent a sane one, else a UUID), a
/// tracing span, a `RequestContext` for event metadata, and echoes the id back; refuses a `/v1`
/// body over [`MAX_BODY_BYTES`] (413) and answers every error as problem+json.
pub async fn request_context<E: Endpoint>(next: E, mut req: Request) -> poem::Result<Response> {
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
        let mut response = match body_limit::limit_body(req).await {
            Err(problem) => problem.into_response(),
            Ok(req) => match next.call(req).await {
                Ok(response) => response.into_response(),
                Err(error) => problem_from_error(error),
            },
        };
        if response.status() == StatusCode::METHOD_NOT_ALLOWED {
            if let Some(value) = allow::allowed_methods(&path).and_then(|a| a.parse().ok()) {
                response.headers_mut().insert("Allow", value);
            }
        }
        tracing::info!(status = response.status().as_u16(), "handled");
        if let Ok(value) = request_id.parse() {
            response.headers_mut().insert("X-Request-Id", value);
        }
        Ok(response)
    }
    .instrument(span)
    .await
}
