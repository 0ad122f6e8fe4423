//! Delivery of what was routed to an organization to its own software: the envelopes, the
//! endpoints read model, the projection that fans each fact out to a pending delivery per
//! endpoint, and the outbox queue the dispatcher and the API work on.

mod endpoints;
mod envelope;
mod fanout;
mod queue;
mod replay;

pub use endpoints::{EndpointRow, EndpointsPage, EndpointsView};
pub use envelope::{envelope_of, message_received, Envelope};
pub use fanout::{delivery_id, insert_delivery, DeliveryFanout, RESPONDER_GRACE_MS};
pub use queue::{
    cut_error, AttemptResult, AttemptRow, ClaimedDelivery, DeliveriesPage, DeliveryQueue,
    DeliveryRow, NextStep, MAX_ERROR_BYTES,
};
pub use replay::replay_since;
