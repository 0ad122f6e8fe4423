//! Starting a sandbox and pointing a real `TwilioClient` at it.

use secrecy::{ExposeSecret, SecretString};
use switchboard_adapters::sandbox::{serve_sandbox, SandboxConfig, SandboxServer};
use switchboard_adapters::twilio::{TwilioClient, TwilioClientConfig};
use switchboard_application::ports::{
    AvailableNumberQuery, ProviderError, ProviderFault, PurchaseRequest, PurchaseTarget,
    WebhookConfig,
};
use switchboard_domain::{AreaCode, NumberType, E164};

/// A sandbox on 127.0.0.1:0 with a client holding its credentials.
pub struct TestSandbox {
    pub server: SandboxServer,
    pub client: TwilioClient,
}

/// Starts a fresh sandbox (its own state) and a client for it.
pub async fn spawn_sandbox() -> TestSandbox {
    let server = serve_sandbox("127.0.0.1:0", SandboxConfig::generate())
        .await
        .expect("the sandbox binds port 0");
    let client = client_for(
        &server,
        server.sandbox().account_sid(),
        server.sandbox().auth_token(),
    );
    TestSandbox { server, client }
}

/// A client for `server` with the given credentials.
pub fn client_for(server: &SandboxServer, account_sid: &str, token: &SecretString) -> TwilioClient {
    TwilioClient::new(TwilioClientConfig {
        api_base_url: server.api_base_url(),
        account_sid: account_sid.to_string(),
        auth_token: SecretString::from(token.expose_secret().to_string()),
    })
    .expect("the sandbox URL is a valid base URL")
}

impl TestSandbox {
    /// Raw HTTP GET of a path under `/sandbox/2010-04-01/Accounts/{sid}/`, authenticated.
    pub async fn get_raw(&self, tail: &str) -> (u16, serde_json::Value) {
        let sandbox = self.server.sandbox();
        let url = format!(
            "{}/2010-04-01/Accounts/{}/{tail}",
            self.server.api_base_url(),
            sandbox.account_sid()
        );
        let response = reqwest::Client::new()
            .get(url)
            .basic_auth(
                sandbox.account_sid(),
                Some(sandbox.auth_token().expose_secret()),
            )
            .send()
            .await
            .expect("the sandbox answers");
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(serde_json::Value::Null);
        (status, body)
    }

    /// Raw form POST to a path under `/sandbox/2010-04-01/Accounts/{sid}/`, authenticated.
    pub async fn post_raw(&self, tail: &str, form: &[(&str, &str)]) -> (u16, serde_json::Value) {
        let sandbox = self.server.sandbox();
        let url = format!(
            "{}/2010-04-01/Accounts/{}/{tail}",
            self.server.api_base_url(),
            sandbox.account_sid()
        );
        let response = reqwest::Client::new()
            .post(url)
            .basic_auth(
                sandbox.account_sid(),
                Some(sandbox.auth_token().expose_secret()),
            )
            .form(form)
            .send()
            .await
            .expect("the sandbox answers");
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(serde_json::Value::Null);
        (status, body)
    }
}

/// Switchboard's webhook URLs under `base`.
pub fn webhooks(base: &str) -> WebhookConfig {
    WebhookConfig::under(base)
}

/// A purchase of `target` with webhooks under `https://switchboard.example`.
/// An area code from its digits.
pub fn area(digits: &str) -> AreaCode {
    AreaCode::parse(digits).expect("an area code")
}

pub fn purchase(target: PurchaseTarget) -> PurchaseRequest {
    PurchaseRequest {
        target,
        friendly_name: Some("Acme Bakery".into()),
        webhooks: webhooks("https://switchboard.example"),
    }
}

/// A purchase of the number `number`.
pub fn purchase_number(number: &str) -> PurchaseRequest {
    purchase(PurchaseTarget::Number(e164(number)))
}

pub fn e164(number: &str) -> E164 {
    E164::parse(number).expect("test numbers are E.164")
}

/// A US search of `number_type`, at most `limit`.
pub fn query(number_type: NumberType, limit: u32) -> AvailableNumberQuery {
    AvailableNumberQuery {
        country: "US".into(),
        number_type,
        area_code: None,
        contains: None,
        sms_enabled: None,
        limit,
    }
}

/// Asserts that `error` carries the sandbox's Twilio fault `code` / `http_status` with its
/// message and `more_info` passed through, and returns the fault.
pub fn assert_fault(error: &ProviderError, code: u32, http_status: u16) -> ProviderFault {
    let fault = error
        .fault()
        .unwrap_or_else(|| panic!("{error:?} should carry a fault"))
        .clone();
    assert_eq!(fault.code, code, "{fault:?}");
    assert_eq!(fault.http_status, http_status, "{fault:?}");
    assert_eq!(
        fault.more_info.as_deref(),
        Some(format!("https://www.twilio.com/docs/errors/{code}").as_str())
    );
    assert!(!fault.message.is_empty(), "{fault:?}");
    fault
}
