//! One-call onboarding: `POST /v1/organizations` with `number` creates the organization and its
//! number together; a provider refusal still creates the organization, on the shared number when
//! one is configured, and says why in `number_status`.

use serde_json::json;
use switchboard_application::ports::{TelephonyProvider, WebhookConfig};

use crate::helpers::{assert_problem_at, body, Backend, TestApp};
use crate::on_both_backends;

const SHARED: &str = "+15005550006";

async fn an_organization_signs_up_with_a_number_that_answers_calls(app: &TestApp) {
    let response = app
        .post(
            "/v1/organizations",
            json!({"name": "Corner Cafe", "plan": "starter",
                   "number": {"area_code": "415", "country": "us", "type": "local"}}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let created = body(response).await;
    assert_eq!(created["number_status"], "provisioned", "{created}");
    let number = created["phone_number"].as_str().unwrap().to_string();
    assert!(number.starts_with("+1415"), "{created}");
    assert_eq!(created["numbers"], json!([number]));
    assert!(created.get("number_error").is_none());

    let call = app
        .caller_calls(json!({"from": "+15551230000", "to": number}))
        .await;
    assert!(call["twiml"]
        .as_str()
        .unwrap()
        .contains("Thank you for calling Corner Cafe."));
}

/// The voice webhooks the provider holds for `number`: `VoiceUrl`, `VoiceMethod`,
/// `VoiceFallbackUrl` and the number's (call) `StatusCallback`.
async fn voice_webhooks_at_the_provider(app: &TestApp, number: &str) -> [Option<String>; 4] {
    let owned = app.provider().list_owned().await.unwrap();
    let held = owned
        .into_iter()
        .find(|n| n.phone_number.as_str() == number)
        .expect("owned at the provider");
    [
        held.voice_url,
        held.voice_method,
        held.voice_fallback_url,
        held.status_callback,
    ]
}

async fn the_number_s_voice_webhooks_are_set_at_purchase_and_reapplied(app: &TestApp) {
    let created = body(
        app.post(
            "/v1/organizations",
            json!({"name": "Ringing", "number": {"area_code": "212"}}),
        )
        .await,
    )
    .await;
    let (org, number) = (
        created["id"].as_str().unwrap(),
        created["phone_number"].as_str().unwrap(),
    );
    let ours = [
        Some(app.url("/webhooks/twilio/voice")),
        Some("POST".to_string()),
        Some(app.url("/webhooks/twilio/voice")),
        Some(app.url("/webhooks/twilio/voice/status")),
    ];
    assert_eq!(voice_webhooks_at_the_provider(app, number).await, ours);

    // Someone points the number elsewhere at the provider; re-applying restores ours.
    let sid = body(app.get(&format!("/v1/numbers/{number}")).await).await["provider_sid"]
        .as_str()
        .unwrap()
        .to_string();
    app.provider()
        .configure_webhooks(&sid, &WebhookConfig::under("http://elsewhere.invalid"))
        .await
        .unwrap();
    assert_ne!(voice_webhooks_at_the_provider(app, number).await, ours);
    let reapplied = app
        .post(
            &format!("/v1/organizations/{org}/numbers/{number}/webhooks"),
            json!({}),
        )
        .await;
    assert_eq!(reapplied.status(), 200);
    assert_eq!(voice_webhooks_at_the_provider(app, number).await, ours);
}

async fn the_country_and_type_are_honoured_for_an_area_code(app: &TestApp) {
    let response = app
        .post(
            "/v1/organizations",
            json!({"name": "Free Call", "number": {"area_code": "800", "type": "toll-free"}}),
        )
        .await;
    let created = body(response).await;
    assert_eq!(created["number_status"], "provisioned", "{created}");
    assert!(created["phone_number"]
        .as_str()
        .unwrap()
        .starts_with("+1800"));
}

async fn a_british_area_code_keeps_its_leading_zero(app: &TestApp) {
    let response = app
        .post(
            "/v1/organizations",
            json!({"name": "London Cafe", "number": {"area_code": "020", "country": "GB"}}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let created = body(response).await;
    assert_eq!(created["number_status"], "provisioned", "{created}");
    assert!(
        created["phone_number"]
            .as_str()
            .unwrap()
            .starts_with("+4420"),
        "{created}"
    );
    // In the US the same digits are no area code: refused before anything is created.
    assert_problem_at(
        app.post(
            "/v1/organizations",
            json!({"name": "Lost", "number": {"area_code": "020"}}),
        )
        .await,
        422,
        "invalid_area_code",
        "area_code",
    )
    .await;
}

async fn a_provider_refusal_still_creates_the_organization(app: &TestApp) {
    let response = app
        .post(
            "/v1/organizations",
            json!({"name": "Nowhere", "number": {"area_code": "533"}}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let created = body(response).await;
    assert_eq!(created["number_status"], "failed", "{created}");
    assert_eq!(created["number_error"]["code"], "provider_refused");
    assert_eq!(created["number_error"]["provider_code"], 21452);
    assert!(created.get("phone_number").is_none());
    assert_eq!(created["numbers"], json!([]));
    let id = created["id"].as_str().unwrap();
    assert_eq!(
        app.get(&format!("/v1/organizations/{id}")).await.status(),
        200
    );
}

async fn a_malformed_number_request_creates_nothing(app: &TestApp) {
    let response = app
        .post(
            "/v1/organizations",
            json!({"name": "Twice", "number": {"area_code": "415", "phone_number": "+14155550100"}}),
        )
        .await;
    assert_eq!(response.status(), 422);
    let listed = body(app.get("/v1/organizations").await).await;
    assert_eq!(listed["items"], json!([]));
}

async fn without_a_dedicated_number_the_organization_is_on_the_shared_number(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, &[("SHARED_NUMBER", SHARED.to_string())]).await
    else {
        return;
    };
    let response = app
        .post(
            "/v1/organizations",
            json!({"name": "Sharing", "number": {"area_code": "533"}}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let created = body(response).await;
    assert_eq!(created["number_status"], "shared_number", "{created}");
    assert_eq!(created["phone_number"], SHARED);
    assert_eq!(created["number_error"]["provider_code"], 21452);
    assert!(created["join_code"].is_string());
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_dedicated_number_the_organization_is_on_the_shared_number_sqlite() {
    without_a_dedicated_number_the_organization_is_on_the_shared_number(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_dedicated_number_the_organization_is_on_the_shared_number_postgres() {
    without_a_dedicated_number_the_organization_is_on_the_shared_number(Backend::Postgres).await;
}

on_both_backends!(
    an_organization_signs_up_with_a_number_that_answers_calls,
    a_provider_refusal_still_creates_the_organization,
    the_country_and_type_are_honoured_for_an_area_code,
    the_number_s_voice_webhooks_are_set_at_purchase_and_reapplied,
    a_british_area_code_keeps_its_leading_zero,
    a_malformed_number_request_creates_nothing,
);
