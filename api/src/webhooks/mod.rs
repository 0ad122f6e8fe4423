//! Twilio's webhooks: `POST /webhooks/twilio/messages` (inbound messages),
//! `POST /webhooks/twilio/status` (message status callbacks), `POST /webhooks/twilio/voice`
//! (inbound calls) and its `dial-status`, `status` and `recording` callbacks. Form-encoded,
//! signed with `X-Twilio-Signature` (or `X-SignalWire-Signature`), answered with TwiML.

mod form;
mod messages;
mod status;
mod twiml;
mod voice;
mod voice_callbacks;
mod voice_twiml;
mod xml_text;

pub use messages::inbound_message;
pub use status::status_callback;
pub use voice::inbound_call;
pub use voice_callbacks::{call_status, dial_status, recording};

/// The `switchboard_webhooks_total` outcome of a webhook refused before it was handled.
fn refusal_outcome(problem: &crate::problem::Problem) -> &'static str {
    if problem.code == "invalid_signature" {
        "invalid_signature"
    } else {
        "invalid_request"
    }
}
