//! Sending messages through the client to the sandbox: SMS, MMS, WhatsApp and WhatsApp
//! templates are accepted (`queued`), answered in Twilio's resource shape and logged as what
//! reached the customer's phone.

use serde_json::json;
use switchboard_application::ports::{OutboundRequest, TelephonyProvider};
use switchboard_domain::MessageSid;

use crate::helpers::{purchase_number, spawn_sandbox, TestSandbox};
use crate::outbox::{outbound_log, sms};

const OURS: &str = "+14155550100";
const CUSTOMER: &str = "+15551230000";

/// A sandbox owning [`OURS`].
async fn sandbox_owning_a_number() -> TestSandbox {
    let t = spawn_sandbox().await;
    t.client.purchase(&purchase_number(OURS)).await.unwrap();
    t
}

fn is_twilio_message_sid(sid: &str) -> bool {
    sid.len() == 34 && sid.starts_with("SM") && sid[2..].chars().all(|c| c.is_ascii_hexdigit())
}

#[tokio::test]
async fn an_sms_is_queued_and_reaches_the_customer_as_sent() {
    let t = sandbox_owning_a_number().await;
    let sent = t
        .client
        .send_message(&sms(OURS, CUSTOMER, "Hello été 👍 & more"))
        .await
        .unwrap();
    assert!(is_twilio_message_sid(&sent.message_sid), "{sent:?}");
    assert!(MessageSid::parse(&sent.message_sid).is_ok());
    assert_eq!(sent.status, "queued");

    let log = outbound_log(&t).await;
    assert_eq!(log.len(), 1);
    let m = &log[0];
    assert_eq!(m["message_sid"], sent.message_sid.as_str());
    assert_eq!(m["from"], OURS);
    assert_eq!(m["to"], CUSTOMER);
    assert_eq!(m["body"], "Hello été 👍 & more");
    assert_eq!(m["media_urls"], json!([]));
    assert_eq!(m["content_sid"], json!(null));
    assert_eq!(m["content_variables"], json!(null));
    assert_eq!(m["status_callback"], json!(null));
}

#[tokio::test]
async fn the_created_resource_has_twilio_s_message_shape() {
    let t = sandbox_owning_a_number().await;
    let (status, m) = t
        .post_raw(
            "Messages.json",
            &[
                ("To", CUSTOMER),
                ("From", OURS),
                ("MediaUrl", "https://cdn.example/a.png"),
                ("MediaUrl", "https://cdn.example/b.pdf"),
            ],
        )
        .await;
    assert_eq!(status, 201, "{m}");
    let sid = m["sid"].as_str().unwrap();
    assert!(is_twilio_message_sid(sid), "{sid}");
    let account_sid = t.server.sandbox().account_sid();
    assert_eq!(m["account_sid"], account_sid);
    assert_eq!(m["status"], "queued");
    assert_eq!(m["direction"], "outbound-api");
    assert_eq!(m["from"], OURS);
    assert_eq!(m["to"], CUSTOMER);
    assert_eq!(m["body"], "");
    assert_eq!(m["num_media"], "2");
    assert_eq!(m["num_segments"], "1");
    assert_eq!(m["api_version"], "2010-04-01");
    assert_eq!(m["error_code"], json!(null));
    assert_eq!(m["date_sent"], json!(null));
    let created = m["date_created"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc2822(created).is_ok(),
        "{created}"
    );
    assert_eq!(
        m["uri"],
        format!("/sandbox/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json")
    );
    let log = outbound_log(&t).await;
    assert_eq!(
        log[0]["media_urls"],
        json!(["https://cdn.example/a.png", "https://cdn.example/b.pdf"])
    );
    assert_eq!(log[0]["body"], json!(null));
}

#[tokio::test]
async fn whatsapp_messages_media_and_templates_are_logged_newest_last() {
    let t = sandbox_owning_a_number().await;
    let from = format!("whatsapp:{OURS}");
    let to = format!("whatsapp:{CUSTOMER}");
    let text = t
        .client
        .send_message(&sms(&from, &to, "¿Mañana a las 3?"))
        .await
        .unwrap();
    let media = OutboundRequest {
        media_urls: vec!["https://cdn.example/menu.jpg".into()],
        ..sms(&from, &to, "Our menu")
    };
    let media = t.client.send_message(&media).await.unwrap();
    let template = OutboundRequest {
        body: None,
        content_sid: Some("HXb5b62575e6e4ff6129ad7c8efe1f983e".into()),
        content_variables: Some(r#"{"1":"Ana","2":"3pm"}"#.into()),
        ..sms(&from, &to, "")
    };
    let template = t.client.send_message(&template).await.unwrap();
    assert_eq!(template.status, "queued");

    let log = outbound_log(&t).await;
    let sids: Vec<&str> = log
        .iter()
        .map(|m| m["message_sid"].as_str().unwrap())
        .collect();
    assert_eq!(
        sids,
        [
            text.message_sid.as_str(),
            media.message_sid.as_str(),
            template.message_sid.as_str()
        ]
    );
    for m in &log {
        assert_eq!(m["from"], from.as_str());
        assert_eq!(m["to"], to.as_str());
    }
    assert_eq!(log[0]["body"], "¿Mañana a las 3?");
    assert_eq!(
        log[1]["media_urls"],
        json!(["https://cdn.example/menu.jpg"])
    );
    assert_eq!(log[2]["body"], json!(null));
    assert_eq!(log[2]["content_sid"], "HXb5b62575e6e4ff6129ad7c8efe1f983e");
    assert_eq!(log[2]["content_variables"], r#"{"1":"Ana","2":"3pm"}"#);
}

#[tokio::test]
async fn the_magic_valid_from_number_sends_without_being_owned() {
    let t = spawn_sandbox().await;
    let sent = t
        .client
        .send_message(&sms("+15005550006", CUSTOMER, "test credentials"))
        .await
        .unwrap();
    assert_eq!(sent.status, "queued");
    assert_eq!(outbound_log(&t).await[0]["from"], "+15005550006");
}
