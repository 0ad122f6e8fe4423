//! Nothing that reached us is lost when a process dies (issue 11, item 4): the real
//! `switchboard` binary takes many signed inbound webhooks at once and is killed (SIGKILL)
//! mid-load; started again on the same database, it is sent again every webhook it had not
//! answered 200, as Twilio's retry (`#rc=3&rp=5xx,ct,rt`) would. Then every message is recorded
//! exactly once, each with its outcome, and the quota counted each once.
//!
//! A message's record, its outcome and its quota count are one commit, so there is no moment
//! "recorded, not yet decided" for the kill to land in; this is the honest form of "killed after
//! it was recorded and before it was decided ends decided": whatever the kill interrupts is
//! either all there or not there at all, and the redelivery completes what is not.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt;
use secrecy::ExposeSecret;
use serde_json::{json, Value};
use switchboard_adapters::event_store::Database;
use switchboard_adapters::sandbox::{serve_sandbox, SandboxConfig};
use switchboard_adapters::test_database::TestDatabase;
use switchboard_adapters::twilio::compute_signature;

use crate::helpers::{body, provider_env, Backend, API_KEY};
use crate::process::start_process;

/// Messages sent; the kill comes once a quarter of them were answered.
const MESSAGES: usize = 200;
const AT_ONCE: usize = 24;
/// What the server believes its public URL is: signatures are over it.
const PUBLIC_BASE_URL: &str = "http://127.0.0.1:9";

/// One inbound webhook, signed as Twilio signs it.
#[derive(Clone)]
struct Webhook {
    sid: String,
    form: Vec<(String, String)>,
    signature: String,
}

fn webhooks(key: &str, to: &str) -> Vec<Webhook> {
    let url = format!("{PUBLIC_BASE_URL}/webhooks/twilio/messages");
    (0..MESSAGES)
        .map(|i| {
            let sid = format!("SM{:032x}", 0xdead_0000 + i);
            let form = vec![
                ("MessageSid".to_string(), sid.clone()),
                (
                    "AccountSid".to_string(),
                    "AC00000000000000000000000000000000".to_string(),
                ),
                ("From".to_string(), format!("+1555200{:04}", i % 40)),
                ("To".to_string(), to.to_string()),
                ("Body".to_string(), format!("order {i}")),
            ];
            let signature = compute_signature(key.as_bytes(), &url, &form);
            Webhook {
                sid,
                form,
                signature,
            }
        })
        .collect()
}

/// Posts `webhook` to the server at `address`; whether it was answered 200.
async fn deliver(client: &reqwest::Client, address: &str, webhook: &Webhook) -> bool {
    client
        .post(format!("{address}/webhooks/twilio/messages"))
        .header("X-Twilio-Signature", &webhook.signature)
        .form(&webhook.form)
        .send()
        .await
        .is_ok_and(|response| response.status() == 200)
}

/// `(aggregate_id, payload)` of every event of `event_type`.
async fn events(database_url: &str, event_type: &str) -> Vec<(String, Value)> {
    let database = Database::connect(database_url).await.unwrap();
    let sql = if database_url.starts_with("postgres") {
        "SELECT aggregate_id, payload::text FROM events WHERE event_type = $1"
    } else {
        "SELECT aggregate_id, payload FROM events WHERE event_type = $1"
    };
    let rows: Vec<(String, String)> = sqlx::query_as(sql)
        .bind(event_type)
        .fetch_all(database.any())
        .await
        .unwrap();
    database.close().await;
    rows.into_iter()
        .map(|(id, payload)| (id, serde_json::from_str(&payload).unwrap()))
        .collect()
}

fn counts(ids: impl IntoIterator<Item = String>) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for id in ids {
        *counts.entry(id).or_insert(0) += 1;
    }
    counts
}

async fn post(client: &reqwest::Client, url: String, request: Value) -> Value {
    let response = client
        .post(url)
        .bearer_auth(API_KEY)
        .json(&request)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    body(response).await
}

