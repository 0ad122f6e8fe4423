//! Switchboard's HTTP API, Twilio webhooks and CLI: the composition root.

pub mod auth;
pub mod config;
pub mod middleware;
pub mod problem;
pub mod resources;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod webhooks;

/// The OpenAPI document the server serves at `/openapi.yaml` and `switchboard openapi` prints.
pub fn openapi_yaml() -> String {
    startup::openapi_service().spec_yaml()
}
