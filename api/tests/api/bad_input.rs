//! Malformed requests get a 4xx problem+json with a stable code and the field at fault.

use serde_json::json;

use crate::helpers::{assert_problem, assert_problem_at, TestApp};
use crate::on_both_backends;

async fn malformed_requests_get_problems_naming_the_field(app: &TestApp) {
    assert_problem_at(
        app.get("/v1/organizations/not-a-uuid").await,
        400,
        "invalid_organization_id",
        "id",
    )
    .await;

    assert_problem_at(
        app.post("/v1/organizations", json!({"name": "   "})).await,
        422,
        "invalid_name",
        "name",
    )
    .await;

    assert_problem_at(
        app.post(
            "/v1/organizations",
            json!({"name": "A", "plan": "platinum"}),
        )
        .await,
        422,
        "unknown_plan",
        "plan",
    )
    .await;

    let response = app
        .client
        .post(app.url("/v1/organizations"))
        .bearer_auth(&app.api_key)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_problem(response, 400, "invalid_body").await;

    let unknown = uuid::Uuid::new_v4();
    assert_problem(
        app.get(&format!("/v1/organizations/{unknown}")).await,
        404,
        "organization_not_found",
    )
    .await;

    let org = app.create_organization("Valid", "trial").await;
    assert_problem_at(
        app.provision(&org, json!({"phone_number": "4155550100"}))
            .await,
        422,
        "invalid_phone_number",
        "phone_number",
    )
    .await;
    assert_problem_at(
        app.provision(&org, json!({})).await,
        422,
        "missing_target",
        "phone_number",
    )
    .await;
    assert_problem_at(
        app.provision(&org, json!({"area_code": "41"})).await,
        422,
        "invalid_area_code",
        "area_code",
    )
    .await;
    assert_problem_at(
        app.provision(&org, json!({"area_code": "415", "type": "satellite"}))
            .await,
        422,
        "unknown_number_type",
        "type",
    )
    .await;
    assert_problem_at(
        app.delete(&format!("/v1/organizations/{org}/numbers/abc"))
            .await,
        400,
        "invalid_phone_number",
        "phone_number",
    )
    .await;

    assert_problem_at(
        app.get("/v1/available-numbers?limit=0").await,
        400,
        "invalid_limit",
        "limit",
    )
    .await;
    assert_problem_at(
        app.get("/v1/available-numbers?limit=lots").await,
        400,
        "invalid_parameter",
        "limit",
    )
    .await;
    assert_problem_at(
        app.get("/v1/available-numbers?type=fax").await,
        400,
        "unknown_number_type",
        "type",
    )
    .await;
    assert_problem(app.get("/v1/nothing-here").await, 404, "not_found").await;
}

async fn a_wrong_or_missing_bearer_token_is_unauthorized(app: &TestApp) {
    let wrong = app
        .client
        .get(app.url("/v1/organizations"))
        .bearer_auth("nope")
        .send()
        .await
        .unwrap();
    assert_problem_at(wrong, 401, "unauthorized", "Authorization").await;
    let missing = app
        .client
        .get(app.url("/v1/organizations"))
        .send()
        .await
        .unwrap();
    assert_problem(missing, 401, "unauthorized").await;
    let health = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), 200, "health needs no token");
}

async fn webhooks_missing_fields_or_signature_are_refused(app: &TestApp) {
    assert_problem_at(
        app.signed_webhook(
            "/webhooks/twilio/messages",
            &[("MessageSid", "SM1"), ("From", "+15551230000")],
        )
        .await,
        400,
        "missing_field",
        "To",
    )
    .await;
    assert_problem_at(
        app.signed_webhook(
            "/webhooks/twilio/messages",
            &[("To", "+14155550100"), ("From", "+15551230000")],
        )
        .await,
        400,
        "missing_field",
        "MessageSid",
    )
    .await;
    let unsigned = app
        .client
        .post(app.url("/webhooks/twilio/messages"))
        .form(&[
            ("MessageSid", "SM1"),
            ("To", "+14155550100"),
            ("From", "+15551230000"),
        ])
        .send()
        .await
        .unwrap();
    assert_problem(unsigned, 403, "invalid_signature").await;
    let forged = app
        .client
        .post(app.url("/webhooks/twilio/messages"))
        .header("X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
        .form(&[
            ("MessageSid", "SM1"),
            ("To", "+14155550100"),
            ("From", "+15551230000"),
        ])
        .send()
        .await
        .unwrap();
    assert_problem(forged, 403, "invalid_signature").await;
}

async fn invalid_settings_are_refused_naming_the_field(app: &TestApp) {
    let org = app.create_organization("Settings", "trial").await;
    let path = format!("/v1/organizations/{org}");
    assert_problem_at(
        app.patch(&path, json!({"time_zone": "Mars/Olympus_Mons"}))
            .await,
        422,
        "invalid_time_zone",
        "time_zone",
    )
    .await;
    let overlapping = json!({"business_hours": {"monday": [{"start": "09:00", "end": "13:00"}, {"start": "12:00", "end": "17:00"}]}});
    assert_problem_at(
        app.patch(&path, overlapping).await,
        422,
        "invalid_business_hours",
        "business_hours.monday",
    )
    .await;
    let backwards = json!({"business_hours": {"friday": [{"start": "17:00", "end": "09:00"}]}});
    assert_problem_at(
        app.patch(&path, backwards).await,
        422,
        "invalid_business_hours",
        "business_hours.friday",
    )
    .await;
    let bad_time = json!({"business_hours": {"sunday": [{"start": "9am", "end": "17:00"}]}});
    assert_problem_at(
        app.patch(&path, bad_time).await,
        422,
        "invalid_business_hours",
        "business_hours.sunday",
    )
    .await;
    assert_problem_at(
        app.patch(&path, json!({"billing_day": 31})).await,
        422,
        "invalid_billing_day",
        "billing_day",
    )
    .await;
    assert_problem_at(
        app.patch(&path, json!({"welcome_message": "  "})).await,
        422,
        "invalid_message",
        "welcome_message",
    )
    .await;
    // Nothing of a refused PATCH is applied.
    let org_now = crate::helpers::body(app.get(&path).await).await;
    assert!(org_now["settings"]["time_zone"].is_null());
    assert!(org_now["settings"]["business_hours"].is_null());
}

on_both_backends!(
    invalid_settings_are_refused_naming_the_field,
    malformed_requests_get_problems_naming_the_field,
    a_wrong_or_missing_bearer_token_is_unauthorized,
    webhooks_missing_fields_or_signature_are_refused,
);
