//! Spawning the server and the sandbox, fresh databases, and a small HTTP client.

use std::time::Duration;

use cqrs_es::persist::PersistedEventStore;
use reqwest::{Response, StatusCode};
use secrecy::ExposeSecret;
use serde_json::{json, Value};
use switchboard_adapters::event_store::Database;
use switchboard_adapters::sandbox::{serve_sandbox, SandboxConfig, SandboxServer};
use switchboard_adapters::twilio::{compute_signature, Flavor, TwilioClient, TwilioClientConfig};
use switchboard_api::config::Settings;
use switchboard_api::startup::Application;
use switchboard_application::execute;
use switchboard_application::ports::{
    PurchaseRequest, PurchaseTarget, TelephonyProvider, WebhookConfig,
};
use switchboard_domain::organization::{Organization, OrganizationCommand};
use switchboard_domain::E164;

pub use switchboard_adapters::test_database::TestBackend as Backend;
use switchboard_adapters::test_database::TestDatabase;

/// A running server, its sandbox provider and an HTTP client.
pub struct TestApp {
    pub address: String,
    pub api_key: String,
    pub client: reqwest::Client,
    pub sandbox: SandboxServer,
    pub database_url: String,
    extra: Vec<(&'static str, String)>,
    app: Application,
    database: TestDatabase,
}

pub const API_KEY: &str = "test-admin-key";

impl TestApp {
    /// Starts the sandbox on port 0 and the server on port 0 against a fresh database.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, &[]).await
    }

