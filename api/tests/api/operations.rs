//! Operations: `/metrics` parsed as the Prometheus text format moves with a webhook, the health
//! probes, and request ids from the client through the response into event metadata.

use openmetrics_parser::prometheus::parse_prometheus;
use openmetrics_parser::{MetricsExposition, PrometheusType, PrometheusValue};
use serde_json::json;

use crate::helpers::{body, TestApp};
use crate::on_both_backends;

/// A parsed `/metrics` page.
pub(crate) type Scrape = MetricsExposition<PrometheusType, PrometheusValue>;

/// Scrapes `/metrics` (no token needed) and parses it as the Prometheus text format.
async fn scrape(app: &TestApp) -> Scrape {
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = response.text().await.unwrap();
    parse_prometheus(&text).unwrap_or_else(|e| panic!("not the Prometheus text format: {e:?}"))
}

/// The sum over the samples of family `metric` whose labels include every pair of `labels`
/// (0 when there is none); a histogram counts its observations.
pub(crate) fn value(scrape: &Scrape, metric: &str, labels: &[(&str, &str)]) -> f64 {
    let Some(family) = scrape.families.get(metric) else {
        return 0.0;
    };
    family
        .iter_samples()
        .filter(|sample| {
            let set = sample.get_labelset().expect("labels");
            labels
                .iter()
                .all(|(name, value)| set.get_label_value(name) == Some(value))
        })
        .map(|sample| match &sample.value {
            PrometheusValue::Counter(c) => c.value.as_f64(),
            PrometheusValue::Gauge(n) | PrometheusValue::Unknown(n) => n.as_f64(),
            PrometheusValue::Histogram(h) => h.count.unwrap_or_default() as f64,
            PrometheusValue::Summary(s) => s.count.unwrap_or_default() as f64,
        })
        .sum()
}

