//! Health, unauthenticated: `GET /health` (database and provider status, version, uptime),
//! `GET /health/live` (the process answers) and `GET /health/ready` (not shutting down, database
//! reachable, migrations applied, projections caught up within [`READY_MAX_LAG`]). Both `/health`
//! and `/health/ready` show which background jobs this process owns. None of them calls the
//! provider per request: the provider check is cached for [`PROVIDER_CHECK_TTL`].

use std::sync::Arc;
use std::time::Duration;

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};

use super::jobs_owned::JobsOwned;
use super::types::Described;
use super::ApiTags;
use crate::state::AppState;

/// How long a provider check result is reused (Twilio's rate limits are shared by every call).
pub const PROVIDER_CHECK_TTL: Duration = Duration::from_secs(60);
/// How far behind the log a projection may be (age of its oldest unapplied event) for the
/// process to be ready.
pub const READY_MAX_LAG: Duration = Duration::from_secs(10);
/// The longest a single dependency check may take.
const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

/// A dependency's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum DependencyState {
    /// Reachable and working.
    Ok,
    /// Failing or unreachable.
    Unavailable,
}

/// One dependency's status.
#[derive(Debug, Object)]
pub struct DependencyStatus {
    /// `ok` or `unavailable`.
    pub status: Described<DependencyState>,
    /// `postgres`/`sqlite` for the database; `twilio`/`signalwire`/`sandbox` for the provider.
    pub kind: String,
    /// What failed, when something did (no account identifiers); absent when `ok`.
    #[oai(skip_serializing_if_is_none)]
    pub detail: Option<String>,
}

/// The overall state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum HealthState {
    /// Every dependency is up.
    Ok,
    /// Some dependency is down.
    Degraded,
}

/// The server's health.
#[derive(Debug, Object)]
pub struct Health {
    /// `ok` when every dependency is, else `degraded`.
    pub status: Described<HealthState>,
    /// The server's version (Cargo package version).
    pub version: String,
    /// Seconds since start.
    pub uptime_seconds: u64,
    /// The event store.
    pub database: Described<DependencyStatus>,
    /// The telephony provider, as last checked (at most once a minute).
    pub provider: Described<DependencyStatus>,
    /// The background jobs this process runs now.
    pub jobs: Described<JobsOwned>,
}

/// The process answers.
#[derive(Debug, Object)]
pub struct Liveness {
    /// Always `ok`.
    pub status: Described<HealthState>,
}

/// Whether the process should receive traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ReadyState {
    /// Every check passed.
    Ready,
    /// Some check failed: keep traffic away.
    NotReady,
}

/// A projection's distance behind the global log.
#[derive(Debug, Object)]
pub struct ProjectionStatus {
    /// The projection, e.g. `routing_table`.
    pub projection: String,
    /// Events it has not applied yet.
    pub lag_events: u64,
    /// Age in seconds of the oldest of them (0 when caught up).
    pub lag_seconds: f64,
}

