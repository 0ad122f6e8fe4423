//! A stateful, Twilio-compatible local server: Switchboard's stand-in for Twilio in development
//! and tests (STYLE rule 20: "external HTTP (Twilio) is a real local HTTP server speaking
//! Twilio's shapes"). It speaks Twilio's dialect or, with [`SandboxConfig::generate_signalwire`],
//! SignalWire's Compatibility API (paths under `api/laml/`, UUID SIDs, no `AreaCode` on create,
//! no Mobile search, no search paging, webhooks signed with `X-SignalWire-Signature` under a
//! separate signing key; see [`Flavor`](crate::twilio::Flavor)).
//!
//! Under its mount point (`/sandbox`) it serves, for one account ([`SandboxConfig`]):
//! - `GET 2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers/{Country}/{Local|TollFree|Mobile}.json`
//!   over a deterministic inventory of several thousand fictional numbers (US and CA
//!   `555-01XX` lines in 35 area codes, US toll-free and mobile, GB Ofcom drama ranges; see
//!   `catalog.rs`);
//! - `IncomingPhoneNumbers.json` (list, buy) and `IncomingPhoneNumbers/{Sid}.json` (fetch,
//!   update, release), with Twilio's test-credential magic numbers (REFERENCE §5);
//! - `POST 2010-04-01/Accounts/{AccountSid}/Messages.json`: sends a message (Twilio's validation
//!   and magic numbers), logs it, and posts signed status callbacks (`sent`, then `delivered`)
//!   to its `StatusCallback`;
//! - `POST messages`: the customer simulator, which delivers a signed inbound-message webhook to
//!   the number's `SmsUrl`;
//! - `POST calls`: the caller simulator, which posts a signed voice webhook to the number's
//!   `VoiceUrl` and plays the call's callbacks (`calls.rs`, `call_twiml.rs`);
//! - `GET messages/outbound` (what reached the customer's phone) and
//!   `POST messages/{MessageSid}/status` (push one more status callback), for tests;
//! - `receivers`: endpoint receivers standing in for organizations' software (`receiver.rs`).
//!
//! REST calls need HTTP Basic `{AccountSid}:{AuthToken}`; every REST error is Twilio's JSON error
//! body (SignalWire's `{"errors": [...]}` for a create without `PhoneNumber`). Use
//! [`serve_sandbox`] to run it on its own port (its API base URL for a `TwilioClient` is then
//! `http://{addr}/sandbox`, or `http://{addr}/sandbox/api/laml` for SignalWire, whose Space URL
//! is `http://{addr}/sandbox`), or mount [`Sandbox::endpoint`] in another poem server with
//! `.nest("/sandbox", sandbox.endpoint())`.
//!
//! Files: `handle.rs` (the shared handle), `state.rs` (what it remembers; buy/release rules),
//! `catalog.rs` + `inventory.rs` + `contains.rs` (generated numbers, numbers on sale, search), `owned.rs` (the account's
//! numbers), `routes.rs`, `auth.rs`, `available.rs`, `incoming.rs` (REST), `resources.rs` (JSON
//! shapes), `simulator.rs` + `webhook.rs` (customer simulator, signed delivery),
//! `messages.rs` and `outbound.rs` (sending and its validation), `sent.rs` (the sent-message
//! log), `status_callbacks.rs` (status callbacks), `outbox.rs` (the test endpoints),
//! `errors.rs`, `server.rs`.

mod auth;
mod available;
mod call_twiml;
mod calls;
mod catalog;
mod config;
mod contains;
mod errors;
mod faults;
mod handle;
mod incoming;
mod inventory;
mod messages;
mod outbound;
mod outbox;
mod owned;
mod receiver;
mod resources;
mod routes;
mod sent;
mod server;
mod simulator;
mod state;
mod status_callbacks;
mod webhook;

pub use config::SandboxConfig;
pub use handle::Sandbox;
pub use receiver::{ReceivedDelivery, ReceiverConfig};
pub use server::{serve_sandbox, SandboxServer};

/// The path the sandbox is served under by [`serve_sandbox`], and where
/// [`Sandbox::endpoint`] is meant to be nested: `/sandbox`.
pub const SANDBOX_PATH_PREFIX: &str = "/sandbox";
