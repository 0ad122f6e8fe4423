//! `Problems<S>`: the error type of one operation, documenting in the spec exactly the problem
//! statuses `S` that the operation can send (a set of [`status`] bits).

use poem::{IntoResponse, Response};
use poem_openapi::registry::{MetaResponses, Registry};
use poem_openapi::ApiResponse;
use switchboard_application::AppError;

use super::ApiError;

/// Problem statuses as bits of a set; an operation's set says which ones its spec lists.
pub mod status {
    /// 400: a malformed parameter, or a body that is not JSON of the documented types.
    pub const BAD_REQUEST: u16 = 1;
    /// 401: missing or wrong bearer token (every `/v1` operation).
    pub const UNAUTHORIZED: u16 = 1 << 1;
    /// 403: the key may not do this (an organization key on a platform operation, a viewer key
    /// on a change).
    pub const FORBIDDEN: u16 = 1 << 8;
    /// 404: the organization or number does not exist.
    pub const NOT_FOUND: u16 = 1 << 2;
    /// 409: a business rule refused the request.
    pub const CONFLICT: u16 = 1 << 3;
    /// 413: the body is over the limit.
    pub const PAYLOAD_TOO_LARGE: u16 = 1 << 4;
    /// 415: the body is not JSON.
    pub const UNSUPPORTED_MEDIA_TYPE: u16 = 1 << 5;
    /// 422: a body field is invalid, or the provider refused.
    pub const UNPROCESSABLE: u16 = 1 << 6;
    /// 503: storage or the provider is unavailable, or contention persisted.
    pub const UNAVAILABLE: u16 = 1 << 7;
    /// 429: the key's or the address's request rate is exceeded (`RATE_LIMIT_PER_KEY`,
    /// `RATE_LIMIT_PER_SOURCE`).
    pub const TOO_MANY_REQUESTS: u16 = 1 << 9;

    /// What every authenticated operation can answer: a bad token, a key without the right
    /// (organization keys: another role or the platform's operations), a rate exceeded,
    /// unavailable storage.
    pub const AUTHENTICATED: u16 = UNAUTHORIZED | FORBIDDEN | TOO_MANY_REQUESTS | UNAVAILABLE;
    /// What an operation that reads a JSON body can answer about it: malformed (400), too large
    /// (413), not JSON (415), a field out of its constraints (422).
    pub const JSON_BODY: u16 =
        BAD_REQUEST | PAYLOAD_TOO_LARGE | UNSUPPORTED_MEDIA_TYPE | UNPROCESSABLE;

    /// The bit of an HTTP status, 0 for a status no operation documents.
    pub const fn bit(status: u16) -> u16 {
        match status {
            400 => BAD_REQUEST,
            401 => UNAUTHORIZED,
            403 => FORBIDDEN,
            404 => NOT_FOUND,
            409 => CONFLICT,
            413 => PAYLOAD_TOO_LARGE,
            415 => UNSUPPORTED_MEDIA_TYPE,
            422 => UNPROCESSABLE,
            429 => TOO_MANY_REQUESTS,
            503 => UNAVAILABLE,
            _ => 0,
        }
    }
}

/// The error of an operation that can answer the problem statuses in `S` (see [`status`]); the
/// spec lists exactly those, with the problem+json schema.
#[derive(Debug)]
pub struct Problems<const S: u16>(pub ApiError);

impl<const S: u16> ApiResponse for Problems<S> {
    fn meta() -> MetaResponses {
        let mut meta = ApiError::meta();
        meta.responses
            .retain(|response| response.status.is_some_and(|s| status::bit(s) & S != 0));
        meta
    }

    fn register(registry: &mut Registry) {
        ApiError::register(registry);
    }
}

impl<const S: u16> IntoResponse for Problems<S> {
    fn into_response(self) -> Response {
        self.0.into_response()
    }
}

impl<const S: u16> From<Problems<S>> for poem::Error {
    fn from(problems: Problems<S>) -> Self {
        poem::Error::from_response(problems.into_response())
    }
}

impl<const S: u16> From<ApiError> for Problems<S> {
    fn from(error: ApiError) -> Self {
        if status::bit(error.status()) & S == 0 {
            // A status the spec does not list for this operation: a bug to fix in the set.
            tracing::error!(status = error.status(), "undocumented problem status");
        }
        Self(error)
    }
}

impl<const S: u16> From<AppError> for Problems<S> {
    fn from(error: AppError) -> Self {
        ApiError::from(error).into()
    }
}

#[cfg(test)]
mod tests {
    use super::status::*;
    use super::*;

    #[test]
    fn the_spec_lists_exactly_the_statuses_of_the_set() {
        let statuses = |meta: MetaResponses| {
            meta.responses
                .iter()
                .filter_map(|r| r.status)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            statuses(Problems::<{ AUTHENTICATED | NOT_FOUND }>::meta()),
            vec![401, 403, 404, 429, 503]
        );
        assert_eq!(
            statuses(Problems::<{ AUTHENTICATED | JSON_BODY }>::meta()),
            vec![400, 401, 403, 413, 415, 422, 429, 503]
        );
    }
}
