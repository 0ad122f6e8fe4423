//! The HTTP side of the Twilio REST client: configuration, credentials, URL building and one
//! request/response cycle. The `TelephonyProvider` operations built on it are in `provider.rs`.

use std::time::Duration;

use reqwest::{Method, RequestBuilder, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use switchboard_application::ports::ProviderError;
use url::Url;

use super::errors;
use super::flavor::Flavor;

/// Twilio's REST API version segment (REFERENCE §1.1).
pub const API_VERSION: &str = "2010-04-01";

/// Twilio's own API base URL (OAI `servers`).
pub const TWILIO_API_BASE_URL: &str = "https://api.twilio.com";

/// Page size used when listing owned numbers unless [`TwilioClient::with_page_size`] says
/// otherwise (Twilio's own default, REFERENCE §1.1).
pub const DEFAULT_PAGE_SIZE: u32 = 50;

/// TCP connect budget for one API call.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Total budget for one API call (connect, send, read).
const TOTAL_TIMEOUT: Duration = Duration::from_secs(10);

/// Where and as whom the client calls.
#[derive(Clone, Debug)]
pub struct TwilioClientConfig {
    /// The API origin plus any path prefix, without `/2010-04-01`: `https://api.twilio.com`
    /// (Twilio), `https://{space}.signalwire.com/api/laml` (SignalWire's Compatibility API) or
    /// `http://{addr}/sandbox` (the local sandbox). A trailing `/` is ignored.
    pub api_base_url: String,
    /// The account SID (`AC` + 32 hex at Twilio, the project UUID at SignalWire); it is both the
    /// HTTP Basic user and the `{AccountSid}` path segment.
    pub account_sid: String,
    /// The auth token (SignalWire: the API token), the HTTP Basic password. Never logged.
    pub auth_token: SecretString,
}

/// The configuration cannot make a client.
#[derive(Debug, thiserror::Error)]
pub enum TwilioClientError {
    /// `api_base_url` is not an absolute `http(s)` URL.
    #[error("`{url}` is not a usable API base URL (expected http(s)://host[/prefix])")]
    InvalidBaseUrl {
        /// What was configured.
        url: String,
    },
    /// The HTTP client could not be built (TLS backend initialisation).
    #[error("cannot build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

/// A client for Twilio's REST API 2010-04-01 (and anything that speaks it: SignalWire's
/// Compatibility API, the local sandbox). HTTP Basic auth, form-encoded bodies,
/// `Accept: application/json`, 5 s connect and 10 s total timeout per call. Implements
/// [`TelephonyProvider`](switchboard_application::ports::TelephonyProvider). Speaks Twilio's
/// dialect unless [`TwilioClient::with_flavor`] says SignalWire. Cheap to clone.
#[derive(Clone, Debug)]
pub struct TwilioClient {
    http: reqwest::Client,
    base: Url,
    account_sid: String,
    auth_token: SecretString,
    page_size: u32,
    flavor: Flavor,
}

impl TwilioClient {
    /// Builds a client.
    ///
    /// # Errors
    /// [`TwilioClientError::InvalidBaseUrl`] when `api_base_url` is not an absolute http(s) URL;
    /// [`TwilioClientError::Http`] when the HTTP client cannot be built.
    pub fn new(config: TwilioClientConfig) -> Result<Self, TwilioClientError> {
        let invalid = || TwilioClientError::InvalidBaseUrl {
            url: config.api_base_url.clone(),
        };
        let base = Url::parse(config.api_base_url.trim()).map_err(|_| invalid())?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(invalid());
        }
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TOTAL_TIMEOUT)
            .user_agent(concat!("switchboard/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            http,
            base,
            account_sid: config.account_sid,
            auth_token: config.auth_token,
            page_size: DEFAULT_PAGE_SIZE,
            flavor: Flavor::Twilio,
        })
    }

    /// Speaks `flavor`'s dialect (resource suffixes, searches, purchases by area code; see
    /// [`Flavor`]). For SignalWire, `api_base_url` is `{space}/api/laml`.
    pub fn with_flavor(mut self, flavor: Flavor) -> Self {
        self.flavor = flavor;
        self
    }

    /// The dialect spoken.
    pub fn flavor(&self) -> Flavor {
        self.flavor
    }

    /// Sets the `PageSize` used when listing owned numbers (clamped to Twilio's 1..=1000).
    pub fn with_page_size(mut self, page_size: u32) -> Self {
        self.page_size = page_size.clamp(1, 1000);
        self
    }

    /// The account SID the client acts for.
    pub fn account_sid(&self) -> &str {
        &self.account_sid
    }

    pub(crate) fn page_size(&self) -> u32 {
        self.page_size
    }

    /// `{base}/2010-04-01/Accounts/{AccountSid}/{segments…}`; each segment is percent-encoded,
    /// so a SID can never change the path's shape.
    pub(crate) fn account_url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        url.set_query(None);
        url.set_fragment(None);
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty()
                .extend([API_VERSION, "Accounts", self.account_sid.as_str()])
                .extend(segments);
        }
        url
    }

    /// Resolves a relative `next_page_uri` against the origin of the base URL (Twilio,
    /// SignalWire and the sandbox all give it from the origin: `/2010-04-01/…`,
    /// `/api/laml/2010-04-01/…`, `/sandbox/2010-04-01/…`).
    ///
    /// # Errors
    /// `InvalidResponse` when it does not parse or points at another origin (the credentials
    /// must never be sent elsewhere).
    pub(crate) fn next_page_url(&self, next_page_uri: &str) -> Result<Url, ProviderError> {
        let url = self.base.join(next_page_uri).map_err(|e| {
            ProviderError::InvalidResponse(format!("bad next_page_uri `{next_page_uri}`: {e}"))
        })?;
        if url.origin() != self.base.origin() {
            return Err(ProviderError::InvalidResponse(format!(
                "next_page_uri `{next_page_uri}` leaves the API origin"
            )));
        }
        Ok(url)
    }

    /// A request to `url` with credentials and `Accept: application/json`.
    pub(crate) fn request(&self, method: Method, url: Url) -> RequestBuilder {
        self.http
            .request(method, url)
            .basic_auth(&self.account_sid, Some(self.auth_token.expose_secret()))
            .header(reqwest::header::ACCEPT, "application/json")
    }

    /// Sends `request` and decodes a JSON body when the status is `expected`.
    ///
    /// # Errors
    /// Other statuses via [`errors::from_status`], transport failures as `Unavailable`, an
    /// undecodable body as `InvalidResponse`.
    pub(crate) async fn call_json<T: DeserializeOwned>(
        &self,
        request: RequestBuilder,
        expected: StatusCode,
    ) -> Result<T, ProviderError> {
        let body = self.call(request, expected).await?;
        serde_json::from_slice(&body).map_err(|e| {
            ProviderError::InvalidResponse(format!("cannot decode the provider's answer: {e}"))
        })
    }

    /// Sends `request` and returns the raw body when the status is `expected`.
    ///
    /// # Errors
    /// As [`Self::call_json`], minus decoding.
    pub(crate) async fn call(
        &self,
        request: RequestBuilder,
        expected: StatusCode,
    ) -> Result<Vec<u8>, ProviderError> {
        let transport = |error: reqwest::Error| {
            let error = errors::from_transport(&error);
            tracing::warn!(error = %error, "provider unreachable");
            error
        };
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        let body = response.bytes().await.map_err(transport)?.to_vec();
        if status == expected {
            return Ok(body);
        }
        if status.is_success() {
            tracing::debug!(%status, %expected, "provider answered another 2xx than documented");
            return Ok(body);
        }
        let error = errors::from_status(status, &body);
        if status.is_server_error() {
            tracing::warn!(%status, error = %error, "provider failed the call");
        } else {
            tracing::debug!(%status, error = %error, "provider refused the call");
        }
        Err(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str) -> TwilioClient {
        TwilioClient::new(TwilioClientConfig {
            api_base_url: base.into(),
            account_sid: "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
            auth_token: SecretString::from("token"),
        })
        .unwrap()
    }

    #[test]
    fn account_urls_keep_the_base_prefix_and_encode_segments() {
        let c = client("https://x.signalwire.com/api/laml/");
        assert_eq!(
            c.account_url(&["IncomingPhoneNumbers", "PN../x.json"])
                .as_str(),
            "https://x.signalwire.com/api/laml/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/IncomingPhoneNumbers/PN..%2Fx.json"
        );
        let c = client("https://api.twilio.com");
        assert_eq!(
            c.account_url(&["IncomingPhoneNumbers.json"]).as_str(),
            "https://api.twilio.com/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/IncomingPhoneNumbers.json"
        );
    }

    #[test]
    fn next_page_uris_resolve_against_the_origin_only() {
        let c = client("http://127.0.0.1:9000/sandbox");
        assert_eq!(
            c.next_page_url("/sandbox/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json?Page=1")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:9000/sandbox/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json?Page=1"
        );
        assert!(c.next_page_url("https://evil.example/steal").is_err());
    }

    #[test]
    fn bad_base_urls_are_refused() {
        for bad in ["", "api.twilio.com", "mailto:x@y", "ftp://x"] {
            let config = TwilioClientConfig {
                api_base_url: bad.into(),
                account_sid: "AC1".into(),
                auth_token: SecretString::from("t"),
            };
            assert!(TwilioClient::new(config).is_err(), "{bad}");
        }
    }
}
