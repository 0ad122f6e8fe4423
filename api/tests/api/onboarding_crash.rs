//! One-call onboarding survives a SIGKILL between the purchase and its record (invariant 5):
//! the real `switchboard` binary signs an organization up with a number through a Twilio-shaped
//! provider that buys the number but withholds the answer; the process is killed while it waits,
//! then started again on the same database, and its reconciler finishes the provisioning from
//! the provider's own `IncomingPhoneNumbers` list.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use switchboard_adapters::event_store::Database;
use switchboard_adapters::sandbox::{serve_sandbox, SandboxConfig};
use switchboard_adapters::test_database::TestDatabase;
use switchboard_application::ports::TelephonyProvider;

use crate::helpers::{body, provider_client, provider_env, Backend, API_KEY};
use crate::process::start_process;
use crate::provider_proxy::{provider_proxy, FirstPurchase};

/// How many events of `event_type` the database holds.
async fn events_of(database_url: &str, event_type: &str) -> i64 {
    let database = Database::connect(database_url).await.unwrap();
    let count: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events WHERE event_type = $1")
        .bind(event_type)
        .fetch_one(database.any())
        .await
        .unwrap();
    database.close().await;
    count.0
}

async fn get(client: &reqwest::Client, url: String) -> Value {
    let answer = client.get(url).bearer_auth(API_KEY).send().await.unwrap();
    body(answer).await
}

async fn an_onboarding_killed_between_purchase_and_record_is_finished_after_restart(
    backend: Backend,
) {
    let Some(database) = TestDatabase::create(backend).await else {
        return;
    };
    let sandbox = serve_sandbox("127.0.0.1:0", SandboxConfig::generate())
        .await
        .unwrap();
    let mut provider = provider_proxy(&sandbox, FirstPurchase::Withheld).await;
    let mut env: Vec<(&str, String)> = provider_env(&sandbox)
        .into_iter()
        .filter(|(key, _)| *key != "TWILIO_API_BASE_URL")
        .collect();
    env.extend([
        ("TWILIO_API_BASE_URL", provider.base_url.clone()),
        ("DATABASE_URL", database.url().to_string()),
        ("PUBLIC_BASE_URL", "http://127.0.0.1:9".to_string()),
    ]);
    let (mut first, address) = start_process(&env);
    let client = reqwest::Client::new();

    // The sign-up hangs once the provider has sold the number.
    let signup = tokio::spawn({
        let (client, address) = (client.clone(), address.clone());
        async move {
            client
                .post(format!("{address}/v1/organizations"))
                .bearer_auth(API_KEY)
                .json(&json!({"name": "Killed Cafe", "plan": "starter",
                              "number": {"area_code": "415"}}))
                .send()
                .await
        }
    });
    let bought = tokio::time::timeout(
        Duration::from_secs(20),
        provider.bought.wait_for(Option::is_some),
    )
    .await
    .expect("the purchase reached the provider")
    .unwrap()
    .clone()
    .unwrap();
    first.kill().expect("SIGKILL");
    let _ = first.wait();
    assert!(
        signup.await.unwrap().is_err(),
        "the sign-up was never answered"
    );
    let owned = || async {
        let owned = provider_client(&sandbox).list_owned().await.unwrap();
        owned
            .into_iter()
            .map(|n| n.phone_number.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        owned().await,
        vec![bought.clone()],
        "bought at the provider"
    );
    assert_eq!(events_of(database.url(), "NumberRequested").await, 1);
    assert_eq!(
        events_of(database.url(), "NumberProvisioned").await,
        0,
        "killed before the purchase was recorded"
    );

    // Started again with a short timeout and interval, the reconciler's passes come quickly.
    env.extend([
        ("PROVISIONING_TIMEOUT_SECS", "1".to_string()),
        ("MAINTENANCE_INTERVAL_SECS", "1".to_string()),
    ]);
    let (mut second, address) = start_process(&env);
    let deadline = Instant::now() + Duration::from_secs(30);
    let id = loop {
        let listed = get(&client, format!("{address}/v1/organizations")).await;
        if let Some(id) = listed["items"][0]["id"].as_str() {
            break id.to_string();
        }
        assert!(
            Instant::now() < deadline,
            "the organization was never listed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // The organization holds the number, and the routing table (a read model) follows.
    let (organization, routing) = loop {
        let organization = get(&client, format!("{address}/v1/organizations/{id}")).await;
        let routing = get(&client, format!("{address}/v1/numbers/{bought}")).await;
        let done =
            organization["numbers"] != json!([]) && routing["organization_id"] == id.as_str();
        if done || Instant::now() > deadline {
            break (organization, routing);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let still_owned = owned().await;
    let _ = second.kill();
    let _ = second.wait();
    provider.server.abort();
    let _ = sandbox.shutdown().await;
    database.drop_database().await;

    assert_eq!(organization["numbers"], json!([bought]), "{organization}");
    assert_eq!(still_owned, vec![bought.clone()], "kept, not released");
    assert_eq!(routing["organization_id"], id.as_str(), "{routing}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_onboarding_killed_between_purchase_and_record_is_finished_after_restart_on_sqlite() {
    an_onboarding_killed_between_purchase_and_record_is_finished_after_restart(Backend::Sqlite)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_onboarding_killed_between_purchase_and_record_is_finished_after_restart_on_postgres() {
    an_onboarding_killed_between_purchase_and_record_is_finished_after_restart(Backend::Postgres)
        .await;
}
