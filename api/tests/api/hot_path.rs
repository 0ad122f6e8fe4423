//! The hot path: a message, its outcome, its conversation and its count become durable in one
//! commit or not at all; a burst for one organization is committed in shared batches and
//! counted exactly.

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

/// Makes every append to a quota stream fail: as a conflict that never clears on PostgreSQL
/// (`unique_violation`), as a refused write on SQLite.
async fn refuse_quota_appends(app: &TestApp) {
    if app.database_url.starts_with("postgres") {
        app.execute_sql(
            "CREATE FUNCTION refuse_quota() RETURNS trigger AS $$ BEGIN \
             RAISE EXCEPTION 'quota stream moved' USING ERRCODE = 'unique_violation'; \
             END; $$ LANGUAGE plpgsql",
        )
        .await;
        app.execute_sql(
            "CREATE TRIGGER refuse_quota BEFORE INSERT ON events FOR EACH ROW \
             WHEN (NEW.aggregate_type = 'Quota') EXECUTE FUNCTION refuse_quota()",
        )
        .await;
    } else {
        app.execute_sql(
            "CREATE TRIGGER refuse_quota BEFORE INSERT ON events \
             WHEN NEW.aggregate_type = 'Quota' BEGIN SELECT RAISE(ABORT, 'quota stream moved'); END",
        )
        .await;
    }
}

async fn a_message_whose_count_cannot_be_committed_leaves_nothing_recorded(app: &TestApp) {
    let org = app.create_organization("Atomic", "trial").await;
    let number = app.number_for(&org).await;
    refuse_quota_appends(app).await;
    let sid = "SM33333333333333333333333333333333";
    let from = "+15551239999";
    let params = [
        ("MessageSid", sid),
        ("From", from),
        ("To", number.as_str()),
        ("Body", "Is my order ready?"),
    ];
    let refused = app
        .signed_webhook("/webhooks/twilio/messages", &params)
        .await;
    assert!(
        refused.status().is_server_error(),
        "Twilio is told to retry, got {}",
        refused.status()
    );
    assert!(app.recorded(sid, "MessageReceived").await.is_empty());
    assert!(app.recorded(sid, "InboundOutcomeDecided").await.is_empty());
    let conversation = format!("{org}/{from}");
    assert!(app
        .metadata_of("Conversation", &conversation)
        .await
        .is_empty());
    assert_eq!(app.usage(&org).await["used"], 0);

    let on = if app.database_url.starts_with("postgres") {
        " ON events"
    } else {
        ""
    };
    app.execute_sql(&format!("DROP TRIGGER refuse_quota{on}"))
        .await;
    let retried = app
        .signed_webhook("/webhooks/twilio/messages", &params)
        .await;
    assert_eq!(retried.status(), 200);
    assert_eq!(app.recorded(sid, "MessageReceived").await.len(), 1);
    assert_eq!(app.recorded(sid, "InboundOutcomeDecided").await.len(), 1);
    assert_eq!(app.usage(&org).await["used"], 1);
}

async fn a_burst_for_one_organization_is_answered_and_counted_exactly(app: &TestApp) {
    let org = app.create_organization("Hot", "trial").await;
    let number = app.number_for(&org).await;
    let deliveries = (0..80).map(|i| {
        let number = number.clone();
        async move {
            let sid = format!("SM{:032x}", 0xb00 + i);
            let from = format!("+1555200{i:04}");
            let response = app
                .signed_webhook(
                    "/webhooks/twilio/messages",
                    &[
                        ("MessageSid", &sid),
                        ("From", &from),
                        ("To", &number),
                        ("Body", "rush"),
                    ],
                )
                .await;
            assert_eq!(response.status(), 200);
            response.text().await.unwrap()
        }
    });
    let answers = futures::future::join_all(deliveries).await;
    let refused = answers
        .iter()
        .filter(|twiml| twiml.contains("can't take more messages"))
        .count();
    assert_eq!(refused, 30, "80 messages, 50 allowed");
    assert_eq!(app.usage(&org).await["used"], 50);
    if app.database_url.starts_with("postgres") {
        let commits = app
            .count_sql(
                "SELECT count(DISTINCT transaction_id::text) FROM events \
                 WHERE event_type = 'QuotaConsumed'",
            )
            .await;
        assert!(
            commits < 50,
            "50 counts in {commits} commits: concurrent messages share commits"
        );
    }
}

on_both_backends!(
    a_message_whose_count_cannot_be_committed_leaves_nothing_recorded,
    a_burst_for_one_organization_is_answered_and_counted_exactly,
);

/// A message posted to `address` as Twilio would; the TwiML answer.
async fn deliver(app: &TestApp, address: &str, sid: &str, from: &str, to: &str) -> String {
    let params = [
        ("MessageSid", sid),
        ("From", from),
        ("To", to),
        ("Body", "hello"),
    ];
    let response = app
        .signed_webhook_to(address, "/webhooks/twilio/messages", &params)
        .await;
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_change_committed_by_another_instance_is_seen_by_the_next_message() {
    let Some(app) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let second = app.start_another_server().await;
    let second_address = format!("http://{}", second.addr());
    let org = app.create_organization("Cached", "trial").await;
    let number = app.number_for(&org).await;
    // This instance now holds the number's owner and the organization in memory.
    let first = deliver(
        &app,
        &app.address,
        &format!("SM{:032x}", 1),
        "+15550000001",
        &number,
    )
    .await;
    assert!(first.contains("Thanks for contacting Cached"), "{first}");

    // The other instance changes the welcome: the next new customer here gets the new one.
    let settings = app
        .client
        .patch(format!("{second_address}/v1/organizations/{org}"))
        .bearer_auth(&app.api_key)
        .json(&serde_json::json!({"welcome_message": "New welcome from {organization}"}))
        .send()
        .await
        .unwrap();
    assert_eq!(settings.status(), 200);
    let welcomed = deliver(
        &app,
        &app.address,
        &format!("SM{:032x}", 2),
        "+15550000002",
        &number,
    )
    .await;
    assert!(welcomed.contains("New welcome from Cached"), "{welcomed}");

    // The other instance releases the number: the next message here routes to no one.
    let released = app
        .client
        .delete(format!(
            "{second_address}/v1/organizations/{org}/numbers/{number}"
        ))
        .bearer_auth(&app.api_key)
        .send()
        .await
        .unwrap();
    assert_eq!(released.status(), 204);
    let sid = format!("SM{:032x}", 3);
    let late = deliver(&app, &app.address, &sid, "+15550000003", &number).await;
    assert_eq!(
        late,
        r#"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#
    );
    let recorded = app.recorded(&sid, "MessageReceived").await;
    assert_eq!(
        recorded[0]["MessageReceived"]["message"]["routing"]["kind"],
        "unrouted"
    );
    second.stop().await;
    app.finish().await;
}
