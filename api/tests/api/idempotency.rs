//! A MessageSid is recorded at most once, however often and however concurrently it arrives.

use serde_json::json;

use crate::helpers::{body, TestApp};
use crate::on_both_backends;

async fn a_redelivered_message_sid_is_recorded_once_with_the_same_answer(app: &TestApp) {
    let org = app.create_organization("Once", "trial").await;
    let number = body(app.provision(&org, json!({"area_code": "415"})).await).await["phone_number"]
        .as_str()
        .unwrap()
        .to_string();
    let sid = "SM11111111111111111111111111111111";
    let request = json!({"from": "+15551230000", "to": number, "body": "hi", "message_sid": sid});
    let first = app.customer_sends(request.clone()).await;
    let second = app.customer_sends(request).await;
    assert_eq!(first["twiml"], second["twiml"]);
    assert_eq!(app.recorded(sid, "MessageReceived").await.len(), 1);
    assert_eq!(app.recorded(sid, "InboundOutcomeDecided").await.len(), 1);
    assert_eq!(app.wait_for_messages(&org, 1).await.len(), 1);
}

async fn twenty_concurrent_deliveries_of_one_message_sid_record_one(app: &TestApp) {
    let org = app.create_organization("Burst", "trial").await;
    let number = body(app.provision(&org, json!({"area_code": "415"})).await).await["phone_number"]
        .as_str()
        .unwrap()
        .to_string();
    let sid = "SM22222222222222222222222222222222";
    let request =
        json!({"from": "+15551230000", "to": number, "body": "burst", "message_sid": sid});
    let deliveries = (0..20).map(|_| app.customer_sends(request.clone()));
    let answers = futures::future::join_all(deliveries).await;
    assert!(
        answers.iter().all(|a| a["status"] == 200),
        "every delivery is answered 200"
    );
    assert_eq!(app.recorded(sid, "MessageReceived").await.len(), 1);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.wait_for_messages(&org, 1).await.len(), 1);
}

on_both_backends!(
    a_redelivered_message_sid_is_recorded_once_with_the_same_answer,
    twenty_concurrent_deliveries_of_one_message_sid_record_one,
);
