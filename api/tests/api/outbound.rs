//! Outbound sends: from the organization's number through the provider, the WhatsApp window,
//! opt-outs, provider refusals, and status callbacks that only move forward.

use serde_json::{json, Value};

use crate::helpers::{assert_problem, assert_problem_at, body, TestApp};
use crate::on_both_backends;

const CUSTOMER: &str = "+15551230000";

async fn send(app: &TestApp, org: &str, request: Value) -> reqwest::Response {
    app.post(&format!("/v1/organizations/{org}/messages"), request)
        .await
}

async fn status_of(app: &TestApp, org: &str, sid: &str, expected: &str) -> String {
    let messages = app
        .wait_for_messages_where(org, |m| {
            m.iter()
                .any(|m| m["message_sid"] == sid && m["status"] == expected)
        })
        .await;
    let message = messages
        .iter()
        .find(|m| m["message_sid"] == sid)
        .expect("the message is listed");
    message["status"].as_str().unwrap().to_string()
}

async fn push_status(app: &TestApp, sid: &str, status: &str) {
    let response = app
        .client
        .post(app.sandbox.message_status_url(sid))
        .json(&json!({"status": status}))
        .send()
        .await
        .unwrap();
    let answer = body(response).await;
    assert_eq!(
        answer["status"], 204,
        "our status webhook answers 204: {answer}"
    );
}

async fn an_sms_reaches_the_customer_and_its_status_only_moves_forward(app: &TestApp) {
    let org = app.create_organization("Sender", "trial").await;
    let number = app.number_for(&org).await;
    let response = send(
        app,
        &org,
        json!({"to": CUSTOMER, "body": "Your order shipped", "channel": "sms"}),
    )
    .await;
    assert_eq!(response.status(), 201);
    let sent = body(response).await;
    assert_eq!(sent["status"], "queued");
    assert_eq!(sent["from"], number.as_str());
    let sid = sent["message_sid"].as_str().unwrap().to_string();

    let delivered = app.sent_to_customers().await;
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0]["from"], number.as_str());
    assert_eq!(delivered[0]["to"], CUSTOMER);
    assert_eq!(delivered[0]["body"], "Your order shipped");
    assert_eq!(
        delivered[0]["status_callback"],
        app.url("/webhooks/twilio/status")
    );

    // The sandbox reports `sent` then `delivered`, signed, to our status callback.
    assert_eq!(status_of(app, &org, &sid, "delivered").await, "delivered");
    push_status(app, &sid, "sent").await;
    push_status(app, &sid, "delivered").await;
    assert_eq!(
        status_of(app, &org, &sid, "delivered").await,
        "delivered",
        "late and repeated callbacks change nothing"
    );
    push_status(app, &sid, "read").await;
    assert_eq!(status_of(app, &org, &sid, "read").await, "read");
    push_status(app, &sid, "failed").await;
    assert_eq!(status_of(app, &org, &sid, "read").await, "read");
    assert_eq!(
        app.usage(&org).await["used"],
        1,
        "outbound sends count against the quota"
    );
}

