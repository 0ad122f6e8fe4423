//! Delivery to organizations' software, in the server process: the dispatcher that works the
//! outbox and the synchronous responder inside the inbound webhook.

pub mod dispatcher;
pub mod responder;
