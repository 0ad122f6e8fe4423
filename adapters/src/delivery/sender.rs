//! Posting one signed delivery to an endpoint: the Standard Webhooks headers (`webhook-id`,
//! `webhook-timestamp`, `webhook-signature`), a deadline, no redirects followed (a 3xx is a
//! failure: the organization should update its URL), and the outcome measured.

use std::time::{Duration, Instant};

use reqwest::redirect::Policy;

use super::signature::{signature_header, InvalidSecret};

/// The most of an endpoint's response body read (a responder's reply is far smaller).
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// One attempt's outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendOutcome {
    /// The HTTP status, when the endpoint answered.
    pub http_status: Option<u16>,
    /// Time from sending to the end of the response, in milliseconds.
    pub latency_ms: i64,
    /// The failure (connection error, timeout, non-2xx status), when there was one.
    pub error: Option<String>,
    /// The response body (at most [`MAX_RESPONSE_BYTES`]), on a 2xx.
    pub body: Option<Vec<u8>>,
}

impl SendOutcome {
    /// A 2xx.
    pub fn succeeded(&self) -> bool {
        self.http_status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Posts deliveries; cheap to clone (one connection pool).
#[derive(Clone, Debug)]
pub struct WebhookSender {
    client: reqwest::Client,
}

impl WebhookSender {
    /// A sender with its own connection pool.
    ///
    /// # Errors
    /// The HTTP client could not be built (TLS set-up).
    pub fn new() -> Result<Self, reqwest::Error> {
        Ok(Self {
            client: reqwest::Client::builder()
                .redirect(Policy::none())
                .user_agent(concat!("Switchboard-Webhooks/", env!("CARGO_PKG_VERSION")))
                .build()?,
        })
    }

    /// Posts `body` (JSON) to `url` signed with every secret in `secrets`, as delivery
    /// `webhook_id`, within `timeout`.
    ///
    /// # Errors
    /// [`InvalidSecret`] (nothing is sent).
    pub async fn send(
        &self,
        url: &str,
        webhook_id: &str,
        secrets: &[&str],
        body: &str,
        timeout: Duration,
    ) -> Result<SendOutcome, InvalidSecret> {
        let timestamp = chrono::Utc::now().timestamp();
        let signature = signature_header(secrets, webhook_id, timestamp, body.as_bytes())?;
        let started = Instant::now();
        let request = self
            .client
            .post(url)
            .timeout(timeout)
            .header("content-type", "application/json")
            .header("webhook-id", webhook_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body.to_string());
        let result = async {
            let response = request.send().await?;
            let status = response.status().as_u16();
            let bytes = read_limited(response).await?;
            Ok::<_, reqwest::Error>((status, bytes))
        }
        .await;
        let latency_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        Ok(match result {
            Ok((status, bytes)) if (200..300).contains(&status) => SendOutcome {
                http_status: Some(status),
                latency_ms,
                error: None,
                body: Some(bytes),
            },
            Ok((status, bytes)) => SendOutcome {
                http_status: Some(status),
                latency_ms,
                error: Some(format!(
                    "HTTP {status}: {}",
                    String::from_utf8_lossy(&bytes[..bytes.len().min(512)])
                )),
                body: None,
            },
            Err(error) => SendOutcome {
                http_status: None,
                latency_ms,
                error: Some(if error.is_timeout() {
                    format!("timed out after {} ms", timeout.as_millis())
                } else if error.is_connect() {
                    format!("connection failed: {error}")
                } else {
                    error.to_string()
                }),
                body: None,
            },
        })
    }
}

async fn read_limited(mut response: reqwest::Response) -> Result<Vec<u8>, reqwest::Error> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = MAX_RESPONSE_BYTES.saturating_sub(bytes.len());
        bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if bytes.len() >= MAX_RESPONSE_BYTES {
            break;
        }
    }
    Ok(bytes)
}
