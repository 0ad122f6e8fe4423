//! The `/v1` request body limit: at most [`MAX_BODY_BYTES`], whether announced by
//! `Content-Length` or streamed; a larger body is answered 413 `payload_too_large` before any
//! handler reads it.

use poem::http::StatusCode;
use poem::{Body, Request};

use crate::problem::Problem;

/// The largest `/v1` request body, in bytes (64 KiB).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

fn too_large() -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("a request body has at most {MAX_BODY_BYTES} bytes"),
    )
}

/// Reads a `/v1` request's body into memory, refusing one over the limit; other requests pass
/// untouched.
///
/// # Errors
/// The 413 problem, or 400 `invalid_body` when the body cannot be read.
pub async fn limit_body(mut req: Request) -> Result<Request, Problem> {
    if !req.uri().path().starts_with("/v1/") {
        return Ok(req);
    }
    let announced = req
        .header("Content-Length")
        .and_then(|length| length.trim().parse::<u64>().ok());
    if announced.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    let bytes = req
        .take_body()
        .into_bytes_limit(MAX_BODY_BYTES)
        .await
        .map_err(|error| match error {
            poem::error::ReadBodyError::PayloadTooLarge => too_large(),
            other => Problem::new(StatusCode::BAD_REQUEST, "invalid_body", other.to_string()),
        })?;
    req.set_body(Body::from(bytes));
    Ok(req)
}
