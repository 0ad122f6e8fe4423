//! The cluster test's world: a fake Twilio (the sandbox, on its own port) that counts the
//! provider list calls it answers, and `switchboard serve` replicas as real processes.

use std::process::Child;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use openmetrics_parser::prometheus::parse_prometheus;
use poem::listener::TcpAcceptor;
use poem::{Endpoint, EndpointExt, Route, Server};
use secrecy::ExposeSecret;
use serde_json::{json, Value};

use crate::helpers::body;
use crate::operations::value;
use switchboard_adapters::sandbox::{Sandbox, SandboxConfig, SANDBOX_PATH_PREFIX};
use switchboard_adapters::twilio::compute_signature;

/// The URL every replica believes Twilio reaches (what a load balancer would answer on);
/// webhooks are signed for it.
pub const PUBLIC_BASE_URL: &str = "http://switchboard.cluster.test";

/// The sandbox behind a counter of `GET …/IncomingPhoneNumbers.json` (the reconciler's list).
pub struct FakeTwilio {
    pub sandbox: Sandbox,
    pub space_url: String,
    list_calls: Arc<AtomicU64>,
}

impl FakeTwilio {
    pub async fn start() -> Self {
        let sandbox = Sandbox::new(SandboxConfig::generate());
        let list_calls = Arc::new(AtomicU64::new(0));
        let counter = list_calls.clone();
        let app = Route::new()
            .nest(SANDBOX_PATH_PREFIX, sandbox.endpoint())
            .around(move |next, req| {
                let counter = counter.clone();
                async move {
                    if req.method() == poem::http::Method::GET
                        && req.uri().path().ends_with("/IncomingPhoneNumbers.json")
                    {
                        counter.fetch_add(1, Ordering::SeqCst);
                    }
                    next.call(req).await
                }
            });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let acceptor = TcpAcceptor::from_tokio(listener).unwrap();
        tokio::spawn(Server::new_with_acceptor(acceptor).run(app));
        Self {
            sandbox,
            space_url: format!("http://{addr}{SANDBOX_PATH_PREFIX}"),
            list_calls,
        }
    }

    /// Provider list calls answered so far.
    pub fn list_calls(&self) -> u64 {
        self.list_calls.load(Ordering::SeqCst)
    }

    /// A replica's provider settings.
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("TWILIO_ACCOUNT_SID", self.sandbox.account_sid().to_string()),
            (
                "TWILIO_AUTH_TOKEN",
                self.sandbox.auth_token().expose_secret().to_string(),
            ),
            ("TWILIO_API_BASE_URL", self.space_url.clone()),
        ]
    }

    /// `X-Twilio-Signature` of a webhook form posted to `path` under [`PUBLIC_BASE_URL`].
    pub fn sign(&self, path: &str, form: &[(String, String)]) -> String {
        let key = self.sandbox.signing_key().expose_secret().to_string();
        compute_signature(key.as_bytes(), &format!("{PUBLIC_BASE_URL}{path}"), form)
    }
}

/// One `switchboard serve` process.
pub struct Replica {
    pub url: String,
    child: Option<Child>,
}

impl Replica {
    /// Starts a replica on `database_url` against `twilio`, reconciling every second.
    pub fn start(database_url: &str, twilio: &FakeTwilio) -> Self {
        let mut env = twilio.env();
        env.extend([
            ("DATABASE_URL", database_url.to_string()),
            ("PUBLIC_BASE_URL", PUBLIC_BASE_URL.to_string()),
            ("MAINTENANCE_INTERVAL_SECS", "1".to_string()),
            ("DELIVERY_TIMEOUT_MS", "1000".to_string()),
            (
                "DELIVERY_RETRY_SCHEDULE",
                "100ms,100ms,100ms,100ms".to_string(),
            ),
        ]);
        let (child, url) = crate::process::start_process(&env);
        Self {
            url,
            child: Some(child),
        }
    }

