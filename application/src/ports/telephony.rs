//! The `TelephonyProvider` port: what Switchboard needs from Twilio (or SignalWire through its
//! Twilio-compatible API). Shapes follow Twilio's REST API 2010-04-01 (`AvailablePhoneNumbers`,
//! `IncomingPhoneNumbers`); the adapter maps them.

use async_trait::async_trait;
use serde::Serialize;
use switchboard_domain::{AreaCode, Capabilities, NumberType, E164};

use super::{OutboundRequest, SentMessage};

/// A search of the provider's inventory (`GET …/AvailablePhoneNumbers/{Country}/{Type}.json`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AvailableNumberQuery {
    /// ISO 3166-1 alpha-2 country code, upper case (`US`).
    pub country: String,
    /// Local, toll-free or mobile.
    pub number_type: NumberType,
    /// The area code, leading zeros kept. Twilio's `AreaCode` takes only North American codes;
    /// elsewhere the adapter searches with a `Contains` pattern of the numbers' E.164 prefix.
    pub area_code: Option<AreaCode>,
    /// Pattern the number must contain, Twilio's `Contains` (2–16 of `[0-9a-zA-Z*%+$]`).
    pub contains: Option<String>,
    /// Only SMS-capable numbers, Twilio's `SmsEnabled`.
    pub sms_enabled: Option<bool>,
    /// How many to return at most (Twilio's `PageSize`, 1..=1000).
    pub limit: u32,
}

/// A number the provider offers for purchase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AvailableNumber {
    /// The number.
    pub phone_number: E164,
    /// The provider's display form, e.g. `(808) 925-1571`.
    pub friendly_name: Option<String>,
    /// City, when known.
    pub locality: Option<String>,
    /// State or province, when known.
    pub region: Option<String>,
    /// ISO country code.
    pub iso_country: Option<String>,
    /// What the number can do.
    pub capabilities: Capabilities,
}

/// Which number to buy: a given one, or the first the provider has in an area code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PurchaseTarget {
    /// Twilio's `PhoneNumber` parameter.
    Number(E164),
    /// Twilio's `AreaCode` parameter (US/CA local numbers). Anywhere else, and at SignalWire
    /// (no `AreaCode` on create), the adapter searches `AvailablePhoneNumbers/{country}/{type}`
    /// for the area code and buys the first number found, which is why the country and type
    /// travel along.
    AreaCode {
        /// The area code, leading zeros kept.
        area_code: AreaCode,
        /// ISO 3166-1 alpha-2 country code, upper case (`US`, `CA`).
        country: String,
        /// Local, toll-free or mobile.
        number_type: NumberType,
    },
}

impl PurchaseTarget {
    /// A US local number in `area_code`.
    pub fn us_local(area_code: AreaCode) -> Self {
        PurchaseTarget::AreaCode {
            area_code,
            country: "US".into(),
            number_type: NumberType::Local,
        }
    }
}

/// The webhook URLs Switchboard sets on every number it owns, and on every message it sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WebhookConfig {
    /// Twilio's `SmsUrl`: where inbound messages are posted (`{PUBLIC_BASE_URL}/webhooks/twilio/messages`).
    pub sms_url: String,
    /// Twilio's `SmsMethod`: always `POST`.
    pub sms_method: String,
    /// The message `StatusCallback` (`{PUBLIC_BASE_URL}/webhooks/twilio/status`), set on every
    /// message Switchboard sends.
    pub status_callback: String,
    /// Twilio's `VoiceUrl`: where inbound calls are posted (`{PUBLIC_BASE_URL}/webhooks/twilio/voice`).
    pub voice_url: String,
    /// Twilio's `VoiceMethod`: always `POST`.
    pub voice_method: String,
    /// Twilio's `VoiceFallbackUrl`: the same voice webhook (`{PUBLIC_BASE_URL}/webhooks/twilio/voice`),
    /// so a retry after an error or timeout still records the call once per `CallSid`.
    pub voice_fallback_url: String,
    /// The number-level `StatusCallback`, which Twilio uses for calls
    /// (`{PUBLIC_BASE_URL}/webhooks/twilio/voice/status`).
    pub call_status_callback: String,
}

