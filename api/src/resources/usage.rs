//! `/v1/organizations/{id}/usage`: messages counted in the current billing period.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::types::OrganizationIdParam;
use super::ApiTags;
use crate::auth::AdminKey;
use crate::problem::status::{AUTHENTICATED, BAD_REQUEST, NOT_FOUND};
use crate::problem::Problems;
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
    /// Get an organization's message usage in the current billing period
    #[oai(
        path = "/organizations/:id/usage",
        method = "get",
        operation_id = "getUsage"
    )]
    async fn usage(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: AdminKey,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
    ) -> Result<UsageResponse, Problems<{ AUTHENTICATED | BAD_REQUEST | NOT_FOUND }>> {
        let usage = state.app.usage(id.0 .0).await?;
        Ok(UsageResponse::Ok(Json(UsageView {
            period: usage.period.start.date_naive(),
            period_start: usage.period.start,
            used: usage.used,
            limit: usage.limit,
            remaining: usage.remaining,
            resets_at: usage.period.end,
        })))
    }
}
