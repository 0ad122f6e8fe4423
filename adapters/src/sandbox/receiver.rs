//! The sandbox's endpoint receiver: a stand-in for an organization's software, for tests and
//! the README walk-through. Under `/sandbox/receivers`:
//! - `POST /sandbox/receivers` → `201 {"id", "url"}`: a new receiver; register `url` as an
//!   organization's endpoint;
//! - `PUT /sandbox/receivers/{id}/config` `{"secret"?, "fail_next"?, "reply"?, "delay_ms"?}`:
//!   the endpoint's signing secret (to verify what arrives), how many next deliveries to answer
//!   `500`, a reply to answer as a responder (`{"reply": …}`), a pause before answering;
//! - `POST /sandbox/receivers/{id}`: where deliveries arrive; each is recorded with its
//!   Standard Webhooks headers and whether its signature verified;
//! - `GET /sandbox/receivers/{id}` → `{"id", "url", "config", "received": [...]}`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use poem::http::StatusCode;
use poem::web::{Data, Json, Path};
use poem::{handler, post, Body, Endpoint, EndpointExt, IntoResponse, Request, Response, Route};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::delivery::sign;

/// How a receiver answers.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct ReceiverConfig {
    /// The endpoint's signing secret (`whsec_…`), to verify signatures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Answer the next this many deliveries with `500`.
    #[serde(default)]
    pub fail_next: u32,
    /// Answer as a responder with `{"reply": …}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    /// Wait this long before answering.
    #[serde(default)]
    pub delay_ms: u64,
}

/// One delivery as it arrived.
#[derive(Clone, Debug, Serialize)]
pub struct ReceivedDelivery {
    /// `webhook-id`.
    pub webhook_id: String,
    /// `webhook-timestamp`.
    pub webhook_timestamp: String,
    /// `webhook-signature`.
    pub webhook_signature: String,
    /// The raw body.
    pub body: String,
    /// Whether one `v1` signature matched the configured secret (`null` without a secret).
    pub verified: Option<bool>,
    /// The status answered.
    pub answered: u16,
    /// When it arrived (RFC 3339).
    pub received_at: String,
}

#[derive(Default)]
struct Receiver {
    config: ReceiverConfig,
    received: Vec<ReceivedDelivery>,
}

/// Every receiver of one sandbox.
#[derive(Clone, Default)]
pub(crate) struct Receivers(Arc<Mutex<HashMap<String, Receiver>>>);

impl Receivers {
    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, Receiver>) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// The receivers' routes, to nest at `/receivers` in the sandbox.
pub(crate) fn endpoint() -> impl Endpoint<Output = Response> {
    Route::new()
        .at("/", post(create))
        .at("/:id", post(deliver).get(show))
        .at("/:id/config", poem::put(configure))
        .data(Receivers::default())
}

fn own_url(req: &Request, id: &str) -> String {
    let host = req.header("host").unwrap_or("127.0.0.1");
    let base = req.original_uri().path().trim_end_matches('/');
    format!("http://{host}{base}/{id}")
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"error": "no such receiver"})),
    )
        .into_response()
}

#[handler]
fn create(req: &Request, receivers: Data<&Receivers>) -> Response {
    let id = uuid::Uuid::new_v4().simple().to_string();
    receivers.with(|all| all.insert(id.clone(), Receiver::default()));
    let url = own_url(req, &id);
    (StatusCode::CREATED, Json(json!({"id": id, "url": url}))).into_response()
}

#[handler]
fn configure(
    Path(id): Path<String>,
    receivers: Data<&Receivers>,
    Json(config): Json<ReceiverConfig>,
) -> Response {
    receivers.with(|all| match all.get_mut(&id) {
        Some(receiver) => {
            receiver.config = config.clone();
            Json(json!({"id": id, "config": config})).into_response()
        }
        None => not_found(),
    })
}

#[handler]
fn show(req: &Request, Path(id): Path<String>, receivers: Data<&Receivers>) -> Response {
    let url = req.original_uri().to_string();
    receivers.with(|all| match all.get(&id) {
        Some(receiver) => Json(json!({
            "id": id,
            "url": url,
            "config": receiver.config,
            "received": receiver.received,
        }))
        .into_response(),
        None => not_found(),
    })
}

/// Whether one `v1` entry of `signature` is the HMAC of the delivery under `secret`.
fn verify(secret: &str, id: &str, timestamp: &str, body: &[u8], signature: &str) -> bool {
    let Ok(timestamp) = timestamp.parse::<i64>() else {
        return false;
    };
    let Ok(expected) = sign(secret, id, timestamp, body) else {
        return false;
    };
    let expected = expected.as_bytes();
    signature.split(' ').any(|entry| {
        entry.starts_with("v1,")
            && entry.len() == expected.len()
            && entry
                .bytes()
                .zip(expected)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    })
}

#[handler]
async fn deliver(
    req: &Request,
    Path(id): Path<String>,
    receivers: Data<&Receivers>,
    body: Body,
) -> Response {
    let Ok(bytes) = body.into_bytes_limit(1024 * 1024).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let header = |name: &str| req.header(name).unwrap_or_default().to_string();
    let (webhook_id, timestamp, signature) = (
        header("webhook-id"),
        header("webhook-timestamp"),
        header("webhook-signature"),
    );
    let Some((config, answered)) = receivers.with(|all| {
        let receiver = all.get_mut(&id)?;
        let answered = if receiver.config.fail_next > 0 {
            receiver.config.fail_next -= 1;
            500
        } else if receiver.config.reply.is_some() {
            200
        } else {
            204
        };
        let verified = receiver
            .config
            .secret
            .as_deref()
            .map(|secret| verify(secret, &webhook_id, &timestamp, &bytes, &signature));
        receiver.received.push(ReceivedDelivery {
            webhook_id: webhook_id.clone(),
            webhook_timestamp: timestamp.clone(),
            webhook_signature: signature.clone(),
            body: String::from_utf8_lossy(&bytes).into_owned(),
            verified,
            answered,
            received_at: chrono::Utc::now().to_rfc3339(),
        });
        Some((receiver.config.clone(), answered))
    }) else {
        return not_found();
    };
    if config.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(config.delay_ms)).await;
    }
    match (answered, config.reply) {
        (500, _) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"error": "told to fail"})),
        )
            .into_response(),
        (_, Some(reply)) => Json(json!({"reply": reply})).into_response(),
        _ => StatusCode::NO_CONTENT.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_by_the_secret_verifies_and_another_does_not() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        let good = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        assert!(verify(secret, id, "1614265330", body, good));
        assert!(verify(
            secret,
            id,
            "1614265330",
            body,
            &format!("v1,bogus {good}")
        ));
        assert!(!verify(secret, id, "1614265331", body, good));
        assert!(!verify(
            secret,
            id,
            "1614265330",
            body,
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="
        ));
    }
}