/// Twilio's connection override on the `SmsUrl`: up to 3 retries on a 5xx answer, a connect
/// failure or a read timeout, so a message refused while the server was overloaded or
/// restarting comes again (the fragment is neither sent nor signed; Twilio docs "Webhooks (HTTP
/// callbacks): Connection Overrides").
pub const SMS_RETRY_OVERRIDE: &str = "#rc=3&rp=5xx,ct,rt";

impl WebhookConfig {
    /// Switchboard's webhooks under `public_base_url` (`PUBLIC_BASE_URL`; a trailing `/` is
    /// ignored): `SmsUrl` `{base}/webhooks/twilio/messages` with the retry override
    /// [`SMS_RETRY_OVERRIDE`] and `SmsMethod` `POST`, the message
    /// `StatusCallback` `{base}/webhooks/twilio/status`, `VoiceUrl` and `VoiceFallbackUrl`
    /// `{base}/webhooks/twilio/voice` with `VoiceMethod` `POST`, and the number's (call)
    /// `StatusCallback` `{base}/webhooks/twilio/voice/status`.
    pub fn under(public_base_url: &str) -> Self {
        let base = public_base_url.trim_end_matches('/');
        Self {
            sms_url: format!("{base}/webhooks/twilio/messages{SMS_RETRY_OVERRIDE}"),
            sms_method: "POST".into(),
            status_callback: format!("{base}/webhooks/twilio/status"),
            voice_url: format!("{base}/webhooks/twilio/voice"),
            voice_method: "POST".into(),
            voice_fallback_url: format!("{base}/webhooks/twilio/voice"),
            call_status_callback: format!("{base}/webhooks/twilio/voice/status"),
        }
    }
}

/// A purchase (`POST …/IncomingPhoneNumbers.json`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurchaseRequest {
    /// The number or area code.
    pub target: PurchaseTarget,
    /// Twilio's `FriendlyName` (≤ 64 characters), e.g. the organization's name.
    pub friendly_name: Option<String>,
    /// Webhooks to set at purchase time.
    pub webhooks: WebhookConfig,
}

/// A number the account owns (an `IncomingPhoneNumber` resource).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OwnedNumber {
    /// The provider's SID (`PN…` at Twilio, a UUID at SignalWire).
    pub provider_sid: String,
    /// The number.
    pub phone_number: E164,
    /// The provider's display name.
    pub friendly_name: Option<String>,
    /// What the number can do.
    pub capabilities: Capabilities,
    /// The `SmsUrl` the provider holds.
    pub sms_url: Option<String>,
    /// The `SmsMethod` the provider holds (`GET` or `POST`).
    pub sms_method: Option<String>,
    /// The `StatusCallback` the provider holds (Twilio posts call status changes there).
    pub status_callback: Option<String>,
    /// The `VoiceUrl` the provider holds.
    pub voice_url: Option<String>,
    /// The `VoiceMethod` the provider holds (`GET` or `POST`).
    pub voice_method: Option<String>,
    /// The `VoiceFallbackUrl` the provider holds.
    pub voice_fallback_url: Option<String>,
}

/// A Twilio error body (`{code, message, more_info, status}`, "Twilio API responses" and the
/// error pages at twilio.com/docs/api/errors).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProviderFault {
    /// Twilio's error code, e.g. 21422 (falls back to the HTTP status when the body has none).
    pub code: u32,
    /// Twilio's message.
    pub message: String,
    /// Twilio's documentation link, e.g. `https://www.twilio.com/docs/errors/21422`.
    pub more_info: Option<String>,
    /// The HTTP status the provider answered with.
    pub http_status: u16,
}

