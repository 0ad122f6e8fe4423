//! The client in SignalWire's dialect against the SignalWire-flavoured sandbox (REFERENCE §6):
//! `/api/laml` paths without `.json`, UUID SIDs, only Local and TollFree searches without
//! paging, purchases by area code through a search, integer counts, and webhooks signed with
//! `X-SignalWire-Signature` under the signing key.

use secrecy::ExposeSecret;
use serde_json::json;
use switchboard_adapters::sandbox::{serve_sandbox, SandboxConfig, SandboxServer};
use switchboard_adapters::twilio::{
    signalwire_api_base_url, Flavor, TwilioClient, TwilioClientConfig,
};
use switchboard_application::ports::{
    OutboundRequest, ProviderError, PurchaseTarget, TelephonyProvider,
};
use switchboard_domain::NumberType;

use crate::helpers::{area, purchase, purchase_number, query};
use crate::receiver::Receiver;

/// A SignalWire-flavoured sandbox and a SignalWire client built from its Space URL.
async fn spawn_signalwire() -> (SandboxServer, TwilioClient) {
    let server = serve_sandbox("127.0.0.1:0", SandboxConfig::generate_signalwire())
        .await
        .expect("the sandbox binds port 0");
    let base = signalwire_api_base_url(&server.space_url());
    assert_eq!(base, server.api_base_url());
    let client = TwilioClient::new(TwilioClientConfig {
        api_base_url: base,
        account_sid: server.sandbox().account_sid().to_string(),
        auth_token: server.sandbox().auth_token().clone(),
    })
    .expect("client")
    .with_flavor(Flavor::SignalWire);
    (server, client)
}

fn is_uuid(sid: &str) -> bool {
    uuid::Uuid::parse_str(sid).is_ok() && sid.len() == 36
}

/// An authenticated raw request to `{space}/api/laml/2010-04-01/Accounts/{project}/{tail}`.
async fn raw(
    server: &SandboxServer,
    method: reqwest::Method,
    tail: &str,
    form: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    let sandbox = server.sandbox();
    let url = format!(
        "{}/2010-04-01/Accounts/{}/{tail}",
        server.api_base_url(),
        sandbox.account_sid()
    );
    let response = reqwest::Client::new()
        .request(method, url)
        .basic_auth(
            sandbox.account_sid(),
            Some(sandbox.auth_token().expose_secret()),
        )
        .form(form)
        .send()
        .await
        .expect("the sandbox answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

#[tokio::test]
async fn searches_use_the_laml_paths_without_paging_and_refuse_mobile() {
    let (server, client) = spawn_signalwire().await;
    let mut q = query(NumberType::Local, 5);
    q.area_code = Some(area("415"));
    let local = client.search_available(&q).await.unwrap();
    assert_eq!(local.len(), 5, "the client keeps the first `limit`");
    assert!(local
        .iter()
        .all(|n| n.phone_number.as_str().starts_with("+1415")));
    assert_eq!(local[0].locality, None, "SignalWire sends no locality");
    assert_eq!(local[0].region.as_deref(), Some("CA"));
    q.limit = 100;
    q.sms_enabled = Some(false);
    let voice_only = client.search_available(&q).await.unwrap();
    assert_eq!(
        voice_only.len(),
        10,
        "SignalWire ignores SmsEnabled: the client filters its 50 numbers"
    );
    assert!(voice_only.iter().all(|n| !n.capabilities.sms));
    let toll_free = client
        .search_available(&query(NumberType::TollFree, 3))
        .await
        .unwrap();
    assert_eq!(toll_free.len(), 3);

    let error = client
        .search_available(&query(NumberType::Mobile, 3))
        .await
        .unwrap_err();
    assert!(matches!(error, ProviderError::Unsupported(_)), "{error:?}");
    assert!(error.fault().unwrap().message.contains("Mobile"));
    let (status, _) = raw(
        &server,
        reqwest::Method::GET,
        "AvailablePhoneNumbers/US/Mobile",
        &[],
    )
    .await;
    assert_eq!(status, 404, "the sandbox has no Mobile resource either");
}

#[tokio::test]
async fn buying_by_area_code_searches_first_and_sids_are_uuids() {
    let (server, client) = spawn_signalwire().await;
    let owned = client
        .purchase(&purchase(PurchaseTarget::us_local(area("212"))))
        .await
        .unwrap();
    assert!(owned.phone_number.as_str().starts_with("+1212"));
    assert!(is_uuid(&owned.provider_sid), "{}", owned.provider_sid);
    let toronto = PurchaseTarget::AreaCode {
        area_code: area("416"),
        country: "CA".into(),
        number_type: NumberType::Local,
    };
    let canadian = client.purchase(&purchase(toronto)).await.unwrap();
    assert!(canadian.phone_number.as_str().starts_with("+1416"));

    let error = client
        .purchase(&purchase(PurchaseTarget::us_local(area("533"))))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ProviderError::NoNumbersInAreaCode(f) if f.code == 21452),
        "{error:?}"
    );
    let mobile = PurchaseTarget::AreaCode {
        area_code: area("628"),
        country: "US".into(),
        number_type: NumberType::Mobile,
    };
    let error = client.purchase(&purchase(mobile)).await.unwrap_err();
    assert!(matches!(error, ProviderError::Unsupported(_)), "{error:?}");

    // The provider itself refuses AreaCode, in its `errors` list shape.
    let (status, body) = raw(
        &server,
        reqwest::Method::POST,
        "IncomingPhoneNumbers",
        &[("AreaCode", "415")],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("PhoneNumber is required"));
}

