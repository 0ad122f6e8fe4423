//! `/v1/organizations/{id}/usage`: messages counted in the current billing period, and the
//! period's calls (which never count against the message quota).

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use switchboard_application::ports::StoreError;
use switchboard_application::AppError;
use switchboard_projections::CallsView;

use super::types::OrganizationIdParam;
use super::ApiTags;
use crate::auth::ApiKey;
use crate::problem::status::{AUTHENTICATED, BAD_REQUEST, NOT_FOUND};
use crate::problem::{ApiError, Problems};
use crate::state::AppState;

/// An organization's usage in the current billing period.
#[derive(Debug, Object)]
pub struct UsageView {
    /// The period's first day (UTC).
    pub period: NaiveDate,
    /// When the period started.
    pub period_start: DateTime<Utc>,
    /// Messages counted (inbound accepted and outbound sent).
    pub used: u32,
    /// The plan's limit.
    pub limit: u32,
    /// `limit - used`.
    pub remaining: u32,
    /// When the next period starts and the count resets.
    pub resets_at: DateTime<Utc>,
    /// Inbound calls received in the period (not counted in `used`).
    pub calls: i64,
    /// Their total length, seconds.
    pub call_seconds: i64,
    /// Their length in minutes, each call rounded up to a whole minute.
    pub call_minutes: i64,
}

#[derive(ApiResponse)]
enum UsageResponse {
    /// The usage.
    #[oai(status = 200)]
    Ok(Json<UsageView>),
}

/// Usage.
pub struct UsageApi;

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Organizations")]
impl UsageApi {
    /// Get an organization's message usage and calls in the current billing period
    #[oai(
        path = "/organizations/:id/usage",
        method = "get",
        operation_id = "getUsage"
    )]
    async fn usage(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
    ) -> Result<UsageResponse, Problems<{ AUTHENTICATED | BAD_REQUEST | NOT_FOUND }>> {
        let usage = state.app.usage(id.0 .0).await?;
        let calls = CallsView::usage(
            state.projector.pool(),
            &id.0 .0.to_string(),
            usage.period.start,
        )
        .await
        .map_err(|e| ApiError::from(AppError::Store(StoreError::from_error(e))))?;
        Ok(UsageResponse::Ok(Json(UsageView {
            period: usage.period.start.date_naive(),
            period_start: usage.period.start,
            used: usage.used,
            limit: usage.limit,
            remaining: usage.remaining,
            resets_at: usage.period.end,
            calls: calls.calls,
            call_seconds: calls.seconds,
            call_minutes: calls.minutes,
        })))
    }
}
