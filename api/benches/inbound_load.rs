//! Load on the inbound webhook: one organization receiving many messages at once from many
//! customers, through the real server (SQLite by default, PostgreSQL with
//! `BENCH_DATABASE=postgres`), signed as Twilio signs them.
//!
//! Reports throughput, latency percentiles and failures under concurrency, and the cost of one
//! message before and after the organization's history grew (ARCHITECTURE invariant 7).
//!
//! With `BENCH_ENDPOINT=1` the organization also has an endpoint (the sandbox's receiver) that
//! takes `message.received`: the run then reports how fast the dispatcher delivers what the
//! webhook records (deliveries per second) and the lag from a message's receipt to its delivery
//! (p50/p99).
//!
//! `cargo bench -p switchboard-api --bench inbound_load` (env: `BENCH_MESSAGES`, default 2000;
//! `BENCH_CONCURRENCY`, default 32; `BENCH_CUSTOMERS`, default 500; `BENCH_DATABASE`;
//! `BENCH_ENDPOINT`).

#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use futures::StreamExt;
use secrecy::ExposeSecret;
use serde_json::{json, Value};
use switchboard_adapters::sandbox::{serve_sandbox, SandboxConfig, SandboxServer};
use switchboard_adapters::test_database::{TestBackend, TestDatabase};
use switchboard_adapters::twilio::compute_signature;
use switchboard_api::config::Settings;
use switchboard_api::startup::Application;

const API_KEY: &str = "bench-key";

