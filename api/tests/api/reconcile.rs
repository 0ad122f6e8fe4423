//! Invariant 5: a number bought at the provider ends up assigned or released, whatever crashed.

use serde_json::json;
use switchboard_domain::organization::{NumberTarget, OrganizationCommand};
use switchboard_domain::{RequestId, E164};

use crate::for_each_backend;
use crate::helpers::{body, Backend, TestApp};

/// Records a provisioning request for `number` on the organization's stream (as the API would
/// before buying).
pub(crate) async fn request(app: &TestApp, org: &str, number: &str) -> RequestId {
    let request_id = RequestId::new_random();
    app.organization_command(
        org,
        OrganizationCommand::RequestNumber {
            request_id,
            target: NumberTarget::Number {
                phone_number: E164::parse(number).unwrap(),
            },
            requested_at: chrono::Utc::now(),
        },
    )
    .await;
    request_id
}

/// Stages a purchase at the provider whose request the organization's stream has failed (the
/// answer timed out, say): an orphan, tagged with `name` and the request id.
pub(crate) async fn orphan(app: &TestApp, org: &str, number: &str, name: &str) {
    let given_up = request(app, org, number).await;
    app.organization_command(
        org,
        OrganizationCommand::FailNumberRequest {
            request_id: given_up,
            reason: "timeout".into(),
            failed_at: chrono::Utc::now(),
        },
    )
    .await;
    app.buy_at_provider(number, &format!("{name} [{given_up}]"))
        .await;
}

async fn purchases_left_behind_by_a_crash_are_completed_or_released(backend: Backend) {
    let Some(app) =
        TestApp::spawn_with(backend, &[("PROVISIONING_TIMEOUT_SECS", "0".into())]).await
    else {
        return;
    };
    let org = app.create_organization("Crashy", "enterprise").await;
    let small = app.create_organization("Small", "trial").await;

    // Bought, never recorded: the process died right after the provider's 201.
    let bought = request(&app, &org, "+14155550100").await;
    app.buy_at_provider("+14155550100", &format!("Crashy [{bought}]"))
        .await;
    // Bought although the request was recorded as failed (e.g. the answer timed out).
    orphan(&app, &org, "+14155550101", "Crashy").await;
    // Requested, never bought: holds the trial organization's only slot.
    request(&app, &small, "+14155550102").await;
    // A number of the account that Switchboard did not buy.
    app.buy_at_provider("+14155550103", "Front desk").await;

    // The restarted server reconciles at start and then every second: a pass that reads the
    // provisioning ledger (a read model) before the projector has caught up with the staging
    // above leaves the rest to the next pass.
    let app = app
        .restart_with(&[("MAINTENANCE_INTERVAL_SECS", "1".into())])
        .await;
    let numbers = app
        .wait_for(|| async {
            let listed = body(app.get(&format!("/v1/organizations/{org}/numbers")).await).await;
            listed["items"]
                .as_array()
                .is_some_and(|items| items.len() == 1)
        })
        .await;
    assert!(
        numbers,
        "the unrecorded purchase is attached to its organization"
    );
    let routed = app
        .wait_for(|| async {
            let routing = body(app.get("/v1/numbers/+14155550100").await).await;
            routing["organization_id"] == org.as_str() && routing["status"] == "active"
        })
        .await;
    assert!(routed, "the routing table follows (asynchronously)");
    // The same pass releases the orphan after attaching the first number: wait for it too.
    let expected = vec!["+14155550100".to_string(), "+14155550103".to_string()];
    app.wait_for(|| async { app.owned_at_provider().await == expected })
        .await;
    assert_eq!(
        app.owned_at_provider().await,
        expected,
        "the orphan is released; the foreign number is untouched"
    );
    // Expiry comes last in a pass, after the releases awaited above: a refusal (409, nothing
    // recorded) before it is retried, as a client would.
    let mut freed = app
        .provision(&small, json!({"phone_number": "+14155550104"}))
        .await;
    for _ in 0..50 {
        if freed.status() != 409 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        freed = app
            .provision(&small, json!({"phone_number": "+14155550104"}))
            .await;
    }
    assert_eq!(
        freed.status(),
        201,
        "the expired request freed the trial slot"
    );
    app.finish().await;
}

/// The provisioning ledger (a read model) still says "in flight" for a request the
/// organization's stream has failed, as it does while the projector lags after a restart: the
/// reconciler decides from the stream and releases the orphan anyway.
async fn a_lagging_ledger_does_not_mislead_the_reconciler(backend: Backend) {
    let Some(app) =
        TestApp::spawn_with(backend, &[("PROVISIONING_TIMEOUT_SECS", "0".into())]).await
    else {
        return;
    };
    let org = app.create_organization("Lagging", "enterprise").await;
    orphan(&app, &org, "+14155550101", "Lagging").await;
    let given_up = app
        .recorded_in("Organization", &org, "NumberRequestFailed")
        .await[0]["NumberRequestFailed"]["request_id"]
        .as_str()
        .unwrap()
        .to_string();
    let projected = app
        .wait_for(|| async {
            app.count_sql(&format!(
                "SELECT COUNT(*) FROM provisioning_requests
                  WHERE request_id = '{given_up}' AND state = 'failed'"
            ))
            .await
                == 1
        })
        .await;
    assert!(projected);
    app.execute_sql(&format!(
        "UPDATE provisioning_requests SET state = 'in_flight' WHERE request_id = '{given_up}'"
    ))
    .await;

    let app = app
        .restart_with(&[("MAINTENANCE_INTERVAL_SECS", "1".into())])
        .await;
    let released = app
        .wait_for(|| async { app.owned_at_provider().await.is_empty() })
        .await;
    assert!(released, "the orphan is released on the stream's word");
    app.finish().await;
}

for_each_backend!(
    purchases_left_behind_by_a_crash_are_completed_or_released,
    a_lagging_ledger_does_not_mislead_the_reconciler,
);
