//! Invariant 2 under load: two server processes on one PostgreSQL database never accept more
//! messages than the plan allows.

use crate::helpers::{Backend, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_accept_exactly_the_remaining_quota() {
    let Some(app) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let second = app.start_another_server().await;
    let second_address = format!("http://{}", second.addr());
    let org = app.create_organization("Contended", "trial").await;
    let number = app.number_for(&org).await;

    let deliveries = (0..80).map(|i| {
        let address = if i % 2 == 0 {
            app.address.clone()
        } else {
            second_address.clone()
        };
        let number = number.clone();
        let app = &app;
        async move {
            let sid = format!("SM{i:032x}");
            let from = format!("+1555123{i:04}");
            let response = app
                .signed_webhook_to(
                    &address,
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
