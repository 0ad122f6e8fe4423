//! `GET /health`: database and provider status, version, uptime. No authentication.

use std::sync::Arc;
use std::time::Duration;

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::ApiTags;
use crate::state::AppState;

/// One dependency's status.
#[derive(Debug, Object)]
pub struct DependencyStatus {
    /// `ok` or `unavailable`.
    pub status: String,
    /// `postgres`/`sqlite` for the database; `twilio`/`signalwire`/`sandbox` for the provider.
    pub kind: String,
    /// What failed, when something did.
    pub detail: Option<String>,
}

/// The server's health.
#[derive(Debug, Object)]
pub struct Health {
    /// `ok` when every dependency is, else `degraded`.
    pub status: String,
    /// The server's version (Cargo package version).
    pub version: String,
    /// Seconds since start.
    pub uptime_seconds: u64,
    /// The event store.
    pub database: DependencyStatus,
    /// The telephony provider.
    pub provider: DependencyStatus,
}

#[derive(ApiResponse)]
enum HealthResponse {
    /// Every dependency is up.
    #[oai(status = 200)]
    Ok(Json<Health>),
    /// Some dependency is down.
    #[oai(status = 503)]
    Degraded(Json<Health>),
}

/// Health.
pub struct HealthApi;

fn dependency(kind: &str, result: Result<(), String>) -> DependencyStatus {
    DependencyStatus {
        status: if result.is_ok() { "ok" } else { "unavailable" }.into(),
        kind: kind.into(),
        detail: result.err(),
    }
}

#[OpenApi(tag = "ApiTags::Health")]
impl HealthApi {
    /// Liveness with database and provider status
    #[oai(path = "/health", method = "get", operation_id = "health")]
    async fn health(&self, state: Data<&Arc<AppState>>) -> HealthResponse {
        let timeout = Duration::from_secs(3);
        let database = tokio::time::timeout(timeout, state.database.ping())
            .await
            .map_err(|_| "timed out".to_string())
            .and_then(|r| r.map_err(|e| e.to_string()));
        let provider = tokio::time::timeout(timeout, state.app.provider().list_owned())
            .await
            .map_err(|_| "timed out".to_string())
            .and_then(|r| r.map(|_| ()).map_err(|e| e.to_string()));
        let healthy = database.is_ok() && provider.is_ok();
        let backend = match state.database.backend() {
            switchboard_adapters::event_store::Backend::Postgres => "postgres",
            switchboard_adapters::event_store::Backend::Sqlite => "sqlite",
        };
        let health = Health {
            status: if healthy { "ok" } else { "degraded" }.into(),
            version: env!("CARGO_PKG_VERSION").into(),
            uptime_seconds: state.started_at.elapsed().as_secs(),
            database: dependency(backend, database),
            provider: dependency(state.app.provider_name(), provider),
        };
        if healthy {
            HealthResponse::Ok(Json(health))
        } else {
            HealthResponse::Degraded(Json(health))
        }
    }
}
