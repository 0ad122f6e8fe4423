//! A reconciler that can't wedge: one number's provider failure leaves the others settled in
//! the same pass, an interrupted release is finished by a later pass, and a pass stops at its
//! deadline.

use serde_json::json;
use switchboard_domain::E164;

use crate::for_each_backend;
use crate::helpers::{body, Backend, TestApp};
use crate::reconcile::{orphan, request};

async fn metric(app: &TestApp, line_start: &str) -> f64 {
    app.metrics()
        .await
        .lines()
        .find_map(|line| line.strip_prefix(line_start))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0.0)
}

async fn one_failing_number_leaves_the_others_settled(backend: Backend) {
    let Some(app) =
        TestApp::spawn_with(backend, &[("PROVISIONING_TIMEOUT_SECS", "0".into())]).await
    else {
        return;
    };
    let org = app.create_organization("Faulty", "enterprise").await;
    let stuck = E164::parse("+14155550101").unwrap();
    app.sandbox.sandbox().fail_number(&stuck);
    // Two purchases whose requests failed, the first listed failing at the provider...
    for number in ["+14155550101", "+14155550102"] {
        orphan(&app, &org, number, "Faulty").await;
    }
    // ...and a purchase never recorded, listed after them.
    let bought = request(&app, &org, "+14155550100").await;
    app.buy_at_provider("+14155550100", &format!("Faulty [{bought}]"))
        .await;

    let app = app
        .restart_with(&[("MAINTENANCE_INTERVAL_SECS", "1".into())])
        .await;
    let expected = vec!["+14155550100".to_string(), "+14155550101".to_string()];
    let settled = app
        .wait_for(|| async { app.owned_at_provider().await == expected })
        .await;
    assert!(settled, "the orphan after the failing one is released");
    let attached = app
        .wait_for(|| async {
            let listed = body(app.get(&format!("/v1/organizations/{org}/numbers")).await).await;
            listed["items"][0]["phone_number"] == "+14155550100"
        })
        .await;
    assert!(attached, "the purchase after the failing one is completed");
    assert!(
        metric(&app, "switchboard_reconcile_total{outcome=\"failed\"}").await >= 1.0,
        "the failure is counted"
    );

    // The provider recovers: a later pass releases the last orphan.
    app.sandbox.sandbox().heal_number(&stuck);
    let expected = vec!["+14155550100".to_string()];
    let healed = app
        .wait_for(|| async { app.owned_at_provider().await == expected })
        .await;
    assert!(healed, "the failed release is retried by the next pass");
    app.finish().await;
}

async fn an_interrupted_release_is_finished_by_a_later_pass(backend: Backend) {
    let Some(app) =
        TestApp::spawn_with(backend, &[("MAINTENANCE_INTERVAL_SECS", "1".into())]).await
    else {
        return;
    };
    let org = app.create_organization("Leaving", "trial").await;
    let number = app.number_for(&org).await;
    app.sandbox
        .sandbox()
        .fail_number(&E164::parse(&number).unwrap());
    let refused = app
        .delete(&format!("/v1/organizations/{org}/numbers/{number}"))
        .await;
    assert!(refused.status().is_server_error(), "{}", refused.status());
    let requested = app
        .recorded_in("PhoneNumber", &number, "NumberReleaseRequested")
        .await;
    assert_eq!(
        requested.len(),
        1,
        "the release was recorded before the provider call"
    );

    app.sandbox
        .sandbox()
        .heal_number(&E164::parse(&number).unwrap());
    let released = app
        .wait_for(|| async {
            let routing = body(app.get(&format!("/v1/numbers/{number}")).await).await;
            routing["status"] == "released"
        })
        .await;
    assert!(released, "a later pass finishes the release");
    assert!(app.owned_at_provider().await.is_empty());
    let listed = body(app.get(&format!("/v1/organizations/{org}/numbers")).await).await;
    assert_eq!(listed["items"], json!([]));
    app.finish().await;
}

async fn a_pass_stops_at_its_deadline(backend: Backend) {
    let Some(app) = TestApp::spawn_with(
        backend,
        &[
            ("PROVISIONING_TIMEOUT_SECS", "0".into()),
            ("MAINTENANCE_INTERVAL_SECS", "1".into()),
            ("RECONCILE_DEADLINE_SECS", "0".into()),
        ],
    )
    .await
    else {
        return;
    };
    app.buy_at_provider(
        "+14155550100",
        "Gone [00000000-0000-0000-0000-000000000001]",
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(
        app.owned_at_provider().await,
        vec!["+14155550100".to_string()],
        "a pass with no time left decides nothing"
    );
    assert!(
        metric(&app, "switchboard_reconcile_total{outcome=\"deadline\"}").await >= 1.0,
        "the cut pass is counted"
    );
    app.finish().await;
}

for_each_backend!(
    one_failing_number_leaves_the_others_settled,
    an_interrupted_release_is_finished_by_a_later_pass,
    a_pass_stops_at_its_deadline
);
