//! Twilio's webhooks: `POST /webhooks/twilio/messages` (inbound messages). Form-encoded, signed
//! with `X-Twilio-Signature` (or `X-SignalWire-Signature`), answered with TwiML.

mod form;
mod messages;
mod twiml;

pub use messages::inbound_message;
