//! HTTP Basic authentication of REST calls: `{AccountSid}:{AuthToken}` of the sandbox, and the
//! path's `{AccountSid}` must be the same account (REFERENCE §1.1; 401 / 20003 otherwise).

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use poem::http::header::AUTHORIZATION;
use poem::Request;
use secrecy::ExposeSecret;

use super::errors::ApiError;
use super::Sandbox;
use crate::twilio::constant_time_eq;

/// Checks the credentials of `request` against `sandbox` and the path's `account_sid`.
///
/// # Errors
/// [`ApiError::authenticate`] (401, code 20003) when the header is missing or malformed, the
/// user or password is wrong, or the path names another account.
pub(crate) fn authorize(
    request: &Request,
    sandbox: &Sandbox,
    path_account_sid: &str,
) -> Result<(), ApiError> {
    let (user, password) = basic_credentials(request).ok_or_else(ApiError::authenticate)?;
    let token = sandbox.auth_token().expose_secret().as_bytes();
    // Evaluate every comparison, so timing does not reveal which part was wrong.
    let user_ok = user == sandbox.account_sid();
    let token_ok = constant_time_eq(password.as_bytes(), token);
    let path_ok = path_account_sid == sandbox.account_sid();
    if user_ok & token_ok & path_ok {
        Ok(())
    } else {
        Err(ApiError::authenticate())
    }
}

/// The `(user, password)` of an `Authorization: Basic …` header.
fn basic_credentials(request: &Request) -> Option<(String, String)> {
    let header = request.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(BASE64.decode(encoded.trim()).ok()?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}
