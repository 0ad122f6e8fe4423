//! Abuse bounds at the edge: `/v1` rate limits per key and per source (429 `rate_limited` with
//! `Retry-After`), and connections that never deliver a request are closed.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{assert_problem, body, Backend, TestApp};

/// Sends `n` requests at once with `key`; the responses.
async fn burst(app: &TestApp, key: &str, n: usize) -> Vec<reqwest::Response> {
    let requests = (0..n).map(|_| {
        app.client
            .get(app.url("/v1/organizations"))
            .bearer_auth(key)
            .send()
    });
    futures::future::join_all(requests)
        .await
        .into_iter()
        .map(|r| r.expect("request"))
        .collect()
}

async fn first_refusal(responses: Vec<reqwest::Response>) -> reqwest::Response {
    let statuses: Vec<StatusCode> = responses.iter().map(|r| r.status()).collect();
    assert!(
        statuses.contains(&StatusCode::OK),
        "the burst allowance passes: {statuses:?}"
    );
    responses
        .into_iter()
        .find(|r| r.status() == StatusCode::TOO_MANY_REQUESTS)
        .unwrap_or_else(|| panic!("some requests are refused: {statuses:?}"))
}

async fn assert_rate_limited(refused: reqwest::Response) {
    let retry_after: u64 = refused
        .headers()
        .get("Retry-After")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in whole seconds");
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    assert_problem(refused, 429, "rate_limited").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_over_its_rate_is_refused_and_other_keys_are_not() {
    let limits = [("RATE_LIMIT_PER_KEY", "2".to_string())];
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, &limits).await else {
        return;
    };
    let org = app.create_organization("Limited", "trial").await;
    let created = app
        .post(
            &format!("/v1/organizations/{org}/api-keys"),
            json!({"name": "ci", "role": "admin"}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let org_key = body(created).await["key"].as_str().unwrap().to_string();
    // Let the platform key's allowance refill after the two requests above.
    tokio::time::sleep(Duration::from_millis(1100)).await;

    let refused = first_refusal(burst(&app, &app.api_key, 12).await).await;
    assert_rate_limited(refused).await;

    let other = app
        .client
        .get(app.url(&format!("/v1/organizations/{org}")))
        .bearer_auth(&org_key)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200, "another key has its own allowance");
    let metrics = app.metrics().await;
    assert!(
        metrics.contains("switchboard_rate_limited_total{limit=\"key\"}"),
        "{metrics}"
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_over_its_rate_is_refused_whatever_its_keys_and_webhooks_are_not() {
    let limits = [("RATE_LIMIT_PER_SOURCE", "3".to_string())];
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, &limits).await else {
        return;
    };
    let refused = first_refusal(burst(&app, &app.api_key, 15).await).await;
    assert_rate_limited(refused).await;
    // Webhooks from the same address are bounded by their in-flight limit, not by the rate.
    for i in 0..10 {
        let sid = format!("SM{i:032x}");
        let response = app
            .signed_webhook(
                "/webhooks/twilio/messages",
                &[
                    ("MessageSid", sid.as_str()),
                    ("From", "+15551230000"),
                    ("To", "+15005550006"),
                    ("Body", "hi"),
                ],
            )
            .await;
        assert_eq!(response.status(), 200);
    }
    app.finish().await;
}

/// Connects to the server and sends `bytes`; how long until the server closed the connection
/// (at most `within`, else `None`).
async fn closed_after(app: &TestApp, bytes: &[u8], within: Duration) -> Option<Duration> {
    let address = app.address.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.expect("connect");
    stream.write_all(bytes).await.expect("send");
    let started = Instant::now();
    let mut buffer = [0u8; 1024];
    let read_to_end = async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(within, read_to_end)
        .await
        .ok()
        .map(|()| started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_never_completes_its_request_is_closed() {
    let timeouts = [
        ("HTTP_HEADER_TIMEOUT_SECS", "1".to_string()),
        ("HTTP_IDLE_TIMEOUT_SECS", "2".to_string()),
    ];
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, &timeouts).await else {
        return;
    };
    let partial_head = b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";
    let closed = closed_after(&app, partial_head, Duration::from_secs(5))
        .await
        .expect("a partial request head is cut off");
    assert!(closed < Duration::from_millis(2500), "{closed:?}");

    let silent = closed_after(&app, b"", Duration::from_secs(5))
        .await
        .expect("a connection that sends nothing is cut off");
    assert!(silent < Duration::from_millis(2500), "{silent:?}");

    let stalled_body = b"POST /v1/organizations HTTP/1.1\r\nHost: localhost\r\n\
        Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":";
    let stalled = closed_after(&app, stalled_body, Duration::from_secs(6))
        .await
        .expect("a body that stops arriving is cut off");
    assert!(stalled < Duration::from_millis(3500), "{stalled:?}");

    // A complete request is still served.
    let health = app
        .client
        .get(app.url("/health/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    app.finish().await;
}
