//! What customers experience when they write: quota, business hours, welcome, keywords.

use serde_json::json;

use crate::helpers::{body, TestApp};
use crate::on_both_backends;

const CUSTOMER: &str = "+15551230000";

fn replies(twiml: &str) -> Vec<String> {
    twiml
        .split("<Message>")
        .skip(1)
        .map(|m| m.split("</Message>").next().unwrap_or_default().to_string())
        .collect()
}

async fn the_welcome_goes_once_on_the_first_message_before_other_replies(app: &TestApp) {
    let org = app.create_organization("Acme & Sons", "trial").await;
    let number = app.number_for(&org).await;
    let closed: serde_json::Value = json!({"monday": [], "tuesday": []});
    let response = app
        .patch(
            &format!("/v1/organizations/{org}"),
            json!({"welcome_message": "Hi, this is {organization} <3", "away_message": "We're closed.", "business_hours": closed}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let first = app.customer_says(CUSTOMER, &number, "hello").await;
    assert_eq!(
        replies(&first),
        vec!["Hi, this is Acme &amp; Sons &lt;3", "We're closed."],
        "{first}"
    );
    let second = app.customer_says(CUSTOMER, &number, "again").await;
    assert!(
        replies(&second).is_empty(),
        "within the auto-reply window nothing more goes: {second}"
    );
    let other_customer = app.customer_says("+15559990000", &number, "hi").await;
    assert_eq!(
        replies(&other_customer).len(),
        2,
        "each new customer is welcomed"
    );
}

async fn business_hours_decide_the_away_message(app: &TestApp) {
    let org = app.create_organization("Hours", "trial").await;
    let number = app.number_for(&org).await;
    app.customer_says(CUSTOMER, &number, "first").await;
    let all_day = json!({"start": "00:00", "end": "24:00"});
    let open_every_day = json!({
        "monday": [all_day], "tuesday": [all_day], "wednesday": [all_day], "thursday": [all_day],
        "friday": [all_day], "saturday": [all_day], "sunday": [all_day]
    });
    let response = app
        .patch(
            &format!("/v1/organizations/{org}"),
            json!({"time_zone": "Pacific/Kiritimati", "business_hours": open_every_day}),
        )
        .await;
    let updated = body(response).await;
    assert_eq!(updated["settings"]["time_zone"], "Pacific/Kiritimati");
    assert_eq!(
        updated["settings"]["business_hours"]["friday"][0]["end"],
        "24:00"
    );
    // Each step asks as a new customer (welcomed first), so the auto-reply window that the
    // previous step's reply opened does not hide the away text.
    let away_text = |twiml: &str| replies(twiml).into_iter().skip(1).collect::<Vec<_>>();
    assert!(away_text(&app.customer_says("+15551230001", &number, "open?").await).is_empty());

    app.patch(
        &format!("/v1/organizations/{org}"),
        json!({"business_hours": {"saturday": []}}),
    )
    .await;
    let away = app
        .customer_says("+15551230002", &number, "still open?")
        .await;
    assert_eq!(away_text(&away).len(), 1, "closed every day now: {away}");
    assert!(
        away_text(&away)[0].contains("closed"),
        "the default away text names the closure"
    );

    app.patch(
        &format!("/v1/organizations/{org}"),
        json!({"business_hours": null}),
    )
    .await;
    assert!(
        away_text(&app.customer_says("+15551230003", &number, "and now?").await).is_empty(),
        "no hours: always open"
    );
}

async fn messages_beyond_the_monthly_quota_are_recorded_and_refused(app: &TestApp) {
    let org = app.create_organization("Busy", "trial").await;
    let number = app.number_for(&org).await;
    app.patch(
        &format!("/v1/organizations/{org}"),
        json!({"quota_exhausted_message": "Full for {organization} this month"}),
    )
    .await;
    let mut refused = 0;
    // One customer each: the quota text is an automatic reply, one per customer per window.
    for i in 0..53 {
        let twiml = app
            .customer_says(&format!("+1555123{i:04}"), &number, &format!("message {i}"))
            .await;
        if replies(&twiml).contains(&"Full for Busy this month".to_string()) {
            refused += 1;
        }
    }
    assert_eq!(refused, 3);
    let usage = app.usage(&org).await;
    assert_eq!(usage["used"], 50);
    assert_eq!(usage["limit"], 50);
    assert_eq!(usage["remaining"], 0);
    let messages = app
        .wait_for_messages_where(&org, |m| {
            m.len() == 53 && m.iter().all(|m| !m["outcome"].is_null())
        })
        .await;
    assert_eq!(messages.len(), 53, "refused messages are still recorded");
    assert_eq!(
        messages
            .iter()
            .filter(|m| m["outcome"] == "refused_quota")
            .count(),
        3
    );
    assert_eq!(
        messages
            .iter()
            .filter(|m| m["outcome"] == "accepted")
            .count(),
        50
    );

    // A plan change takes effect immediately with the new limit.
    app.patch(
        &format!("/v1/organizations/{org}"),
        json!({"plan": "starter"}),
    )
    .await;
    let after = app.customer_says(CUSTOMER, &number, "upgraded").await;
    assert!(
        !replies(&after).contains(&"Full for Busy this month".to_string()),
        "{after}"
    );
    assert_eq!(app.usage(&org).await["limit"], 500);
}

async fn usage_reports_the_period_and_its_reset(app: &TestApp) {
    let org = app.create_organization("Period", "starter").await;
    let usage = app.usage(&org).await;
    assert_eq!(usage["used"], 0);
    assert_eq!(usage["remaining"], 500);
    let start: chrono::DateTime<chrono::Utc> =
        usage["period_start"].as_str().unwrap().parse().unwrap();
    let resets: chrono::DateTime<chrono::Utc> =
        usage["resets_at"].as_str().unwrap().parse().unwrap();
    let now = chrono::Utc::now();
    assert!(start <= now && now < resets);
    assert_eq!(usage["period"], start.format("%Y-%m-%d").to_string());

    app.patch(
        &format!("/v1/organizations/{org}"),
        json!({"billing_day": 28}),
    )
    .await;
    let usage = app.usage(&org).await;
    assert!(usage["period"].as_str().unwrap().ends_with("-28"));
}

async fn stop_start_and_help_are_handled(app: &TestApp) {
    let org = app.create_organization("Keys", "trial").await;
    let number = app.number_for(&org).await;
    app.patch(
        &format!("/v1/organizations/{org}"),
        json!({"help_message": "Call 555-0100"}),
    )
    .await;
    app.customer_says(CUSTOMER, &number, "hi").await;
    assert_eq!(
        replies(&app.customer_says(CUSTOMER, &number, "help").await),
        vec!["Call 555-0100"]
    );
    assert!(
        replies(&app.customer_says(CUSTOMER, &number, "Stop").await).is_empty(),
        "Twilio answers STOP on SMS"
    );

    let refused = app
        .post(
            &format!("/v1/organizations/{org}/messages"),
            json!({"to": CUSTOMER, "body": "promo", "channel": "sms"}),
        )
        .await;
    crate::helpers::assert_problem(refused, 409, "recipient_opted_out").await;
    assert!(
        app.sent_to_customers().await.is_empty(),
        "refused before any provider call"
    );

    let ignored = app.customer_says(CUSTOMER, &number, "are you there?").await;
    assert!(
        replies(&ignored).is_empty(),
        "nothing is sent to an opted-out customer"
    );
    let used = app.usage(&org).await["used"].clone();

    app.customer_says(CUSTOMER, &number, "START").await;
    let sent = app
        .post(
            &format!("/v1/organizations/{org}/messages"),
            json!({"to": CUSTOMER, "body": "welcome back", "channel": "sms"}),
        )
        .await;
    assert_eq!(sent.status(), 201);
    let messages = app
        .wait_for_messages_where(&org, |m| {
            m.len() == 6 && m.iter().skip(1).all(|m| !m["outcome"].is_null())
        })
        .await;
    let outcomes: Vec<&str> = messages
        .iter()
        .rev()
        .map(|m| m["outcome"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            "accepted",
            "keyword",
            "keyword",
            "opted_out",
            "keyword",
            "-"
        ]
    );
    assert_eq!(used, 1, "keywords and opted-out messages are not counted");
}

on_both_backends!(
    the_welcome_goes_once_on_the_first_message_before_other_replies,
    business_hours_decide_the_away_message,
    messages_beyond_the_monthly_quota_are_recorded_and_refused,
    usage_reports_the_period_and_its_reset,
    stop_start_and_help_are_handled,
);
