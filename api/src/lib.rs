//! Switchboard's HTTP API, Twilio webhooks and CLI: the composition root.

// Handlers return `ApiError`/`Problem` by value: poem-openapi renders the `Err` variant as the
// response, and errors are the cold path, so their size does not matter.
#![allow(clippy::result_large_err)]

pub mod auth;
pub mod cli;
pub mod commands;
pub mod config;
pub mod delivery;
pub mod doctor;
pub mod idempotency;
pub mod jobs;
pub mod maintenance;
pub mod metrics;
pub mod middleware;
pub mod problem;
pub mod progress;
pub mod provider;
pub mod provider_health;
pub mod resources;
pub mod sandbox_guard;
pub mod server;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod webhooks;

/// The OpenAPI document the server serves at `/openapi.yaml` and `switchboard openapi` prints.
pub fn openapi_yaml() -> String {
    startup::openapi_service().spec_yaml()
}
