//! The `/v1` authorization policy, applied to every request before its handler: decided by the
//! method and the path alone, so an operation added later is covered the day it is added.
//!
//! - The platform key reaches everything.
//! - An organization key reaches only paths under `/v1/organizations/{its id}`; another
//!   organization's id answers 404 `organization_not_found`, as a missing one does, so a key
//!   learns nothing about other tenants. Everything else (creating and listing organizations,
//!   deleting one, the provider's inventory, numbers' routing entries and histories, the global
//!   event log, platform analytics, the platform stream) answers 403 `platform_key_required`.
//! - A `viewer` key reads (`GET`, `HEAD`) and changes nothing: 403 `read_only_key`.

use std::sync::Arc;

use poem::http::{Method, StatusCode};
use poem::{Endpoint, IntoResponse, Request, Response};
use secrecy::ExposeSecret;
use switchboard_application::{KeyCheck, RequestContext};
use switchboard_domain::{KeyRole, OrganizationId, API_KEY_PREFIX};

use super::Principal;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// What a request needs from its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reach {
    /// The platform key.
    Platform,
    /// A key of the organization named by the path segment (raw, as sent).
    Organization {
        /// The `{id}` segment.
        segment: String,
        /// Whether the method changes something.
        write: bool,
    },
}

/// What `method` on `path` (a `/v1` path) needs.
pub fn reach(method: &Method, path: &str) -> Reach {
    let write = !matches!(*method, Method::GET | Method::HEAD);
    let Some(rest) = path.strip_prefix("/v1/organizations/") else {
        return Reach::Platform;
    };
    let (segment, tail) = rest.split_once('/').unwrap_or((rest, ""));
    if segment.is_empty() || (*method == Method::DELETE && tail.is_empty()) {
        // Deleting a tenant is the operator's act, not the tenant's key's.
        return Reach::Platform;
    }
    Reach::Organization {
        segment: segment.to_string(),
        write,
    }
}

/// Whether `principal` may make a request that needs `reach`; the refusal otherwise.
///
/// # Errors
/// 403 `platform_key_required` or `read_only_key`, 404 `organization_not_found`.
pub fn permit(principal: &Principal, reach: &Reach) -> Result<(), ApiError> {
    let Principal::Organization(holder) = principal else {
        return Ok(());
    };
    match reach {
        Reach::Platform => Err(forbidden(
            "platform_key_required",
            "this operation needs the platform's ADMIN_API_KEY; an organization key reaches only its own organization",
        )),
        Reach::Organization { segment, write } => {
            let own = segment
                .parse::<OrganizationId>()
                .is_ok_and(|id| id == holder.organization_id);
            if !own {
                return Err(ApiError::from_problem(
                    Problem::new(StatusCode::NOT_FOUND, "organization_not_found", "no such organization")
                        .with_field("id"),
                ));
            }
            if *write && holder.role == KeyRole::Viewer {
                return Err(forbidden(
                    "read_only_key",
                    "a viewer key reads and changes nothing; use an admin key",
                ));
            }
            Ok(())
        }
    }
}

/// 403 with `code`, naming the `Authorization` header.
pub fn forbidden(code: &str, detail: &str) -> ApiError {
    ApiError::from_problem(
        Problem::new(StatusCode::FORBIDDEN, code, detail).with_field("Authorization"),
    )
}

/// Resolves the bearer key of a `/v1` request, refuses what it may not reach, and leaves the
/// [`Principal`] (and the `actor` of the request's event metadata) for the handler. A request
/// with no valid key passes on without a principal; its operation's security scheme answers
/// 401. Failed authentications are counted by reason.
pub async fn authorize<E: Endpoint>(
    next: E,
    mut req: Request,
    state: Arc<AppState>,
) -> poem::Result<Response> {
    if !req.uri().path().starts_with("/v1/") {
        return next.call(req).await.map(IntoResponse::into_response);
    }
    let principal = match principal(&req, &state).await {
        Ok(principal) => principal,
        Err(error) => return Ok(error.into_response()),
    };
    if let Some(principal) = principal {
        if let Err(refusal) = permit(&principal, &reach(req.method(), req.uri().path())) {
            return Ok(refusal.into_response());
        }
        if let Some(context) = req.data::<RequestContext>().cloned() {
            req.set_data(RequestContext {
                actor: principal.actor(),
                ..context
            });
        }
        req.set_data(principal);
    }
    next.call(req).await.map(IntoResponse::into_response)
}

async fn principal(req: &Request, state: &AppState) -> Result<Option<Principal>, ApiError> {
    let failed = |reason: &str| {
        state
            .metrics
            .auth_failures
            .with_label_values(&[reason])
            .inc();
        Ok(None)
    };
    let Some(token) = req
        .header("Authorization")
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
    else {
        return failed("missing");
    };
    if !token.starts_with(API_KEY_PREFIX) {
        let expected = state.admin_api_key.expose_secret();
        return if same(expected.as_bytes(), token.as_bytes()) {
            Ok(Some(Principal::Platform))
        } else {
            failed("wrong_key")
        };
    }
    match state.app.check_api_key(token).await? {
        KeyCheck::Valid(holder) => {
            state
                .key_usage
                .touch(state.projector.pool(), holder.key_id, chrono::Utc::now())
                .await;
            Ok(Some(Principal::Organization(holder)))
        }
        KeyCheck::Revoked(holder) => {
            tracing::warn!(key_id = %holder.key_id, organization_id = %holder.organization_id, "a revoked API key was presented");
            failed("revoked")
        }
        KeyCheck::Unknown => failed("unknown_key"),
    }
}

/// Constant-time comparison: the time taken does not depend on where the keys differ.
fn same(expected: &[u8], given: &[u8]) -> bool {
    expected.len() == given.len()
        && expected
            .iter()
            .zip(given)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_under_an_organization_need_its_key_and_the_rest_the_platform_key() {
        let org = "0b6e1d1e-2f47-4d2c-9a57-5a3c2b1f0e11";
        assert_eq!(reach(&Method::GET, "/v1/organizations"), Reach::Platform);
        assert_eq!(reach(&Method::POST, "/v1/organizations"), Reach::Platform);
        assert_eq!(reach(&Method::GET, "/v1/events"), Reach::Platform);
        assert_eq!(
            reach(&Method::GET, "/v1/numbers/+14155550100"),
            Reach::Platform
        );
        assert_eq!(
            reach(&Method::DELETE, &format!("/v1/organizations/{org}")),
            Reach::Platform
        );
        assert_eq!(
            reach(
                &Method::DELETE,
                &format!("/v1/organizations/{org}/api-keys/x")
            ),
            Reach::Organization {
                segment: org.into(),
                write: true
            }
        );
        assert_eq!(
            reach(&Method::GET, &format!("/v1/organizations/{org}/messages")),
            Reach::Organization {
                segment: org.into(),
                write: false
            }
        );
    }
}
