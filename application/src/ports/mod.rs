//! Ports: what the application needs from the outside, as traits the adapters implement.

pub mod global_log;
pub mod store_error;
pub mod telephony;

pub use global_log::*;
pub use store_error::StoreError;
pub use telephony::*;
