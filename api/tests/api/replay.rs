//! `switchboard replay`: after a realistic mixed workload the views the API serves equal a
//! replay of the log (`--verify` exits 0); a rebuild swapped in while the server runs changes
//! nothing it serves; a row changed behind the projector's back makes `--verify` exit 1.

use serde_json::json;

use crate::helpers::{body, TestApp};
use crate::on_both_backends;

const CUSTOMER: &str = "+15551230001";

/// Organizations with settings and endpoints, numbers provisioned and released, inbound
/// messages (accepted, a keyword, unrouted), outbound sends with status callbacks.
async fn mixed_workload(app: &TestApp) -> String {
    let shop = app.create_organization("Shop", "business").await;
    let clinic = app.create_organization("Clinic", "trial").await;
    let patched = app
        .patch(
            &format!("/v1/organizations/{shop}"),
            json!({"welcome_message": "Welcome!", "plan": "enterprise"}),
        )
        .await;
    assert_eq!(patched.status(), 200);
    let endpoint = app
        .post(
            &format!("/v1/organizations/{shop}/endpoints"),
            json!({"url": "http://127.0.0.1:9/hook"}),
        )
        .await;
    assert_eq!(endpoint.status(), 201, "{}", body(endpoint).await);
    let shop_number = app.number_for(&shop).await;
    let clinic_number = app.number_for(&clinic).await;
    app.customer_says(CUSTOMER, &shop_number, "Do you have it in blue?")
        .await;
    app.customer_says("+15551230002", &shop_number, "STOP")
        .await;
    app.customer_says(CUSTOMER, &clinic_number, "Appointment?")
        .await;
    let sent = app
        .post(
            &format!("/v1/organizations/{shop}/messages"),
            json!({"to": CUSTOMER, "body": "Yes, in blue", "channel": "sms"}),
        )
        .await;
    assert_eq!(sent.status(), 201);
    let released = app
        .delete(&format!(
            "/v1/organizations/{clinic}/numbers/{clinic_number}"
        ))
        .await;
    assert_eq!(released.status(), 204);
    // Twilio may still deliver to the released number: recorded as unrouted.
    let late = app
        .signed_webhook(
            "/webhooks/twilio/messages",
            &[
                ("MessageSid", "SMfeedfacefeedfacefeedfacefeedface"),
                ("AccountSid", "ACx"),
                ("From", CUSTOMER),
                ("To", &clinic_number),
                ("Body", "Hello?"),
            ],
        )
        .await;
    assert_eq!(late.status(), 200);
    app.wait_for_messages(&shop, 4).await;
    // Every event applied (and chained) before the replay compares.
    app.audit_log().await;
    shop
}

async fn replay_verify_is_clean_after_a_mixed_workload(app: &TestApp) {
    let shop = mixed_workload(app).await;
    let verified = app.switchboard(&["replay", "--verify"]).await;
    assert_eq!(
        verified.code,
        Some(0),
        "{}\n{}",
        verified.stdout,
        verified.stderr
    );
    assert!(verified.stdout.starts_with("ok: "), "{}", verified.stdout);
    assert!(verified.stdout.contains("events/s"), "{}", verified.stdout);

    let served = app.messages(&shop).await;
    let rebuilt = app.switchboard(&["replay", "--all"]).await;
    assert_eq!(
        rebuilt.code,
        Some(0),
        "{}\n{}",
        rebuilt.stdout,
        rebuilt.stderr
    );
    assert!(
        rebuilt.stdout.starts_with("rebuilt and swapped in "),
        "{}",
        rebuilt.stdout
    );
    assert_eq!(
        app.messages(&shop).await,
        served,
        "the same rows are served"
    );
    let one = app
        .switchboard(&["replay", "--projection", "routing_table"])
        .await;
    assert_eq!(one.code, Some(0), "{}", one.stderr);

    // The server keeps projecting onto the swapped-in tables.
    app.customer_says(CUSTOMER, &app.number_for(&shop).await, "Still there?")
        .await;
    app.wait_for_messages(&shop, served.len() + 1).await;
    app.audit_log().await;
    let again = app.switchboard(&["replay", "--verify"]).await;
    assert_eq!(again.code, Some(0), "{}", again.stdout);

    app.execute_sql(
        "UPDATE messages_view SET body = 'edited behind our back' WHERE direction = 'outbound'",
    )
    .await;
    let dirty = app.switchboard(&["replay", "--verify"]).await;
    assert_eq!(dirty.code, Some(1), "{}", dirty.stdout);
    assert!(
        dirty
            .stdout
            .contains("DIFFERS messages_view: 1 rows only live, 1 rows only in the replay"),
        "{}",
        dirty.stdout
    );
    let refused = app
        .switchboard(&["replay", "--projection", "audit_chain"])
        .await;
    assert_eq!(refused.code, Some(1));
}

on_both_backends!(replay_verify_is_clean_after_a_mixed_workload);
