//! Building sends, and reading the sandbox's sent-message log and pushing status callbacks
//! through its test endpoints (`GET /sandbox/messages/outbound`,
//! `POST /sandbox/messages/{MessageSid}/status`).

use std::time::{Duration, Instant};

use serde_json::Value;
use switchboard_application::ports::OutboundRequest;

use crate::helpers::TestSandbox;

/// An SMS `body` from `from` to `to` without a status callback.
pub fn sms(from: &str, to: &str, body: &str) -> OutboundRequest {
    OutboundRequest {
        from: from.into(),
        to: to.into(),
        body: Some(body.into()),
        media_urls: Vec::new(),
        content_sid: None,
        content_variables: None,
        status_callback: String::new(),
    }
}

/// Every message the sandbox account sent, oldest first.
pub async fn outbound_log(t: &TestSandbox) -> Vec<Value> {
    let response = reqwest::get(t.server.outbound_messages_url())
        .await
        .expect("the sandbox answers");
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("the log is a JSON array")
}

/// The log entry of `message_sid` once its `status` is `status` (panics after 5 s).
pub async fn wait_for_status(t: &TestSandbox, message_sid: &str, status: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let log = outbound_log(t).await;
        let entry = log
            .into_iter()
            .find(|m| m["message_sid"] == message_sid)
            .unwrap_or_else(|| panic!("{message_sid} is not in the log"));
        if entry["status"] == status {
            return entry;
        }
        assert!(Instant::now() < deadline, "still {entry} after 5 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// POSTs `push` (`{"status", "error_code"}`) to the message's status endpoint.
pub async fn push_status(t: &TestSandbox, message_sid: &str, push: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(t.server.message_status_url(message_sid))
        .json(&push)
        .send()
        .await
        .expect("the sandbox answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}
