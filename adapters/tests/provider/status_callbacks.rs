//! Status callbacks of sent messages: the sandbox posts signed `sent` then `delivered`
//! callbacks to the message's `StatusCallback`, and its push endpoint delivers one more (for
//! duplicates and out-of-order arrival), reporting what the receiver answered.

use serde_json::json;
use switchboard_application::ports::{OutboundRequest, SentMessage, TelephonyProvider};

use crate::helpers::{purchase_number, spawn_sandbox, TestSandbox};
use crate::outbox::{outbound_log, push_status, sms, wait_for_status};
use crate::receiver::{Delivery, Receiver};

const OURS: &str = "+14155550100";
const CUSTOMER: &str = "+15551230000";

/// A sandbox owning [`OURS`] and a status-callback receiver holding its token.
async fn sandbox_and_receiver() -> (TestSandbox, Receiver) {
    let t = spawn_sandbox().await;
    t.client.purchase(&purchase_number(OURS)).await.unwrap();
    let receiver = Receiver::status_callbacks(t.server.sandbox().auth_token()).await;
    (t, receiver)
}

/// Sends `request` with the receiver as its `StatusCallback`.
async fn send(t: &TestSandbox, receiver: &Receiver, request: OutboundRequest) -> SentMessage {
    let request = OutboundRequest {
        status_callback: receiver.url.clone(),
        ..request
    };
    t.client.send_message(&request).await.unwrap()
}

