//! Delivery to organizations' endpoints, end to end: a real server, the sandbox's endpoint
//! receiver standing in for the organization's software, and signatures checked by the official
//! `standardwebhooks` crate (an independent implementation of the scheme).

use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{json, Value};

use crate::helpers::{body, Backend, TestApp};

/// Retries a tenth of a second apart, so failure paths finish within a test.
pub const FAST_RETRIES: &str = "100ms,100ms,100ms,100ms,100ms";

pub async fn spawn(backend: Backend, extra: &[(&'static str, &str)]) -> Option<TestApp> {
    let mut settings: Vec<(&'static str, String)> =
        vec![("DELIVERY_RETRY_SCHEDULE", FAST_RETRIES.to_string())];
    settings.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    TestApp::spawn_with(backend, &settings).await
}

/// A receiver at the test's sandbox: `(id, url)`.
pub async fn receiver(app: &TestApp) -> (String, String) {
    let created = app
        .client
        .post(format!("{}/receivers", app.sandbox.space_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created = body(created).await;
    (
        created["id"].as_str().unwrap().to_string(),
        created["url"].as_str().unwrap().to_string(),
    )
}

pub async fn configure(app: &TestApp, receiver: &str, config: Value) {
    let response = app
        .client
        .put(format!(
            "{}/receivers/{receiver}/config",
            app.sandbox.space_url()
        ))
        .json(&config)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

/// What the receiver got, in arrival order.
pub async fn received(app: &TestApp, receiver: &str) -> Vec<Value> {
    let response = app
        .client
        .get(format!("{}/receivers/{receiver}", app.sandbox.space_url()))
        .send()
        .await
        .unwrap();
    body(response).await["received"].as_array().unwrap().clone()
}

/// Waits (up to `timeout`) until the receiver holds at least `n` deliveries.
pub async fn wait_received(
    app: &TestApp,
    receiver: &str,
    n: usize,
    timeout: Duration,
) -> Vec<Value> {
    let deadline = Instant::now() + timeout;
    loop {
        let got = received(app, receiver).await;
        if got.len() >= n || Instant::now() > deadline {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Registers an endpoint; returns `(endpoint id, secret)` and points the receiver's verification
/// at the secret.
pub async fn register(
    app: &TestApp,
    org: &str,
    receiver: &str,
    url: &str,
    extra: Value,
) -> (String, String) {
    let mut request = json!({"url": url});
    if let (Some(request), Some(extra)) = (request.as_object_mut(), extra.as_object()) {
        request.extend(extra.clone());
    }
    let response = app
        .post(&format!("/v1/organizations/{org}/endpoints"), request)
        .await;
    assert_eq!(response.status(), 201);
    let created = body(response).await;
    let secret = created["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"), "{created}");
    configure(app, receiver, json!({"secret": secret})).await;
    (created["id"].as_str().unwrap().to_string(), secret)
}

/// Verifies a recorded delivery with the official `standardwebhooks` crate.
pub fn verify_independently(secret: &str, delivery: &Value) {
    let mut headers = HeaderMap::new();
    for (name, key) in [
        ("webhook-id", "webhook_id"),
        ("webhook-timestamp", "webhook_timestamp"),
        ("webhook-signature", "webhook_signature"),
    ] {
        headers.insert(
            name,
            HeaderValue::from_str(delivery[key].as_str().unwrap()).unwrap(),
        );
    }
    standardwebhooks::Webhook::new(secret)
        .expect("the secret is a Standard Webhooks secret")
        .verify(delivery["body"].as_str().unwrap().as_bytes(), &headers)
        .unwrap_or_else(|e| panic!("signature refused by standardwebhooks: {e:?} for {delivery}"));
}

fn envelope(delivery: &Value) -> Value {
    serde_json::from_str(delivery["body"].as_str().unwrap()).unwrap()
}

/// An organization with a number: `(org, number)`.
async fn organization(app: &TestApp, plan: &str) -> (String, String) {
    let org = app.create_organization("Acme Shoes", plan).await;
    let number = app.number_for(&org).await;
    (org, number)
}

async fn a_routed_message_reaches_the_endpoint_signed_within_a_second(app: &TestApp) {
    let (org, number) = organization(app, "starter").await;
    let (rx, url) = receiver(app).await;
    let (_, secret) = register(app, &org, &rx, &url, json!({})).await;
    let sent_at = Instant::now();
    let delivered = app
        .customer_sends(json!({"from": "+15551230001", "to": number, "body": "size 42?"}))
        .await;
    let got = wait_received(app, &rx, 1, Duration::from_secs(5)).await;
    assert!(
        sent_at.elapsed() < Duration::from_secs(1),
        "took {:?}",
        sent_at.elapsed()
    );
    assert_eq!(got.len(), 1, "{got:?}");
    verify_independently(&secret, &got[0]);
    assert_eq!(got[0]["verified"], true);
    let envelope = envelope(&got[0]);
    assert_eq!(envelope["type"], "message.received");
    assert_eq!(envelope["data"]["organization_id"], org);
    assert_eq!(envelope["data"]["message_sid"], delivered["message_sid"]);
    assert_eq!(envelope["data"]["from"], "+15551230001");
    assert_eq!(envelope["data"]["to"], number);
    assert_eq!(envelope["data"]["body"], "size 42?");
    assert_eq!(envelope["data"]["channel"], "sms");
    assert_eq!(envelope["data"]["outcome"], "accepted");
    assert!(envelope["data"]["replies"].as_array().unwrap()[0]
        .as_str()
        .unwrap()
        .contains("Acme Shoes"));
    assert!(got[0]["webhook_id"].as_str().unwrap().starts_with("msg_"));
}

async fn a_failing_endpoint_gets_the_event_again_with_the_same_webhook_id(app: &TestApp) {
    let (org, number) = organization(app, "starter").await;
    let (rx, url) = receiver(app).await;
    let (endpoint, secret) = register(
        app,
        &org,
        &rx,
        &url,
        json!({"event_types": ["message.received"]}),
    )
    .await;
    configure(app, &rx, json!({"secret": secret, "fail_next": 3})).await;
    app.customer_sends(json!({"from": "+15551230002", "to": number, "body": "hello"}))
        .await;
    let got = wait_received(app, &rx, 4, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got_later = received(app, &rx).await;
    assert_eq!(
        got_later.len(),
        4,
        "three failures then exactly one success: {got:?}"
    );
    let ids: Vec<&str> = got_later
        .iter()
        .map(|d| d["webhook_id"].as_str().unwrap())
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let answered: Vec<u64> = got_later
        .iter()
        .map(|d| d["answered"].as_u64().unwrap())
        .collect();
    assert_eq!(answered, [500, 500, 500, 204]);
    for delivery in &got_later {
        verify_independently(&secret, delivery);
    }
    let deliveries = body(
        app.get(&format!(
            "/v1/organizations/{org}/endpoints/{endpoint}/deliveries"
        ))
        .await,
    )
    .await;
    let items = deliveries["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{deliveries}");
    assert_eq!(items[0]["status"], "delivered");
    assert_eq!(items[0]["webhook_id"], ids[0]);
    let attempts = items[0]["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 4);
    assert_eq!(attempts[0]["http_status"], 500);
    assert!(attempts[0]["error"].as_str().unwrap().contains("500"));
    assert_eq!(attempts[3]["http_status"], 204);
    assert!(attempts[3].get("error").is_none(), "{}", attempts[3]);
}

async fn an_endpoint_that_never_answers_well_ends_failed_and_can_be_retried(app: &TestApp) {
    let (org, number) = organization(app, "starter").await;
    let (rx, url) = receiver(app).await;
    let (endpoint, secret) = register(
        app,
        &org,
        &rx,
        &url,
        json!({"event_types": ["message.received"]}),
    )
    .await;
    configure(app, &rx, json!({"secret": secret, "fail_next": 100})).await;
    app.customer_sends(json!({"from": "+15551230003", "to": number, "body": "hi"}))
        .await;
    // The first attempt and the five retries of the schedule.
    wait_received(app, &rx, 6, Duration::from_secs(10)).await;
    let path = format!("/v1/organizations/{org}/endpoints/{endpoint}/deliveries");
    let mut failed = Value::Null;
    for _ in 0..50 {
        failed = body(app.get(&format!("{path}?status=failed")).await).await;
        if failed["items"].as_array().is_some_and(|i| i.len() == 1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let items = failed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{failed}");
    assert_eq!(items[0]["attempts"].as_array().unwrap().len(), 6);
    assert!(items[0].get("next_attempt_at").is_none());
    // The organization's software is fixed: one retry delivers it.
    configure(app, &rx, json!({"secret": secret})).await;
    let delivery = items[0]["id"].as_str().unwrap();
    let retried = app
        .post(&format!("{path}/{delivery}/retry"), json!({}))
        .await;
    assert_eq!(retried.status(), 202);
    let got = wait_received(app, &rx, 7, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 7);
    assert_eq!(got[6]["answered"], 204);
    assert_eq!(got[6]["webhook_id"], got[0]["webhook_id"]);
}

async fn deliveries_of_one_conversation_arrive_in_log_order(app: &TestApp) {
    let (org, number) = organization(app, "business").await;
    let (rx, url) = receiver(app).await;
    let (_, secret) = register(
        app,
        &org,
        &rx,
        &url,
        json!({"event_types": ["message.received"]}),
    )
    .await;
    // Failures at the start must not let later messages overtake earlier ones.
    configure(app, &rx, json!({"secret": secret, "fail_next": 2})).await;
    let sends = (0..12).map(|i| {
        let number = number.clone();
        async move {
            app.customer_sends(
                json!({"from": "+15551230004", "to": number, "body": format!("message {i}")}),
            )
            .await
        }
    });
    futures::future::join_all(sends).await;
    let got = wait_received(app, &rx, 14, Duration::from_secs(15)).await;
    let delivered: Vec<String> = got
        .iter()
        .filter(|d| d["answered"] == 204)
        .map(|d| {
            envelope(d)["data"]["message_sid"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(delivered.len(), 12, "{got:?}");
    let log_order = app.outcome_order().await;
    assert_eq!(delivered, log_order, "deliveries left log order");
}

async fn a_slow_endpoint_does_not_delay_another(app: &TestApp) {
    let (org, number) = organization(app, "starter").await;
    let (slow, slow_url) = receiver(app).await;
    let (fast, fast_url) = receiver(app).await;
    let (_, slow_secret) = register(app, &org, &slow, &slow_url, json!({})).await;
    register(app, &org, &fast, &fast_url, json!({})).await;
    configure(app, &slow, json!({"secret": slow_secret, "delay_ms": 4000})).await;
    let started = Instant::now();
    for i in 0..3 {
        app.customer_sends(json!({"from": format!("+1555123001{i}"), "to": number, "body": "hi"}))
            .await;
    }
    let got = wait_received(app, &fast, 3, Duration::from_secs(3)).await;
    // The number was provisioned before the endpoints existed: three message.received only.
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

async fn the_responder_answers_in_the_same_twiml_and_is_recorded(app: &TestApp) {
    let (org, number) = organization(app, "starter").await;
    let (rx, url) = receiver(app).await;
    let (endpoint, secret) = register(app, &org, &rx, &url, json!({"responder": true})).await;
    configure(
        app,
        &rx,
        json!({"secret": secret, "reply": "Size 42 is in stock & ready."}),
    )
    .await;
    let delivered = app
        .customer_sends(json!({"from": "+15551230005", "to": number, "body": "size 42?"}))
        .await;
    let twiml = delivered["twiml"].as_str().unwrap();
    let welcome = twiml
        .find("Thanks for contacting")
        .expect("our welcome first");
    let reply = twiml
        .find("<Message><Body>Size 42 is in stock &amp; ready.</Body></Message>")
        .unwrap_or_else(|| panic!("the responder's reply in {twiml}"));
    assert!(welcome < reply, "{twiml}");
    let sid = delivered["message_sid"].as_str().unwrap();
    let messages = app
        .wait_for_messages_where(&org, |ms| {
            ms.iter()
                .any(|m| m["message_sid"] == format!("{sid}-reply"))
        })
        .await;
    let listed = messages
        .iter()
        .find(|m| m["message_sid"] == format!("{sid}-reply"))
        .expect("the reply in the message list");
    assert_eq!(listed["direction"], "outbound");
    assert_eq!(listed["body"], "Size 42 is in stock & ready.");
    assert_eq!(listed["to"], "+15551230005");
    assert_eq!(
        app.usage(&org).await["used"],
        2,
        "the message and the reply count"
    );
    // Asked once: the synchronous call was the delivery.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got = received(app, &rx).await;
    let asked: Vec<&Value> = got
        .iter()
        .filter(|d| envelope(d)["type"] == "message.received")
        .collect();
    assert_eq!(asked.len(), 1, "{got:?}");
    verify_independently(&secret, asked[0]);
    let deliveries = body(
        app.get(&format!(
            "/v1/organizations/{org}/endpoints/{endpoint}/deliveries?status=delivered"
        ))
        .await,
    )
    .await;
    assert!(deliveries["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["event_type"] == "message.received"));
    // A redelivery of the webhook gets the same answer without asking again.
    let again = app
        .signed_webhook(
            "/webhooks/twilio/messages",
            &[
                ("MessageSid", sid),
                ("From", "+15551230005"),
                ("To", &number),
                ("Body", "size 42?"),
            ],
        )
        .await;
    assert!(again.text().await.unwrap().contains("Size 42 is in stock"));
    assert_eq!(received(app, &rx).await.len(), got.len());
}

async fn a_responder_past_its_deadline_is_left_to_the_dispatcher(app: &TestApp) {
    let (org, number) = organization(app, "starter").await;
    let (rx, url) = receiver(app).await;
    let (_, secret) = register(
        app,
        &org,
        &rx,
        &url,
        json!({"responder": true, "event_types": ["message.received"]}),
    )
    .await;
    configure(
        app,
        &rx,
        json!({"secret": secret, "reply": "too late", "delay_ms": 1500}),
    )
    .await;
    let started = Instant::now();
    let delivered = app
        .customer_sends(json!({"from": "+15551230006", "to": number, "body": "anyone?"}))
        .await;
    assert!(
        started.elapsed() < Duration::from_millis(1400),
        "{:?}",
        started.elapsed()
    );
    let twiml = delivered["twiml"].as_str().unwrap();
    assert!(twiml.contains("Thanks for contacting"), "{twiml}");
    assert!(!twiml.contains("too late"), "{twiml}");
    // The delivery continues: the dispatcher posts it again and it succeeds.
    configure(app, &rx, json!({"secret": secret})).await;
    let got = wait_received(app, &rx, 2, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0]["webhook_id"], got[1]["webhook_id"]);
    assert_eq!(got[1]["answered"], 204);
    assert_eq!(
        app.usage(&org).await["used"],
        1,
        "no reply was sent, none counted"
    );
}

async fn endpoints_are_managed_and_rotation_signs_with_both_secrets(app: &TestApp) {
    let (org, number) = organization(app, "starter").await;
    let (rx, url) = receiver(app).await;
    let (endpoint, old) = register(app, &org, &rx, &url, json!({"description": "helpdesk"})).await;
    let path = format!("/v1/organizations/{org}/endpoints/{endpoint}");
    let listed = body(app.get(&format!("/v1/organizations/{org}/endpoints")).await).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert!(
        listed["items"][0].get("secret").is_none(),
        "the secret is shown once"
    );
    assert!(listed.get("next_cursor").is_none());
    let patched = body(
        app.patch(
            &path,
            json!({"event_types": ["message.received"], "description": null}),
        )
        .await,
    )
    .await;
    assert_eq!(patched["event_types"], json!(["message.received"]));
    assert!(patched.get("description").is_none(), "{patched}");
    let rotated = app.post(&format!("{path}/rotate-secret"), json!({})).await;
    assert_eq!(rotated.status(), 200);
    let new = body(rotated).await["secret"].as_str().unwrap().to_string();
    assert_ne!(new, old);
    configure(app, &rx, json!({"secret": new})).await;
    app.customer_sends(json!({"from": "+15551230007", "to": number, "body": "rotated"}))
        .await;
    let got = wait_received(app, &rx, 1, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 1);
    verify_independently(&new, &got[0]);
    verify_independently(&old, &got[0]);
    assert_eq!(
        got[0]["webhook_signature"]
            .as_str()
            .unwrap()
            .split(' ')
            .count(),
        2
    );

    let other = app.create_organization("Other", "trial").await;
    let foreign = app
        .get(&format!("/v1/organizations/{other}/endpoints/{endpoint}"))
        .await;
    crate::helpers::assert_problem_at(foreign, 404, "endpoint_not_found", "endpoint_id").await;
    let insecure = app
        .post(
            &format!("/v1/organizations/{org}/endpoints"),
            json!({"url": "http://hooks.example.com/sb"}),
        )
        .await;
    crate::helpers::assert_problem_at(insecure, 422, "invalid_url", "url").await;
    assert_eq!(app.delete(&path).await.status(), 204);
    crate::helpers::assert_problem_at(
        app.get(&path).await,
        404,
        "endpoint_not_found",
        "endpoint_id",
    )
    .await;
}

async fn replay_redelivers_everything_since_a_time(app: &TestApp) {
    let (org, number) = organization(app, "starter").await;
    let (rx, url) = receiver(app).await;
    let since = chrono::Utc::now() - chrono::Duration::seconds(1);
    for i in 0..2 {
        app.customer_sends(
            json!({"from": "+15551230008", "to": number, "body": format!("before {i}")}),
        )
        .await;
    }
    let (endpoint, _) = register(
        app,
        &org,
        &rx,
        &url,
        json!({"event_types": ["message.received"]}),
    )
    .await;
    assert!(
        received(app, &rx).await.is_empty(),
        "nothing before the endpoint existed"
    );
    let replayed = app
        .post(
            &format!("/v1/organizations/{org}/endpoints/{endpoint}/replay"),
            json!({"since": since.to_rfc3339()}),
        )
        .await;
    assert_eq!(replayed.status(), 202);
    assert_eq!(body(replayed).await["replayed"], 2);
    let got = wait_received(app, &rx, 2, Duration::from_secs(5)).await;
    let bodies: Vec<String> = got
        .iter()
        .map(|d| envelope(d)["data"]["body"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(bodies, ["before 0", "before 1"]);
}

macro_rules! delivery_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = super::spawn($crate::helpers::Backend::Sqlite, &[("RESPONDER_TIMEOUT_MS", "600")]).await {
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
                    if let Some(app) = super::spawn($crate::helpers::Backend::Postgres, &[("RESPONDER_TIMEOUT_MS", "600")]).await {
                        super::$name(&app).await;
                        app.finish().await;
                    }
                }
            )*
        }
    };
}

delivery_tests!(
    a_routed_message_reaches_the_endpoint_signed_within_a_second,
    a_failing_endpoint_gets_the_event_again_with_the_same_webhook_id,
    an_endpoint_that_never_answers_well_ends_failed_and_can_be_retried,
    deliveries_of_one_conversation_arrive_in_log_order,
    a_slow_endpoint_does_not_delay_another,
    the_responder_answers_in_the_same_twiml_and_is_recorded,
    a_responder_past_its_deadline_is_left_to_the_dispatcher,
    endpoints_are_managed_and_rotation_signs_with_both_secrets,
    replay_redelivers_everything_since_a_time,
);
