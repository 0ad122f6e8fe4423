//! `Idempotency-Key` on provisioning and sending (IETF draft "The Idempotency-Key HTTP Header
//! Field"): a retry with the same key and body answers the first response without acting again,
//! in any process; another body is 422; a key still in progress is 409.

use std::time::Duration;

use reqwest::Response;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, body, Backend, TestApp};
use crate::on_both_backends;
use crate::provider_proxy::{app_behind_proxy, FirstPurchase};

const REPLAYED: &str = "Idempotent-Replayed";

async fn post_with_key(
    app: &TestApp,
    address: &str,
    path: &str,
    key: &str,
    request: &Value,
) -> Response {
    app.client
        .post(format!("{address}{path}"))
        .bearer_auth(&app.api_key)
        .header("Idempotency-Key", key)
        .json(request)
        .send()
        .await
        .expect("request")
}

fn replayed(response: &Response) -> Option<&str> {
    response
        .headers()
        .get(REPLAYED)
        .and_then(|v| v.to_str().ok())
}

async fn a_provisioning_retried_with_its_key_buys_one_number_in_any_process(app: &TestApp) {
    let org = app.create_organization("Retry Cafe", "starter").await;
    let path = format!("/v1/organizations/{org}/numbers");
    let request = json!({"area_code": "415"});
    let before = app.owned_at_provider().await.len();

    let first = post_with_key(app, &app.address, &path, "provision-1", &request).await;
    assert_eq!(first.status(), 201);
    assert_eq!(replayed(&first), None);
    let first = body(first).await;
    let again = post_with_key(app, &app.address, &path, "provision-1", &request).await;
    assert_eq!(again.status(), 201);
    assert_eq!(replayed(&again), Some("true"));
    assert_eq!(body(again).await, first);

    // Another process on the same database answers the same: the row decides, not memory.
    let other = app.start_another_server().await;
    let elsewhere = format!("http://{}", other.addr());
    let there = post_with_key(app, &elsewhere, &path, "provision-1", &request).await;
    other.stop().await;
    assert_eq!(there.status(), 201);
    assert_eq!(replayed(&there), Some("true"));
    assert_eq!(body(there).await, first);
    assert_eq!(
        app.owned_at_provider().await.len(),
        before + 1,
        "one purchase"
    );

    // The same key in another organization is another key.
    let other_org = app.create_organization("Other Cafe", "starter").await;
    let path = format!("/v1/organizations/{other_org}/numbers");
    let theirs = post_with_key(app, &app.address, &path, "provision-1", &request).await;
    assert_eq!(theirs.status(), 201);
    assert_eq!(replayed(&theirs), None);
    assert_eq!(app.owned_at_provider().await.len(), before + 2);
}

async fn a_send_retried_with_its_key_reaches_the_customer_once(app: &TestApp) {
    let org = app.create_organization("Sender", "trial").await;
    app.number_for(&org).await;
    let path = format!("/v1/organizations/{org}/messages");
    let request = json!({"to": "+15551230000", "body": "Your order shipped", "channel": "sms"});
    let first = post_with_key(app, &app.address, &path, "send-1", &request).await;
    assert_eq!(first.status(), 201);
    let first = body(first).await;
    let again = post_with_key(app, &app.address, &path, "send-1", &request).await;
    assert_eq!(again.status(), 201);
    assert_eq!(replayed(&again), Some("true"));
    assert_eq!(body(again).await["message_sid"], first["message_sid"]);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(app.sent_to_customers().await.len(), 1, "sent once");
}

async fn a_key_reused_with_another_request_is_refused(app: &TestApp) {
    let org = app.create_organization("Reuse", "trial").await;
    app.number_for(&org).await;
    let messages = format!("/v1/organizations/{org}/messages");
    let send = |text: &str| json!({"to": "+15551230000", "body": text, "channel": "sms"});
    let first = post_with_key(app, &app.address, &messages, "reused", &send("one")).await;
    assert_eq!(first.status(), 201);
    let other_body = post_with_key(app, &app.address, &messages, "reused", &send("two")).await;
    let problem = assert_problem(other_body, 422, "idempotency_key_reused").await;
    assert_eq!(problem["field"], "Idempotency-Key");
    let numbers = format!("/v1/organizations/{org}/numbers");
    let other_path = post_with_key(
        app,
        &app.address,
        &numbers,
        "reused",
        &json!({"area_code": "415"}),
    )
    .await;
    assert_problem(other_path, 422, "idempotency_key_reused").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        app.sent_to_customers().await.len(),
        1,
        "only the first was sent"
    );
}

async fn a_malformed_key_is_refused_before_anything_happens(app: &TestApp) {
    let org = app.create_organization("Malformed", "trial").await;
    let path = format!("/v1/organizations/{org}/numbers");
    let before = app.owned_at_provider().await.len();
    for key in ["has space".to_string(), "k".repeat(256), "é".to_string()] {
        let response =
            post_with_key(app, &app.address, &path, &key, &json!({"area_code": "415"})).await;
        let problem = assert_problem(response, 400, "invalid_idempotency_key").await;
        assert_eq!(problem["field"], "Idempotency-Key");
    }
    assert_eq!(
        app.owned_at_provider().await.len(),
        before,
        "nothing bought"
    );
}

on_both_backends!(
    a_provisioning_retried_with_its_key_buys_one_number_in_any_process,
    a_send_retried_with_its_key_reaches_the_customer_once,
    a_key_reused_with_another_request_is_refused,
    a_malformed_key_is_refused_before_anything_happens,
);

/// While the first request with a key waits on a slow purchase, a second with the same key is
/// told to come back (409 + `Retry-After`); once the first is done, the retry gets its answer.
async fn a_key_still_in_progress_answers_409_with_retry_after(backend: Backend) {
    let Some((app, mut proxy)) =
        app_behind_proxy(backend, FirstPurchase::Delayed(Duration::from_secs(2))).await
    else {
        return;
    };
    let org = app.create_organization("Slow", "starter").await;
    let path = format!("/v1/organizations/{org}/numbers");
    let request = json!({"area_code": "415"});
    let first = {
        let (client, url, key) = (app.client.clone(), app.url(&path), app.api_key.clone());
        let request = request.clone();
        tokio::spawn(async move {
            let response = client
                .post(url)
                .bearer_auth(key)
                .header("Idempotency-Key", "slow-1")
                .json(&request)
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), body(response).await)
        })
    };
    tokio::time::timeout(
        Duration::from_secs(20),
        proxy.bought.wait_for(Option::is_some),
    )
    .await
    .expect("the purchase reached the provider")
    .unwrap();
    let meanwhile = post_with_key(&app, &app.address, &path, "slow-1", &request).await;
    assert_eq!(
        meanwhile
            .headers()
            .get("Retry-After")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    assert_problem(meanwhile, 409, "idempotency_key_in_progress").await;
    let (status, first) = first.await.unwrap();
    assert_eq!(status, 201, "{first}");
    let retry = post_with_key(&app, &app.address, &path, "slow-1", &request).await;
    assert_eq!(replayed(&retry), Some("true"));
    assert_eq!(body(retry).await, first);
    proxy.server.abort();
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_still_in_progress_answers_409_with_retry_after_on_sqlite() {
    a_key_still_in_progress_answers_409_with_retry_after(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_still_in_progress_answers_409_with_retry_after_on_postgres() {
    a_key_still_in_progress_answers_409_with_retry_after(Backend::Postgres).await;
}
