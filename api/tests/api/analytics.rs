//! Analytics and point-in-time answers: an organization's figures and conversations, the
//! platform's figures, a number's ownership history, and `?as_of=` for numbers and
//! organizations.

use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use serde_json::{json, Value};

use crate::helpers::{assert_problem, assert_problem_at, body, TestApp};
use crate::on_both_backends;

const ANA: &str = "+15551230010";
const BEN: &str = "+15551230011";

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

async fn pause() {
    tokio::time::sleep(Duration::from_millis(30)).await;
}

/// Polls the organization's stats (default range) until `done` holds on the totals, at most
/// 5 s.
async fn stats_where(app: &TestApp, org: &str, done: impl Fn(&Value) -> bool) -> Value {
    let mut stats = Value::Null;
    for _ in 0..100 {
        stats = body(app.get(&format!("/v1/organizations/{org}/stats")).await).await;
        if done(&stats["totals"]) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stats
}

async fn an_organization_reads_its_figures_and_conversations(app: &TestApp) {
    let org = app.create_organization("Figures", "business").await;
    let patched = app
        .patch(
            &format!("/v1/organizations/{org}"),
            json!({"time_zone": "Europe/Madrid"}),
        )
        .await;
    assert_eq!(patched.status(), 200);
    let number = app.number_for(&org).await;
    app.customer_says(ANA, &number, "Is the shop open?").await;
    app.customer_says(BEN, &number, "Hello").await;
    let sent = app
        .post(
            &format!("/v1/organizations/{org}/messages"),
            json!({"to": ANA, "body": "Yes, until 8", "channel": "sms"}),
        )
        .await;
    assert_eq!(sent.status(), 201);
    app.customer_says(BEN, &number, "STOP").await;

    let stats = stats_where(app, &org, |t| {
        t["inbound"] == 3 && t["outbound"] == 1 && t["delivered"] == 1
    })
    .await;
    let totals = &stats["totals"];
    assert_eq!(totals["inbound"], 3, "{stats}");
    assert_eq!(totals["outbound"], 1);
    assert_eq!(totals["delivered"], 1, "the sandbox reports delivery");
    assert_eq!(totals["opt_outs"], 1);
    assert_eq!(totals["refused"], 0);
    assert_eq!(totals["unique_customers"], 2);
    assert_eq!(totals["new_customers"], 2);
    assert_eq!(totals["conversations"], 2);
    assert!(totals["median_first_reply_seconds"].as_f64().unwrap() >= 0.0);
    assert!(totals["number_months"].as_f64().unwrap() > 0.0);
    let cost = totals["estimated_cost_usd"].as_f64().unwrap();
    assert!(cost > 4.0 * 0.005, "messages and the number: {cost}");
    assert_eq!(stats["time_zone"], "Europe/Madrid");
    assert_eq!(stats["granularity"], "day");
    assert_eq!(stats["prices"]["message_usd"], 0.005);
    let buckets = stats["buckets"].as_array().unwrap();
    assert_eq!(buckets.len(), 30);
    let today = Utc::now()
        .with_timezone(&chrono_tz::Europe::Madrid)
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(buckets[29]["label"], today.as_str());
    assert_eq!(buckets[29]["figures"]["inbound"], 3);
    assert!(buckets[0]["figures"]
        .get("median_first_reply_seconds")
        .is_none());

    let monthly = body(
        app.get(&format!(
            "/v1/organizations/{org}/stats?granularity=month&from={today}&to={today}"
        ))
        .await,
    )
    .await;
    assert_eq!(monthly["buckets"].as_array().unwrap().len(), 1, "{monthly}");
    assert_eq!(monthly["totals"]["inbound"], 3);
    assert_problem_at(
        app.get(&format!(
            "/v1/organizations/{org}/stats?from=2026-02-02&to=2026-02-01"
        ))
        .await,
        400,
        "invalid_range",
        "from",
    )
    .await;
    assert_problem_at(
        app.get(&format!("/v1/organizations/{org}/stats?granularity=week"))
            .await,
        400,
        "invalid_parameter",
        "granularity",
    )
    .await;

    let conversations = body(
        app.get(&format!("/v1/organizations/{org}/conversations"))
            .await,
    )
    .await;
    let items = conversations["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{conversations}");
    let ana = items.iter().find(|c| c["customer"] == ANA).unwrap();
    assert_eq!(ana["started_by"], "customer");
    assert_eq!(ana["channel"], "sms");
    assert_eq!(ana["messages"], 2);
    assert!(ana["first_reply_seconds"].as_f64().is_some());
    let ben = items.iter().find(|c| c["customer"] == BEN).unwrap();
    assert!(ben.get("first_reply_at").is_none(), "{ben}");
    let first = body(
        app.get(&format!("/v1/organizations/{org}/conversations?limit=1"))
            .await,
    )
    .await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = body(
        app.get(&format!(
            "/v1/organizations/{org}/conversations?limit=1&cursor={cursor}"
        ))
        .await,
    )
    .await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert!(second.get("next_cursor").is_none());
    assert_problem(
        app.get(&format!("/v1/organizations/{}/stats", uuid::Uuid::new_v4()))
            .await,
        404,
        "organization_not_found",
    )
    .await;
}

async fn the_platform_figures_and_a_numbers_history_and_past(app: &TestApp) {
    let before_all = now();
    pause().await;
    let first = app.create_organization("First owner", "trial").await;
    let second = app.create_organization("Second owner", "starter").await;
    let number = "+14155550142";
    assert_eq!(
        app.provision(&first, json!({"phone_number": number}))
            .await
            .status(),
        201
    );
    pause().await;
    let while_first = now();
    pause().await;
    let released = app
        .delete(&format!("/v1/organizations/{first}/numbers/{number}"))
        .await;
    assert_eq!(released.status(), 204);
    assert_eq!(
        app.provision(&second, json!({"phone_number": number}))
            .await
            .status(),
        201
    );
    app.signed_webhook(
        "/webhooks/twilio/messages",
        &[
            ("MessageSid", "SMabcabcabcabcabcabcabcabcabcabcab"),
            ("AccountSid", "ACx"),
            ("From", ANA),
            ("To", "+14155550199"),
            ("Body", "anyone?"),
        ],
    )
    .await;

    let mut history = Value::Null;
    for _ in 0..100 {
        history = body(app.get(&format!("/v1/numbers/{number}/history")).await).await;
        if history["ownerships"].as_array().map(Vec::len) == Some(2) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let ownerships = history["ownerships"].as_array().unwrap();
    assert_eq!(ownerships.len(), 2, "{history}");
    assert_eq!(ownerships[0]["organization_id"], first.as_str());
    assert!(ownerships[0]["released_at"].is_string());
    assert_eq!(ownerships[1]["organization_id"], second.as_str());
    assert!(ownerships[1].get("released_at").is_none());
    assert_problem(
        app.get("/v1/numbers/+14155550143/history").await,
        404,
        "number_not_found",
    )
    .await;

    let then = body(
        app.get(&format!(
            "/v1/numbers/{number}?as_of={}",
            urlencode(&while_first)
        ))
        .await,
    )
    .await;
    assert_eq!(then["organization_id"], first.as_str(), "{then}");
    assert_eq!(then["status"], "active");
    let now_entry = body(
        app.get(&format!("/v1/numbers/{number}?as_of={}", urlencode(&now())))
            .await,
    )
    .await;
    assert_eq!(now_entry["organization_id"], second.as_str());
    assert_problem(
        app.get(&format!(
            "/v1/numbers/{number}?as_of={}",
            urlencode(&before_all)
        ))
        .await,
        404,
        "number_not_found",
    )
    .await;

    // The read model is eventually consistent: wait for the unrouted message to reach it.
    let mut platform = Value::Null;
    for _ in 0..100 {
        platform = body(app.get("/v1/analytics").await).await;
        if platform["unrouted_messages"] == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let plans = platform["organizations_by_plan"].as_array().unwrap();
    assert!(plans
        .iter()
        .any(|p| p["plan"] == "starter" && p["organizations"] == 1));
    assert!(platform["numbers_by_status"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["status"] == "active" && s["numbers"] == 1));
    assert_eq!(platform["provisioning"]["attached"], 2, "{platform}");
    assert_eq!(platform["provisioning"]["success_rate"], 1.0);
    assert_eq!(platform["unrouted_messages"], 1);
}

fn urlencode(time: &str) -> String {
    time.replace('+', "%2B").replace(':', "%3A")
}

async fn an_organization_is_answered_as_it_was(app: &TestApp) {
    let before = now();
    pause().await;
    let org = app.create_organization("Before", "trial").await;
    pause().await;
    let created = now();
    pause().await;
    let renamed = app
        .patch(
            &format!("/v1/organizations/{org}"),
            json!({"name": "After", "plan": "business"}),
        )
        .await;
    assert_eq!(renamed.status(), 200);
    let then = body(
        app.get(&format!(
            "/v1/organizations/{org}?as_of={}",
            urlencode(&created)
        ))
        .await,
    )
    .await;
    assert_eq!(
        (then["name"].as_str(), then["plan"].as_str()),
        (Some("Before"), Some("trial"))
    );
    let current = body(app.get(&format!("/v1/organizations/{org}")).await).await;
    assert_eq!(current["name"], "After");
    assert_problem(
        app.get(&format!(
            "/v1/organizations/{org}?as_of={}",
            urlencode(&before)
        ))
        .await,
        404,
        "organization_not_found",
    )
    .await;
    assert_problem_at(
        app.get(&format!("/v1/organizations/{org}?as_of=yesterday"))
            .await,
        400,
        "invalid_parameter",
        "as_of",
    )
    .await;
}

on_both_backends!(
    an_organization_reads_its_figures_and_conversations,
    the_platform_figures_and_a_numbers_history_and_past,
    an_organization_is_answered_as_it_was,
);
