//! The shared platform number: `join <code>` binds a customer to an organization.

use serde_json::json;

use crate::helpers::{assert_problem_at, body, Backend, TestApp};

const SHARED: &str = "+15005550006";
const CUSTOMER: &str = "+15551230000";

async fn customers_join_organizations_on_the_shared_number(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, &[("SHARED_NUMBER", SHARED.to_string())]).await
    else {
        return;
    };
    app.buy_at_provider(SHARED, "Switchboard shared number")
        .await;
    let acme = body(app.post("/v1/organizations", json!({"name": "Acme"})).await).await;
    let bolt = body(app.post("/v1/organizations", json!({"name": "Bolt"})).await).await;
    let (acme_id, acme_code) = (
        acme["id"].as_str().unwrap(),
        acme["join_code"].as_str().unwrap(),
    );
    let (bolt_id, bolt_code) = (
        bolt["id"].as_str().unwrap(),
        bolt["join_code"].as_str().unwrap(),
    );

    let lost = app.customer_says(CUSTOMER, SHARED, "hello?").await;
    assert!(lost.contains("join &lt;code&gt;"), "{lost}");
    // Another customer: this one's join help went just now, and goes once an hour.
    let unknown = app
        .customer_says("+15551239999", SHARED, "join NOSUCHCODE")
        .await;
    assert!(unknown.contains("doesn't match"), "{unknown}");

    let joined = app
        .customer_says(
            CUSTOMER,
            SHARED,
            &format!("join {}", acme_code.to_lowercase()),
        )
        .await;
    assert!(joined.contains("You're now connected to Acme"), "{joined}");
    assert!(
        joined.contains("Thanks for contacting Acme"),
        "the welcome follows: {joined}"
    );
    app.customer_says(CUSTOMER, SHARED, "my order is late")
        .await;
    let acme_messages = app.wait_for_messages(acme_id, 2).await;
    assert_eq!(acme_messages[0]["body"], "my order is late");

    let moved = app
        .customer_says(CUSTOMER, SHARED, &format!("JOIN {bolt_code}"))
        .await;
    assert!(moved.contains("connected to Bolt"), "{moved}");
    app.customer_says(CUSTOMER, SHARED, "hi Bolt").await;
    let bolt_messages = app.wait_for_messages(bolt_id, 2).await;
    assert_eq!(bolt_messages[0]["body"], "hi Bolt");
    assert_eq!(
        app.messages(acme_id).await.len(),
        2,
        "Acme gets nothing after the customer left"
    );

    // The join message is the customer's first message to Acme: counted in its figures.
    let mut totals = serde_json::Value::Null;
    for _ in 0..100 {
        let stats = body(app.get(&format!("/v1/organizations/{acme_id}/stats")).await).await;
        totals = stats["totals"].clone();
        if totals["inbound"] == 2 && totals["conversations"] == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(totals["inbound"], 2, "{totals}");
    assert_eq!(totals["new_customers"], 1, "{totals}");
    assert_eq!(totals["unique_customers"], 1, "{totals}");
    assert_eq!(totals["conversations"], 1, "{totals}");

    // An organization without a dedicated number sends from the shared number.
    let sent = app
        .post(
            &format!("/v1/organizations/{bolt_id}/messages"),
            json!({"to": CUSTOMER, "body": "hello from Bolt", "channel": "sms"}),
        )
        .await;
    assert_eq!(sent.status(), 201);
    assert_eq!(body(sent).await["from"], SHARED);

    // The shared number crosses no tenant: Acme, which the customer left for Bolt, no longer
    // reaches them, and nobody reaches a customer who never joined.
    for (organization, to) in [(acme_id, CUSTOMER), (bolt_id, "+15551239999")] {
        assert_problem_at(
            app.post(
                &format!("/v1/organizations/{organization}/messages"),
                json!({"to": to, "body": "hello", "channel": "sms"}),
            )
            .await,
            409,
            "recipient_not_joined",
            "to",
        )
        .await;
    }

    // Opt-outs on the shared number are per organization: a STOP while bound to Bolt stops
    // Bolt's messages only; back with Acme, the customer hears from Acme again.
    app.customer_says(CUSTOMER, SHARED, "STOP").await;
    assert_problem_at(
        app.post(
            &format!("/v1/organizations/{bolt_id}/messages"),
            json!({"to": CUSTOMER, "body": "hello again", "channel": "sms"}),
        )
        .await,
        409,
        "recipient_opted_out",
        "to",
    )
    .await;
    app.customer_says(CUSTOMER, SHARED, &format!("join {acme_code}"))
        .await;
    let back = app
        .post(
            &format!("/v1/organizations/{acme_id}/messages"),
            json!({"to": CUSTOMER, "body": "welcome back", "channel": "sms"}),
        )
        .await;
    assert_eq!(back.status(), 201, "Acme is not blocked by Bolt's opt-out");
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_join_organizations_on_the_shared_number_on_sqlite() {
    customers_join_organizations_on_the_shared_number(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_join_organizations_on_the_shared_number_on_postgres() {
    customers_join_organizations_on_the_shared_number(Backend::Postgres).await;
}
