//! Live streams: Server-Sent Events of the organization's envelopes, resumable with
//! `Last-Event-ID` without losing or repeating anything.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{assert_problem_at, TestApp};
use crate::on_both_backends;

/// One parsed SSE event.
#[derive(Debug)]
struct SseEvent {
    id: String,
    event: String,
    data: Value,
}

/// Opens `path` as an event stream (with `Last-Event-ID` when given) and reads `n` events.
async fn read_events(
    app: &TestApp,
    path: &str,
    last_event_id: Option<&str>,
    n: usize,
) -> Vec<SseEvent> {
    let mut request = app.client.get(app.url(path)).bearer_auth(&app.api_key);
    if let Some(id) = last_event_id {
        request = request.header("Last-Event-ID", id);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let mut response = response;
    let mut text = String::new();
    let mut events = Vec::new();
    let read = async {
        while events.len() < n {
            let Ok(Some(chunk)) = response.chunk().await else {
                break;
            };
            text.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = text.find("\n\n") {
                let block: String = text.drain(..end + 2).collect();
                let field = |name: &str| {
                    block
                        .lines()
                        .find_map(|l| l.strip_prefix(&format!("{name}:")))
                        .map(|v| v.trim_start().to_string())
                };
                if let (Some(id), Some(event), Some(data)) =
                    (field("id"), field("event"), field("data"))
                {
                    events.push(SseEvent {
                        id,
                        event,
                        data: serde_json::from_str(&data).unwrap(),
                    });
                }
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(10), read).await;
    events
}

async fn a_dashboard_resumes_with_last_event_id_and_loses_nothing(app: &TestApp) {
    let org = app.create_organization("Live", "starter").await;
    let number = app.number_for(&org).await;
    let mut sids = Vec::new();
    for i in 0..2 {
        let sent = app
            .customer_sends(
                json!({"from": "+15551239001", "to": number, "body": format!("first {i}")}),
            )
            .await;
        sids.push(sent["message_sid"].as_str().unwrap().to_string());
    }
    let path = format!("/v1/organizations/{org}/stream");
    let first = read_events(app, &format!("{path}?after=0"), None, 3).await;
    assert_eq!(first.len(), 3, "{first:?}");
    assert_eq!(first[0].event, "number.provisioned");
    assert_eq!(first[0].data["data"]["phone_number"], number);
    assert_eq!(first[1].event, "message.received");
    assert_eq!(first[1].data["type"], "message.received");
    assert_eq!(first[1].data["data"]["message_sid"], sids[0]);
    assert_eq!(first[2].data["data"]["message_sid"], sids[1]);

    // The dashboard went away; two more messages arrived meanwhile.
    for i in 0..2 {
        let sent = app
            .customer_sends(
                json!({"from": "+15551239001", "to": number, "body": format!("later {i}")}),
            )
            .await;
        sids.push(sent["message_sid"].as_str().unwrap().to_string());
    }
    let resumed = read_events(app, &path, Some(&first[2].id), 2).await;
    let got: Vec<&str> = first
        .iter()
        .chain(&resumed)
        .filter(|e| e.event == "message.received")
        .map(|e| e.data["data"]["message_sid"].as_str().unwrap())
        .collect();
    assert_eq!(got, sids, "nothing lost, nothing repeated");
    let ids: Vec<&String> = first.iter().chain(&resumed).map(|e| &e.id).collect();
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");

    // The platform stream sees every organization; another organization's stays its own.
    let other = app.create_organization("Elsewhere", "trial").await;
    app.number_for(&other).await;
    let platform = read_events(app, "/v1/stream?after=0", None, 7).await;
    let orgs: std::collections::HashSet<String> = platform
        .iter()
        .map(|e| {
            e.data["data"]["organization_id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(orgs.contains(&org) && orgs.contains(&other), "{orgs:?}");
    let own = read_events(
        app,
        &format!("/v1/organizations/{other}/stream?after=0"),
        None,
        1,
    )
    .await;
    assert_eq!(own[0].data["data"]["organization_id"], other);
}

async fn a_stream_refuses_a_malformed_position_and_starts_now_after_an_unknown_one(app: &TestApp) {
    let org = app.create_organization("Live", "trial").await;
    let response = app
        .client
        .get(app.url(&format!("/v1/organizations/{org}/stream")))
        .bearer_auth(&app.api_key)
        .header("Last-Event-ID", "not-a-position")
        .send()
        .await
        .unwrap();
    assert_problem_at(response, 400, "invalid_parameter", "Last-Event-ID").await;
    // An id this server never sent: the stream starts at the log's end, then follows.
    app.number_for(&org).await;
    let path = format!("/v1/organizations/{org}/stream");
    let reader = read_events(app, &path, Some("999999999"), 1);
    let writer = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let number = app
            .client
            .get(app.url(&format!("/v1/organizations/{org}")))
            .bearer_auth(&app.api_key)
            .send()
            .await
            .unwrap();
        let number = crate::helpers::body(number).await["numbers"][0]
            .as_str()
            .unwrap()
            .to_string();
        app.customer_sends(json!({"from": "+15551239002", "to": number, "body": "new"}))
            .await
    };
    let (events, sent) = tokio::join!(reader, writer);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(
        events[0].event, "message.received",
        "history was not replayed"
    );
    assert_eq!(events[0].data["data"]["message_sid"], sent["message_sid"]);
}

on_both_backends!(
    a_dashboard_resumes_with_last_event_id_and_loses_nothing,
    a_stream_refuses_a_malformed_position_and_starts_now_after_an_unknown_one,
);
