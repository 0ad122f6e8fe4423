//! Privacy of calls and responder replies: a caller's CNAM name, the voicemail recording URL
//! and a responder's reply are stored sealed with the same key as the customer's messages, so
//! one erasure blanks them in the calls and messages lists, on replay too, while `audit verify`
//! and `replay --verify` still pass.

use serde_json::{json, Value};

use crate::delivery::{configure, receiver, register};
use crate::helpers::{body, TestApp};
use crate::on_both_backends;
use crate::privacy::{erase, stored_payloads, CUSTOMER};

const CALLER_NAME: &str = "FALCONER, ADA";
const REPLY: &str = "Your table for two is booked at heron-7731.";

/// The organization's calls once the one call has its voicemail listed.
async fn call_with_voicemail(app: &TestApp, org: &str) -> Value {
    let path = format!("/v1/organizations/{org}/calls");
    let listed = app
        .wait_for(|| async {
            let page = body(app.get(&path).await).await;
            page["items"][0]["voicemail_url"].is_string()
        })
        .await;
    let page = body(app.get(&path).await).await;
    assert!(listed, "{page}");
    page["items"][0].clone()
}

/// The calls list's only call, as listed now.
async fn the_call(app: &TestApp, org: &str) -> Value {
    body(app.get(&format!("/v1/organizations/{org}/calls")).await).await["items"][0].clone()
}

/// The responder's reply as the messages list shows it.
async fn the_reply(app: &TestApp, org: &str) -> Value {
    let messages = app
        .wait_for_messages_where(org, |ms| {
            ms.iter()
                .any(|m| m["message_sid"].as_str().unwrap_or("").ends_with("-reply"))
        })
        .await;
    messages
        .into_iter()
        .find(|m| m["message_sid"].as_str().unwrap_or("").ends_with("-reply"))
        .expect("the reply in the message list")
}

async fn succeeds(app: &TestApp, args: &[&str]) {
    let run = app.switchboard(args).await;
    assert_eq!(run.code, Some(0), "{args:?}: {}{}", run.stdout, run.stderr);
}

async fn a_caller_name_voicemail_and_responder_reply_are_sealed_and_erased(app: &TestApp) {
    let org = app.create_organization("Bistro", "starter").await;
    let number = app.number_for(&org).await;
    let closed = json!({"business_hours": {}, "away_message": "{organization} is closed."});
    let patched = app.patch(&format!("/v1/organizations/{org}"), closed).await;
    assert_eq!(patched.status(), 200, "{}", body(patched).await);
    let (rx, url) = receiver(app).await;
    let (_, secret) = register(app, &org, &rx, &url, json!({"responder": true})).await;
    configure(app, &rx, json!({"secret": secret, "reply": REPLY})).await;

    app.customer_says(CUSTOMER, &number, "a table for two?")
        .await;
    assert_eq!(the_reply(app, &org).await["body"], REPLY);
    app.caller_calls(
        json!({"from": CUSTOMER, "to": number, "outcome": "voicemail",
                            "caller_name": CALLER_NAME}),
    )
    .await;
    let call = call_with_voicemail(app, &org).await;
    assert_eq!(call["caller_name"], CALLER_NAME, "{call}");
    let recording = call["voicemail_url"].as_str().unwrap().to_string();
    assert!(recording.contains("/Recordings/RE"), "{call}");

    let stored = stored_payloads(app).await;
    for secret in [CALLER_NAME, recording.as_str(), REPLY] {
        assert!(!stored.contains(secret), "`{secret}` stored in clear");
    }

    let erased = erase(app, &org).await;
    assert_eq!(
        erased["keys_deleted"], 1,
        "one key for messages, calls and replies"
    );
    let blank = |call: &Value| {
        call.get("caller_name").is_none_or(Value::is_null)
            && call.get("voicemail_url").is_none_or(Value::is_null)
    };
    let call = the_call(app, &org).await;
    assert!(blank(&call), "{call}");
    let reply = the_reply(app, &org).await;
    assert_eq!(reply["body"], "", "{reply}");

    app.audit_log().await;
    succeeds(app, &["audit", "verify"]).await;
    succeeds(app, &["replay", "--all"]).await;
    let call = the_call(app, &org).await;
    assert!(blank(&call), "after replay: {call}");
    assert_eq!(the_reply(app, &org).await["body"], "", "after replay");
    succeeds(app, &["replay", "--verify"]).await;
}

on_both_backends!(a_caller_name_voicemail_and_responder_reply_are_sealed_and_erased);
