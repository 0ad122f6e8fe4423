//! `Idempotency-Key` on `/v1` writes that spend or send (provisioning a number, sending a
//! message), per the IETF draft "The Idempotency-Key HTTP Header Field"
//! (draft-ietf-httpapi-idempotency-key-header) and Stripe's idempotent requests:
//!
//! - the key is 1 to 255 visible ASCII characters, scoped to the organization in the path;
//! - the first request with a key runs, and its response (status, body) is stored with the
//!   request's fingerprint, SHA-256 of method, path and body;
//! - the same key with the same request is answered that response again, with
//!   `Idempotent-Replayed: true`, without running;
//! - the same key with another request is 422 `idempotency_key_reused`;
//! - while the first is still running, 409 `idempotency_key_in_progress` with `Retry-After`;
//! - a response not worth replaying (a 5xx, 401/403/408/429, anything with `Retry-After`, a
//!   request refused before its handler ran) frees the key, so a retry runs again;
//! - keys are forgotten 24 hours after first use (`maintenance` sweeps them).
//!
//! The database row decides, so this holds across processes; an operation opts in with
//! `#[oai(transform = "idempotent")]` and documents the header as a parameter; a malformed key
//! is 400 `invalid_idempotency_key`.

mod fingerprint;

use std::sync::Arc;

use poem::http::StatusCode;
use poem::{Body, Endpoint, EndpointExt, IntoResponse, Request, Response};
use switchboard_application::ports::{Claim, KeyUse, StoredResponse};
use switchboard_application::AppError;

use crate::auth::policy::{reach, Reach};
use crate::auth::Principal;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

pub use fingerprint::{fingerprint, is_valid_key};

/// The request header.
pub const HEADER: &str = "Idempotency-Key";

/// The response header marking a replayed answer.
pub const REPLAYED: &str = "Idempotent-Replayed";

/// Seconds a request that found its key in progress is told to wait.
const RETRY_AFTER_SECS: &str = "1";

/// Wraps an operation's endpoint with the key's semantics (see the module docs).
pub fn idempotent<E: Endpoint + 'static>(ep: E) -> impl Endpoint {
    ep.around(handle)
}

async fn handle<E: Endpoint>(next: E, mut req: Request) -> poem::Result<Response> {
    let state = req.data::<Arc<AppState>>().cloned();
    let (Some(value), Some(state), Some(_)) =
        (req.headers().get(HEADER), state, req.data::<Principal>())
    else {
        // No key; or no principal, and the security scheme answers 401.
        return next.call(req).await.map(IntoResponse::into_response);
    };
    let Some(key) = value
        .to_str()
        .ok()
        .filter(|key| is_valid_key(key))
        .map(str::to_string)
    else {
        // Refused here too: a value that is not text never reaches the parameter's validator.
        return Ok(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_idempotency_key",
            "Idempotency-Key must be 1 to 255 visible ASCII characters",
        )
        .with_field(HEADER)
        .into_response());
    };
    let scope = match reach(req.method(), req.uri().path()) {
        Reach::Organization { segment, .. } => segment,
        Reach::Platform => "platform".to_string(),
    };
    let body = req.take_body().into_bytes().await?;
    let print = fingerprint(req.method().as_str(), req.uri().path(), &body);
    req.set_body(body);
    let use_ = KeyUse {
        scope: &scope,
        key: &key,
        fingerprint: &print,
        now: chrono::Utc::now(),
    };
    let claim = match state.idempotency.claim(&use_).await {
        Ok(claim) => claim,
        Err(error) => return Ok(ApiError::from(AppError::Store(error)).into_response()),
    };
    match claim {
        Claim::Acquired => run(next, req, &state, &scope, &key).await,
        Claim::Replay(stored) => Ok(replay(stored)),
        Claim::Mismatch => Ok(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "this Idempotency-Key was first used with another request; use a new key",
        )
        .with_field(HEADER)
        .into_response()),
        Claim::InProgress => {
            let mut response = Problem::new(
                StatusCode::CONFLICT,
                "idempotency_key_in_progress",
                "a request with this Idempotency-Key is still being processed; retry shortly",
            )
            .with_field(HEADER)
            .into_response();
            if let Ok(value) = RETRY_AFTER_SECS.parse() {
                response.headers_mut().insert("Retry-After", value);
            }
            Ok(response)
        }
    }
}

/// Runs the request that holds the key, then stores its response or frees the key.
async fn run<E: Endpoint>(
    next: E,
    req: Request,
    state: &AppState,
    scope: &str,
    key: &str,
) -> poem::Result<Response> {
    let store = &state.idempotency;
    let response = match next.call(req).await {
        Ok(response) => response.into_response(),
        Err(error) => {
            // Refused before the handler ran (unparseable body, …): nothing to replay.
            release(state, scope, key).await;
            return Err(error);
        }
    };
    let (parts, body) = response.into_parts();
    let bytes = body.into_bytes().await?;
    let kept = replayable(parts.status, &parts.headers)
        .then(|| String::from_utf8(bytes.to_vec()).ok())
        .flatten();
    match kept {
        Some(text) => {
            let stored = StoredResponse {
                status: parts.status.as_u16(),
                content_type: parts
                    .headers
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string),
                body: text,
            };
            if let Err(error) = store.complete(scope, key, &stored).await {
                tracing::error!(%error, "the idempotent response could not be stored");
            }
        }
        None => release(state, scope, key).await,
    }
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

async fn release(state: &AppState, scope: &str, key: &str) {
    if let Err(error) = state.idempotency.release(scope, key).await {
        tracing::warn!(%error, "the idempotency key could not be freed; it frees when its lease ends");
    }
}

/// Whether a response is the request's result (replayed to a retry), rather than a refusal to
/// try now (auth, rate limits, anything with `Retry-After`) or a server failure (5xx).
fn replayable(status: StatusCode, headers: &poem::http::HeaderMap) -> bool {
    !status.is_server_error()
        && !matches!(status.as_u16(), 401 | 403 | 408 | 429)
        && !headers.contains_key("Retry-After")
}

fn replay(stored: StoredResponse) -> Response {
    let mut builder = Response::builder()
        .status(StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK))
        .header(REPLAYED, "true");
    if let Some(content_type) = stored.content_type {
        builder = builder.content_type(content_type);
    }
    builder.body(stored.body)
}