#[tokio::test]
async fn owned_numbers_are_listed_reconfigured_and_released_with_or_without_json() {
    let (server, client) = spawn_signalwire().await;
    let owned = client
        .purchase(&purchase_number("+13125550100"))
        .await
        .unwrap();
    let listed = client.list_owned().await.unwrap();
    assert_eq!(listed, vec![owned.clone()]);
    assert_eq!(listed[0].sms_method.as_deref(), Some("POST"));

    let moved = crate::helpers::webhooks("https://moved.example");
    let updated = client
        .configure_webhooks(&owned.provider_sid, &moved)
        .await
        .unwrap();
    assert_eq!(updated.sms_url.as_deref(), Some(moved.sms_url.as_str()));

    // The SDKs' `.json` form is accepted too.
    let tail = format!("IncomingPhoneNumbers/{}.json", owned.provider_sid);
    let (status, body) = raw(&server, reqwest::Method::GET, &tail, &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["account_sid"], server.sandbox().account_sid());
    assert!(body["uri"]
        .as_str()
        .unwrap()
        .starts_with("/sandbox/api/laml/2010-04-01/Accounts/"));

    client.release(&owned.provider_sid).await.unwrap();
    assert!(client.list_owned().await.unwrap().is_empty());
}

#[tokio::test]
async fn sent_messages_have_uuid_sids_and_integer_counts() {
    let (server, client) = spawn_signalwire().await;
    client
        .purchase(&purchase_number("+15125550100"))
        .await
        .unwrap();
    let sent = client
        .send_message(&OutboundRequest {
            from: "+15125550100".into(),
            to: "+15551230000".into(),
            body: Some("hi".into()),
            media_urls: Vec::new(),
            content_sid: None,
            content_variables: None,
            status_callback: String::new(),
        })
        .await
        .unwrap();
    assert!(is_uuid(&sent.message_sid), "{}", sent.message_sid);
    assert_eq!(sent.status, "queued");
    let (status, body) = raw(
        &server,
        reqwest::Method::POST,
        "Messages.json",
        &[
            ("From", "+15125550100"),
            ("To", "+15551230001"),
            ("Body", "x"),
        ],
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(body["num_segments"], json!(1));
    assert_eq!(body["num_media"], json!(0));
}

#[tokio::test]
async fn inbound_webhooks_are_signed_with_the_signing_key_in_x_signalwire_signature() {
    let (server, client) = spawn_signalwire().await;
    let receiver = Receiver::start(server.sandbox().signing_key()).await;
    let mut request = purchase_number("+14155550100");
    request.webhooks.sms_url = receiver.url.clone();
    client.purchase(&request).await.unwrap();

    let response = reqwest::Client::new()
        .post(server.messages_url())
        .json(&json!({"from": "+15551234567", "to": "+14155550100", "body": "hola"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let deliveries = receiver.wait_for(1).await;
    let delivery = &deliveries[0];
    assert_eq!(delivery.signature_header, "X-SignalWire-Signature");
    assert!(delivery.signature_valid, "valid under the signing key");
    assert!(is_uuid(delivery.param("MessageSid").unwrap()));
    assert_eq!(
        delivery.param("AccountSid"),
        Some(server.sandbox().account_sid())
    );
    assert_eq!(delivery.param("SmsStatus"), None, "only documented params");

    let whatsapp = reqwest::Client::new()
        .post(server.messages_url())
        .json(&json!({"from": "whatsapp:+15551234567", "to": "whatsapp:+14155550100"}))
        .send()
        .await
        .unwrap();
    assert_eq!(whatsapp.status(), 400, "SignalWire has no WhatsApp");
}
