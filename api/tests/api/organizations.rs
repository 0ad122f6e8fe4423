//! Organizations: create, read, list with a cursor, update, delete.

use serde_json::json;

use crate::helpers::{assert_problem, assert_problem_at, body, TestApp};
use crate::on_both_backends;

async fn an_organization_is_created_read_and_listed(app: &TestApp) {
    let response = app
        .post(
            "/v1/organizations",
            json!({"name": "  Acme Retail ", "description": "shoes", "industry": "retail", "plan": "enterprise"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let created = body(response).await;
    assert_eq!(created["name"], "Acme Retail");
    assert_eq!(created["plan"], "enterprise");
    assert_eq!(created["number_limit"], 5);
    assert_eq!(created["monthly_message_limit"], 10000);
    let id = created["id"].as_str().unwrap();

    let read = body(app.get(&format!("/v1/organizations/{id}")).await).await;
    assert_eq!(read["industry"], "retail");

    let listed = body(app.get("/v1/organizations").await).await;
    let ids: Vec<_> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].clone())
        .collect();
    assert_eq!(ids, vec![json!(id)]);
}

async fn a_new_organization_defaults_to_the_trial_plan(app: &TestApp) {
    let created = body(app.post("/v1/organizations", json!({"name": "Tiny"})).await).await;
    assert_eq!(created["plan"], "trial");
    assert_eq!(created["monthly_message_limit"], 50);
    assert_eq!(created["number_limit"], 1);
}

async fn the_list_pages_with_a_cursor(app: &TestApp) {
    for i in 0..5 {
        app.create_organization(&format!("Org {i}"), "trial").await;
    }
    let first = body(app.get("/v1/organizations?limit=2").await).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().expect("a cursor").to_string();
    let second = body(
        app.get(&format!("/v1/organizations?limit=2&cursor={cursor}"))
            .await,
    )
    .await;
    let third_cursor = second["next_cursor"]
        .as_str()
        .expect("a cursor")
        .to_string();
    let third = body(
        app.get(&format!("/v1/organizations?limit=2&cursor={third_cursor}"))
            .await,
    )
    .await;
    assert_eq!(third["items"].as_array().unwrap().len(), 1);
    assert!(third["next_cursor"].is_null());
    let names: Vec<String> = [&first, &second, &third]
        .iter()
        .flat_map(|p| {
            p["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["name"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(
        names,
        (0..5).map(|i| format!("Org {i}")).collect::<Vec<_>>()
    );
}

async fn an_update_changes_only_the_given_fields(app: &TestApp) {
    let id = app.create_organization("Acme", "trial").await;
    let response = app
        .patch(
            &format!("/v1/organizations/{id}"),
            json!({"name": "Acme Ltd", "plan": "business"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let updated = body(response).await;
    assert_eq!(updated["name"], "Acme Ltd");
    assert_eq!(updated["plan"], "business");
    assert_eq!(updated["monthly_message_limit"], 2000);
    let listed = body(app.get("/v1/organizations").await).await;
    assert_eq!(listed["items"][0]["name"], "Acme Ltd");
    assert_eq!(listed["items"][0]["plan"], "business");
}

async fn a_deleted_organization_is_gone(app: &TestApp) {
    let id = app.create_organization("Gone", "trial").await;
    assert_eq!(
        app.delete(&format!("/v1/organizations/{id}"))
            .await
            .status(),
        204
    );
    assert_problem(
        app.get(&format!("/v1/organizations/{id}")).await,
        404,
        "organization_not_found",
    )
    .await;
    let listed = body(app.get("/v1/organizations").await).await;
    assert!(listed["items"].as_array().unwrap().is_empty());
    assert_problem(
        app.delete(&format!("/v1/organizations/{id}")).await,
        404,
        "organization_not_found",
    )
    .await;
}

async fn a_downgrade_below_the_numbers_held_is_refused(app: &TestApp) {
    let id = app.create_organization("Big", "enterprise").await;
    for number in ["+14155550100", "+14155550101"] {
        assert_eq!(
            app.provision(&id, json!({"phone_number": number}))
                .await
                .status(),
            201
        );
    }
    assert_problem_at(
        app.patch(
            &format!("/v1/organizations/{id}"),
            json!({"plan": "starter"}),
        )
        .await,
        409,
        "plan_too_small",
        "plan",
    )
    .await;
}

on_both_backends!(
    an_organization_is_created_read_and_listed,
    a_new_organization_defaults_to_the_trial_plan,
    the_list_pages_with_a_cursor,
    an_update_changes_only_the_given_fields,
    a_deleted_organization_is_gone,
    a_downgrade_below_the_numbers_held_is_refused,
);
