//! Organization API keys: created with the secret shown once, listed without it, used only on
//! their own organization, a viewer that changes nothing, revoked at once; and the full
//! authorization matrix over every `/v1` operation of the spec.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_problem, assert_problem_at, body, TestApp};
use crate::on_both_backends;

on_both_backends!(
    a_key_reaches_its_own_organization_and_is_revoked_at_once,
    a_viewer_reads_and_changes_nothing,
    every_operation_answers_each_kind_of_key_as_the_policy_says,
);

/// Creates a key and returns (id, secret key).
async fn create_key(app: &TestApp, org: &str, name: &str, role: &str) -> (String, String) {
    let response = app
        .post(
            &format!("/v1/organizations/{org}/api-keys"),
            json!({"name": name, "role": role}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created = body(response).await;
    assert_eq!(created["role"], role);
    let key = created["key"].as_str().unwrap().to_string();
    (created["id"].as_str().unwrap().to_string(), key)
}

async fn call(
    app: &TestApp,
    key: Option<&str>,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = app.client.request(method, app.url(path));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("request")
}

async fn revoke(app: &TestApp, org: &str, key_id: &str) {
    let response = app
        .delete(&format!("/v1/organizations/{org}/api-keys/{key_id}"))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

async fn a_key_reaches_its_own_organization_and_is_revoked_at_once(app: &TestApp) {
    let acme = app.create_organization("Acme", "starter").await;
    let other = app.create_organization("Other", "starter").await;
    let (key_id, key) = create_key(app, &acme, "  ci deploys ", "admin").await;
    assert!(key.starts_with("sk_org_"), "{key}");

    // It reads and changes its own organization.
    let own = call(
        app,
        Some(&key),
        Method::GET,
        &format!("/v1/organizations/{acme}"),
        None,
    )
    .await;
    assert_eq!(own.status(), StatusCode::OK);
    let renamed = call(
        app,
        Some(&key),
        Method::PATCH,
        &format!("/v1/organizations/{acme}"),
        Some(json!({"name": "Acme Shoes"})),
    )
    .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    assert_eq!(body(renamed).await["name"], "Acme Shoes");
    // ... but not its plan, which the platform bills.
    assert_problem_at(
        call(
            app,
            Some(&key),
            Method::PATCH,
            &format!("/v1/organizations/{acme}"),
            Some(json!({"plan": "enterprise"})),
        )
        .await,
        403,
        "platform_key_required",
        "Authorization",
    )
    .await;

    // Another organization's ids answer as a missing organization would.
    assert_problem_at(
        call(
            app,
            Some(&key),
            Method::GET,
            &format!("/v1/organizations/{other}"),
            None,
        )
        .await,
        404,
        "organization_not_found",
        "id",
    )
    .await;
    assert_problem(
        call(
            app,
            Some(&key),
            Method::GET,
            &format!("/v1/organizations/{other}/messages"),
            None,
        )
        .await,
        404,
        "organization_not_found",
    )
    .await;
    // Platform operations are refused.
    assert_problem(
        call(app, Some(&key), Method::GET, "/v1/organizations", None).await,
        403,
        "platform_key_required",
    )
    .await;
    assert_problem(
        call(app, Some(&key), Method::GET, "/v1/events", None).await,
        403,
        "platform_key_required",
    )
    .await;

    // Listed without the secret, named as trimmed, with its last use.
    let list = body(app.get(&format!("/v1/organizations/{acme}/api-keys")).await).await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], key_id.as_str());
    assert_eq!(items[0]["name"], "ci deploys");
    assert!(items[0].get("key").is_none(), "{list}");
    assert!(items[0]["last_used_at"].is_string(), "{list}");
    assert!(key.starts_with(items[0]["prefix"].as_str().unwrap()));

    // The change it made is attributed to it in the audit log.
    let events = body(
        app.get(&format!("/v1/organizations/{acme}/events?limit=200"))
            .await,
    )
    .await;
    let updated = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event_type"] == "OrganizationUpdated")
        .cloned()
        .expect("the rename");
    assert_eq!(updated["metadata"]["actor"], format!("api_key:{key_id}"));

    // Revoked: refused on the very next request, and counted.
    revoke(app, &acme, &key_id).await;
    assert_problem(
        call(
            app,
            Some(&key),
            Method::GET,
            &format!("/v1/organizations/{acme}"),
            None,
        )
        .await,
        401,
        "unauthorized",
    )
    .await;
    let list = body(app.get(&format!("/v1/organizations/{acme}/api-keys")).await).await;
    assert!(list["items"].as_array().unwrap().is_empty());
    let metrics = app.metrics().await;
    assert!(
        metrics.contains("switchboard_auth_failures_total{reason=\"revoked\"} 1"),
        "{metrics}"
    );
    // Creation and revocation are events of the log.
    // (The log is read commit-safely, so the latest event may take a moment to show.)
    let mut types = Vec::new();
    for _ in 0..100 {
        types = app
            .audit_log()
            .await
            .iter()
            .filter(|e| e["aggregate_type"] == "ApiKeys")
            .map(|e| e["event_type"].as_str().unwrap().to_string())
            .collect();
        if types.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(types, ["ApiKeyCreated", "ApiKeyRevoked"]);
    // A tampered key is no key.
    let mut forged = key.clone();
    forged.pop();
    forged.push(if key.ends_with('0') { '1' } else { '0' });
    assert_eq!(
        call(
            app,
            Some(&forged),
            Method::GET,
            &format!("/v1/organizations/{acme}"),
            None
        )
        .await
        .status(),
        StatusCode::UNAUTHORIZED
    );
}

async fn a_viewer_reads_and_changes_nothing(app: &TestApp) {
    let acme = app.create_organization("Acme", "starter").await;
    let (_, viewer) = create_key(app, &acme, "dashboard", "viewer").await;
    let read = call(
        app,
        Some(&viewer),
        Method::GET,
        &format!("/v1/organizations/{acme}/usage"),
        None,
    )
    .await;
    assert_eq!(read.status(), StatusCode::OK);
    for (method, path, payload) in [
        (
            Method::PATCH,
            format!("/v1/organizations/{acme}"),
            json!({"name": "Hacked"}),
        ),
        (
            Method::POST,
            format!("/v1/organizations/{acme}/api-keys"),
            json!({"name": "escalate", "role": "admin"}),
        ),
        (
            Method::POST,
            format!("/v1/organizations/{acme}/messages"),
            json!({"to": "+15551230000", "body": "hi"}),
        ),
    ] {
        assert_problem(
            call(app, Some(&viewer), method, &path, Some(payload)).await,
            403,
            "read_only_key",
        )
        .await;
    }
    let org = body(app.get(&format!("/v1/organizations/{acme}")).await).await;
    assert_eq!(org["name"], "Acme");
    let keys = body(app.get(&format!("/v1/organizations/{acme}/api-keys")).await).await;
    assert_eq!(keys["items"].as_array().unwrap().len(), 1);
    assert_problem_at(
        app.post(
            &format!("/v1/organizations/{acme}/api-keys"),
            json!({"name": "x", "role": "owner"}),
        )
        .await,
        422,
        "unknown_role",
        "role",
    )
    .await;
}

/// Who calls, in the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    Anonymous,
    Revoked,
    OtherOrganization,
    Viewer,
    OrganizationAdmin,
    Platform,
}

/// What the policy promises `caller` on `method path` (a spec path template), as a check of the
/// status: `Err(reason)` when the status breaks it.
fn expect(caller: Caller, method: &Method, template: &str, status: u16) -> Result<(), String> {
    let under_organization = template.starts_with("/v1/organizations/{id}")
        && !(*method == Method::DELETE && template == "/v1/organizations/{id}");
    let reads = *method == Method::GET;
    let wanted: &[u16] = match caller {
        Caller::Anonymous | Caller::Revoked => &[401],
        Caller::OtherOrganization if under_organization => &[404],
        Caller::OtherOrganization => &[403],
        Caller::Viewer | Caller::OrganizationAdmin if !under_organization => &[403],
        Caller::Viewer if !reads => &[403],
        Caller::Viewer | Caller::OrganizationAdmin | Caller::Platform => {
            return if [401, 403].contains(&status) || status >= 500 {
                Err(format!("allowed, yet answered {status}"))
            } else {
                Ok(())
            };
        }
    };
    if wanted.contains(&status) {
        Ok(())
    } else {
        Err(format!("expected {wanted:?}, got {status}"))
    }
}

/// A value for each path parameter of the spec; a new parameter name fails the test until it is
/// given one here, so no operation escapes the matrix.
fn fill(template: &str, org: &str, number: &str) -> String {
    let mut path = template.to_string();
    while let Some(start) = path.find('{') {
        let end = path[start..].find('}').expect("closed parameter") + start;
        let value = match &path[start + 1..end] {
            "id" => org.to_string(),
            "phone_number" => number.replace('+', "%2B"),
            "address" => "whatsapp%3A%2B15551230000".to_string(),
            "key_id" | "endpoint_id" | "delivery_id" => uuid::Uuid::new_v4().to_string(),
            "message_sid" => "SM00000000000000000000000000000000".to_string(),
            "call_sid" => "CA00000000000000000000000000000000".to_string(),
            other => panic!("no matrix value for path parameter `{other}` in {template}"),
        };
        path.replace_range(start..=end, &value);
    }
    path
}

async fn every_operation_answers_each_kind_of_key_as_the_policy_says(app: &TestApp) {
    let acme = app.create_organization("Acme", "enterprise").await;
    let other = app.create_organization("Other", "starter").await;
    let number = app.number_for(&acme).await;
    let (_, admin) = create_key(app, &acme, "admin", "admin").await;
    let (_, viewer) = create_key(app, &acme, "viewer", "viewer").await;
    let (_, stranger) = create_key(app, &other, "stranger", "admin").await;
    let (revoked_id, revoked) = create_key(app, &acme, "old", "admin").await;
    revoke(app, &acme, &revoked_id).await;

    let spec: Value =
        serde_json::from_str(&switchboard_api::startup::openapi_service().spec()).unwrap();
    let mut operations = Vec::new();
    for (template, item) in spec["paths"].as_object().unwrap() {
        if !template.starts_with("/v1/") {
            continue;
        }
        for method in item.as_object().unwrap().keys() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            operations.push((template.clone(), method));
        }
    }
    assert!(operations.len() >= 35, "{} operations", operations.len());

    // The platform last: its DELETEs may remove what the others' requests point at.
    let callers = [
        (Caller::Anonymous, None),
        (Caller::Revoked, Some(revoked.as_str())),
        (Caller::OtherOrganization, Some(stranger.as_str())),
        (Caller::Viewer, Some(viewer.as_str())),
        (Caller::OrganizationAdmin, Some(admin.as_str())),
        (Caller::Platform, Some(app.api_key.as_str())),
    ];
    let mut broken = Vec::new();
    for (caller, key) in callers {
        for (template, method) in &operations {
            let path = fill(template, &acme, &number);
            let payload = (*method != Method::GET && *method != Method::DELETE).then(|| json!({}));
            // Server-sent event streams never end: the status line is all that is read.
            let response = tokio::time::timeout(
                std::time::Duration::from_secs(10),
                call(app, key, method.clone(), &path, payload),
            )
            .await
            .unwrap_or_else(|_| panic!("{method} {path} answered nothing in 10 s"));
            let status = response.status().as_u16();
            if let Err(why) = expect(caller, method, template, status) {
                broken.push(format!("{caller:?} {method} {template}: {why}"));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}
