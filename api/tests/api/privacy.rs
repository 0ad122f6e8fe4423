//! Privacy: personal fields are stored sealed with per-customer keys (the `events` table never
//! holds a new message's body in clear); erasing a customer deletes the keys and blanks every
//! read model, on replay too, while `audit verify` still passes; exporting a customer returns
//! everything held about them. Events stored before sealing existed still load and replay, and
//! an erasure blanks them in the read models as well.

use serde_json::{json, Value};
use switchboard_domain::message::{InboundMessage, MessageEvent, Routing};
use switchboard_domain::{Channel, ChannelAddress, MessageSid, OrganizationId};

use crate::helpers::{assert_problem, body, TestApp};
use crate::on_both_backends;

pub(crate) const CUSTOMER: &str = "+15551239876";
const ENCODED: &str = "%2B15551239876";
const INBOUND_SECRET: &str = "my door code is falcon-4417";
const LEGACY_SID: &str = "SM2000000000000000000000000000000a";
const OUTBOUND_SECRET: &str = "your parcel waits at locker osprey-2290";

async fn sql_text(app: &TestApp, sql: &str) -> Vec<String> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&app.database_url).await.expect("db");
    let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(&pool).await.expect("query");
    pool.close().await;
    rows.into_iter().map(|(text,)| text).collect()
}

/// Every stored payload, as text.
pub(crate) async fn stored_payloads(app: &TestApp) -> String {
    sql_text(
        app,
        "SELECT CAST(payload AS TEXT) FROM events ORDER BY position",
    )
    .await
    .join("\n")
}

async fn export(app: &TestApp, org: &str) -> Value {
    let response = app
        .get(&format!(
            "/v1/organizations/{org}/customers/{ENCODED}/export"
        ))
        .await;
    assert_eq!(response.status(), 200);
    body(response).await
}

pub(crate) async fn erase(app: &TestApp, org: &str) -> Value {
    let response = app
        .post(
            &format!("/v1/organizations/{org}/customers/{ENCODED}/erase"),
            json!({}),
        )
        .await;
    assert_eq!(response.status(), 200);
    body(response).await
}

/// An organization with an endpoint (so deliveries carry envelopes), a message from the
/// customer and one to them.
async fn conversation(app: &TestApp) -> (String, String) {
    let org = app.create_organization("Clinic", "business").await;
    let endpoint = app
        .post(
            &format!("/v1/organizations/{org}/endpoints"),
            json!({"url": "http://127.0.0.1:9/hook"}),
        )
        .await;
    assert_eq!(endpoint.status(), 201, "{}", body(endpoint).await);
    let number = app.number_for(&org).await;
    app.customer_says(CUSTOMER, &number, INBOUND_SECRET).await;
    let sent = app
        .post(
            &format!("/v1/organizations/{org}/messages"),
            json!({"to": CUSTOMER, "body": OUTBOUND_SECRET, "channel": "sms"}),
        )
        .await;
    assert_eq!(sent.status(), 201, "{}", body(sent).await);
    app.wait_for_messages(&org, 2).await;
    app.audit_log().await;
    (org, number)
}

async fn erasure_survives_replay_and_keeps_the_audit_chain(app: &TestApp) {
    let (org, number) = conversation(app).await;
    let stored = stored_payloads(app).await;
    for secret in [INBOUND_SECRET, OUTBOUND_SECRET] {
        assert!(!stored.contains(secret), "`{secret}` stored in clear");
    }
    assert!(stored.contains("\"sealed\""), "{stored}");

    let before = export(app, &org).await.to_string();
    assert!(before.contains(INBOUND_SECRET), "{before}");
    assert!(before.contains(OUTBOUND_SECRET), "{before}");
    assert!(before.contains("\"deliveries\":[{"), "{before}");

    let erased = erase(app, &org).await;
    assert_eq!(erased["keys_deleted"], 1, "{erased}");
    assert_eq!(erased["read_models_erased"], true, "{erased}");
    assert_eq!(erased["address"], CUSTOMER);

    let after = export(app, &org).await;
    let text = after.to_string();
    for secret in [INBOUND_SECRET, OUTBOUND_SECRET] {
        assert!(!text.contains(secret), "`{secret}` still exported: {text}");
    }
    assert_eq!(after["messages"].as_array().unwrap().len(), 2, "{after}");
    assert!(after["last_erased_at"].is_string(), "{after}");
    let listed = app.messages(&org).await;
    assert!(listed.iter().all(|m| m["body"] == ""), "{listed:?}");

    app.audit_log().await;
    let verified = app.switchboard(&["audit", "verify"]).await;
    assert_eq!(
        verified.code,
        Some(0),
        "{}{}",
        verified.stdout,
        verified.stderr
    );
    let exported = app.switchboard(&["events", "export"]).await;
    assert_eq!(exported.code, Some(0), "{}", exported.stderr);
    assert!(exported.stdout.contains("CustomerErased"));
    for secret in [INBOUND_SECRET, OUTBOUND_SECRET] {
        assert!(
            !exported.stdout.contains(secret),
            "`{secret}` in the events export"
        );
    }

    let rebuilt = app.switchboard(&["replay", "--all"]).await;
    assert_eq!(
        rebuilt.code,
        Some(0),
        "{}{}",
        rebuilt.stdout,
        rebuilt.stderr
    );
    let replayed = export(app, &org).await.to_string();
    for secret in [INBOUND_SECRET, OUTBOUND_SECRET] {
        assert!(!replayed.contains(secret), "`{secret}` back after replay");
    }
    let verify = app.switchboard(&["replay", "--verify"]).await;
    assert_eq!(verify.code, Some(0), "{}", verify.stdout);

    // Idempotent: nothing left to delete, the same answer.
    let again = erase(app, &org).await;
    assert_eq!(again["keys_deleted"], 0, "{again}");
    assert_eq!(again["erasures"], 2, "{again}");

    // A customer who writes again after the erasure gets a fresh key.
    app.customer_says(CUSTOMER, &number, "new here").await;
    app.wait_for_messages(&org, 3).await;
    assert!(export(app, &org).await.to_string().contains("new here"));
}