    /// SIGKILL, as an OOM killer or a lost machine would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL");
            let _ = child.wait();
        }
    }

    pub fn is_alive(&self) -> bool {
        self.child.is_some()
    }

    /// The `jobs` object of its `/health/ready` (whatever the status), or `None` when it does
    /// not answer.
    pub async fn jobs(&self, client: &reqwest::Client) -> Option<Value> {
        let response = client
            .get(format!("{}/health/ready", self.url))
            .timeout(Duration::from_secs(2))
            .send()
            .await
            .ok()?;
        let body: Value = response.json().await.ok()?;
        Some(body["jobs"].clone())
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Which live replica owns `job` now (by its `/health/ready`), if exactly one does; panics if
/// two do.
pub async fn owner_of(replicas: &[Replica], job: &str, client: &reqwest::Client) -> Option<usize> {
    let mut owners = Vec::new();
    for (i, replica) in replicas.iter().enumerate() {
        if !replica.is_alive() {
            continue;
        }
        if let Some(jobs) = replica.jobs(client).await {
            if jobs[job] == Value::Bool(true) {
                owners.push(i);
            }
        }
    }
    assert!(
        owners.len() <= 1,
        "{job} owned by replicas {owners:?} at once"
    );
    owners.first().copied()
}

/// Waits until a live replica owns each of `jobs`; returns how long that took.
pub async fn wait_for_owners(
    replicas: &[Replica],
    jobs: &[&str],
    client: &reqwest::Client,
    bound: Duration,
) -> Duration {
    let start = Instant::now();
    loop {
        let mut all = true;
        for job in jobs {
            all &= owner_of(replicas, job, client).await.is_some();
        }
        if all {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < bound,
            "jobs {jobs:?} not taken over within {bound:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Posts a signed webhook form to replica `first`, going on to the next live replica on a
/// connection error or a non-200 answer, as Twilio retries (through a load balancer); returns
/// the TwiML of the 200.
pub async fn webhook(
    replicas: &[String],
    first: usize,
    twilio: &FakeTwilio,
    client: &reqwest::Client,
    form: &[(String, String)],
) -> String {
    let path = "/webhooks/twilio/messages";
    let signature = twilio.sign(path, form);
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut at = first;
    loop {
        let sent = client
            .post(format!("{}{path}", replicas[at % replicas.len()]))
            .header("X-Twilio-Signature", &signature)
            .form(form)
            .timeout(Duration::from_secs(10))
            .send()
            .await;
        if let Ok(response) = sent {
            if response.status() == 200 {
                return response.text().await.unwrap_or_default();
            }
        }
        assert!(Instant::now() < deadline, "webhook {form:?} never answered");
        at += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Customer `i`'s inbound message to `to`, as Twilio posts it.
pub fn form(i: usize, to: &str) -> Vec<(String, String)> {
    [
        ("MessageSid", format!("SM{:032x}", 0xc1u64 << 40 | i as u64)),
        ("From", format!("+1555300{i:04}")),
        ("To", to.to_string()),
        ("Body", format!("hello {i}")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// The background work of the whole cluster over `window`: the provider's list calls, and the
/// pages of the global log the replicas' projectors read from the database.
pub async fn background_work_in(
    twilio: &FakeTwilio,
    replicas: &[Replica],
    client: &reqwest::Client,
    window: Duration,
) -> (u64, u64) {
    let (calls, reads) = (
        twilio.list_calls(),
        projector_log_reads(replicas, client).await,
    );
    tokio::time::sleep(window).await;
    (
        twilio.list_calls() - calls,
        projector_log_reads(replicas, client).await - reads,
    )
}

/// `switchboard_projector_log_reads_total{source="database"}` summed over the live replicas.
async fn projector_log_reads(replicas: &[Replica], client: &reqwest::Client) -> u64 {
    let mut total = 0.0;
    for replica in replicas.iter().filter(|r| r.is_alive()) {
        let text = client
            .get(format!("{}/metrics", replica.url))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("metrics text");
        let scrape = parse_prometheus(&text).expect("the Prometheus text format");
        total += value(
            &scrape,
            "switchboard_projector_log_reads_total",
            &[("source", "database")],
        );
    }
    total as u64
}

pub async fn create_org(request: reqwest::RequestBuilder, name: &str, plan: &str) -> String {
    let created = body(
        request
            .json(&json!({"name": name, "plan": plan}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    created["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .to_string()
}

pub async fn provision(request: reqwest::RequestBuilder) -> String {
    let bought = body(
        request
            .json(&json!({"area_code": "415"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    bought["phone_number"]
        .as_str()
        .unwrap_or_else(|| panic!("{bought}"))
        .to_string()
}

pub async fn count(pool: &sqlx::PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// Polls `sql` until it reaches `expected` or 20 s pass; returns the last count.
pub async fn wait_count(pool: &sqlx::PgPool, sql: &str, expected: i64) -> i64 {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let n = count(pool, sql).await;
        if n >= expected || std::time::Instant::now() > deadline {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
