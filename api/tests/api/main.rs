//! Black-box tests: the real server on port 0 against a fresh database (SQLite and PostgreSQL),
//! with the local Twilio sandbox on its own port as the provider. One binary for link time.

mod helpers;
mod process;

mod analytics;
mod api_keys;
mod audit;
mod auto_replies;
mod bad_input;
mod cluster;
mod concurrency;
mod configuration;
mod database_tls;
mod delivery;
mod delivery_processes;
mod doctor;
mod graceful;
mod hot_path;
mod idempotency;
mod leases;
mod limits;
mod lost_numbers;
mod numbers;
mod onboarding;
mod onboarding_crash;
mod openapi;
mod operations;
mod organizations;
mod outbound;
mod privacy;
mod reconcile;
mod reconcile_faults;
mod replay;
mod restart;
mod routing;
mod rules;
mod shared_number;
mod signalwire;
mod stream;
mod token_rotation;
mod voice;
mod wire;