async fn messages_killed_mid_load_are_each_recorded_once_with_an_outcome(backend: Backend) {
    let Some(database) = TestDatabase::create(backend).await else {
        return;
    };
    let sandbox = serve_sandbox("127.0.0.1:0", SandboxConfig::generate())
        .await
        .unwrap();
    let key = sandbox.sandbox().signing_key().expose_secret().to_string();
    let mut env = provider_env(&sandbox);
    env.extend([
        ("DATABASE_URL", database.url().to_string()),
        ("PUBLIC_BASE_URL", PUBLIC_BASE_URL.to_string()),
    ]);
    let client = reqwest::Client::new();
    let (mut first, address) = start_process(&env);
    let org = post(
        &client,
        format!("{address}/v1/organizations"),
        json!({"name": "Busy Cafe", "plan": "business"}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let number = post(
        &client,
        format!("{address}/v1/organizations/{org}/numbers"),
        json!({"area_code": "415"}),
    )
    .await["phone_number"]
        .as_str()
        .unwrap()
        .to_string();
    let all = webhooks(&key, &number);

    // Many at once; the process is killed once a quarter were answered.
    let answered = Arc::new(Mutex::new(HashSet::new()));
    let load = tokio::spawn({
        let (client, address, all, answered) = (
            client.clone(),
            address.clone(),
            all.clone(),
            answered.clone(),
        );
        async move {
            futures::stream::iter(all)
                .for_each_concurrent(AT_ONCE, |webhook| {
                    let (client, address, answered) = (&client, &address, &answered);
                    async move {
                        if deliver(client, address, &webhook).await {
                            answered.lock().unwrap().insert(webhook.sid.clone());
                        }
                    }
                })
                .await;
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    while answered.lock().unwrap().len() < MESSAGES / 4 {
        assert!(Instant::now() < deadline, "the load was never answered");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.kill().expect("SIGKILL");
    let _ = first.wait();
    load.await.unwrap();
    let answered = answered.lock().unwrap().clone();
    assert!(
        answered.len() < MESSAGES,
        "killed mid-load: {} of {MESSAGES} answered",
        answered.len()
    );

    // Started again; every webhook not answered 200 comes again.
    let (mut second, address) = start_process(&env);
    for webhook in all.iter().filter(|w| !answered.contains(&w.sid)) {
        let mut tries = 0;
        while !deliver(&client, &address, webhook).await {
            tries += 1;
            assert!(tries < 5, "{} was never answered 200", webhook.sid);
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let usage = loop {
        let usage = body(
            client
                .get(format!("{address}/v1/organizations/{org}/usage"))
                .bearer_auth(API_KEY)
                .send()
                .await
                .unwrap(),
        )
        .await;
        if usage["used"] == MESSAGES || Instant::now() > deadline {
            break usage;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let _ = second.kill();
    let _ = second.wait();
    let _ = sandbox.shutdown().await;
    let received = counts(
        events(database.url(), "MessageReceived")
            .await
            .into_iter()
            .map(|(id, _)| id),
    );
    let decided = counts(
        events(database.url(), "InboundOutcomeDecided")
            .await
            .into_iter()
            .map(|(id, _)| id),
    );
    let consumed = counts(
        events(database.url(), "QuotaConsumed")
            .await
            .into_iter()
            .map(|(_, payload)| {
                payload["QuotaConsumed"]["reference"]
                    .as_str()
                    .unwrap()
                    .to_string()
            }),
    );
    database.drop_database().await;

    let sids: HashSet<String> = all.iter().map(|w| w.sid.clone()).collect();
    let once = |counts: &HashMap<String, usize>| {
        counts.len() == MESSAGES && counts.iter().all(|(id, n)| *n == 1 && sids.contains(id))
    };
    assert!(once(&received), "each message recorded once: {received:?}");
    assert!(once(&decided), "each message decided once: {decided:?}");
    assert!(once(&consumed), "each message counted once: {consumed:?}");
    assert_eq!(usage["used"], MESSAGES, "{usage}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_killed_mid_load_are_each_recorded_once_with_an_outcome_on_sqlite() {
    messages_killed_mid_load_are_each_recorded_once_with_an_outcome(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_killed_mid_load_are_each_recorded_once_with_an_outcome_on_postgres() {
    messages_killed_mid_load_are_each_recorded_once_with_an_outcome(Backend::Postgres).await;
}