/// The values of label `label` across the samples of family `metric`.
fn label_values(scrape: &Scrape, metric: &str, label: &str) -> Vec<String> {
    scrape
        .families
        .get(metric)
        .map(|family| {
            family
                .iter_samples()
                .filter_map(|s| {
                    s.get_labelset()
                        .ok()?
                        .get_label_value(label)
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn a_webhook_moves_the_right_counters(app: &TestApp) {
    let org = app.create_organization("Metered", "starter").await;
    let number = app.number_for(&org).await;
    let before = scrape(app).await;
    let webhook_route = [
        ("method", "POST"),
        ("route", "/webhooks/twilio/messages"),
        ("status", "200"),
    ];
    assert_eq!(
        value(&before, "switchboard_http_requests_total", &webhook_route),
        0.0
    );
    assert_eq!(
        value(
            &before,
            "switchboard_provider_calls_total",
            &[("operation", "purchase"), ("result", "ok")]
        ),
        1.0,
        "the purchase was counted"
    );

    let delivered = app
        .customer_sends(json!({"from": "+15551239999", "to": number, "body": "metered?"}))
        .await;
    assert_eq!(delivered["status"], 200);
    let forged = app
        .client
        .post(app.url("/webhooks/twilio/messages"))
        .header("X-Twilio-Signature", "bm90IGEgc2lnbmF0dXJl")
        .form(&[
            ("MessageSid", "SM0123456789abcdef0123456789abcdef"),
            ("To", number.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);

    let after = scrape(app).await;
    let webhooks = |outcome| {
        value(
            &after,
            "switchboard_webhooks_total",
            &[("webhook", "message"), ("outcome", outcome)],
        )
    };
    assert_eq!(webhooks("accepted"), 1.0);
    assert_eq!(webhooks("invalid_signature"), 1.0);
    assert_eq!(webhooks("refused_quota"), 0.0);
    assert_eq!(
        value(&after, "switchboard_http_requests_total", &webhook_route),
        1.0
    );
    assert_eq!(
        value(
            &after,
            "switchboard_http_requests_total",
            &[("route", "/webhooks/twilio/messages"), ("status", "403")]
        ),
        1.0
    );
    assert_eq!(
        value(
            &after,
            "switchboard_http_request_duration_seconds",
            &[("method", "POST"), ("route", "/webhooks/twilio/messages")]
        ),
        2.0,
        "both webhooks were timed"
    );
    assert_eq!(
        value(
            &after,
            "switchboard_events_appended_total",
            &[("event_type", "MessageReceived")]
        ),
        1.0
    );
    assert_eq!(
        value(
            &after,
            "switchboard_http_requests_total",
            &[
                ("method", "POST"),
                ("route", "/v1/organizations/{id}/numbers"),
                ("status", "201")
            ]
        ),
        1.0,
        "routes are labelled by template, not by path"
    );
    let projections = label_values(&after, "switchboard_projection_lag_events", "projection");
    for projection in ["routing_table", "messages_view"] {
        assert!(
            projections.iter().any(|p| p == projection),
            "no lag gauge for {projection}: {projections:?}"
        );
    }
}

async fn unknown_paths_share_one_label(app: &TestApp) {
    for path in ["/nope", "/v2/whatever", "/v1/organizations/x/y/z"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
    }
    let scrape = scrape(app).await;
    assert_eq!(
        value(
            &scrape,
            "switchboard_http_requests_total",
            &[("route", "unmatched"), ("status", "404")]
        ),
        3.0
    );
}

async fn liveness_and_readiness_answer(app: &TestApp) {
    let live = app
        .client
        .get(app.url("/health/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), 200);
    assert_eq!(body(live).await["status"], "ok");

    let org = app.create_organization("Ready", "trial").await;
    app.number_for(&org).await;
    let ready = app
        .client
        .get(app.url("/health/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let ready = body(ready).await;
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["pending_migrations"], 0);
    assert_eq!(ready["database"]["status"], "ok");
    let projections = ready["projections"].as_array().unwrap();
    assert_eq!(
        projections.len(),
        switchboard_projections::all_projections().len(),
        "{ready}"
    );
    assert!(projections.iter().any(|p| p["projection"] == "calls_view"));
    assert!(projections
        .iter()
        .any(|p| p["projection"] == "routing_table"));
    assert!(projections
        .iter()
        .all(|p| p["lag_seconds"].as_f64().unwrap() < 10.0));
}

async fn health_checks_the_provider_at_most_once_a_minute(app: &TestApp) {
    let provider_checks = |scrape: &Scrape| {
        value(
            scrape,
            "switchboard_provider_calls_total",
            &[("operation", "list_owned")],
        )
    };
    let health = || async {
        let health = app.client.get(app.url("/health")).send().await.unwrap();
        assert_eq!(health.status(), 200);
        let health = body(health).await;
        assert_eq!(health["status"], "ok");
        assert_eq!(health["provider"]["status"], "ok");
        assert!(health["provider"].get("detail").is_none(), "{health}");
    };
    // The reconciler lists the provider's numbers once at start-up: let it, then count.
    let started = app
        .wait_for(|| async { provider_checks(&scrape(app).await) >= 1.0 })
        .await;
    assert!(
        started,
        "the start-up reconciliation never listed the numbers"
    );
    health().await;
    let first = provider_checks(&scrape(app).await);
    for _ in 0..5 {
        health().await;
    }
    assert_eq!(
        provider_checks(&scrape(app).await),
        first,
        "five more health checks, no provider call"
    );
}

async fn a_request_id_is_echoed_and_recorded_in_event_metadata(app: &TestApp) {
    let response = app
        .client
        .post(app.url("/v1/organizations"))
        .bearer_auth(&app.api_key)
        .header("X-Request-Id", "req-7f3a-audit")
        .json(&json!({"name": "Traced", "plan": "trial"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["x-request-id"], "req-7f3a-audit");
    let id = body(response).await["id"].as_str().unwrap().to_string();
    let metadata = app.metadata_of("Organization", &id).await;
    assert_eq!(metadata[0]["request_id"], "req-7f3a-audit", "{metadata:?}");

    let generated = app.get("/v1/organizations").await;
    let generated_id = generated.headers()["x-request-id"].to_str().unwrap();
    assert!(
        uuid::Uuid::parse_str(generated_id).is_ok(),
        "{generated_id}"
    );
}

on_both_backends!(
    a_webhook_moves_the_right_counters,
    unknown_paths_share_one_label,
    liveness_and_readiness_answer,
    health_checks_the_provider_at_most_once_a_minute,
    a_request_id_is_echoed_and_recorded_in_event_metadata,
);
