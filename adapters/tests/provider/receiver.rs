//! A tiny webhook receiver standing in for Switchboard's `/webhooks/twilio/messages`: it checks
//! `X-Twilio-Signature` against the URL it was configured with, records what it got and answers
//! TwiML.

use std::sync::{Arc, Mutex};

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
    /// The `X-Twilio-Signature` header.
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

struct State {
    url: String,
    token: String,
    seen: Mutex<Vec<Delivery>>,
}

/// A running receiver.
pub struct Receiver {
    /// The URL to configure as `SmsUrl` (with a query string, which is signed too).
    pub url: String,
    state: Arc<State>,
}

impl Receiver {
    /// Starts a receiver on 127.0.0.1:0 that validates with `token`.
    pub async fn start(token: &SecretString) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/hooks/sms?tenant=acme",
            listener.local_addr().unwrap()
        );
        let state = Arc::new(State {
            url: url.clone(),
            token: token.expose_secret().to_string(),
            seen: Mutex::new(Vec::new()),
        });
        let app = Route::new()
            .at("/hooks/sms", post(receive))
            .data(state.clone());
        let acceptor = TcpAcceptor::from_tokio(listener).unwrap();
        tokio::spawn(Server::new_with_acceptor(acceptor).run(app));
        Self { url, state }
    }

    /// What it received so far.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state.seen.lock().unwrap().clone()
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
    let signature = header("X-Twilio-Signature");
    let signature_valid =
        validate_signature(state.token.as_bytes(), &state.url, &params, &signature);
    state.seen.lock().unwrap().push(Delivery {
        params,
        signature,
        signature_valid,
        content_type: header("Content-Type"),
    });
    if !signature_valid {
        return StatusCode::FORBIDDEN.into_response();
    }
    TWIML
        .with_content_type("text/xml")
        .with_status(StatusCode::OK)
        .into_response()
}
