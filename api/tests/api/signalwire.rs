//! SignalWire as the provider: the main flow against the SignalWire-flavoured sandbox, with the
//! server configured through `SIGNALWIRE_SPACE_URL`, `SIGNALWIRE_PROJECT_ID`,
//! `SIGNALWIRE_API_TOKEN` and `SIGNALWIRE_SIGNING_KEY` (and `PUBLIC_BASE_URL`).

use reqwest::StatusCode;
use secrecy::ExposeSecret;
use serde_json::json;

use crate::helpers::{assert_problem, body, Backend, TestApp};

fn is_uuid(sid: &serde_json::Value) -> bool {
    sid.as_str()
        .is_some_and(|s| s.len() == 36 && uuid::Uuid::parse_str(s).is_ok())
}

/// create organization → search → provision (by area code, by number) → signed inbound message
/// routed (a wrongly signed one refused) → list messages → release → delete.
async fn the_main_flow_runs_against_signalwire(app: &TestApp) {
    let org = app.create_organization("Wire", "enterprise").await;

    let found = body(
        app.get("/v1/available-numbers?country=US&type=local&area_code=415&limit=3")
            .await,
    )
    .await;
    let items = found["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{found}");
    assert!(items.iter().all(|n| n["capabilities"]["sms"] == true));
    let mobile = app.get("/v1/available-numbers?type=mobile").await;
    let problem = assert_problem(mobile, 422, "provider_refused").await;
    assert!(problem["detail"].as_str().unwrap().contains("Mobile"));

    let by_area = app.provision(&org, json!({"area_code": "212"})).await;
    assert_eq!(by_area.status(), StatusCode::CREATED);
    let by_area = body(by_area).await;
    let area_number = by_area["phone_number"].as_str().unwrap().to_string();
    assert!(area_number.starts_with("+1212"), "{by_area}");
    assert_eq!(by_area["provider"], "signalwire");
    assert!(is_uuid(&by_area["provider_sid"]), "{by_area}");

    let number = items[0]["phone_number"].as_str().unwrap().to_string();
    let by_number = app.provision(&org, json!({"phone_number": number})).await;
    assert_eq!(by_number.status(), StatusCode::CREATED);
    let by_number = body(by_number).await;
    assert_eq!(
        by_number["sms_url"],
        app.url("/webhooks/twilio/messages#rc=3&rp=5xx,ct,rt")
    );
    let routing = body(app.get(&format!("/v1/numbers/{number}")).await).await;
    assert_eq!(routing["provider"], "signalwire", "{routing}");
    assert_eq!(routing["organization_id"], org.as_str());
    let mut owned = vec![area_number.clone(), number.clone()];
    owned.sort();
    assert_eq!(app.owned_at_provider().await, owned);

    // The sandbox delivers as SignalWire does: X-SignalWire-Signature under the signing key.
    let delivered = app
        .customer_sends(json!({"from": "+15551230000", "to": number, "body": "hola"}))
        .await;
    assert_eq!(delivered["status"], 200, "{delivered}");
    assert!(is_uuid(&delivered["message_sid"]), "{delivered}");
    assert!(delivered["twiml"].as_str().unwrap().contains("<Response>"));

    let sandbox = app.sandbox.sandbox();
    let signing_key = sandbox.signing_key().expose_secret().to_string();
    let api_token = sandbox.auth_token().expose_secret().to_string();
    let account = sandbox.account_sid().to_string();
    let inbound = |sid: &'static str| {
        vec![
            ("MessageSid", sid),
            ("AccountSid", account.as_str()),
            ("From", "+15551230001"),
            ("To", number.as_str()),
            ("Body", "signed"),
            ("NumMedia", "0"),
        ]
    };
    let sid = "0f6a4b1e-9c1d-4e8a-9b3f-5d2c7e8f9a01";
    let forged = app
        .webhook_signed_with("X-SignalWire-Signature", "not-the-key", &inbound(sid))
        .await;
    assert_problem(forged, 403, "invalid_signature").await;
    let with_api_token = app
        .webhook_signed_with("X-SignalWire-Signature", &api_token, &inbound(sid))
        .await;
    assert_eq!(
        with_api_token.status(),
        403,
        "the signing key, not the API token, signs webhooks"
    );
    let alias = app
        .webhook_signed_with("X-Twilio-Signature", &signing_key, &inbound(sid))
        .await;
    assert_eq!(
        alias.status(),
        200,
        "X-Twilio-Signature is accepted as an alias"
    );

    let messages = app.wait_for_messages(&org, 2).await;
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages
        .iter()
        .any(|m| m["message_sid"] == delivered["message_sid"] && m["body"] == "hola"));
    assert!(messages
        .iter()
        .any(|m| m["message_sid"] == sid && m["body"] == "signed"));

    for held in [&number, &area_number] {
        let released = app
            .delete(&format!("/v1/organizations/{org}/numbers/{held}"))
            .await;
        assert_eq!(released.status(), 204);
    }
    assert!(app.owned_at_provider().await.is_empty());
    let deleted = app.delete(&format!("/v1/organizations/{org}")).await;
    assert_eq!(deleted.status(), 204);
}

/// A Twilio-configured server takes signatures from `X-Twilio-Signature` only.
async fn a_twilio_server_ignores_the_signalwire_header(app: &TestApp) {
    let key = app
        .sandbox
        .sandbox()
        .auth_token()
        .expose_secret()
        .to_string();
    let params = [
        ("MessageSid", "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
        ("From", "+15551230000"),
        ("To", "+14155550100"),
        ("Body", "hi"),
    ];
    let response = app
        .webhook_signed_with("X-SignalWire-Signature", &key, &params)
        .await;
    let problem = assert_problem(response, 403, "invalid_signature").await;
    assert_eq!(problem["field"], "X-Twilio-Signature");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_main_flow_runs_against_signalwire_on_sqlite() {
    if let Some(app) = TestApp::spawn_signalwire(Backend::Sqlite).await {
        the_main_flow_runs_against_signalwire(&app).await;
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_main_flow_runs_against_signalwire_on_postgres() {
    if let Some(app) = TestApp::spawn_signalwire(Backend::Postgres).await {
        the_main_flow_runs_against_signalwire(&app).await;
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_twilio_server_refuses_a_signature_in_the_signalwire_header() {
    if let Some(app) = TestApp::spawn(Backend::Sqlite).await {
        a_twilio_server_ignores_the_signalwire_header(&app).await;
        app.finish().await;
    }
}
