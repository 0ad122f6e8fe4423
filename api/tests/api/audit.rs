//! The auditor's view: `GET /v1/events` and the per-stream logs, `switchboard events export`
//! (round trip: the export is the API's log, and its hashes recompute from its own content),
//! and `switchboard audit verify` naming an altered stored payload.

use serde_json::{json, Value};
use switchboard_application::ports::{LogPosition, RecordedEvent};
use switchboard_projections::audit::{chain_hash, GENESIS_HASH};

use crate::helpers::{assert_problem, assert_problem_at, body, TestApp};
use crate::on_both_backends;

/// Two organizations, a number, an inbound message and a rename: a few streams.
async fn some_history(app: &TestApp) -> (String, String) {
    let org = app.create_organization("Audited", "business").await;
    app.create_organization("Other", "trial").await;
    let number = app.number_for(&org).await;
    app.customer_says("+15551239876", &number, "hello").await;
    let renamed = app
        .patch(
            &format!("/v1/organizations/{org}"),
            json!({"name": "Audited Ltd"}),
        )
        .await;
    assert_eq!(renamed.status(), 200);
    (org, number)
}

async fn the_audit_log_pages_the_global_log_and_each_stream(app: &TestApp) {
    let (org, number) = some_history(app).await;
    let events = app.audit_log().await;
    assert!(events.len() >= 8, "{events:?}");
    let created = events
        .iter()
        .find(|e| e["event_type"] == "OrganizationCreated" && e["aggregate_id"] == org.as_str())
        .expect("the creation is logged");
    assert_eq!(created["aggregate_type"], "Organization");
    assert_eq!(created["sequence"], 1);
    assert_eq!(created["event_version"], "1.0");
    assert_eq!(created["metadata"]["actor"], "admin");
    assert!(created["metadata"]["request_id"].is_string());
    assert_eq!(created["payload"]["OrganizationCreated"]["name"], "Audited");
    assert!(created["recorded_at"].is_string());
    assert_eq!(created["hash"].as_str().unwrap().len(), 64);
    assert!(events
        .iter()
        .any(|e| e["event_type"] == "MessageReceived" && e["metadata"]["actor"] == "twilio"));

    // Small pages walk the same log.
    let mut paged = Vec::new();
    let mut after = "0".to_string();
    loop {
        let page = body(app.get(&format!("/v1/events?after={after}&limit=3")).await).await;
        paged.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => after = next.to_string(),
            None => break,
        }
    }
    assert_eq!(paged.len(), events.len());
    assert_eq!(
        paged.iter().map(|e| &e["position"]).collect::<Vec<_>>(),
        events.iter().map(|e| &e["position"]).collect::<Vec<_>>()
    );

    let stream = body(
        app.get(&format!("/v1/organizations/{org}/events?limit=200"))
            .await,
    )
    .await;
    let types: Vec<&str> = stream["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(types.first(), Some(&"OrganizationCreated"));
    assert!(types.contains(&"OrganizationUpdated"), "{types:?}");
    assert!(
        stream.get("next_cursor").is_none(),
        "absent on the last page"
    );
    let first = body(
        app.get(&format!("/v1/organizations/{org}/events?limit=1"))
            .await,
    )
    .await;
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    let second = body(
        app.get(&format!(
            "/v1/organizations/{org}/events?limit=1&cursor={cursor}"
        ))
        .await,
    )
    .await;
    assert_eq!(second["items"][0]["sequence"], 2);

    let number_events = body(app.get(&format!("/v1/numbers/{number}/events")).await).await;
    assert_eq!(number_events["items"][0]["event_type"], "NumberProvisioned");

    assert_problem_at(
        app.get("/v1/events?after=987654321").await,
        400,
        "unknown_position",
        "after",
    )
    .await;
    assert_problem_at(
        app.get("/v1/events?limit=0").await,
        400,
        "invalid_limit",
        "limit",
    )
    .await;
    assert_problem(
        app.get(&format!(
            "/v1/organizations/{}/events",
            uuid::Uuid::new_v4()
        ))
        .await,
        404,
        "organization_not_found",
    )
    .await;
    assert_problem(
        app.get("/v1/numbers/+14155550177/events").await,
        404,
        "number_not_found",
    )
    .await;
    let anonymous = app.client.get(app.url("/v1/events")).send().await.unwrap();
    assert_problem(anonymous, 401, "unauthorized").await;
}

/// One exported event as the chain hashes it.
fn recorded(exported: &Value) -> RecordedEvent {
    RecordedEvent {
        log_position: LogPosition {
            transaction_id: 0,
            position: exported["position"].as_i64().unwrap(),
        },
        aggregate_type: exported["aggregate_type"].as_str().unwrap().into(),
        aggregate_id: exported["aggregate_id"].as_str().unwrap().into(),
        sequence: exported["sequence"].as_i64().unwrap(),
        event_type: exported["event_type"].as_str().unwrap().into(),
        event_version: exported["event_version"].as_str().unwrap().into(),
        payload: exported["payload"].clone(),
        metadata: exported["metadata"].clone(),
        recorded_at_ms: chrono::DateTime::parse_from_rfc3339(
            exported["recorded_at"].as_str().unwrap(),
        )
        .unwrap()
        .timestamp_millis(),
    }
}

