//! Outbound delivery to organizations' endpoints: Standard Webhooks signatures and the HTTP
//! sender.

mod sender;
mod signature;

pub use sender::{SendOutcome, WebhookSender, MAX_RESPONSE_BYTES};
pub use signature::{generate_secret, sign, signature_header, InvalidSecret, SECRET_BYTES};
