//! A Twilio-shaped provider that is slow or silent about purchases: the sandbox behind a proxy
//! that passes every request on, but holds back the answer to the first purchase
//! (`POST …/IncomingPhoneNumbers.json`): for a while, or for ever. The number is bought at once;
//! the buyer hears late or never. The number bought is published on `bought`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use poem::http::StatusCode;
use poem::{Body, Request, Response};
use serde_json::Value;
use switchboard_adapters::sandbox::SandboxServer;
use tokio::sync::watch;

/// What the buyer of the first purchase hears.
#[derive(Clone, Copy, Debug)]
pub enum FirstPurchase {
    /// Its answer after this long.
    Delayed(Duration),
    /// Nothing, ever (until the buyer is killed).
    Withheld,
}

/// The running proxy.
pub struct ProviderProxy {
    /// Point `TWILIO_API_BASE_URL` here.
    pub base_url: String,
    /// The number the first purchase bought, once bought.
    pub bought: watch::Receiver<Option<String>>,
    pub server: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Serves the proxy in front of `sandbox` on port 0.
pub async fn provider_proxy(sandbox: &SandboxServer, first: FirstPurchase) -> ProviderProxy {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let upstream = sandbox.api_base_url();
    let (tell, bought) = watch::channel(None);
    let tell = Arc::new(tell);
    let held = Arc::new(AtomicBool::new(false));
    let client = reqwest::Client::new();
    let proxy = poem::endpoint::make(move |request: Request| {
        let (upstream, client, tell, held) =
            (upstream.clone(), client.clone(), tell.clone(), held.clone());
        async move {
            let is_purchase = request.method() == poem::http::Method::POST
                && request.uri().path().ends_with("/IncomingPhoneNumbers.json");
            let answer = forward(&client, &upstream, request).await;
            if is_purchase && answer.0 == 201 && !held.swap(true, Ordering::SeqCst) {
                let number = serde_json::from_slice::<Value>(&answer.2).unwrap()["phone_number"]
                    .as_str()
                    .map(str::to_string);
                tell.send_replace(number);
                match first {
                    FirstPurchase::Delayed(delay) => tokio::time::sleep(delay).await,
                    FirstPurchase::Withheld => std::future::pending::<()>().await,
                }
            }
            Response::builder()
                .status(StatusCode::from_u16(answer.0).unwrap())
                .content_type(answer.1)
                .body(Body::from(answer.2))
        }
    });
    let acceptor = poem::listener::TcpAcceptor::from_tokio(listener).unwrap();
    let server = tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(proxy));
    ProviderProxy {
        base_url,
        bought,
        server,
    }
}

/// Passes `request` on to `upstream`; returns the status, content type and body of the answer.
async fn forward(
    client: &reqwest::Client,
    upstream: &str,
    request: Request,
) -> (u16, String, Vec<u8>) {
    let url = format!("{upstream}{}", request.uri());
    let mut outgoing = client.request(request.method().clone(), url);
    for name in ["authorization", "content-type", "accept"] {
        if let Some(value) = request.headers().get(name) {
            outgoing = outgoing.header(name, value);
        }
    }
    let sent = request.into_body().into_vec().await.unwrap();
    let answer = outgoing.body(sent).send().await.unwrap();
    let status = answer.status().as_u16();
    let content_type = answer
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .to_string();
    (status, content_type, answer.bytes().await.unwrap().to_vec())
}

/// A server whose provider is the proxy in front of its own sandbox, with `first` as the
/// first purchase's answer.
pub async fn app_behind_proxy(
    backend: crate::helpers::Backend,
    first: FirstPurchase,
) -> Option<(crate::helpers::TestApp, ProviderProxy)> {
    let app = crate::helpers::TestApp::spawn(backend).await?;
    let proxy = provider_proxy(&app.sandbox, first).await;
    let app = app
        .restart_with(&[("TWILIO_API_BASE_URL", proxy.base_url.clone())])
        .await;
    Some((app, proxy))
}
