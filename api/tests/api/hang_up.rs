//! A `/v1` write runs to completion in its own task: a client that hangs up while the provider
//! is still selling it a number does not cancel the provisioning half-way; the number ends
//! recorded and owned, with no retry.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::{body, Backend};
use crate::provider_proxy::{app_behind_proxy, FirstPurchase};

async fn a_provisioning_whose_client_hangs_up_ends_recorded(backend: Backend) {
    let Some((app, mut proxy)) =
        app_behind_proxy(backend, FirstPurchase::Delayed(Duration::from_secs(2))).await
    else {
        return;
    };
    let org = app.create_organization("Impatient", "starter").await;
    // Over HTTP/2, hanging up on one request is resetting its stream (RST_STREAM CANCEL), and
    // the server drops what served that stream.
    let mut stream = h2_request(
        &app.address,
        &format!("/v1/organizations/{org}/numbers"),
        &app.api_key,
        &json!({"area_code": "415"}).to_string(),
    )
    .await;
    let bought = tokio::time::timeout(
        Duration::from_secs(20),
        proxy.bought.wait_for(Option::is_some),
    )
    .await
    .expect("the purchase reached the provider")
    .unwrap()
    .clone()
    .unwrap();
    // The client hangs up while the provider has not answered yet.
    stream.send_reset(h2::Reason::CANCEL);
    drop(stream);

    // The organization's numbers and the routing table are two read models: wait for both.
    let deadline = Instant::now() + Duration::from_secs(15);
    let (numbers, routing) = loop {
        let numbers = body(app.get(&format!("/v1/organizations/{org}/numbers")).await).await;
        let routing = body(app.get(&format!("/v1/numbers/{bought}")).await).await;
        let listed = numbers["items"]
            .as_array()
            .is_some_and(|items| !items.is_empty());
        if (listed && routing["organization_id"] == org.as_str()) || Instant::now() > deadline {
            break (numbers, routing);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let owned = app.owned_at_provider().await;
    proxy.server.abort();
    app.finish().await;

    assert_eq!(
        numbers["items"][0]["phone_number"],
        bought.as_str(),
        "{numbers}"
    );
    assert_eq!(routing["organization_id"], org.as_str(), "{routing}");
    assert_eq!(owned, vec![bought], "bought once, kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provisioning_whose_client_hangs_up_ends_recorded_on_sqlite() {
    a_provisioning_whose_client_hangs_up_ends_recorded(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provisioning_whose_client_hangs_up_ends_recorded_on_postgres() {
    a_provisioning_whose_client_hangs_up_ends_recorded(Backend::Postgres).await;
}

/// Opens an HTTP/2 (prior knowledge) connection to `address` and sends a JSON `POST` to `path`;
/// returns the request's stream, still open for a reset.
async fn h2_request(
    address: &str,
    path: &str,
    key: &str,
    payload: &str,
) -> h2::SendStream<bytes::Bytes> {
    let authority = address.trim_start_matches("http://");
    let tcp = tokio::net::TcpStream::connect(authority).await.unwrap();
    let (client, connection) = h2::client::handshake(tcp).await.unwrap();
    tokio::spawn(connection);
    let mut client = client.ready().await.unwrap();
    let request = poem::http::Request::builder()
        .method("POST")
        .uri(format!("http://{authority}{path}"))
        .header("authorization", format!("Bearer {key}"))
        .header("content-type", "application/json")
        .body(())
        .unwrap();
    let (_response, mut stream) = client.send_request(request, false).unwrap();
    stream
        .send_data(bytes::Bytes::from(payload.to_string()), true)
        .unwrap();
    stream
}
