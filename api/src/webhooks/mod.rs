//! Twilio's webhooks: `POST /webhooks/twilio/messages` (inbound messages) and
//! `POST /webhooks/twilio/status` (status callbacks). Form-encoded, signed
//! with `X-Twilio-Signature` (or `X-SignalWire-Signature`), answered with TwiML.

mod form;
mod messages;
mod status;
mod twiml;

pub use messages::inbound_message;
pub use status::status_callback;

/// The `switchboard_webhooks_total` outcome of a webhook refused before it was handled.
fn refusal_outcome(problem: &crate::problem::Problem) -> &'static str {
    if problem.code == "invalid_signature" {
        "invalid_signature"
    } else {
        "invalid_request"
    }
}
