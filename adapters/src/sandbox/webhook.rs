//! Delivering a signed webhook the way Twilio does (REFERENCE §2–§4): form parameters signed
//! with `X-Twilio-Signature` under the account's auth token (SignalWire flavor:
//! `X-SignalWire-Signature` under the signing key, the same algorithm, REFERENCE §6), POSTed
//! form-encoded (or, for `GET`, appended to the query and the URL alone signed), within
//! Twilio's 15 s budget. Used by the customer simulator (inbound messages) and by
//! `status_callbacks.rs`.

use reqwest::header::CONTENT_TYPE;
use secrecy::ExposeSecret;

use super::Sandbox;
use crate::twilio::compute_signature;

/// What the webhook answered.
#[derive(Debug)]
pub(crate) struct WebhookAnswer {
    /// The HTTP status.
    pub status: u16,
    /// Its `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The raw body (TwiML, normally), lossily decoded as UTF-8.
    pub body: String,
}

/// The webhook could not be reached or did not answer in time (Twilio's 11200/11205).
#[derive(Debug, thiserror::Error)]
#[error("webhook request failed: {0}")]
pub(crate) struct WebhookFailure(String);

/// Sends `params` to `url` with `method` (`GET` or anything else for `POST`), signed with the
/// sandbox's signing key in its flavor's header. The `#fragment` (Twilio connection overrides)
/// is neither sent nor signed.
///
/// # Errors
/// [`WebhookFailure`] on connection failure, timeout or an unreadable answer; any HTTP status
/// is an answer, not a failure.
pub(crate) async fn deliver(
    sandbox: &Sandbox,
    url: &str,
    method: &str,
    params: &[(String, String)],
) -> Result<WebhookAnswer, WebhookFailure> {
    let url = url.split('#').next().unwrap_or(url);
    let key = sandbox.signing_key().expose_secret().as_bytes();
    let header = sandbox.flavor().signature_header();
    let http = sandbox.webhook_client();
    let request = if method.eq_ignore_ascii_case("GET") {
        let mut target = url::Url::parse(url).map_err(|e| WebhookFailure(e.to_string()))?;
        target.query_pairs_mut().extend_pairs(params);
        let signature = compute_signature(key, target.as_str(), &[]);
        http.get(target).header(header, signature)
    } else {
        let signature = compute_signature(key, url, params);
        http.post(url).header(header, signature).form(params)
    };
    let response = request
        .send()
        .await
        .map_err(|e| WebhookFailure(e.to_string()))?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    let bytes = response
        .bytes()
        .await
        .map_err(|e| WebhookFailure(e.to_string()))?;
    Ok(WebhookAnswer {
        status,
        content_type,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}
