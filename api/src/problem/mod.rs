//! RFC 9457 (formerly 7807) problem details: every error the API answers is
//! `application/problem+json` with a stable machine `code` and, where one is at fault, the `field`.

mod documented;
mod from_app;

pub use documented::{status, Problems};

use poem::http::StatusCode;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};

/// A problem detail (RFC 9457 §3) with Switchboard's extensions. Optional members are omitted
/// when they do not apply (never `null`).
#[derive(Clone, Debug, PartialEq, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Problem {
    /// A URI naming the problem type: `https://switchboard.dev/problems/{code}`.
    #[oai(rename = "type")]
    pub problem_type: String,
    /// Short human summary of the type.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong in this case.
    pub detail: String,
    /// Stable machine code, e.g. `number_limit_reached`.
    pub code: String,
    /// The request field at fault (body field, path or query parameter name, or header), when
    /// one is.
    pub field: Option<String>,
    /// The provider's error code (Twilio's, e.g. 21422), for provider refusals.
    pub provider_code: Option<u32>,
    /// The provider's message, for provider refusals.
    pub provider_message: Option<String>,
    /// The provider's documentation link, for provider refusals.
    pub provider_more_info: Option<String>,
}

impl Problem {
    /// A problem with `status`, `code` and `detail`.
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Self {
            problem_type: format!("https://switchboard.dev/problems/{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.to_string(),
            field: None,
            provider_code: None,
            provider_message: None,
            provider_more_info: None,
        }
    }

    /// Renders the problem as an `application/problem+json` response with its status.
    pub fn into_response(self) -> poem::Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        let body =
            serde_json::to_string(&poem_openapi::types::ToJSON::to_json(&self)).unwrap_or_default();
        poem::Response::builder()
            .status(status)
            .content_type("application/problem+json")
            .body(body)
    }

    /// Names the field at fault.
    pub fn with_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }
}

/// Every error response of the API. Each operation documents the subset it can send
/// ([`Problems`]).
#[derive(Debug, ApiResponse)]
pub enum ApiError {
    /// A malformed path or query parameter, or a body that is not JSON of the documented types.
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// Missing or wrong bearer token.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(
        Json<Problem>,
        /// `Bearer`: the authentication scheme to use.
        #[oai(header = "WWW-Authenticate")]
        String,
    ),
    /// The key may not do this: an organization key on a platform operation
    /// (`platform_key_required`), or a `viewer` key on a change (`read_only_key`).
    #[oai(status = 403, content_type = "application/problem+json")]
    Forbidden(Json<Problem>),
    /// The organization, number or other resource does not exist (for this organization):
    /// `organization_not_found`, `customer_not_found`, ….
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// A business rule refused the request (limit reached, number taken, …).
    #[oai(status = 409, content_type = "application/problem+json")]
    Conflict(Json<Problem>),
    /// The body is larger than the API accepts (64 KiB).
    #[oai(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Json<Problem>),
    /// The body is not `application/json`.
    #[oai(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Json<Problem>),
    /// A field's value is invalid, or the provider refused (its code and message passed through).
    #[oai(status = 422, content_type = "application/problem+json")]
    Unprocessable(Json<Problem>),
    /// Too many requests from this key or this address (`rate_limited`); retry after the
    /// given seconds.
    #[oai(status = 429, content_type = "application/problem+json")]
    TooManyRequests(
        Json<Problem>,
        /// Seconds to wait before retrying.
        #[oai(header = "Retry-After")]
        u32,
    ),
    /// The provider or the database is unavailable, or contention persisted; retry later.
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(
        Json<Problem>,
        /// Seconds to wait before retrying.
        #[oai(header = "Retry-After")]
        u32,
    ),
}

impl ApiError {
    /// Wraps a problem in the variant of its status.
    pub fn from_problem(problem: Problem) -> Self {
        match problem.status {
            400 => ApiError::BadRequest(Json(problem)),
            401 => ApiError::Unauthorized(Json(problem), "Bearer".into()),
            403 => ApiError::Forbidden(Json(problem)),
            404 => ApiError::NotFound(Json(problem)),
            409 => ApiError::Conflict(Json(problem)),
            413 => ApiError::PayloadTooLarge(Json(problem)),
            415 => ApiError::UnsupportedMediaType(Json(problem)),
            422 => ApiError::Unprocessable(Json(problem)),
            429 => ApiError::TooManyRequests(Json(problem), 1),
            _ => ApiError::Unavailable(Json(problem), 1),
        }
    }

    /// 400 for a path or query parameter.
    pub fn bad_parameter(field: &str, code: &str, detail: impl Into<String>) -> Self {
        Self::from_problem(Problem::new(StatusCode::BAD_REQUEST, code, detail).with_field(field))
    }

    /// The status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::BadRequest(p)
            | ApiError::Unauthorized(p, _)
            | ApiError::Forbidden(p)
            | ApiError::NotFound(p)
            | ApiError::Conflict(p)
            | ApiError::PayloadTooLarge(p)
            | ApiError::UnsupportedMediaType(p)
            | ApiError::Unprocessable(p)
            | ApiError::TooManyRequests(p, _)
            | ApiError::Unavailable(p, _) => p.0.status,
        }
    }

    /// 422 for a body field.
    pub fn invalid_field(field: &str, code: &str, detail: impl Into<String>) -> Self {
        Self::from_problem(
            Problem::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail).with_field(field),
        )
    }
}