    /// As [`TestApp::spawn`], with extra configuration (e.g. `SHARED_NUMBER`).
    pub async fn spawn_with(backend: Backend, extra: &[(&'static str, String)]) -> Option<TestApp> {
        Self::spawn_flavored(backend, Flavor::Twilio, extra).await
    }

    /// Starts a SignalWire-flavoured sandbox on port 0 and the server configured for it through
    /// the `SIGNALWIRE_*` variables, on a port chosen up front so that `PUBLIC_BASE_URL` can
    /// name it.
    pub async fn spawn_signalwire(backend: Backend) -> Option<TestApp> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let extra = [
            ("BIND_ADDR", format!("127.0.0.1:{port}")),
            ("PUBLIC_BASE_URL", format!("http://127.0.0.1:{port}")),
        ];
        Self::spawn_flavored(backend, Flavor::SignalWire, &extra).await
    }

    /// Starts a sandbox of `flavor` and the server configured for it (`TWILIO_*` or
    /// `SIGNALWIRE_*`), with `extra` configuration on top.
    pub async fn spawn_flavored(
        backend: Backend,
        flavor: Flavor,
        extra: &[(&'static str, String)],
    ) -> Option<TestApp> {
        let database = TestDatabase::create(backend).await?;
        let database_url = database.url().to_string();
        let sandbox = serve_sandbox("127.0.0.1:0", SandboxConfig::generate_for(flavor))
            .await
            .expect("start the sandbox");
        let app = Self::start_server_with(&sandbox, &database_url, extra).await;
        Some(TestApp {
            address: format!("http://{}", app.addr()),
            api_key: API_KEY.into(),
            client: reqwest::Client::new(),
            sandbox,
            database_url,
            extra: extra.to_vec(),
            app,
            database,
        })
    }

    async fn start_server(sandbox: &SandboxServer, database_url: &str) -> Application {
        Self::start_server_with(sandbox, database_url, &[]).await
    }

    /// Starts another server process on the same database and sandbox (for tests of several
    /// instances); stop it with `Application::stop`.
    pub async fn start_another_server(&self) -> Application {
        Self::start_server(&self.sandbox, &self.database_url).await
    }

    async fn start_server_with(
        sandbox: &SandboxServer,
        database_url: &str,
        extra: &[(&'static str, String)],
    ) -> Application {
        let mut env = vec![
            ("DATABASE_URL", database_url.to_string()),
            ("BIND_ADDR", "127.0.0.1:0".to_string()),
            ("ADMIN_API_KEY", API_KEY.to_string()),
            // Tests drive /v1 much faster than any client should; the rate limits' own tests
            // set them.
            ("RATE_LIMIT_PER_KEY", "0".to_string()),
            ("RATE_LIMIT_PER_SOURCE", "0".to_string()),
        ];
        env.extend(provider_env(sandbox));
        env.extend(extra.iter().cloned());
        // The last value of a key wins, so `extra` overrides the defaults above.
        let mut settings = Settings::from_lookup(|key| {
            env.iter()
                .rev()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())
                .or_else(|| (key == "PUBLIC_BASE_URL").then(|| "http://127.0.0.1".to_string()))
        })
        .expect("settings");
        // The server binds port 0, so its public URL is only known once bound: the webhooks it
        // configures point at the bound address unless a test set PUBLIC_BASE_URL itself.
        if !env.iter().any(|(k, _)| *k == "PUBLIC_BASE_URL") {
            settings.public_base_url = None;
        }
        Application::start(settings)
            .await
            .expect("start the server")
    }

    /// Stops the server and starts a new one on the same database and sandbox (a restart).
    pub async fn restart(mut self) -> TestApp {
        let new = Self::start_server_with(&self.sandbox, &self.database_url, &self.extra).await;
        let old = std::mem::replace(&mut self.app, new);
        old.stop().await;
        self.address = format!("http://{}", self.app.addr());
        self
    }

    /// As [`TestApp::restart`], with `extra` configuration on top for the new server (and any
    /// later restart).
    pub async fn restart_with(mut self, extra: &[(&'static str, String)]) -> TestApp {
        self.extra.extend(extra.iter().cloned());
        self.restart().await
    }

    /// Stops everything and drops the database.
    pub async fn finish(self) {
        self.app.stop().await;
        let _ = self.sandbox.shutdown().await;
        self.database.drop_database().await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(&self.api_key)
            .send()
            .await
            .expect("request")
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(&self.api_key)
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn patch(&self, path: &str, body: Value) -> Response {
        self.client
            .patch(self.url(path))
            .bearer_auth(&self.api_key)
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.client
            .delete(self.url(path))
            .bearer_auth(&self.api_key)
            .send()
            .await
            .expect("request")
    }

    /// Creates an organization and returns its id.
    pub async fn create_organization(&self, name: &str, plan: &str) -> String {
        let response = self
            .post("/v1/organizations", json!({"name": name, "plan": plan}))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        body(response).await["id"].as_str().unwrap().to_string()
    }

    /// Provisions a number by E.164 and returns its JSON.
    pub async fn provision(&self, organization_id: &str, request: Value) -> Response {
        self.post(
            &format!("/v1/organizations/{organization_id}/numbers"),
            request,
        )
        .await
    }

    /// Asks the sandbox's customer simulator to deliver a message; returns its JSON answer.
    pub async fn customer_sends(&self, request: Value) -> Value {
        let response = self
            .client
            .post(self.sandbox.messages_url())
            .json(&request)
            .send()
            .await
            .expect("simulator request");
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "simulator refused {request}"
        );
        body(response).await
    }

    /// Posts a webhook form to our server signed as the sandbox's provider would: with the auth
    /// token in `X-Twilio-Signature`, or with the signing key in `X-SignalWire-Signature`.
    pub async fn signed_webhook(&self, path: &str, params: &[(&str, &str)]) -> Response {
        self.signed_webhook_to(&self.address, path, params).await
    }

    /// Posts a signed webhook to the server at `address` (another instance).
    pub async fn signed_webhook_to(
        &self,
        address: &str,
        path: &str,
        params: &[(&str, &str)],
    ) -> Response {
        let url = format!("{address}{path}");
        let pairs: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let sandbox = self.sandbox.sandbox();
        let key = sandbox.signing_key().expose_secret().to_string();
        let signature = compute_signature(key.as_bytes(), &url, &pairs);
        self.client
            .post(url)
            .header(sandbox.flavor().signature_header(), signature)
            .form(&pairs)
            .send()
            .await
            .expect("webhook request")
    }

    /// Posts an inbound-message form to our webhook, signed with `key` in `header` (a key of
    /// the test's choosing: a forged one, a rotated one).
    pub async fn webhook_signed_with(
        &self,
        header: &str,
        key: &str,
        params: &[(&str, &str)],
    ) -> Response {
        let url = self.url("/webhooks/twilio/messages");
        let pairs: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let signature = compute_signature(key.as_bytes(), &url, &pairs);
        self.client
            .post(url)
            .header(header, signature)
            .form(&pairs)
            .send()
            .await
            .expect("webhook request")
    }

    /// `/metrics`, as text.
    pub async fn metrics(&self) -> String {
        self.client
            .get(self.url("/metrics"))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("metrics text")
    }

    /// Provisions a number in an area code for the organization and returns it.
    pub async fn number_for(&self, organization_id: &str) -> String {
        let response = self
            .provision(organization_id, json!({"area_code": "415"}))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        body(response).await["phone_number"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// A customer message delivered by the simulator; returns the TwiML we answered.
    pub async fn customer_says(&self, from: &str, to: &str, text: &str) -> String {
        let answer = self
            .customer_sends(json!({"from": from, "to": to, "body": text}))
            .await;
        assert_eq!(answer["status"], 200, "answer {answer}");
        answer["twiml"].as_str().unwrap().to_string()
    }

    /// The organization's usage.
    pub async fn usage(&self, organization_id: &str) -> Value {
        let response = self
            .get(&format!("/v1/organizations/{organization_id}/usage"))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        body(response).await
    }

    /// What the sandbox delivered to customers' phones (outbound messages), oldest first.
    pub async fn sent_to_customers(&self) -> Vec<Value> {
        let response = self
            .client
            .get(self.sandbox.outbound_messages_url())
            .send()
            .await
            .expect("sandbox outbound log");
        body(response).await.as_array().cloned().unwrap_or_default()
    }

    /// Polls `check` every 50 ms until it holds or 5 s pass; returns whether it held.
    pub async fn wait_for<F, Fut>(&self, check: F) -> bool
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        for _ in 0..100 {
            if check().await {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }

    /// The organization's messages (newest first).
    pub async fn messages(&self, organization_id: &str) -> Vec<Value> {
        let response = self
            .get(&format!(
                "/v1/organizations/{organization_id}/messages?limit=200"
            ))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        body(response).await["items"].as_array().unwrap().clone()
    }

    /// Waits until the organization's messages read model has `n` rows (the projector runs
    /// asynchronously after a webhook), at most 5 s.
    pub async fn wait_for_messages(&self, organization_id: &str, n: usize) -> Vec<Value> {
        self.wait_for_messages_where(organization_id, |m| m.len() >= n)
            .await
    }

    /// Waits until the organization's messages (newest first) satisfy `done`, at most 5 s;
    /// returns them as they are then.
    pub async fn wait_for_messages_where(
        &self,
        organization_id: &str,
        done: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        for _ in 0..100 {
            let messages = self.messages(organization_id).await;
            if done(&messages) {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.messages(organization_id).await
    }

    /// How many `QuotaReset` events the organization's quota streams hold, once the start-up
    /// reset passes have run (waits up to 5 s for the first, then 300 ms for any other).
    pub async fn quota_resets(&self, organization_id: &str) -> i64 {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.database_url)
            .await
            .expect("db");
        let count = || async {
            let (n,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM events WHERE aggregate_type = 'Quota'
                   AND event_type = 'QuotaReset' AND aggregate_id LIKE $1",
            )
            .bind(format!("{organization_id}/%"))
            .fetch_one(&pool)
            .await
            .expect("count");
            n
        };
        for _ in 0..100 {
            if count().await > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let resets = count().await;
        pool.close().await;
        resets
    }

    /// A real REST client on the sandbox account, in its dialect: what the provider itself
    /// holds.
    pub fn provider(&self) -> TwilioClient {
        provider_client(&self.sandbox)
    }

    /// The numbers the sandbox account owns, sorted.
    pub async fn owned_at_provider(&self) -> Vec<String> {
        let mut numbers: Vec<String> = self
            .provider()
            .list_owned()
            .await
            .expect("list owned numbers")
            .into_iter()
            .map(|n| n.phone_number.to_string())
            .collect();
        numbers.sort();
        numbers
    }

    /// Buys `number` at the sandbox directly (as a crashed process or an operator would), with
    /// our webhooks.
    pub async fn buy_at_provider(&self, number: &str, friendly_name: &str) {
        self.provider()
            .purchase(&PurchaseRequest {
                target: PurchaseTarget::Number(E164::parse(number).expect("E.164")),
                friendly_name: Some(friendly_name.to_string()),
                webhooks: WebhookConfig::under(&self.address),
            })
            .await
            .expect("purchase");
    }

    /// Runs a command on an organization's stream directly in the event store (to stage what a
    /// crash would have left behind).
    pub async fn organization_command(&self, organization_id: &str, command: OrganizationCommand) {
        let database = Database::connect(&self.database_url).await.expect("db");
        let store: PersistedEventStore<_, Organization> =
            PersistedEventStore::new_event_store(database.event_repository());
        execute(&store, &(), organization_id, command, Default::default())
            .await
            .expect("command");
        database.close().await;
    }

    /// Asks the sandbox's caller simulator to place a call; returns its JSON answer.
    pub async fn caller_calls(&self, request: Value) -> Value {
        let response = self
            .client
            .post(self.sandbox.calls_url())
            .json(&request)
            .send()
            .await
            .expect("caller simulator request");
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "caller simulator refused {request}"
        );
        body(response).await
    }

    /// The payloads of the events of type `event_type` in a MessageSid's stream.
    pub async fn recorded(&self, message_sid: &str, event_type: &str) -> Vec<Value> {
        self.recorded_in("Message", message_sid, event_type).await
    }

    /// The payloads of the events of type `event_type` in stream `aggregate_id` of
    /// `aggregate_type`, in order.
    pub async fn recorded_in(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
        event_type: &str,
    ) -> Vec<Value> {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.database_url)
            .await
            .expect("db");
        let sql = if self.database_url.starts_with("postgres") {
            "SELECT payload::text AS payload FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 AND event_type = $3 ORDER BY sequence"
        } else {
            "SELECT payload FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 AND event_type = $3 ORDER BY sequence"
        };
        let rows: Vec<(String,)> = sqlx::query_as(sql)
            .bind(aggregate_type)
            .bind(aggregate_id)
            .bind(event_type)
            .fetch_all(&pool)
            .await
            .expect("events");
        pool.close().await;
        rows.into_iter()
            .map(|(p,)| serde_json::from_str(&p).unwrap())
            .collect()
    }

    /// The MessageSids of every decided inbound message, in global log order.
    pub async fn outcome_order(&self) -> Vec<String> {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.database_url)
            .await
            .expect("db");
        let order = if self.database_url.starts_with("postgres") {
            "transaction_id, position"
        } else {
            "position"
        };
        let sql = format!(
            "SELECT aggregate_id FROM events WHERE event_type = 'InboundOutcomeDecided' \
              ORDER BY {order}"
        );
        let rows: Vec<(String,)> = sqlx::query_as(&sql).fetch_all(&pool).await.expect("events");
        pool.close().await;
        rows.into_iter().map(|(sid,)| sid).collect()
    }

    /// The metadata of every event in one stream, in sequence order.
    pub async fn metadata_of(&self, aggregate_type: &str, aggregate_id: &str) -> Vec<Value> {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.database_url)
            .await
            .expect("db");
        let cast = if self.database_url.starts_with("postgres") {
            "::text"
        } else {
            ""
        };
        let sql = format!(
            "SELECT metadata{cast} AS metadata FROM events \
              WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY sequence"
        );
        let rows: Vec<(String,)> = sqlx::query_as(&sql)
            .bind(aggregate_type)
            .bind(aggregate_id)
            .fetch_all(&pool)
            .await
            .expect("events");
        pool.close().await;
        rows.into_iter()
            .map(|(m,)| serde_json::from_str(&m).unwrap())
            .collect()
    }
}

/// A real REST client on `sandbox`'s account, in its dialect.
pub fn provider_client(sandbox: &SandboxServer) -> TwilioClient {
    TwilioClient::new(TwilioClientConfig {
        api_base_url: sandbox.api_base_url(),
        account_sid: sandbox.sandbox().account_sid().to_string(),
        auth_token: sandbox
            .sandbox()
            .auth_token()
            .expose_secret()
            .to_string()
            .into(),
    })
    .expect("client")
    .with_flavor(sandbox.sandbox().flavor())
}

/// The variables that point a server at `sandbox`: `TWILIO_*`, or `SIGNALWIRE_*` for the
/// SignalWire flavor (the Space URL is where the sandbox is mounted).
pub fn provider_env(sandbox: &SandboxServer) -> Vec<(&'static str, String)> {
    let account = sandbox.sandbox();
    let secret = |s: &secrecy::SecretString| s.expose_secret().to_string();
    match account.flavor() {
        Flavor::Twilio => vec![
            ("TWILIO_ACCOUNT_SID", account.account_sid().to_string()),
            ("TWILIO_AUTH_TOKEN", secret(account.auth_token())),
            ("TWILIO_API_BASE_URL", sandbox.api_base_url()),
        ],
        Flavor::SignalWire => vec![
            ("SIGNALWIRE_SPACE_URL", sandbox.space_url()),
            ("SIGNALWIRE_PROJECT_ID", account.account_sid().to_string()),
            ("SIGNALWIRE_API_TOKEN", secret(account.auth_token())),
            ("SIGNALWIRE_SIGNING_KEY", secret(account.signing_key())),
        ],
    }
}

/// The JSON body.
pub async fn body(response: Response) -> Value {
    response.json().await.expect("JSON body")
}

/// Asserts a problem+json response with `status` and `code`; returns the problem.
pub async fn assert_problem(response: Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        content_type.starts_with("application/problem+json"),
        "content type {content_type}"
    );
    let problem = body(response).await;
    assert_eq!(problem["code"], code, "problem {problem}");
    assert_eq!(problem["status"], status);
    problem
}

/// Asserts a problem+json response with `status` and `code` naming `field`.
pub async fn assert_problem_at(response: Response, status: u16, code: &str, field: &str) {
    let problem = assert_problem(response, status, code).await;
    assert_eq!(problem["field"], field, "problem {problem}");
}

/// Defines a SQLite and a PostgreSQL test for each `async fn name(backend: Backend)` (tests that
/// start the server themselves, e.g. with extra settings).
#[macro_export]
macro_rules! for_each_backend {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Postgres).await;
                }
            )*
        }
    };
}

/// Runs an async scenario against both backends: `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite).await {
                        super::$name(&app).await;
                        app.finish().await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Postgres).await {
                        super::$name(&app).await;
                        app.finish().await;
                    }
                }
            )*
        }
    };
}