async fn whatsapp_free_form_needs_the_24_hour_window_or_a_template(app: &TestApp) {
    let org = app.create_organization("Wa", "trial").await;
    let number = app.number_for(&org).await;
    assert_problem_at(
        send(
            app,
            &org,
            json!({"to": CUSTOMER, "body": "hi", "channel": "whatsapp"}),
        )
        .await,
        422,
        "whatsapp_window_closed",
        "content_sid",
    )
    .await;
    assert!(app.sent_to_customers().await.is_empty());

    let template = json!({
        "to": CUSTOMER, "channel": "whatsapp",
        "content_sid": "HXb5b62575e6e4ff6129ad7c8efe1f983e", "content_variables": {"1": "Ana"}
    });
    assert_eq!(send(app, &org, template).await.status(), 201);
    let delivered = app.sent_to_customers().await;
    assert_eq!(delivered[0]["from"], format!("whatsapp:{number}"));
    assert_eq!(delivered[0]["to"], format!("whatsapp:{CUSTOMER}"));
    assert_eq!(
        delivered[0]["content_sid"],
        "HXb5b62575e6e4ff6129ad7c8efe1f983e"
    );
    assert_eq!(delivered[0]["content_variables"], r#"{"1":"Ana"}"#);

    app.customer_says(
        &format!("whatsapp:{CUSTOMER}"),
        &format!("whatsapp:{number}"),
        "hola",
    )
    .await;
    let free_form = send(
        app,
        &org,
        json!({"to": CUSTOMER, "body": "hola Ana", "channel": "whatsapp"}),
    )
    .await;
    assert_eq!(
        free_form.status(),
        201,
        "within 24 hours of the customer's message"
    );
}

async fn provider_refusals_come_back_with_their_code_and_free_the_quota(app: &TestApp) {
    let org = app.create_organization("Refusals", "trial").await;
    app.number_for(&org).await;
    let problem = assert_problem(
        send(
            app,
            &org,
            json!({"to": "+15005550002", "body": "hi", "channel": "sms"}),
        )
        .await,
        422,
        "provider_refused",
    )
    .await;
    assert_eq!(problem["provider_code"], 21612);
    assert_eq!(
        app.usage(&org).await["used"],
        0,
        "a refused send is not counted"
    );

    // 21610: the carrier says the customer unsubscribed; we remember and refuse locally after.
    assert_problem(
        send(
            app,
            &org,
            json!({"to": "+15005550004", "body": "hi", "channel": "sms"}),
        )
        .await,
        409,
        "recipient_opted_out",
    )
    .await;
    assert_problem(
        send(
            app,
            &org,
            json!({"to": "+15005550004", "body": "again", "channel": "sms"}),
        )
        .await,
        409,
        "recipient_opted_out",
    )
    .await;
    assert!(app.sent_to_customers().await.is_empty());
}

async fn malformed_sends_and_status_callbacks_are_refused(app: &TestApp) {
    let org = app.create_organization("Bad", "trial").await;
    assert_problem_at(
        send(
            app,
            &org,
            json!({"to": CUSTOMER, "body": "x", "channel": "fax"}),
        )
        .await,
        422,
        "unknown_channel",
        "channel",
    )
    .await;
    assert_problem(
        send(
            app,
            &org,
            json!({"to": "555", "body": "x", "channel": "sms"}),
        )
        .await,
        422,
        "invalid_phone_number",
    )
    .await;
    assert_problem(
        send(app, &org, json!({"to": CUSTOMER, "channel": "sms"})).await,
        422,
        "missing_content",
    )
    .await;
    assert_problem(
        send(
            app,
            &org,
            json!({"to": CUSTOMER, "body": "x", "channel": "sms"}),
        )
        .await,
        409,
        "no_sending_number",
    )
    .await;

    assert_problem_at(
        app.signed_webhook("/webhooks/twilio/status", &[("MessageSid", "SM1")])
            .await,
        400,
        "missing_field",
        "MessageStatus",
    )
    .await;
    assert_problem_at(
        app.signed_webhook(
            "/webhooks/twilio/status",
            &[("MessageSid", "SM1"), ("MessageStatus", "teleported")],
        )
        .await,
        400,
        "invalid_field",
        "MessageStatus",
    )
    .await;
    let unsigned = app
        .client
        .post(app.url("/webhooks/twilio/status"))
        .form(&[("MessageSid", "SM1"), ("MessageStatus", "sent")])
        .send()
        .await
        .unwrap();
    assert_problem(unsigned, 403, "invalid_signature").await;
    let accepted = app
        .signed_webhook(
            "/webhooks/twilio/status",
            &[("MessageSid", "SM1"), ("MessageStatus", "delivered")],
        )
        .await;
    assert_eq!(accepted.status(), 204);
}

on_both_backends!(
    an_sms_reaches_the_customer_and_its_status_only_moves_forward,
    whatsapp_free_form_needs_the_24_hour_window_or_a_template,
    provider_refusals_come_back_with_their_code_and_free_the_quota,
    malformed_sends_and_status_callbacks_are_refused,
);
