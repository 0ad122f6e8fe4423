//! Who may use the built-in sandbox's own endpoints (`/sandbox/messages`, `/sandbox/calls`, the
//! outbound list, forged status callbacks, receivers): anyone on a loopback bind, where they
//! serve the local demo; the bearer of `ADMIN_API_KEY` otherwise, since they post signed
//! webhooks into every tenant and read every tenant's outbound messages. The sandbox's
//! Twilio-shaped REST resources keep their own Basic authentication with its AccountSid and
//! auth token.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::{Endpoint, IntoResponse, Request, Response};
use secrecy::{ExposeSecret, SecretString};

use crate::problem::Problem;

/// Refuses a sandbox request without the admin key when `open` is false (a non-loopback bind).
pub async fn guard<E: Endpoint>(
    next: E,
    req: Request,
    open: bool,
    admin_api_key: Arc<SecretString>,
) -> poem::Result<Response> {
    let rest_resource = req.uri().path().contains("/Accounts/");
    if open || rest_resource || bearer_is(&req, admin_api_key.expose_secret()) {
        return next.call(req).await.map(IntoResponse::into_response);
    }
    Ok(Problem::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "the sandbox listens beyond loopback: send Authorization: Bearer <ADMIN_API_KEY>",
    )
    .with_field("Authorization")
    .into_response())
}

fn bearer_is(req: &Request, key: &str) -> bool {
    req.header("Authorization")
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .is_some_and(|(_, token)| {
            let token = token.trim().as_bytes();
            token.len() == key.len()
                && token
                    .iter()
                    .zip(key.as_bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
        })
}
