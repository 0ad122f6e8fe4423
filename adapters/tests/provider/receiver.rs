//! A tiny webhook receiver standing in for Switchboard's `/webhooks/twilio/messages` (answers
//! TwiML) or `/webhooks/twilio/status` (answers 204): it checks `X-Twilio-Signature` (or
//! `X-SignalWire-Signature`, when present) against the URL it was configured with and records
//! what it got.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use poem::http::{HeaderMap, StatusCode};
use poem::listener::TcpAcceptor;
use poem::web::Data;
use poem::{handler, post, EndpointExt, IntoResponse, Response, Route, Server};
use secrecy::{ExposeSecret, SecretString};
use switchboard_adapters::twilio::validate_signature;

/// The TwiML every receiver answers with.
pub const TWIML: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks &amp; welcome!</Message></Response>"#;

/// One webhook the receiver got.
#[derive(Clone, Debug)]
pub struct Delivery {
    /// The decoded form parameters, in order.
    pub params: Vec<(String, String)>,
    /// The header the signature came in: `X-SignalWire-Signature` when present, else
    /// `X-Twilio-Signature`.
    pub signature_header: &'static str,
    /// The signature.
    pub signature: String,
    /// Whether it validated against the configured URL and the sandbox token.
    pub signature_valid: bool,
    /// The request's `Content-Type`.
    pub content_type: String,
}

impl Delivery {
    /// The value of `name` (the first, if repeated).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What a receiver answers to a validly signed request.
#[derive(Clone, Copy)]
enum Answer {
    /// 200 with [`TWIML`] (an inbound-message webhook).
    Twiml,
    /// 204 No Content (a status callback).
    NoContent,
}

struct State {
    url: String,
    token: String,
    answer: Answer,
    seen: Mutex<Vec<Delivery>>,
}

/// A running receiver.
pub struct Receiver {
    /// The URL to configure as `SmsUrl` (with a query string, which is signed too).
    pub url: String,
    state: Arc<State>,
}

impl Receiver {
    /// Starts an inbound-message receiver (`/hooks/sms?tenant=acme`, answers TwiML) on
    /// 127.0.0.1:0 that validates with `token`.
    pub async fn start(token: &SecretString) -> Self {
        Self::start_at(token, "/hooks/sms", Answer::Twiml).await
    }

    /// Starts a status-callback receiver (`/hooks/status?tenant=acme`, answers 204) on
    /// 127.0.0.1:0 that validates with `token`.
    pub async fn status_callbacks(token: &SecretString) -> Self {
        Self::start_at(token, "/hooks/status", Answer::NoContent).await
    }

    async fn start_at(token: &SecretString, path: &str, answer: Answer) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}{path}?tenant=acme",
            listener.local_addr().unwrap()
        );
        let state = Arc::new(State {
            url: url.clone(),
            token: token.expose_secret().to_string(),
            answer,
            seen: Mutex::new(Vec::new()),
        });
        let app = Route::new().at(path, post(receive)).data(state.clone());
        let acceptor = TcpAcceptor::from_tokio(listener).unwrap();
        tokio::spawn(Server::new_with_acceptor(acceptor).run(app));
        Self { url, state }
    }

    /// What it received so far.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state.seen.lock().unwrap().clone()
    }

    /// What it received once it has at least `count` deliveries (panics after 5 s).
    pub async fn wait_for(&self, count: usize) -> Vec<Delivery> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let seen = self.deliveries();
            if seen.len() >= count {
                return seen;
            }
            assert!(
                Instant::now() < deadline,
                "expected {count} deliveries, got {seen:?}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

#[handler]
async fn receive(Data(state): Data<&Arc<State>>, headers: &HeaderMap, body: Vec<u8>) -> Response {
    let params: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let signature_header = if headers.contains_key("X-SignalWire-Signature") {
        "X-SignalWire-Signature"
    } else {
        "X-Twilio-Signature"
    };
    let signature = header(signature_header);
    let signature_valid =
        validate_signature(state.token.as_bytes(), &state.url, &params, &signature);
    state.seen.lock().unwrap().push(Delivery {
        params,
        signature_header,
        signature,
        signature_valid,
        content_type: header("Content-Type"),
    });
    if !signature_valid {
        return StatusCode::FORBIDDEN.into_response();
    }
    match state.answer {
        Answer::Twiml => TWIML
            .with_content_type("text/xml")
            .with_status(StatusCode::OK)
            .into_response(),
        Answer::NoContent => StatusCode::NO_CONTENT.into_response(),
    }
}
