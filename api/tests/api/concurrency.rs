//! Invariant 2 under load: two server processes on one PostgreSQL database never accept more
//! messages than the plan allows.

use crate::helpers::{Backend, TestApp};

/// Delivers each `(MessageSid, From, Body)` to `number` at once, alternating between `app` and
/// the instance at `second`; the TwiML answers, in order, each of them a 200.
async fn deliver_to_both(
    app: &TestApp,
    second: &str,
    number: &str,
    messages: &[(String, String, &str)],
) -> Vec<String> {
    let deliveries = messages.iter().enumerate().map(|(i, (sid, from, text))| {
        let address = if i % 2 == 0 {
            app.address.as_str()
        } else {
            second
        };
        async move {
            let response = app
                .signed_webhook_to(
                    address,
                    "/webhooks/twilio/messages",
                    &[
                        ("MessageSid", sid),
                        ("From", from),
                        ("To", number),
                        ("Body", text),
                    ],
                )
                .await;
            assert_eq!(response.status(), 200);
            response.text().await.unwrap()
        }
    });
    futures::future::join_all(deliveries).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_accept_exactly_the_remaining_quota() {
    let Some(app) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let second = app.start_another_server().await;
    let second_address = format!("http://{}", second.addr());
    let org = app.create_organization("Contended", "trial").await;
    let number = app.number_for(&org).await;

    let messages: Vec<_> = (0..80)
        .map(|i| (format!("SM{i:032x}"), format!("+1555123{i:04}"), "rush"))
        .collect();
    let answers = deliver_to_both(&app, &second_address, &number, &messages).await;
    let refused = answers
        .iter()
        .filter(|twiml| twiml.contains("can't take more messages"))
        .count();
    assert_eq!(refused, 30, "80 messages, 50 allowed");
    assert_eq!(app.usage(&org).await["used"], 50);
    second.stop().await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_period_is_reset_once_however_many_schedulers_run() {
    let Some(app) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let org = app.create_organization("Periodic", "trial").await;
    // Each server start runs a reset pass; three passes over the same organization and period.
    let app = app.restart().await;
    let second = app.start_another_server().await;
    let third = app.start_another_server().await;
    let resets = app.quota_resets(&org).await;
    assert_eq!(resets, 1, "one QuotaReset for the period");
    second.stop().await;
    third.stop().await;
    app.finish().await;
}

/// A MessageSid's first delivery is committed without reading its stream first; duplicates
/// arriving at two processes at once must still record and count it once, and answer alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn duplicates_at_two_instances_record_and_count_a_message_once() {
    let Some(app) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let second = app.start_another_server().await;
    let second_address = format!("http://{}", second.addr());
    let org = app.create_organization("Redelivered", "trial").await;
    let number = app.number_for(&org).await;
    let sid = "SM33333333333333333333333333333333";

    let messages: Vec<_> = (0..20)
        .map(|_| {
            (
                sid.to_string(),
                "+15551239999".to_string(),
                "again and again",
            )
        })
        .collect();
    let answers = deliver_to_both(&app, &second_address, &number, &messages).await;
    assert!(
        answers.iter().all(|twiml| twiml == &answers[0]),
        "every delivery gets the first one's answer: {answers:?}"
    );
    assert_eq!(app.recorded(sid, "MessageReceived").await.len(), 1);
    assert_eq!(app.recorded(sid, "InboundOutcomeDecided").await.len(), 1);
    assert_eq!(app.usage(&org).await["used"], 1, "counted once");
    second.stop().await;
    app.finish().await;
}
