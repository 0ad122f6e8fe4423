//! Every refusal of a send, end to end: Twilio's magic `To` and `From` numbers, unowned and
//! malformed senders, and missing parameters come back from the client as
//! `ProviderError::Rejected` with the sandbox's code, message and `more_info` intact; nothing
//! refused reaches the sent-message log.

use secrecy::SecretString;
use switchboard_application::ports::{OutboundRequest, ProviderError, TelephonyProvider};

use crate::helpers::{assert_fault, client_for, purchase_number, spawn_sandbox};
use crate::outbox::{outbound_log, sms};

const OURS: &str = "+14155550100";
const CUSTOMER: &str = "+15551230000";

#[tokio::test]
async fn magic_to_numbers_are_refused_with_their_codes() {
    let t = spawn_sandbox().await;
    t.client.purchase(&purchase_number(OURS)).await.unwrap();
    for (to, code) in [
        ("+15005550001", 21211),
        ("+15005550002", 21612),
        ("+15005550003", 21408),
        ("+15005550004", 21610),
        ("+15005550009", 21614),
        ("whatsapp:+15005550004", 21610),
        ("555-1234", 21211),
    ] {
        let from = if to.starts_with("whatsapp:") {
            format!("whatsapp:{OURS}")
        } else {
            OURS.to_string()
        };
        let error = t
            .client
            .send_message(&sms(&from, to, "hi"))
            .await
            .unwrap_err();
        assert!(
            matches!(error, ProviderError::Rejected(_)),
            "{to}: {error:?}"
        );
        assert_fault(&error, code, 400);
    }
    let error = t
        .client
        .send_message(&sms(OURS, "+15005550004", "hi"))
        .await
        .unwrap_err();
    assert_eq!(
        error.fault().unwrap().message,
        "Attempt to send to unsubscribed recipient"
    );
    assert!(outbound_log(&t).await.is_empty());
}

#[tokio::test]
async fn magic_unowned_and_malformed_from_numbers_are_refused() {
    let t = spawn_sandbox().await;
    // Voice-only: the sandbox's every fifth number cannot send SMS.
    t.client
        .purchase(&purchase_number("+14155550104"))
        .await
        .unwrap();
    for (from, code) in [
        ("+15005550001", 21212),
        ("+15005550007", 21606),
        ("+15005550008", 21611),
        (OURS, 21606),
        ("+14155550104", 21606),
        ("ACME", 21212),
    ] {
        let error = t
            .client
            .send_message(&sms(from, CUSTOMER, "hi"))
            .await
            .unwrap_err();
        assert!(
            matches!(error, ProviderError::Rejected(_)),
            "{from}: {error:?}"
        );
        let fault = assert_fault(&error, code, 400);
        if code == 21606 {
            assert!(fault.message.contains(from), "{fault:?}");
        }
    }
    assert!(outbound_log(&t).await.is_empty());
}

#[tokio::test]
async fn missing_parameters_follow_twilio_s_conditional_rules() {
    let t = spawn_sandbox().await;
    t.client.purchase(&purchase_number(OURS)).await.unwrap();
    for (form, code) in [
        (vec![("From", OURS), ("Body", "hi")], 21604),
        (vec![("To", CUSTOMER), ("Body", "hi")], 21603),
        (
            vec![
                ("To", CUSTOMER),
                ("MessagingServiceSid", "MG1"),
                ("Body", "hi"),
            ],
            21603,
        ),
        (vec![("To", CUSTOMER), ("From", OURS)], 21619),
        (vec![("To", CUSTOMER), ("From", OURS), ("Body", "")], 21619),
    ] {
        let (status, body) = t.post_raw("Messages.json", &form).await;
        assert_eq!(status, 400, "{form:?}: {body}");
        assert_eq!(body["code"], code, "{form:?}: {body}");
        assert_eq!(body["status"], 400);
        assert_eq!(
            body["more_info"],
            format!("https://www.twilio.com/docs/errors/{code}")
        );
    }
    let empty = OutboundRequest {
        body: None,
        ..sms(OURS, CUSTOMER, "")
    };
    let error = t.client.send_message(&empty).await.unwrap_err();
    assert_fault(&error, 21619, 400);
    let long = "x".repeat(1601);
    let error = t
        .client
        .send_message(&sms(OURS, CUSTOMER, &long))
        .await
        .unwrap_err();
    assert!(matches!(error, ProviderError::Rejected(_)), "{error:?}");
    assert_fault(&error, 21617, 400);
    let at_limit = "é".repeat(1600);
    assert!(t
        .client
        .send_message(&sms(OURS, CUSTOMER, &at_limit))
        .await
        .is_ok());
    assert_eq!(outbound_log(&t).await.len(), 1);
}

#[tokio::test]
async fn a_send_with_wrong_credentials_is_an_authentication_error() {
    let t = spawn_sandbox().await;
    let sandbox = t.server.sandbox();
    let client = client_for(
        &t.server,
        sandbox.account_sid(),
        &SecretString::from("wrong"),
    );
    let error = client
        .send_message(&sms("+15005550006", CUSTOMER, "hi"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::Authentication(_)),
        "{error:?}"
    );
    assert_fault(&error, 20003, 401);
}
