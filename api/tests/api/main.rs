//! Black-box tests: the real server on port 0 against a fresh database (SQLite and PostgreSQL),
//! with the local Twilio sandbox on its own port as the provider. One binary for link time.

mod helpers;
mod process;
mod provider_proxy;

mod analytics;
mod api_keys;
mod audit;
mod bad_input;
mod concurrency;
mod configuration;
mod delivery;
mod delivery_processes;
mod doctor;
mod hang_up;
mod hot_path;
mod idempotency;
mod idempotency_keys;
mod idempotency_store;
mod inbound_crash;
mod numbers;
mod onboarding;
mod onboarding_crash;
mod openapi;
mod operations;
mod organizations;
mod outbound;
mod reconcile;
mod replay;
mod restart;
mod routing;
mod rules;
mod shared_number;
mod signalwire;
mod stream;
mod voice;
mod wire;
