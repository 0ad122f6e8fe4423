//! Everything accepted before a restart is there after it, and routing carries on.

use serde_json::json;

use crate::helpers::{body, Backend, TestApp};

async fn state_and_routing_survive_a_restart(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let org = app.create_organization("Durable", "trial").await;
    let number = body(app.provision(&org, json!({"area_code": "415"})).await).await["phone_number"]
        .as_str()
        .unwrap()
        .to_string();
    app.customer_sends(json!({"from": "+15551230000", "to": number, "body": "before"}))
        .await;
    app.wait_for_messages(&org, 1).await;

    let app = app.restart().await;
    let listed = body(app.get("/v1/organizations").await).await;
    assert_eq!(listed["items"][0]["id"], org.as_str());
    assert_eq!(
        body(app.get(&format!("/v1/numbers/{number}")).await).await["status"],
        "active"
    );
    assert_eq!(app.messages(&org).await.len(), 1);

    // The restarted server listens on a new port: re-apply the webhooks so Twilio posts there.
    let configured = body(
        app.post(
            &format!("/v1/organizations/{org}/numbers/{number}/webhooks"),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(
        configured["sms_url"],
        app.url("/webhooks/twilio/messages#rc=3&rp=5xx,ct,rt")
    );
    app.customer_sends(json!({"from": "+15551230000", "to": number, "body": "after"}))
        .await;
    let messages = app.wait_for_messages(&org, 2).await;
    let bodies: Vec<_> = messages
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, vec!["after", "before"], "newest first");
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_and_routing_survive_a_restart_on_sqlite() {
    state_and_routing_survive_a_restart(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_and_routing_survive_a_restart_on_postgres() {
    state_and_routing_survive_a_restart(Backend::Postgres).await;
}