fn env_number(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Bench {
    client: reqwest::Client,
    address: String,
    token: String,
    number: String,
}

impl Bench {
    async fn deliver(&self, sid: &str, from: &str) -> (Duration, u16) {
        let url = format!("{}/webhooks/twilio/messages", self.address);
        let params: Vec<(String, String)> = [
            ("MessageSid", sid),
            ("AccountSid", "ACbench"),
            ("From", from),
            ("To", self.number.as_str()),
            ("Body", "Is my order ready?"),
            ("NumMedia", "0"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let signature = compute_signature(self.token.as_bytes(), &url, &params);
        let started = Instant::now();
        let status = match self
            .client
            .post(url)
            .header("X-Twilio-Signature", signature)
            .form(&params)
            .send()
            .await
        {
            Ok(response) => response.status().as_u16(),
            Err(_) => 0,
        };
        (started.elapsed(), status)
    }

    async fn sequential(&self, label: &str, count: usize, offset: usize) -> Duration {
        let mut total = Duration::ZERO;
        for i in 0..count {
            let (took, status) = self
                .deliver(
                    &format!("SM{:032x}", offset + i),
                    &format!("+1555{:07}", offset + i),
                )
                .await;
            assert_eq!(status, 200, "{label}: delivery {i} answered {status}");
            total += took;
        }
        let mean = total / count as u32;
        println!(
            "{label}: {count} sequential messages, mean {:.2} ms",
            mean.as_secs_f64() * 1e3
        );
        mean
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1e3
}

async fn start(database_url: &str, sandbox: &SandboxServer) -> Application {
    let env = [
        ("DATABASE_URL", database_url.to_string()),
        ("BIND_ADDR", "127.0.0.1:0".to_string()),
        ("ADMIN_API_KEY", API_KEY.to_string()),
        (
            "TWILIO_ACCOUNT_SID",
            sandbox.sandbox().account_sid().to_string(),
        ),
        (
            "TWILIO_AUTH_TOKEN",
            sandbox.sandbox().auth_token().expose_secret().to_string(),
        ),
        ("TWILIO_API_BASE_URL", sandbox.api_base_url()),
    ];
    let mut settings = Settings::from_lookup(|k| {
        env.iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| v.clone())
            .or_else(|| (k == "PUBLIC_BASE_URL").then(|| "http://127.0.0.1".to_string()))
    })
    .expect("settings");
    // Port 0: the webhooks point at the bound address.
    settings.public_base_url = None;
    Application::start(settings).await.expect("server")
}

#[tokio::main]
async fn main() {
    let messages = env_number("BENCH_MESSAGES", 2000);
    let concurrency = env_number("BENCH_CONCURRENCY", 32);
    let customers = env_number("BENCH_CUSTOMERS", 500).max(1);
    let backend = match std::env::var("BENCH_DATABASE").as_deref() {
        Ok("postgres") => TestBackend::Postgres,
        _ => TestBackend::Sqlite,
    };
    let database = TestDatabase::create(backend).await.expect("a database");
    let sandbox = serve_sandbox("127.0.0.1:0", SandboxConfig::generate())
        .await
        .expect("sandbox");
    let app = start(database.url(), &sandbox).await;
    let address = format!("http://{}", app.addr());
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .unwrap();

    let org: Value = client
        .post(format!("{address}/v1/organizations"))
        .bearer_auth(API_KEY)
        .json(&json!({"name": "Load", "plan": "enterprise"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let org_id = org["id"].as_str().unwrap().to_string();
    let number: Value = client
        .post(format!("{address}/v1/organizations/{org_id}/numbers"))
        .bearer_auth(API_KEY)
        .json(&json!({"area_code": "415"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bench = Bench {
        client,
        address: address.clone(),
        token: sandbox.sandbox().auth_token().expose_secret().to_string(),
        number: number["phone_number"].as_str().unwrap().to_string(),
    };
    println!("backend {backend:?}, {messages} messages, concurrency {concurrency}, {customers} customers");
    let receiver = if std::env::var("BENCH_ENDPOINT").is_ok_and(|v| v == "1") {
        Some(register_endpoint(&bench.client, &address, &org_id, &sandbox).await)
    } else {
        None
    };

    let before = bench.sequential("before the load", 100, 1_000_000).await;

    let started = Instant::now();
    let results: Vec<(Duration, u16)> = futures::stream::iter(0..messages)
        .map(|i| {
            let bench = &bench;
            async move {
                bench
                    .deliver(
                        &format!("SM{i:032x}"),
                        &format!("+1666{:07}", i % customers),
                    )
                    .await
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let elapsed = started.elapsed();
    let failures = results.iter().filter(|(_, status)| *status != 200).count();
    let mut latencies: Vec<Duration> = results.iter().map(|(d, _)| *d).collect();
    latencies.sort();
    println!(
        "load: {messages} messages in {:.2} s = {:.0} msg/s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {failures} not answered 200",
        elapsed.as_secs_f64(),
        messages as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0),
    );

    if let Some(receiver) = &receiver {
        report_deliveries(&bench.client, receiver, messages + 100).await;
    }

    let after = bench.sequential("after the load", 100, 2_000_000).await;
    println!(
        "cost of one message after {} more in the organization's history: {:.2}x",
        messages,
        after.as_secs_f64() / before.as_secs_f64()
    );
    let usage: Value = bench
        .client
        .get(format!("{address}/v1/organizations/{org_id}/usage"))
        .bearer_auth(API_KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    println!(
        "usage: {} of {} counted (expected {})",
        usage["used"],
        usage["limit"],
        messages + 200
    );

    app.stop().await;
    let _ = sandbox.shutdown().await;
    database.drop_database().await;
}

/// Registers a sandbox receiver as the organization's `message.received` endpoint; returns the
/// receiver's state URL.
async fn register_endpoint(
    client: &reqwest::Client,
    address: &str,
    org_id: &str,
    sandbox: &SandboxServer,
) -> String {
    let receiver: Value = client
        .post(format!("{}/receivers", sandbox.space_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = receiver["url"].as_str().unwrap().to_string();
    let created = client
        .post(format!("{address}/v1/organizations/{org_id}/endpoints"))
        .bearer_auth(API_KEY)
        .json(&json!({"url": url, "event_types": ["message.received"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    url
}

/// Waits for `expected` deliveries at the receiver, then prints their rate and their lag from
/// receipt (the envelope's timestamp) to arrival.
async fn report_deliveries(client: &reqwest::Client, receiver: &str, expected: usize) {
    let deadline = Instant::now() + Duration::from_secs(300);
    let received = loop {
        let state: Value = client
            .get(receiver)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let received = state["received"].as_array().cloned().unwrap_or_default();
        if received.len() >= expected || Instant::now() > deadline {
            break received;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let time = |text: &str| chrono::DateTime::parse_from_rfc3339(text).unwrap();
    let mut lags: Vec<Duration> = Vec::new();
    let mut arrivals = Vec::new();
    for delivery in &received {
        let arrived = time(delivery["received_at"].as_str().unwrap());
        let envelope: Value = serde_json::from_str(delivery["body"].as_str().unwrap()).unwrap();
        let happened = time(envelope["timestamp"].as_str().unwrap());
        lags.push((arrived - happened).to_std().unwrap_or_default());
        arrivals.push(arrived);
    }
    lags.sort();
    arrivals.sort();
    let span = match (arrivals.first(), arrivals.last()) {
        (Some(first), Some(last)) => (*last - *first).to_std().unwrap_or_default(),
        _ => Duration::ZERO,
    };
    println!(
        "delivery: {} of {expected} delivered, {:.0} deliveries/s; receipt to delivery p50 {:.1} ms, p99 {:.1} ms",
        received.len(),
        received.len() as f64 / span.as_secs_f64().max(1e-3),
        percentile(&lags, 0.50),
        percentile(&lags, 0.99),
    );
}
