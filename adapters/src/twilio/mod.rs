//! Twilio's REST API 2010-04-01 and webhook signatures (also spoken by SignalWire's Compatibility
//! API and by the local [`sandbox`](crate::sandbox)).
//!
//! - [`TwilioClient`]: the `TelephonyProvider` port over `AvailablePhoneNumbers`,
//!   `IncomingPhoneNumbers` and `Messages` (`client.rs` does HTTP, `provider.rs` the operations,
//!   `area_code.rs` buying by area code where the provider cannot, `messages.rs` the send,
//!   `wire.rs` the lenient JSON shapes, `errors.rs` the mapping of refusals and the Twilio error
//!   codes callers match on).
//! - [`Flavor`]: Twilio's dialect or SignalWire's (`flavor.rs` lists the differences).
//! - [`compute_signature`] / [`validate_signature`] and friends: `X-Twilio-Signature` (and
//!   SignalWire's `X-SignalWire-Signature`, the same algorithm under the project's signing key).

mod area_code;
mod client;
pub mod errors;
mod flavor;
mod messages;
mod provider;
mod signature;
mod wire;

pub use client::{
    TwilioClient, TwilioClientConfig, TwilioClientError, API_VERSION, DEFAULT_PAGE_SIZE,
    TWILIO_API_BASE_URL,
};
pub use flavor::{
    signalwire_api_base_url, Flavor, UnknownFlavor, SIGNALWIRE_API_PATH,
    SIGNALWIRE_SIGNATURE_HEADER, TWILIO_SIGNATURE_HEADER,
};
pub(crate) use signature::constant_time_eq;
pub use signature::{
    compute_signature, compute_signature_sha256, compute_signature_with,
    validate_json_body_signature, validate_signature, validate_signature_with, SignatureAlgorithm,
    SignatureSettings,
};
