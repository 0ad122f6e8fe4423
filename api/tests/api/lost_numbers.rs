//! A number we hold that the provider no longer has is marked lost: it stops routing, and its
//! status and history say so.

use serde_json::json;
use switchboard_application::ports::TelephonyProvider;

use crate::for_each_backend;
use crate::helpers::{body, Backend, TestApp};

async fn a_number_gone_at_the_provider_is_lost_and_stops_routing(backend: Backend) {
    let Some(app) = TestApp::spawn_with(
        backend,
        &[
            ("MAINTENANCE_INTERVAL_SECS", "1".into()),
            ("RECONCILE_LOST_GRACE_SECS", "0".into()),
        ],
    )
    .await
    else {
        return;
    };
    let org = app.create_organization("Lost", "trial").await;
    let number = app.number_for(&org).await;
    let kept = app.customer_says("+15551230000", &number, "hello").await;
    assert!(kept.contains("<Response"), "{kept}");
    // Passes over a complete list that still has the number change nothing.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let routing = body(app.get(&format!("/v1/numbers/{number}")).await).await;
    assert_eq!(routing["status"], "active");

    // Someone deletes it at the provider, behind our back.
    let sid = routing["provider_sid"].as_str().unwrap().to_string();
    app.provider()
        .release(&sid)
        .await
        .expect("delete at the provider");

    let lost = app
        .wait_for(|| async {
            let routing = body(app.get(&format!("/v1/numbers/{number}")).await).await;
            routing["status"] == "lost"
        })
        .await;
    assert!(lost, "the number is marked lost");
    let recorded = app.recorded_in("PhoneNumber", &number, "NumberLost").await;
    assert_eq!(recorded.len(), 1, "one NumberLost event");
    let listed = body(app.get(&format!("/v1/organizations/{org}/numbers")).await).await;
    assert_eq!(
        listed["items"],
        json!([]),
        "the organization no longer holds it"
    );
    let history = body(app.get(&format!("/v1/numbers/{number}/history")).await).await;
    assert_eq!(history["ownerships"][0]["ended_as"], "lost", "{history}");
    assert!(history["ownerships"][0]["released_at"].is_string());

    let late = app
        .signed_webhook(
            "/webhooks/twilio/messages",
            &[
                ("MessageSid", "SM00000000000000000000000000001057"),
                ("AccountSid", "ACx"),
                ("From", "+15551230000"),
                ("To", &number),
                ("Body", "anyone?"),
            ],
        )
        .await;
    assert_eq!(late.status(), 200);
    let received = app
        .recorded("SM00000000000000000000000000001057", "MessageReceived")
        .await;
    assert_eq!(
        received[0]["MessageReceived"]["message"]["routing"]["kind"], "unrouted",
        "a lost number routes nowhere"
    );
    app.finish().await;
}

for_each_backend!(a_number_gone_at_the_provider_is_lost_and_stops_routing);