/// Readiness and what it was decided from.
#[derive(Debug, Object)]
pub struct Readiness {
    /// `ready` when the process is not shutting down, the database answers, no migration is
    /// pending and every projection is within the lag bound (10 s).
    pub status: Described<ReadyState>,
    /// Graceful shutdown has begun: in-flight requests finish, new ones belong elsewhere.
    pub shutting_down: bool,
    /// The event store.
    pub database: Described<DependencyStatus>,
    /// Migrations not yet applied to the database (0 when up to date).
    pub pending_migrations: u32,
    /// Each projection's lag.
    pub projections: Vec<ProjectionStatus>,
    /// The background jobs this process runs now.
    pub jobs: Described<JobsOwned>,
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

#[derive(ApiResponse)]
enum LiveResponse {
    /// The process answers.
    #[oai(status = 200)]
    Ok(Json<Liveness>),
}

#[derive(ApiResponse)]
enum ReadyResponse {
    /// Ready for traffic.
    #[oai(status = 200)]
    Ready(Json<Readiness>),
    /// Not ready: the body says which check failed.
    #[oai(status = 503)]
    NotReady(Json<Readiness>),
}

/// Health.
pub struct HealthApi;

fn dependency(kind: &str, result: Result<(), String>) -> DependencyStatus {
    DependencyStatus {
        status: Described(if result.is_ok() {
            DependencyState::Ok
        } else {
            DependencyState::Unavailable
        }),
        kind: kind.into(),
        detail: result.err(),
    }
}

async fn database_check(state: &AppState) -> DependencyStatus {
    let result = tokio::time::timeout(CHECK_TIMEOUT, state.database.ping())
        .await
        .map_err(|_| "timed out".to_string())
        .and_then(|r| r.map_err(|e| e.to_string()));
    dependency(state.database.backend().name(), result)
}

#[OpenApi(tag = "ApiTags::Health")]
impl HealthApi {
    /// Database and (cached) provider status, version and uptime
    #[oai(path = "/health", method = "get", operation_id = "health")]
    async fn health(&self, state: Data<&Arc<AppState>>) -> HealthResponse {
        let database = database_check(&state).await;
        let provider = dependency(
            state.app.provider_name(),
            state.provider_health.check(state.app.provider()).await,
        );
        let healthy =
            database.status.0 == DependencyState::Ok && provider.status.0 == DependencyState::Ok;
        let health = Health {
            status: Described(if healthy {
                HealthState::Ok
            } else {
                HealthState::Degraded
            }),
            version: env!("CARGO_PKG_VERSION").into(),
            uptime_seconds: state.started_at.elapsed().as_secs(),
            database: Described(database),
            provider: Described(provider),
            jobs: Described(JobsOwned::now(&state.metrics)),
        };
        if healthy {
            HealthResponse::Ok(Json(health))
        } else {
            HealthResponse::Degraded(Json(health))
        }
    }

    /// Liveness: the process answers (no dependency is checked)
    #[oai(path = "/health/live", method = "get", operation_id = "healthLive")]
    async fn live(&self) -> LiveResponse {
        LiveResponse::Ok(Json(Liveness {
            status: Described(HealthState::Ok),
        }))
    }

    /// Readiness: not shutting down, database reachable, migrations applied, projections caught up
    #[oai(path = "/health/ready", method = "get", operation_id = "healthReady")]
    async fn ready(&self, state: Data<&Arc<AppState>>) -> ReadyResponse {
        let shutting_down = state.draining.load(std::sync::atomic::Ordering::SeqCst);
        let database = database_check(&state).await;
        let pending = tokio::time::timeout(CHECK_TIMEOUT, state.database.pending_migrations())
            .await
            .ok()
            .and_then(Result::ok);
        let lags = tokio::time::timeout(CHECK_TIMEOUT, state.projector.lag())
            .await
            .ok()
            .and_then(Result::ok);
        let caught_up = lags.as_ref().is_some_and(|lags| {
            lags.iter()
                .all(|lag| lag.seconds <= READY_MAX_LAG.as_secs_f64())
        });
        let ready = !shutting_down
            && database.status.0 == DependencyState::Ok
            && pending.as_ref().is_some_and(Vec::is_empty)
            && caught_up;
        let readiness = Readiness {
            status: Described(if ready {
                ReadyState::Ready
            } else {
                ReadyState::NotReady
            }),
            shutting_down,
            database: Described(database),
            pending_migrations: pending
                .map_or(u32::MAX, |n| u32::try_from(n.len()).unwrap_or(u32::MAX)),
            projections: lags
                .unwrap_or_default()
                .into_iter()
                .map(|lag| ProjectionStatus {
                    projection: lag.projection.to_string(),
                    lag_events: lag.events,
                    lag_seconds: lag.seconds,
                })
                .collect(),
            jobs: Described(JobsOwned::now(&state.metrics)),
        };
        if ready {
            ReadyResponse::Ready(Json(readiness))
        } else {
            ReadyResponse::NotReady(Json(readiness))
        }
    }
}
