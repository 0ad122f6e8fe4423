//! Inbound routing: the whole flow through the sandbox's customer simulator.

use serde_json::json;

use crate::helpers::{assert_problem, body, TestApp};
use crate::on_both_backends;

async fn the_whole_flow_routes_inbound_messages_to_the_owner(app: &TestApp) {
    // create -> search -> provision -> inbound routed -> release -> inbound unrouted
    let org = app.create_organization("Flow", "trial").await;
    let found = body(app.get("/v1/available-numbers?area_code=415&limit=1").await).await;
    let number = found["items"][0]["phone_number"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        app.provision(&org, json!({"phone_number": number}))
            .await
            .status(),
        201
    );

    let delivered = app
        .customer_sends(json!({"from": "+15551230000", "to": number, "body": "Hello & <welcome>"}))
        .await;
    assert_eq!(delivered["status"], 200);
    assert!(delivered["content_type"]
        .as_str()
        .unwrap()
        .starts_with("text/xml"));
    assert!(delivered["twiml"]
        .as_str()
        .unwrap()
        .contains("<Response><Message>Thanks for contacting Flow!"));
    let messages = app.wait_for_messages(&org, 1).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["body"], "Hello & <welcome>");
    assert_eq!(messages[0]["from"], "+15551230000");
    assert_eq!(messages[0]["channel"], "sms");
    assert_eq!(messages[0]["message_sid"], delivered["message_sid"]);

    assert_eq!(
        app.delete(&format!("/v1/organizations/{org}/numbers/{number}"))
            .await
            .status(),
        204
    );
    // The sandbox only delivers to numbers it still owns; Twilio would not route a released
    // number either, so the late message is posted as Twilio would have sent it.
    let late = app
        .signed_webhook(
            "/webhooks/twilio/messages",
            &[
                ("MessageSid", "SMdeadbeefdeadbeefdeadbeefdeadbeef"),
                ("AccountSid", "ACx"),
                ("From", "+15551230000"),
                ("To", &number),
                ("Body", "still there?"),
            ],
        )
        .await;
    assert_eq!(late.status(), 200);
    assert_eq!(
        late.text().await.unwrap(),
        r#"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#
    );
    let recorded = app
        .recorded("SMdeadbeefdeadbeefdeadbeefdeadbeef", "MessageReceived")
        .await;
    assert_eq!(recorded.len(), 1);
    assert_eq!(
        recorded[0]["MessageReceived"]["message"]["routing"]["kind"],
        "unrouted"
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        app.messages(&org).await.len(),
        1,
        "the former owner gets no new message"
    );
}

async fn whatsapp_messages_keep_their_channel_and_profile(app: &TestApp) {
    let org = app.create_organization("Wa", "trial").await;
    let number = body(app.provision(&org, json!({"area_code": "415"})).await).await["phone_number"]
        .as_str()
        .unwrap()
        .to_string();
    app.customer_sends(json!({
        "from": "whatsapp:+15551230000",
        "to": format!("whatsapp:{number}"),
        "body": "hola",
        "profile_name": "Ana",
        "media_urls": ["https://example.com/a.jpg"]
    }))
    .await;
    let messages = app.wait_for_messages(&org, 1).await;
    assert_eq!(messages[0]["channel"], "whatsapp");
    assert_eq!(messages[0]["from"], "whatsapp:+15551230000");
    assert_eq!(messages[0]["to"], format!("whatsapp:{number}"));
    assert_eq!(messages[0]["profile_name"], "Ana");
    assert_eq!(
        messages[0]["media_urls"],
        json!(["https://example.com/a.jpg"])
    );
}

async fn a_message_to_a_number_nobody_holds_is_recorded_as_unrouted(app: &TestApp) {
    let response = app
        .signed_webhook(
            "/webhooks/twilio/messages",
            &[
                ("MessageSid", "SM00000000000000000000000000000001"),
                ("From", "+15551230000"),
                ("To", "+19995550100"),
                ("Body", "anyone?"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    let recorded = app
        .recorded("SM00000000000000000000000000000001", "MessageReceived")
        .await;
    assert_eq!(recorded.len(), 1);
    let message = &recorded[0]["MessageReceived"]["message"];
    assert_eq!(message["routing"]["kind"], "unrouted");
    // The body is stored sealed with the sender's key (of no organization: `unrouted`).
    assert_eq!(message["body"], "");
    assert!(recorded[0]["MessageReceived"]["sealed"]["ciphertext"].is_string());
}

/// A `To` that is no number we route (a short code, another channel) is recorded as an unrouted
/// message with the address as sent, and answered with empty TwiML, not refused; a request
/// without a valid signature is still refused and records nothing.
async fn a_message_to_an_address_we_cannot_parse_is_recorded_as_unrouted(app: &TestApp) {
    for (i, to) in ["12345", "messenger:abc", "rcs:x"].into_iter().enumerate() {
        let sid = format!("SM{:032x}", 0x5c0de + i);
        let params = [
            ("MessageSid", sid.as_str()),
            ("From", "+15551230000"),
            ("To", to),
            ("Body", "hello"),
        ];
        let response = app
            .signed_webhook("/webhooks/twilio/messages", &params)
            .await;
        assert_eq!(response.status(), 200, "{to}");
        assert_eq!(
            response.text().await.unwrap(),
            r#"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#
        );
        let recorded = app.recorded(&sid, "MessageReceived").await;
        assert_eq!(recorded.len(), 1, "{to}");
        let message = &recorded[0]["MessageReceived"]["message"];
        assert_eq!(message["to"], json!({"raw": to}));
        assert_eq!(message["routing"]["kind"], "unrouted");
        // Stored sealed with the sender's key, like every inbound body.
        assert_eq!(message["body"], "");
        assert!(recorded[0]["MessageReceived"]["sealed"]["ciphertext"].is_string());
        let decided = app.recorded(&sid, "InboundOutcomeDecided").await;
        assert_eq!(decided.len(), 1, "decided in the same commit");

        let unsigned = app
            .client
            .post(app.url("/webhooks/twilio/messages"))
            .form(&[
                ("MessageSid", "SM00000000000000000000000000000bad"),
                ("From", "+15551230000"),
                ("To", to),
            ])
            .send()
            .await
            .unwrap();
        assert_problem(unsigned, 403, "invalid_signature").await;
        assert!(app
            .recorded("SM00000000000000000000000000000bad", "MessageReceived")
            .await
            .is_empty());
    }
}

on_both_backends!(
    a_message_to_an_address_we_cannot_parse_is_recorded_as_unrouted,
    the_whole_flow_routes_inbound_messages_to_the_owner,
    whatsapp_messages_keep_their_channel_and_profile,
    a_message_to_a_number_nobody_holds_is_recorded_as_unrouted,
);
