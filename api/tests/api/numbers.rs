//! Numbers: search, provision (both forms), limits, provider refusals, webhooks, release.

use serde_json::json;

use crate::helpers::{assert_problem, assert_problem_at, body, TestApp};
use crate::on_both_backends;

async fn the_inventory_is_searched_by_type_area_code_and_pattern(app: &TestApp) {
    let found = body(
        app.get("/v1/available-numbers?country=US&type=local&area_code=415&limit=3")
            .await,
    )
    .await;
    let items = found["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert!(items
        .iter()
        .all(|n| n["phone_number"].as_str().unwrap().starts_with("+1415")));
    assert!(items.iter().all(|n| n["capabilities"]["sms"] == true));

    let toll_free = body(
        app.get("/v1/available-numbers?type=toll-free&limit=2")
            .await,
    )
    .await;
    assert!(toll_free["items"].as_array().unwrap().iter().all(|n| {
        let number = n["phone_number"].as_str().unwrap();
        ["+1833", "+1844", "+1855"]
            .iter()
            .any(|p| number.starts_with(p))
    }));

    let first = items[0]["phone_number"].as_str().unwrap();
    let tail = &first[first.len() - 4..];
    let matching = body(
        app.get(&format!(
            "/v1/available-numbers?area_code=415&contains={tail}"
        ))
        .await,
    )
    .await;
    assert!(matching["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["phone_number"] == first));
}

async fn an_area_code_keeps_its_leading_zero_in_searches(app: &TestApp) {
    let london = body(
        app.get("/v1/available-numbers?country=GB&area_code=020&limit=2")
            .await,
    )
    .await;
    let items = london["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{london}");
    assert!(items
        .iter()
        .all(|n| n["phone_number"].as_str().unwrap().starts_with("+4420")));
    // The same digits are no North American area code.
    assert_problem_at(
        app.get("/v1/available-numbers?country=US&area_code=020")
            .await,
        400,
        "invalid_area_code",
        "area_code",
    )
    .await;
    // Outside the US and Canada the area code is itself the number pattern.
    assert_problem_at(
        app.get("/v1/available-numbers?country=GB&area_code=020&contains=946")
            .await,
        400,
        "invalid_area_code",
        "area_code",
    )
    .await;
}

async fn a_number_is_provisioned_by_number_and_by_area_code(app: &TestApp) {
    let org = app.create_organization("Acme", "enterprise").await;
    let response = app
        .provision(&org, json!({"phone_number": "+14155550100"}))
        .await;
    assert_eq!(response.status(), 201);
    let by_number = body(response).await;
    assert_eq!(by_number["phone_number"], "+14155550100");
    assert!(by_number["provider_sid"]
        .as_str()
        .unwrap()
        .starts_with("PN"));
    assert_eq!(by_number["status"], "active");
    assert_eq!(by_number["capabilities"]["sms"], true);
    assert_eq!(
        by_number["sms_url"],
        app.url("/webhooks/twilio/messages#rc=3&rp=5xx,ct,rt")
    );

    let response = app
        .provision(
            &org,
            json!({"area_code": "212", "country": "US", "type": "local"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let by_area = body(response).await;
    assert!(by_area["phone_number"]
        .as_str()
        .unwrap()
        .starts_with("+1212"));

    let listed = body(app.get(&format!("/v1/organizations/{org}/numbers")).await).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    let mut expected = vec![
        by_number["phone_number"].as_str().unwrap().to_string(),
        by_area["phone_number"].as_str().unwrap().to_string(),
    ];
    expected.sort();
    assert_eq!(app.owned_at_provider().await, expected);

    let routing = body(app.get("/v1/numbers/+14155550100").await).await;
    assert_eq!(routing["organization_id"], org.as_str());
    assert_eq!(routing["status"], "active");
}

async fn the_plan_limits_the_numbers_held(app: &TestApp) {
    let org = app.create_organization("Small", "trial").await;
    assert_eq!(
        app.provision(&org, json!({"phone_number": "+14155550100"}))
            .await
            .status(),
        201
    );
    let problem = assert_problem(
        app.provision(&org, json!({"area_code": "212"})).await,
        409,
        "number_limit_reached",
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("trial"));
    assert_eq!(
        app.owned_at_provider().await,
        vec!["+14155550100".to_string()],
        "nothing bought past the limit"
    );
}

async fn concurrent_provisioning_never_exceeds_the_plan(app: &TestApp) {
    let org = app.create_organization("Racy", "starter").await;
    let attempts = [
        "+14155550100",
        "+14155550101",
        "+14155550102",
        "+14155550103",
    ]
    .map(|n| app.provision(&org, json!({"phone_number": n})));
    let statuses: Vec<u16> = futures::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
    assert_eq!(app.owned_at_provider().await.len(), 1);
}

async fn a_number_held_by_another_organization_is_taken(app: &TestApp) {
    let first = app.create_organization("First", "trial").await;
    let second = app.create_organization("Second", "trial").await;
    assert_eq!(
        app.provision(&first, json!({"phone_number": "+14155550100"}))
            .await
            .status(),
        201
    );
    assert_problem_at(
        app.provision(&second, json!({"phone_number": "+14155550100"}))
            .await,
        409,
        "number_taken",
        "phone_number",
    )
    .await;
    // The slot the refused request would have used is still free.
    assert_eq!(
        app.provision(&second, json!({"phone_number": "+14155550101"}))
            .await
            .status(),
        201
    );
}

async fn provider_refusals_pass_their_code_and_message_through(app: &TestApp) {
    let org = app.create_organization("Refused", "trial").await;
    for (request, code) in [
        (json!({"phone_number": "+15005550000"}), 21422),
        (json!({"phone_number": "+15005550001"}), 21421),
        (json!({"area_code": "533"}), 21452),
    ] {
        let problem =
            assert_problem(app.provision(&org, request).await, 422, "provider_refused").await;
        assert_eq!(problem["provider_code"], code);
        assert!(!problem["provider_message"].as_str().unwrap().is_empty());
        assert_eq!(
            problem["provider_more_info"],
            format!("https://www.twilio.com/docs/errors/{code}")
        );
    }
    // Refused purchases do not use up the plan's one number.
    assert_eq!(
        app.provision(&org, json!({"phone_number": "+15005550006"}))
            .await
            .status(),
        201
    );
}

async fn webhooks_are_reapplied_at_the_provider(app: &TestApp) {
    let org = app.create_organization("Hooks", "trial").await;
    let number = body(app.provision(&org, json!({"area_code": "415"})).await).await;
    let e164 = number["phone_number"].as_str().unwrap();
    let response = app
        .post(
            &format!("/v1/organizations/{org}/numbers/{e164}/webhooks"),
            json!({}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let configured = body(response).await;
    assert_eq!(
        configured["sms_url"],
        app.url("/webhooks/twilio/messages#rc=3&rp=5xx,ct,rt")
    );
    assert_eq!(
        configured["status_callback"],
        app.url("/webhooks/twilio/voice/status")
    );
    let other = app.create_organization("Other", "trial").await;
    assert_problem(
        app.post(
            &format!("/v1/organizations/{other}/numbers/{e164}/webhooks"),
            json!({}),
        )
        .await,
        404,
        "number_not_found",
    )
    .await;
}

async fn a_released_number_leaves_the_provider_account(app: &TestApp) {
    let org = app.create_organization("Release", "trial").await;
    assert_eq!(
        app.provision(&org, json!({"phone_number": "+14155550100"}))
            .await
            .status(),
        201
    );
    let other = app.create_organization("Other", "trial").await;
    assert_problem(
        app.delete(&format!("/v1/organizations/{other}/numbers/+14155550100"))
            .await,
        404,
        "number_not_found",
    )
    .await;
    assert_eq!(
        app.delete(&format!("/v1/organizations/{org}/numbers/+14155550100"))
            .await
            .status(),
        204
    );
    assert!(app.owned_at_provider().await.is_empty());
    let listed = body(app.get(&format!("/v1/organizations/{org}/numbers")).await).await;
    assert!(listed["items"].as_array().unwrap().is_empty());
    let routing = body(app.get("/v1/numbers/+14155550100").await).await;
    assert_eq!(routing["status"], "released");
    // The freed slot and the freed number can be used again.
    assert_eq!(
        app.provision(&other, json!({"phone_number": "+14155550100"}))
            .await
            .status(),
        201
    );
}

async fn deleting_an_organization_releases_its_numbers_at_the_provider(app: &TestApp) {
    let org = app.create_organization("Leaving", "enterprise").await;
    for request in [
        json!({"phone_number": "+14155550100"}),
        json!({"area_code": "212"}),
    ] {
        assert_eq!(app.provision(&org, request).await.status(), 201);
    }
    assert_eq!(app.owned_at_provider().await.len(), 2);
    assert_eq!(
        app.delete(&format!("/v1/organizations/{org}"))
            .await
            .status(),
        204
    );
    assert!(app.owned_at_provider().await.is_empty());
    let routing = body(app.get("/v1/numbers/+14155550100").await).await;
    assert_eq!(routing["status"], "released");
}

on_both_backends!(
    the_inventory_is_searched_by_type_area_code_and_pattern,
    an_area_code_keeps_its_leading_zero_in_searches,
    a_number_is_provisioned_by_number_and_by_area_code,
    the_plan_limits_the_numbers_held,
    concurrent_provisioning_never_exceeds_the_plan,
    a_number_held_by_another_organization_is_taken,
    provider_refusals_pass_their_code_and_message_through,
    webhooks_are_reapplied_at_the_provider,
    a_released_number_leaves_the_provider_account,
    deleting_an_organization_releases_its_numbers_at_the_provider,
);
