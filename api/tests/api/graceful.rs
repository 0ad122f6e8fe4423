//! Graceful shutdown of the real binary: on SIGTERM `/health/ready` turns 503 first (while the
//! server still serves, for `SHUTDOWN_DRAIN_MS`), a webhook in flight is answered in full, and
//! the process then exits on its own.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use switchboard_adapters::sandbox::{serve_sandbox, SandboxConfig};

use crate::helpers::{body, API_KEY};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_turns_readiness_false_first_and_finishes_the_webhook_in_flight() {
    let dir = std::env::temp_dir().join(format!("sb-term-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let database_url = format!("sqlite://{}/switchboard.db", dir.display());
    // The organization's responder lives outside the process that stops, and is slow.
    let outside = serve_sandbox("127.0.0.1:0", SandboxConfig::generate())
        .await
        .unwrap();
    let (mut child, address) = crate::process::start_process(&[
        ("DATABASE_URL", database_url.as_str()),
        ("SANDBOX", "true"),
        ("SHUTDOWN_DRAIN_MS", "1000"),
    ]);
    let client = reqwest::Client::new();
    let v1 = |path: &str| {
        client
            .post(format!("{address}/v1/organizations{path}"))
            .header("authorization", format!("Bearer {API_KEY}"))
    };
    let org = body(
        v1("")
            .json(&json!({"name": "Draining", "plan": "starter"}))
            .send()
            .await
            .unwrap(),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let number = body(
        v1(&format!("/{org}/numbers"))
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
    let endpoint = body(
        v1(&format!("/{org}/endpoints"))
            .json(
                &json!({"url": rx["url"], "responder": true, "event_types": ["message.received"]}),
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    client
        .put(format!(
            "{}/receivers/{}/config",
            outside.space_url(),
            rx["id"].as_str().unwrap()
        ))
        .json(&json!({"secret": endpoint["secret"], "reply": "still here", "delay_ms": 2000}))
        .send()
        .await
        .unwrap();
    let ready = |client: reqwest::Client| {
        let url = format!("{address}/health/ready");
        async move {
            let response = client.get(url).send().await.unwrap();
            let connection = response.headers().get("connection").cloned();
            (
                response.status().as_u16(),
                connection,
                response.json::<Value>().await.unwrap(),
            )
        }
    };
    let (status, connection, before) = ready(client.clone()).await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(connection, None, "connections are kept alive while serving");
    assert_eq!(before["shutting_down"], false);
    assert_eq!(
        before["jobs"]["projector"], true,
        "SQLite: the one process owns every job"
    );

    // A customer's message whose webhook waits two seconds on the responder.
    let in_flight = tokio::spawn({
        let (client, address) = (client.clone(), address.clone());
        async move {
            body(
                client
                    .post(format!("{address}/sandbox/messages"))
                    .json(&json!({"from": "+15551239999", "to": number, "body": "anyone?"}))
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let term = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, connection, draining) = ready(client.clone()).await;
    assert_eq!(status, 503, "not ready once SIGTERM arrived: {draining}");
    // A kept-alive client's next request goes to a new connection (another replica).
    assert_eq!(
        connection.as_ref().and_then(|v| v.to_str().ok()),
        Some("close"),
        "while draining, responses close their connection"
    );
    assert_eq!(draining["shutting_down"], true);
    assert!(!in_flight.is_finished(), "the webhook is still in flight");

    let answered = in_flight.await.unwrap();
    assert_eq!(answered["status"], 200, "{answered}");
    assert!(
        answered["twiml"].as_str().unwrap().contains("still here"),
        "{answered}"
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            Instant::now() < deadline,
            "the process did not exit after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "{exit:?}");
    let _ = outside.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}
