//! The committed `openapi.yaml` is exactly what the server generates and serves.

use crate::helpers::{Backend, TestApp};

#[test]
fn the_committed_spec_matches_the_generated_one() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.yaml"))
            .expect("openapi.yaml at the repository root");
    let generated = switchboard_api::openapi_yaml();
    assert!(
        committed == generated,
        "openapi.yaml is stale: run `cargo run -q --bin switchboard -- openapi > openapi.yaml`"
    );
}

#[tokio::test]
async fn the_server_serves_its_spec_and_docs() {
    let app = TestApp::spawn(Backend::Sqlite)
        .await
        .expect("sqlite always available");
    let spec = app
        .client
        .get(app.url("/openapi.yaml"))
        .send()
        .await
        .unwrap();
    assert_eq!(spec.status(), 200);
    let text = spec.text().await.unwrap();
    assert!(text.contains("/v1/organizations/{id}/numbers"));
    assert!(text.contains("operationId: provisionNumber"));
    let docs = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    app.finish().await;
}
