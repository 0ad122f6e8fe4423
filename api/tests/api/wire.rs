//! The wire contract the spec states: absent members are omitted (never `null`), `null` is refused
//! where the spec does not allow it, spec constraints are refused with the member's own code,
//! bodies are capped, and a 405 says what is allowed.

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{assert_problem, assert_problem_at, body, Backend, TestApp};

#[tokio::test]
async fn members_that_do_not_apply_are_omitted_never_null() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let created = body(
        app.post("/v1/organizations", json!({"name": "Plain"}))
            .await,
    )
    .await;
    for member in ["description", "industry"] {
        assert!(created.get(member).is_none(), "{member} in {created}");
    }
    assert_eq!(created["settings"], json!({}), "no setting was customised");

    let page = body(app.get("/v1/organizations").await).await;
    assert!(page.get("next_cursor").is_none(), "last page: {page}");
    assert!(page["items"][0].get("description").is_none());
    app.finish().await;
}

#[tokio::test]
async fn null_is_refused_where_the_spec_does_not_allow_it_and_resets_where_it_does() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    assert_problem(
        app.post(
            "/v1/organizations",
            json!({"name": "Nulls", "description": null}),
        )
        .await,
        400,
        "invalid_body",
    )
    .await;

    let org = app.create_organization("Nulls", "trial").await;
    let path = format!("/v1/organizations/{org}");
    let set = app
        .patch(
            &path,
            json!({"time_zone": "Europe/Madrid", "billing_day": 5}),
        )
        .await;
    assert_eq!(set.status(), 200);
    let reset = body(
        app.patch(&path, json!({"time_zone": null, "billing_day": null}))
            .await,
    )
    .await;
    assert_eq!(reset["settings"], json!({}), "null resets to the default");
    app.finish().await;
}

#[tokio::test]
async fn a_value_outside_the_spec_is_refused_with_the_members_code() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    assert_problem_at(
        app.post("/v1/organizations", json!({"name": "x".repeat(201)}))
            .await,
        422,
        "invalid_name",
        "name",
    )
    .await;
    assert_problem(
        app.post("/v1/organizations", json!({"name": 42})).await,
        400,
        "invalid_body",
    )
    .await;
    assert_problem_at(
        app.get("/v1/organizations?cursor=abc").await,
        400,
        "invalid_cursor",
        "cursor",
    )
    .await;
    let org = app.create_organization("Sender", "trial").await;
    assert_problem_at(
        app.post(
            &format!("/v1/organizations/{org}/messages"),
            json!({"to": "+15551230000", "channel": "sms", "media_urls": ["ftp://x"]}),
        )
        .await,
        422,
        "invalid_url",
        "media_urls",
    )
    .await;
    app.finish().await;
}

#[tokio::test]
async fn a_body_over_64_kib_is_refused_before_it_is_read() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let large = json!({"name": "Big", "description": "x".repeat(70 * 1024)});
    assert_problem(
        app.post("/v1/organizations", large).await,
        413,
        "payload_too_large",
    )
    .await;
    // Without a Content-Length: 80 chunks of 1 KiB.
    let address = app.address.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /v1/organizations HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        app.api_key
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    for _ in 0..80 {
        let chunk = format!("400\r\n{}\r\n", " ".repeat(1024));
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break; // the server answered and closed early
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("payload_too_large"), "{answer}");
    app.finish().await;
}

#[tokio::test]
async fn a_body_that_is_not_json_is_unsupported_and_a_wrong_method_says_what_is_allowed() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let text = app
        .client
        .post(app.url("/v1/organizations"))
        .bearer_auth(&app.api_key)
        .header("content-type", "text/plain")
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert_problem_at(text, 415, "unsupported_media_type", "Content-Type").await;

    let put = app
        .client
        .put(app.url("/v1/organizations"))
        .bearer_auth(&app.api_key)
        .send()
        .await
        .unwrap();
    assert_eq!(put.headers()["allow"], "GET, HEAD, POST");
    assert_problem(put, 405, "method_not_allowed").await;
    app.finish().await;
}
