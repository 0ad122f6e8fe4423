//! Every Twilio refusal the port types, end to end: the typed variant and the fault's code,
//! message and `more_info` passed through from the sandbox's Twilio-shaped body.

use secrecy::SecretString;
use switchboard_adapters::twilio::{TwilioClient, TwilioClientConfig};
use switchboard_application::ports::{ProviderError, PurchaseTarget, TelephonyProvider};
use switchboard_domain::NumberType;

use crate::helpers::{
    area, assert_fault, client_for, purchase, purchase_number, query, spawn_sandbox, webhooks,
};

#[tokio::test]
async fn the_magic_unavailable_number_is_21422() {
    let t = spawn_sandbox().await;
    let error = t
        .client
        .purchase(&purchase_number("+15005550000"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::NumberUnavailable(_)),
        "{error:?}"
    );
    let fault = assert_fault(&error, 21422, 400);
    assert_eq!(fault.message, "Phone number +15005550000 is not available");
}

#[tokio::test]
async fn an_already_owned_number_is_21422() {
    let t = spawn_sandbox().await;
    t.client
        .purchase(&purchase_number("+14155550101"))
        .await
        .unwrap();
    let error = t
        .client
        .purchase(&purchase_number("+14155550101"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::NumberUnavailable(_)),
        "{error:?}"
    );
    assert_fault(&error, 21422, 400);
}

#[tokio::test]
async fn the_magic_invalid_number_is_21421() {
    let t = spawn_sandbox().await;
    let error = t
        .client
        .purchase(&purchase_number("+15005550001"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::InvalidNumber(_)),
        "{error:?}"
    );
    let fault = assert_fault(&error, 21421, 400);
    assert_eq!(fault.message, "PhoneNumber +15005550001 is invalid");
}

#[tokio::test]
async fn area_code_533_has_no_numbers_21452() {
    let t = spawn_sandbox().await;
    let error = t
        .client
        .purchase(&purchase(PurchaseTarget::us_local(area("533"))))
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::NoNumbersInAreaCode(_)),
        "{error:?}"
    );
    let fault = assert_fault(&error, 21452, 400);
    assert_eq!(fault.message, "No phone numbers found in area code 533");
}

#[tokio::test]
async fn a_wrong_token_or_account_is_20003_on_every_call() {
    let t = spawn_sandbox().await;
    let sid = t.server.sandbox().account_sid().to_string();
    let wrong_token = client_for(&t.server, &sid, &SecretString::from("not-the-token"));
    let other_account = client_for(
        &t.server,
        "ACffffffffffffffffffffffffffffffff",
        t.server.sandbox().auth_token(),
    );
    for client in [wrong_token, other_account] {
        let errors = [
            client
                .search_available(&query(NumberType::Local, 1))
                .await
                .unwrap_err(),
            client
                .purchase(&purchase_number("+14155550100"))
                .await
                .unwrap_err(),
            client.list_owned().await.unwrap_err(),
            client
                .release("PN00000000000000000000000000000000")
                .await
                .unwrap_err(),
        ];
        for error in errors {
            assert!(
                matches!(error, ProviderError::Authentication(_)),
                "{error:?}"
            );
            let fault = assert_fault(&error, 20003, 401);
            assert_eq!(fault.message, "Authenticate");
        }
    }
    assert!(
        t.client.list_owned().await.unwrap().is_empty(),
        "nothing was bought"
    );
}

#[tokio::test]
async fn an_unknown_sid_is_20404_for_release_and_configure() {
    let t = spawn_sandbox().await;
    let unknown = "PN0123456789abcdef0123456789abcdef";
    let error = t.client.release(unknown).await.unwrap_err();
    assert!(matches!(error, ProviderError::NotFound(_)), "{error:?}");
    let fault = assert_fault(&error, 20404, 404);
    assert!(fault.message.contains(unknown), "{}", fault.message);
    let error = t
        .client
        .configure_webhooks(unknown, &webhooks("https://x.example"))
        .await
        .unwrap_err();
    assert!(matches!(error, ProviderError::NotFound(_)), "{error:?}");
    assert_fault(&error, 20404, 404);
}

#[tokio::test]
async fn unknown_number_types_and_missing_parameters_get_twilio_error_bodies() {
    let t = spawn_sandbox().await;
    let (status, body) = t.get_raw("AvailablePhoneNumbers/US/Voipish.json").await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], 20404);
    assert_eq!(body["status"], 404);
    assert_eq!(
        body["more_info"],
        "https://www.twilio.com/docs/errors/20404"
    );
    let (status, body) = t
        .post_raw("IncomingPhoneNumbers.json", &[("FriendlyName", "x")])
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], 20001);
    let (status, body) = t
        .post_raw("IncomingPhoneNumbers.json", &[("AreaCode", "41")])
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], 21451);
}

#[tokio::test]
async fn an_unreachable_provider_is_unavailable() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = TwilioClient::new(TwilioClientConfig {
        api_base_url: format!("http://127.0.0.1:{port}/sandbox"),
        account_sid: "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
        auth_token: SecretString::from("token"),
    })
    .unwrap();
    let error = client.list_owned().await.unwrap_err();
    assert!(matches!(error, ProviderError::Unavailable(_)), "{error:?}");
}
