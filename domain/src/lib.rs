//! Switchboard's domain: the `Organization`, `PhoneNumber`, `Message`, `Call`, `Quota`, `Conversation`,
//! `SharedNumberMember`, `Endpoint` and `ApiKeys` aggregates, their
//! commands, events and errors, and the value objects every command is built from.
//!
//! Nothing here does I/O: ids and timestamps arrive in commands, so `handle` is deterministic and
//! every rule is tested with `cqrs_es::test::TestFramework` beside its aggregate.

pub mod api_keys;
pub mod call;
pub mod conversation;
pub mod endpoint;
pub mod message;
pub mod organization;
pub mod phone_number;
pub mod privacy;
pub mod quota;
pub mod shared_number;
pub mod upcasting;
pub mod values;

pub use values::*;