/// Parses RFC 4180 CSV (quoted fields may hold commas, quotes and line breaks).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    records
}

async fn an_export_round_trips_and_its_hashes_recompute(app: &TestApp) {
    some_history(app).await;
    let api = app.audit_log().await;

    let ndjson = app
        .switchboard(&["events", "export", "--format", "ndjson"])
        .await;
    assert_eq!(ndjson.code, Some(0), "{}", ndjson.stderr);
    let exported: Vec<Value> = ndjson
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(exported.len(), api.len());
    for (file, served) in exported.iter().zip(&api) {
        for field in [
            "position",
            "aggregate_type",
            "aggregate_id",
            "sequence",
            "event_type",
            "event_version",
            "payload",
            "hash",
        ] {
            assert_eq!(file[field], served[field], "{field} of {file}");
        }
        assert_eq!(
            file["metadata"]["request_id"],
            served["metadata"]["request_id"]
        );
    }
    // An auditor recomputes the chain from the export alone and reaches `audit head`.
    let mut previous = GENESIS_HASH.to_string();
    for event in &exported {
        previous = chain_hash(&previous, &recorded(event));
        assert_eq!(event["hash"], previous.as_str(), "hash of {event}");
    }
    let head = app.switchboard(&["audit", "head"]).await;
    assert_eq!(head.code, Some(0), "{}", head.stderr);
    let last = exported.last().unwrap();
    assert_eq!(
        head.stdout.trim(),
        format!("{}:{previous}", last["position"])
    );

    let csv = app
        .switchboard(&["events", "export", "--format", "csv"])
        .await;
    assert_eq!(csv.code, Some(0), "{}", csv.stderr);
    let records = parse_csv(&csv.stdout);
    assert_eq!(records[0][0], "position");
    assert_eq!(records.len(), exported.len() + 1);
    for (record, json) in records[1..].iter().zip(&exported) {
        assert_eq!(record[0], json["position"].to_string());
        assert_eq!(record[1], json["recorded_at"].as_str().unwrap());
        assert_eq!(record[5], json["event_type"].as_str().unwrap());
        let payload: Value = serde_json::from_str(&record[7]).unwrap();
        assert_eq!(payload, json["payload"]);
        assert_eq!(record[9], json["hash"].as_str().unwrap());
    }

    let third = exported[2]["position"].to_string();
    let rest = app
        .switchboard(&["events", "export", "--after", &third])
        .await;
    assert_eq!(rest.stdout.lines().count(), exported.len() - 3);
    let none = app
        .switchboard(&["events", "export", "--until", "2000-01-01T00:00:00Z"])
        .await;
    assert_eq!((none.code, none.stdout.as_str()), (Some(0), ""));
    let unknown = app
        .switchboard(&["events", "export", "--after", "987654321"])
        .await;
    assert_eq!(unknown.code, Some(1));
}

async fn audit_verify_names_the_event_whose_payload_was_altered(app: &TestApp) {
    let (_, number) = some_history(app).await;
    let events = app.audit_log().await;
    let intact = app.switchboard(&["audit", "verify"]).await;
    assert_eq!(intact.code, Some(0), "{}{}", intact.stdout, intact.stderr);
    assert!(intact.stdout.starts_with("ok: "), "{}", intact.stdout);
    let anchor = app.switchboard(&["audit", "head"]).await.stdout;
    let anchored = app
        .switchboard(&["audit", "verify", "--anchor", anchor.trim()])
        .await;
    assert_eq!(anchored.code, Some(0), "{}", anchored.stdout);

    // Someone rewrites, in the database, which number a customer wrote to.
    let provisioned = events
        .iter()
        .find(|e| e["event_type"] == "NumberProvisioned")
        .unwrap();
    let position = provisioned["position"].as_i64().unwrap();
    let payload = if app.database_url.starts_with("postgres") {
        "CAST(REPLACE(CAST(payload AS TEXT), 'PN', 'PX') AS json)"
    } else {
        "REPLACE(payload, 'PN', 'PX')"
    };
    let changed = app
        .execute_sql(&format!(
            "UPDATE events SET payload = {payload} WHERE position = {position}"
        ))
        .await;
    assert_eq!(changed, 1, "number {number}");
    let altered = app.switchboard(&["audit", "verify"]).await;
    assert_eq!(
        altered.code,
        Some(1),
        "{}{}",
        altered.stdout,
        altered.stderr
    );
    assert!(
        altered
            .stdout
            .starts_with(&format!("ALTERED at position {position}:")),
        "{}",
        altered.stdout
    );
}

on_both_backends!(
    the_audit_log_pages_the_global_log_and_each_stream,
    an_export_round_trips_and_its_hashes_recompute,
    audit_verify_names_the_event_whose_payload_was_altered,
);
