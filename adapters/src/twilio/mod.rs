//! Twilio's REST API 2010-04-01 and webhook signatures (also spoken by SignalWire's Compatibility
//! API and by the local [`sandbox`](crate::sandbox)).
//!
//! - [`TwilioClient`]: the `TelephonyProvider` port over `AvailablePhoneNumbers`,
//!   `IncomingPhoneNumbers` and `Messages` (`client.rs` does HTTP, `provider.rs` the operations,
//!   `messages.rs` the send, `wire.rs` the lenient JSON shapes, `errors.rs` the mapping of
//!   refusals and the Twilio error codes callers match on).
//! - [`compute_signature`] / [`validate_signature`] and friends: `X-Twilio-Signature`.

mod client;
pub mod errors;
mod messages;
mod provider;
mod signature;
mod wire;

pub use client::{
    TwilioClient, TwilioClientConfig, TwilioClientError, API_VERSION, DEFAULT_PAGE_SIZE,
    TWILIO_API_BASE_URL,
};
pub(crate) use signature::constant_time_eq;
pub use signature::{
    compute_signature, compute_signature_sha256, compute_signature_with,
    validate_json_body_signature, validate_signature, validate_signature_with, SignatureAlgorithm,
    SignatureSettings,
};