fn statuses(deliveries: &[Delivery]) -> Vec<&str> {
    deliveries
        .iter()
        .map(|d| d.param("MessageStatus").unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn sent_then_delivered_arrive_signed_and_name_the_message() {
    let (t, receiver) = sandbox_and_receiver().await;
    let sent = send(&t, &receiver, sms(OURS, CUSTOMER, "a secret body")).await;
    let deliveries = receiver.wait_for(2).await;
    assert_eq!(statuses(&deliveries), ["sent", "delivered"]);
    for d in &deliveries {
        assert!(d.signature_valid, "signature {} invalid", d.signature);
        assert!(d
            .content_type
            .starts_with("application/x-www-form-urlencoded"));
        let status = d.param("MessageStatus");
        assert_eq!(d.param("SmsStatus"), status);
        assert_eq!(d.param("MessageSid"), Some(sent.message_sid.as_str()));
        assert_eq!(d.param("SmsSid"), Some(sent.message_sid.as_str()));
        assert_eq!(
            d.param("AccountSid"),
            Some(t.server.sandbox().account_sid())
        );
        assert_eq!(d.param("From"), Some(OURS));
        assert_eq!(d.param("To"), Some(CUSTOMER));
        assert_eq!(d.param("ApiVersion"), Some("2010-04-01"));
        assert_eq!(d.param("ChannelPrefix"), None);
        assert_eq!(d.param("ErrorCode"), None);
        assert_eq!(d.param("Body"), None);
    }
    let dlr = deliveries[1].param("RawDlrDoneDate").unwrap();
    assert!(
        dlr.len() == 10 && dlr.chars().all(|c| c.is_ascii_digit()),
        "{dlr}"
    );
    let logged = wait_for_status(&t, &sent.message_sid, "delivered").await;
    assert_eq!(logged["status_callback"], receiver.url.as_str());
    assert_eq!(receiver.deliveries().len(), 2, "no callback for queued");
}

#[tokio::test]
async fn whatsapp_callbacks_carry_the_channel_prefix() {
    let (t, receiver) = sandbox_and_receiver().await;
    let from = format!("whatsapp:{OURS}");
    let to = format!("whatsapp:{CUSTOMER}");
    let sent = send(&t, &receiver, sms(&from, &to, "hola")).await;
    let deliveries = receiver.wait_for(2).await;
    assert_eq!(statuses(&deliveries), ["sent", "delivered"]);
    for d in &deliveries {
        assert!(d.signature_valid);
        assert_eq!(d.param("MessageSid"), Some(sent.message_sid.as_str()));
        assert_eq!(d.param("ChannelPrefix"), Some("whatsapp"));
        assert_eq!(d.param("From"), Some(from.as_str()));
        assert_eq!(d.param("To"), Some(to.as_str()));
    }
}

#[tokio::test]
async fn pushed_statuses_are_delivered_signed_even_out_of_order() {
    let (t, receiver) = sandbox_and_receiver().await;
    let from = format!("whatsapp:{OURS}");
    let to = format!("whatsapp:{CUSTOMER}");
    let sent = send(&t, &receiver, sms(&from, &to, "hola")).await;
    let sid = sent.message_sid.as_str();
    wait_for_status(&t, sid, "delivered").await;

    let (status, answer) = push_status(&t, sid, json!({"status": "read"})).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["message_sid"], sid);
    assert_eq!(answer["message_status"], "read");
    assert_eq!(answer["webhook_url"], receiver.url.as_str());
    assert_eq!(answer["status"], 204);
    let read = &receiver.wait_for(3).await[2];
    assert!(read.signature_valid);
    assert_eq!(read.param("MessageStatus"), Some("read"));
    assert_eq!(read.param("EventType"), Some("READ"));
    assert_eq!(read.param("MessageSid"), Some(sid));
    assert_eq!(
        wait_for_status(&t, sid, "read").await["error_code"],
        json!(null)
    );

    // A late `sent` after `read`, then a duplicate: both delivered as asked.
    for _ in 0..2 {
        let (status, answer) = push_status(&t, sid, json!({"status": "sent"})).await;
        assert_eq!((status, &answer["status"]), (200, &json!(204)), "{answer}");
    }
    let (status, _) = push_status(
        &t,
        sid,
        json!({"status": "undelivered", "error_code": 63016}),
    )
    .await;
    assert_eq!(status, 200);
    let deliveries = receiver.wait_for(6).await;
    assert_eq!(
        statuses(&deliveries),
        ["sent", "delivered", "read", "sent", "sent", "undelivered"]
    );
    assert!(deliveries.iter().all(|d| d.signature_valid));
    assert_eq!(deliveries[5].param("ErrorCode"), Some("63016"));
    let logged = wait_for_status(&t, sid, "undelivered").await;
    assert_eq!(logged["error_code"], 63016);
}

#[tokio::test]
async fn pushes_for_unknown_messages_bad_statuses_or_no_callback_are_refused() {
    let (t, receiver) = sandbox_and_receiver().await;
    let (status, answer) = push_status(
        &t,
        "SM00000000000000000000000000000000",
        json!({"status": "read"}),
    )
    .await;
    assert_eq!(status, 404, "{answer}");
    assert_eq!(answer["code"], "message_not_found");

    let sent = send(&t, &receiver, sms(OURS, CUSTOMER, "hi")).await;
    let sid = sent.message_sid.as_str();
    for bad in [json!({"status": "seen"}), json!({"state": "read"})] {
        let (status, answer) = push_status(&t, sid, bad).await;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(answer["code"], "invalid_request");
    }

    // Without a StatusCallback the status still advances, silently.
    let quiet = t
        .client
        .send_message(&sms(OURS, CUSTOMER, "no callback"))
        .await
        .unwrap();
    wait_for_status(&t, &quiet.message_sid, "delivered").await;
    let (status, answer) = push_status(&t, &quiet.message_sid, json!({"status": "read"})).await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer["code"], "no_status_callback");
    wait_for_status(&t, sid, "delivered").await;
    assert_eq!(receiver.deliveries().len(), 2);
}

#[tokio::test]
async fn an_unreachable_status_callback_is_not_retried_and_the_status_still_advances() {
    let t = spawn_sandbox().await;
    t.client.purchase(&purchase_number(OURS)).await.unwrap();
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let request = OutboundRequest {
        status_callback: format!("http://127.0.0.1:{port}/gone"),
        ..sms(OURS, CUSTOMER, "hi")
    };
    let sent = t.client.send_message(&request).await.unwrap();
    wait_for_status(&t, &sent.message_sid, "delivered").await;
    let (status, answer) = push_status(&t, &sent.message_sid, json!({"status": "read"})).await;
    assert_eq!(status, 502, "{answer}");
    assert_eq!(answer["code"], "webhook_unreachable");
    assert_eq!(outbound_log(&t).await[0]["status"], "read");
}
