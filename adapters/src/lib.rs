//! Switchboard's adapters: the event store (postgres-es or sqlite-es) with its global log, the
//! Twilio-compatible REST client behind the `TelephonyProvider` port, the local Twilio sandbox,
//! the idempotency-key store, and configuration.

pub mod credentials;
pub mod delivery;
pub mod event_store;
pub mod idempotency;
pub mod lease;
pub mod privacy;
pub mod sandbox;
#[cfg(any(test, feature = "test-support"))]
pub mod test_database;
pub mod twilio;