/// A `MessageReceived` exactly as version 2.0 stored it (before sealing): the body in clear.
async fn store_a_version_2_message(app: &TestApp, org: &str, number: &str, body: &str) {
    let message = InboundMessage {
        message_sid: MessageSid::parse(LEGACY_SID).unwrap(),
        account_sid: "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
        channel: Channel::Sms,
        from: CUSTOMER.into(),
        to: ChannelAddress::parse(number).unwrap().into(),
        body: body.into(),
        media: vec![],
        profile_name: None,
        wa_id: None,
        routing: Routing::Routed {
            organization_id: org.parse::<OrganizationId>().unwrap(),
        },
    };
    let payload = serde_json::to_value(MessageEvent::MessageReceived {
        message,
        received_at: "2026-01-02T03:04:05Z".parse().unwrap(),
        segments: 1,
    })
    .unwrap();
    let sql = format!(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         VALUES ('Message', '{LEGACY_SID}', 1, 'MessageReceived', '2.0', '{}', '{{}}')",
        payload.to_string().replace('\'', "''")
    );
    assert_eq!(app.execute_sql(&sql).await, 1);
}

async fn a_stored_plaintext_event_still_replays_and_is_erased_from_the_views(app: &TestApp) {
    let org = app.create_organization("Legacy", "business").await;
    let number = app.number_for(&org).await;
    let legacy = "stored before sealing: falcon-0001";
    store_a_version_2_message(app, &org, &number, legacy).await;
    let listed = app.wait_for_messages(&org, 1).await;
    assert_eq!(listed[0]["body"], legacy, "{listed:?}");

    // A retry of the same MessageSid loads the stored 2.0 event through its upcaster.
    let retry = app
        .signed_webhook(
            "/webhooks/twilio/messages",
            &[
                ("MessageSid", LEGACY_SID),
                ("AccountSid", "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
                ("From", CUSTOMER),
                ("To", &number),
                ("Body", legacy),
            ],
        )
        .await;
    assert_eq!(retry.status(), 200);

    assert!(export(app, &org).await.to_string().contains(legacy));
    erase(app, &org).await;
    assert!(!export(app, &org).await.to_string().contains(legacy));
    let rebuilt = app.switchboard(&["replay", "--all"]).await;
    assert_eq!(
        rebuilt.code,
        Some(0),
        "{}{}",
        rebuilt.stdout,
        rebuilt.stderr
    );
    let replayed = app.messages(&org).await;
    assert_eq!(replayed.len(), 1, "{replayed:?}");
    assert_eq!(replayed[0]["body"], "", "{replayed:?}");
    app.audit_log().await;
    let verified = app.switchboard(&["audit", "verify"]).await;
    assert_eq!(
        verified.code,
        Some(0),
        "{}{}",
        verified.stdout,
        verified.stderr
    );
}

async fn a_whatsapp_profile_name_and_media_are_erased(app: &TestApp) {
    let org = app.create_organization("Wa", "trial").await;
    let number = app.number_for(&org).await;
    app.customer_sends(json!({
        "from": format!("whatsapp:{CUSTOMER}"),
        "to": format!("whatsapp:{number}"),
        "body": "hola",
        "profile_name": "Ana Falconer",
        "media_urls": ["https://example.com/falcon.jpg"]
    }))
    .await;
    app.wait_for_messages(&org, 1).await;
    let path = format!("/v1/organizations/{org}/customers/whatsapp%3A{ENCODED}");
    let stored = stored_payloads(app).await;
    assert!(!stored.contains("Ana Falconer") && !stored.contains("falcon.jpg"));
    let before = body(app.get(&format!("{path}/export")).await).await;
    assert_eq!(
        before["messages"][0]["profile_name"], "Ana Falconer",
        "{before}"
    );
    let erased = app.post(&format!("{path}/erase"), json!({})).await;
    assert_eq!(erased.status(), 200);
    let after = body(app.get(&format!("{path}/export")).await).await;
    let message = &after["messages"][0];
    assert!(message.get("profile_name").is_none(), "{after}");
    assert_eq!(message["media_urls"], json!([]), "{after}");
    assert_eq!(message["body"], "", "{after}");
}

async fn an_unknown_customer_or_address_is_refused(app: &TestApp) {
    let org = app.create_organization("Empty", "starter").await;
    let unknown = app
        .get(&format!(
            "/v1/organizations/{org}/customers/{ENCODED}/export"
        ))
        .await;
    assert_problem(unknown, 404, "customer_not_found").await;
    let not_erased = app
        .post(
            &format!("/v1/organizations/{org}/customers/whatsapp%3A{ENCODED}/erase"),
            json!({}),
        )
        .await;
    assert_problem(not_erased, 404, "customer_not_found").await;
    let malformed = app
        .get(&format!(
            "/v1/organizations/{org}/customers/not-a-number/export"
        ))
        .await;
    assert_problem(malformed, 400, "invalid_address").await;
}

on_both_backends!(
    erasure_survives_replay_and_keeps_the_audit_chain,
    a_stored_plaintext_event_still_replays_and_is_erased_from_the_views,
    a_whatsapp_profile_name_and_media_are_erased,
    an_unknown_customer_or_address_is_refused
);
