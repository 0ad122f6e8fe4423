//! Delivery across processes: a dispatcher killed (SIGKILL) mid-delivery redelivers after a
//! restart, and two servers on one database deliver each event once.

use std::process::Child;
use std::time::{Duration, Instant};

use serde_json::json;
use switchboard_adapters::sandbox::{serve_sandbox, SandboxConfig};

use crate::delivery::{configure, received, register, spawn, verify_independently, wait_received};
use crate::helpers::{body, Backend, TestApp};

/// A real `switchboard serve` process on `database_url` (built-in sandbox); returns the child and
/// its base URL.
fn start_process(database_url: &str) -> (Child, String) {
    crate::process::start_process(&[
        ("DATABASE_URL", database_url),
        ("SANDBOX", "true"),
        ("DELIVERY_TIMEOUT_MS", "2000"),
        ("DELIVERY_RETRY_SCHEDULE", "100ms,100ms,100ms"),
    ])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dispatcher_killed_mid_delivery_redelivers_after_restart() {
    let dir = std::env::temp_dir().join(format!("sb-kill-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let database_url = format!("sqlite://{}/switchboard.db", dir.display());
    // The organization's software lives outside the process that will die.
    let outside = serve_sandbox("127.0.0.1:0", SandboxConfig::generate())
        .await
        .unwrap();
    let client = reqwest::Client::new();
    let auth = format!("Bearer {}", crate::helpers::API_KEY);

    let (mut first, address) = start_process(&database_url);
    let org = body(
        client
            .post(format!("{address}/v1/organizations"))
            .header("authorization", &auth)
            .json(&json!({"name": "Killed", "plan": "starter"}))
            .send()
            .await
            .unwrap(),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let number = body(
        client
            .post(format!("{address}/v1/organizations/{org}/numbers"))
            .header("authorization", &auth)
            .json(&json!({"area_code": "415"}))
            .send()
            .await
            .unwrap(),
    )
    .await["phone_number"]
        .as_str()
        .unwrap()
        .to_string();
    let rx = body(
        client
            .post(format!("{}/receivers", outside.space_url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let (rx_id, rx_url) = (rx["id"].as_str().unwrap(), rx["url"].as_str().unwrap());
    let created = body(
        client
            .post(format!("{address}/v1/organizations/{org}/endpoints"))
            .header("authorization", &auth)
            .json(&json!({"url": rx_url, "event_types": ["message.received"]}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let secret = created["secret"].as_str().unwrap().to_string();
    let rx_config = format!("{}/receivers/{rx_id}/config", outside.space_url());
    client
        .put(&rx_config)
        .json(&json!({"secret": secret, "delay_ms": 1500}))
        .send()
        .await
        .unwrap();
    let delivered = client
        .post(format!("{address}/sandbox/messages"))
        .json(&json!({"from": "+15551237777", "to": number, "body": "are you there?"}))
        .send()
        .await
        .unwrap();
    assert_eq!(delivered.status(), 200);

    // The delivery reaches the receiver, which is slow to answer: kill the server now.
    let rx_state = format!("{}/receivers/{rx_id}", outside.space_url());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let got = body(client.get(&rx_state).send().await.unwrap()).await;
        if !got["received"].as_array().unwrap().is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "the delivery never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.kill().expect("SIGKILL");
    let _ = first.wait();
    client
        .put(&rx_config)
        .json(&json!({"secret": secret}))
        .send()
        .await
        .unwrap();

    let (mut second, _) = start_process(&database_url);
    let deadline = Instant::now() + Duration::from_secs(20);
    let got = loop {
        let got = body(client.get(&rx_state).send().await.unwrap()).await["received"]
            .as_array()
            .unwrap()
            .clone();
        if got.len() >= 2 || Instant::now() > deadline {
            break got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let _ = second.kill();
    let _ = second.wait();
    let _ = outside.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(got.len(), 2, "redelivered after the restart: {got:?}");
    assert_eq!(got[0]["webhook_id"], got[1]["webhook_id"]);
    assert_eq!(got[1]["answered"], 204);
    verify_independently(&secret, &got[1]);
}

async fn two_servers_deliver_each_event_once(app: &TestApp) {
    let second = app.start_another_server().await;
    let second_address = format!("http://{}", second.addr());
    let org = app.create_organization("Twice", "business").await;
    let number = app.number_for(&org).await;
    let (rx, url) = crate::delivery::receiver(app).await;
    let (_, secret) = register(
        app,
        &org,
        &rx,
        &url,
        json!({"event_types": ["message.received"]}),
    )
    .await;
    configure(app, &rx, json!({"secret": secret, "delay_ms": 50})).await;
    for i in 0..20 {
        let address = if i % 2 == 0 {
            &app.address
        } else {
            &second_address
        };
        let sid = format!("SM{:032x}", 0xabc000 + i);
        let from = format!("+1555124{i:04}");
        let params = [
            ("MessageSid", sid.as_str()),
            ("From", from.as_str()),
            ("To", number.as_str()),
            ("Body", "hi"),
        ];
        // Two processes share one SQLite file, whose single writer can keep a commit waiting
        // past its bound on a busy machine: a 503 is redelivered, as Twilio's retry override
        // (`rp=5xx`) does, and the MessageSid makes the redelivery count once.
        let mut refusals = Vec::new();
        loop {
            let response = app
                .signed_webhook_to(address, "/webhooks/twilio/messages", &params)
                .await;
            let status = response.status();
            if status == 200 {
                break;
            }
            refusals.push(format!("{status}: {}", response.text().await.unwrap()));
            assert!(
                status == 503 && refusals.len() < 3,
                "webhook {i} not accepted: {refusals:?}"
            );
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
    let got = wait_received(app, &rx, 20, Duration::from_secs(15)).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let got_later = received(app, &rx).await;
    assert_eq!(got.len(), 20);
    assert_eq!(
        got_later.len(),
        20,
        "each event delivered once by the two servers"
    );
    let ids: std::collections::HashSet<&str> = got_later
        .iter()
        .map(|d| d["webhook_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 20);
    second.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_deliver_each_event_once_on_postgres() {
    if let Some(app) = spawn(Backend::Postgres, &[]).await {
        two_servers_deliver_each_event_once(&app).await;
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_deliver_each_event_once_on_sqlite() {
    if let Some(app) = spawn(Backend::Sqlite, &[]).await {
        two_servers_deliver_each_event_once(&app).await;
        app.finish().await;
    }
}
