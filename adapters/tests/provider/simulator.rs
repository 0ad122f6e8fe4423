//! The customer simulator (`POST /sandbox/messages`) delivers Twilio-shaped, correctly signed
//! webhooks to the number's `SmsUrl` and hands back the TwiML it got.

use serde_json::{json, Value};
use switchboard_adapters::twilio::validate_signature;
use switchboard_application::ports::{TelephonyProvider, WebhookConfig};

use crate::helpers::{purchase_number, spawn_sandbox, TestSandbox};
use crate::receiver::{Receiver, TWIML};

/// A sandbox owning `+14155550100` whose `SmsUrl` is a fresh receiver.
async fn sandbox_with_receiver() -> (TestSandbox, Receiver) {
    let t = spawn_sandbox().await;
    let receiver = Receiver::start(t.server.sandbox().auth_token()).await;
    let mut request = purchase_number("+14155550100");
    request.webhooks.sms_url = receiver.url.clone();
    t.client.purchase(&request).await.unwrap();
    (t, receiver)
}

/// POSTs `message` to the simulator.
async fn simulate(t: &TestSandbox, message: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(t.server.messages_url())
        .json(&message)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn an_sms_is_delivered_signed_and_twilio_shaped_and_the_twiml_returned() {
    let (t, receiver) = sandbox_with_receiver().await;
    let (status, answer) = simulate(
        &t,
        json!({"from": "+15551234567", "to": "+14155550100", "body": "Hello été 👍 & more",
               "media_urls": ["https://cdn.example/cat.png"]}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["status"], 200);
    assert_eq!(answer["twiml"], TWIML);
    assert_eq!(answer["webhook_url"], receiver.url.as_str());
    assert!(answer["content_type"]
        .as_str()
        .unwrap()
        .starts_with("text/xml"));

    let deliveries = receiver.deliveries();
    assert_eq!(deliveries.len(), 1);
    let d = &deliveries[0];
    assert!(
        d.signature_valid,
        "signature {} did not validate",
        d.signature
    );
    assert!(d
        .content_type
        .starts_with("application/x-www-form-urlencoded"));
    let sid = answer["message_sid"].as_str().unwrap();
    assert!(sid.starts_with("SM") && sid.len() == 34, "{sid}");
    for name in ["MessageSid", "SmsSid", "SmsMessageSid"] {
        assert_eq!(d.param(name), Some(sid), "{name}");
    }
    assert_eq!(
        d.param("AccountSid"),
        Some(t.server.sandbox().account_sid())
    );
    assert_eq!(d.param("From"), Some("+15551234567"));
    assert_eq!(d.param("To"), Some("+14155550100"));
    assert_eq!(d.param("Body"), Some("Hello été 👍 & more"));
    assert_eq!(d.param("NumMedia"), Some("1"));
    assert_eq!(d.param("MediaUrl0"), Some("https://cdn.example/cat.png"));
    assert_eq!(d.param("MediaContentType0"), Some("image/png"));
    assert_eq!(d.param("NumSegments"), Some("1"));
    assert_eq!(d.param("SmsStatus"), Some("received"));
    assert_eq!(d.param("ApiVersion"), Some("2010-04-01"));
    assert_eq!(d.param("ProfileName"), None);
    assert_eq!(d.param("WaId"), None);
    // The check discriminates: another key or another URL fails.
    assert!(!validate_signature(
        b"another-token",
        &receiver.url,
        &d.params,
        &d.signature
    ));
    let other_url = receiver.url.replace("tenant=acme", "tenant=evil");
    let token = secrecy::ExposeSecret::expose_secret(t.server.sandbox().auth_token()).to_string();
    assert!(!validate_signature(
        token.as_bytes(),
        &other_url,
        &d.params,
        &d.signature
    ));
}

#[tokio::test]
async fn a_whatsapp_message_keeps_the_prefixes_and_adds_profile_name_and_wa_id() {
    let (t, receiver) = sandbox_with_receiver().await;
    let (status, answer) = simulate(
        &t,
        json!({"from": "whatsapp:+15551234567", "to": "whatsapp:+14155550100",
               "body": "hola", "profile_name": "Ana"}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let d = &receiver.deliveries()[0];
    assert!(d.signature_valid);
    assert_eq!(d.param("From"), Some("whatsapp:+15551234567"));
    assert_eq!(d.param("To"), Some("whatsapp:+14155550100"));
    assert_eq!(d.param("ProfileName"), Some("Ana"));
    assert_eq!(d.param("WaId"), Some("15551234567"));
    assert_eq!(d.param("NumMedia"), Some("0"));
}

#[tokio::test]
async fn a_given_message_sid_is_redelivered_unchanged() {
    let (t, receiver) = sandbox_with_receiver().await;
    let message = json!({"from": "+15551234567", "to": "+14155550100", "body": "again",
                         "message_sid": "SM0123456789abcdef0123456789abcdef"});
    for _ in 0..2 {
        let (status, answer) = simulate(&t, message.clone()).await;
        assert_eq!(status, 200);
        assert_eq!(answer["message_sid"], "SM0123456789abcdef0123456789abcdef");
    }
    let deliveries = receiver.deliveries();
    assert_eq!(deliveries.len(), 2);
    assert!(deliveries
        .iter()
        .all(|d| d.param("MessageSid") == Some("SM0123456789abcdef0123456789abcdef")));
}

#[tokio::test]
async fn messages_to_unowned_numbers_or_numbers_without_sms_url_are_refused() {
    let (t, receiver) = sandbox_with_receiver().await;
    let (status, answer) = simulate(
        &t,
        json!({"from": "+15551234567", "to": "+14155550199", "body": "hi"}),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(answer["code"], "number_not_owned");

    let owned = t.client.list_owned().await.unwrap().remove(0);
    let cleared = WebhookConfig {
        sms_url: String::new(),
        sms_method: "POST".into(),
        status_callback: String::new(),
        voice_url: String::new(),
        voice_method: "POST".into(),
        voice_fallback_url: String::new(),
        call_status_callback: String::new(),
    };
    let updated = t
        .client
        .configure_webhooks(&owned.provider_sid, &cleared)
        .await
        .unwrap();
    assert_eq!(updated.sms_url, None);
    let (status, answer) = simulate(
        &t,
        json!({"from": "+15551234567", "to": "+14155550100", "body": "hi"}),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(answer["code"], "no_sms_url");
    assert!(receiver.deliveries().is_empty());
}

#[tokio::test]
async fn an_unreachable_webhook_is_a_502() {
    let t = spawn_sandbox().await;
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut request = purchase_number("+14155550100");
    request.webhooks.sms_url = format!("http://127.0.0.1:{port}/gone");
    t.client.purchase(&request).await.unwrap();
    let (status, answer) = simulate(
        &t,
        json!({"from": "+15551234567", "to": "+14155550100", "body": "hi"}),
    )
    .await;
    assert_eq!(status, 502);
    assert_eq!(answer["code"], "webhook_unreachable");
}