/// What one run of the `switchboard` binary gave.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl TestApp {
    /// Runs the `switchboard` binary with `args` against this server's database (nothing else
    /// in its environment), off the runtime's worker threads.
    pub async fn switchboard(&self, args: &[&str]) -> Run {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_switchboard"));
        command
            .args(args)
            .env_clear()
            .env("RUST_LOG", "warn")
            .env("DATABASE_URL", &self.database_url)
            .current_dir(std::env::temp_dir());
        let output = tokio::task::spawn_blocking(move || command.output())
            .await
            .expect("join")
            .expect("run the switchboard binary");
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Every event of the audit log (`GET /v1/events`, paged by 200), once the projector has
    /// chained all of them (at most 5 s).
    pub async fn audit_log(&self) -> Vec<Value> {
        for _ in 0..100 {
            let events = self.audit_log_now().await;
            if events.iter().all(|e| e["hash"].is_string()) {
                return events;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.audit_log_now().await
    }

    async fn audit_log_now(&self) -> Vec<Value> {
        let mut events = Vec::new();
        let mut after = "0".to_string();
        loop {
            let response = self
                .get(&format!("/v1/events?after={after}&limit=200"))
                .await;
            assert_eq!(response.status(), StatusCode::OK);
            let page = body(response).await;
            events.extend(page["items"].as_array().unwrap().iter().cloned());
            match page["next_cursor"].as_str() {
                Some(next) => after = next.to_string(),
                None => return events,
            }
        }
    }

    /// The single integer one SQL query returns, on the server's database.
    pub async fn count_sql(&self, sql: &str) -> i64 {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.database_url)
            .await
            .expect("db");
        let (count,): (i64,) = sqlx::query_as(sql).fetch_one(&pool).await.expect("query");
        pool.close().await;
        count
    }

    /// Runs one SQL statement on the server's database (to stage what an attacker or a bug
    /// would do); returns the rows it changed.
    pub async fn execute_sql(&self, sql: &str) -> u64 {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.database_url)
            .await
            .expect("db");
        let done = sqlx::query(sql).execute(&pool).await.expect("statement");
        pool.close().await;
        done.rows_affected()
    }
}