/// Why a provider call failed. The first five are Twilio's documented refusals; the rest are
/// operational.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// 21422: the number is not available (taken, reserved, or not the provider's).
    #[error("number not available: {0:?}")]
    NumberUnavailable(ProviderFault),
    /// 21421: the number is invalid.
    #[error("invalid number: {0:?}")]
    InvalidNumber(ProviderFault),
    /// 21452: no numbers in that area code.
    #[error("no numbers in that area code: {0:?}")]
    NoNumbersInAreaCode(ProviderFault),
    /// 20003: the credentials were refused.
    #[error("provider credentials refused: {0:?}")]
    Authentication(ProviderFault),
    /// 20404: the resource does not exist (e.g. a released number's SID).
    #[error("not found at the provider: {0:?}")]
    NotFound(ProviderFault),
    /// The provider does not offer what was asked, e.g. a Mobile search at SignalWire, whose
    /// Compatibility API has only `Local` and `TollFree` (REFERENCE §6). Raised by the adapter
    /// without calling the provider; the fault's `code` and `http_status` are 404, what the
    /// provider answers for a resource it does not have, or 400 for a search its parameters
    /// cannot express (an area code outside the US and Canada together with a pattern).
    #[error("not supported by the provider: {0:?}")]
    Unsupported(ProviderFault),
    /// Any other refusal with a Twilio error body (4xx).
    #[error("refused by the provider: {0:?}")]
    Rejected(ProviderFault),
    /// The provider failed (5xx) or could not be reached; retrying may help.
    #[error("provider unavailable: {0}")]
    Unavailable(String),
    /// The provider answered something we could not understand.
    #[error("unexpected provider response: {0}")]
    InvalidResponse(String),
}

impl ProviderError {
    /// The provider's fault, for the refusals that carry one.
    pub fn fault(&self) -> Option<&ProviderFault> {
        match self {
            ProviderError::NumberUnavailable(f)
            | ProviderError::InvalidNumber(f)
            | ProviderError::NoNumbersInAreaCode(f)
            | ProviderError::Authentication(f)
            | ProviderError::NotFound(f)
            | ProviderError::Unsupported(f)
            | ProviderError::Rejected(f) => Some(f),
            ProviderError::Unavailable(_) | ProviderError::InvalidResponse(_) => None,
        }
    }
}

/// The telephony provider: Twilio's REST API or anything that speaks it (SignalWire's
/// Compatibility API, the local sandbox).
#[async_trait]
pub trait TelephonyProvider: Send + Sync {
    /// Searches the inventory. Errors: [`ProviderError`]; `Unsupported` for a type the provider
    /// does not sell.
    async fn search_available(
        &self,
        query: &AvailableNumberQuery,
    ) -> Result<Vec<AvailableNumber>, ProviderError>;

    /// Buys a number with our webhooks set. Errors: 21422, 21421, 21452 as typed variants;
    /// `Unsupported` for a type the provider does not sell.
    async fn purchase(&self, request: &PurchaseRequest) -> Result<OwnedNumber, ProviderError>;

    /// Re-applies our webhook URLs to an owned number (`POST …/IncomingPhoneNumbers/{Sid}.json`).
    async fn configure_webhooks(
        &self,
        provider_sid: &str,
        webhooks: &WebhookConfig,
    ) -> Result<OwnedNumber, ProviderError>;

    /// Releases an owned number (`DELETE …/IncomingPhoneNumbers/{Sid}.json`, 204).
    async fn release(&self, provider_sid: &str) -> Result<(), ProviderError>;

    /// Every number the account owns, following `next_page_uri` to the last page.
    async fn list_owned(&self) -> Result<Vec<OwnedNumber>, ProviderError>;

    /// Sends a message (`POST …/Messages.json`, 201). Refusals keep Twilio's code, e.g. 21610
    /// (recipient unsubscribed), 21211 (invalid `To`), 63016 (outside the WhatsApp window).
    async fn send_message(&self, request: &OutboundRequest) -> Result<SentMessage, ProviderError>;
}
