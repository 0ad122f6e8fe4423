//! Analytics: `GET /v1/organizations/{id}/stats` and `/conversations`, `GET /v1/analytics`
//! (platform-wide), `GET /v1/numbers/{phone_number}/history`.

use std::sync::Arc;

use chrono::{Days, NaiveDate, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use switchboard_application::ports::StoreError;
use switchboard_application::AppError;
use switchboard_projections::analytics::{
    self, organization_stats, platform_figures, ConversationsView, NumberHistory, StatsQuery,
};

use super::analytics_dtos::{
    ConversationPage, Granularity, NumberHistoryView, OrganizationStatsView, PlatformAnalyticsView,
};
use super::params::page_cursor;
use super::types::Described;
use super::types::{OrganizationIdParam, PhoneNumber as PhoneNumberParam};
use super::ApiTags;
use crate::auth::ApiKey;
use crate::problem::ApiError;
use crate::state::AppState;

/// The most days `GET …/stats` covers.
pub const MAX_STATS_DAYS: u64 = 400;

/// Days covered when `from` is not given: this many, ending at `to`.
const DEFAULT_STATS_DAYS: u64 = 30;

fn default_limit() -> u32 {
    50
}

fn store(error: sqlx::Error) -> ApiError {
    AppError::Store(StoreError::from_error(error)).into()
}

#[derive(ApiResponse)]
enum StatsResponse {
    /// The figures.
    #[oai(status = 200)]
    Ok(Json<OrganizationStatsView>),
}

#[derive(ApiResponse)]
enum ConversationsResponse {
    /// A page of conversations.
    #[oai(status = 200)]
    Ok(Json<ConversationPage>),
}

#[derive(ApiResponse)]
enum PlatformResponse {
    /// The platform's figures.
    #[oai(status = 200)]
    Ok(Json<PlatformAnalyticsView>),
}

#[derive(ApiResponse)]
enum HistoryResponse {
    /// Every ownership of the number.
    #[oai(status = 200)]
    Ok(Json<NumberHistoryView>),
}

/// Analytics.
pub struct AnalyticsApi;

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Analytics")]
impl AnalyticsApi {
    /// An organization's message figures per day or billing period
    #[oai(
        path = "/organizations/:id/stats",
        method = "get",
        operation_id = "getOrganizationStats"
    )]
    async fn stats(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        id: Path<OrganizationIdParam>,
        /// First day (`YYYY-MM-DD`, in the organization's time zone); default: 29 days before
        /// `to`.
        #[oai(validator(
            pattern = "^(19[7-9][0-9]|2[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
        ))]
        from: Query<Option<String>>,
        /// Last day, included; default: today in the organization's time zone.
        #[oai(validator(
            pattern = "^(19[7-9][0-9]|2[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
        ))]
        to: Query<Option<String>>,
        /// `day` (default) or `month` (billing periods).
        granularity: Query<Option<Granularity>>,
    ) -> Result<StatsResponse, ApiError> {
        let id = id.0 .0;
        let organization = state.app.organization(id).await?;
        let time_zone = organization
            .settings
            .time_zone
            .map_or(chrono_tz::UTC, |tz| tz.tz());
        let day = |field: &str, text: Option<String>| {
            text.map(|t| {
                NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| {
                    ApiError::bad_parameter(field, "invalid_date", format!("`{t}` is not a day"))
                })
            })
            .transpose()
        };
        let (from, to) = (day("from", from.0)?, day("to", to.0)?);
        let to = to.unwrap_or_else(|| Utc::now().with_timezone(&time_zone).date_naive());
        let from = from.unwrap_or_else(|| {
            to.checked_sub_days(Days::new(DEFAULT_STATS_DAYS - 1))
                .unwrap_or(to)
        });
        if from > to {
            return Err(ApiError::bad_parameter(
                "from",
                "invalid_range",
                "from must not be after to",
            ));
        }
        if (to - from).num_days() >= MAX_STATS_DAYS as i64 {
            return Err(ApiError::bad_parameter(
                "to",
                "range_too_long",
                format!("at most {MAX_STATS_DAYS} days at a time"),
            ));
        }
        let granularity = granularity.0.unwrap_or_default();
        let query = StatsQuery {
            organization_id: id.to_string(),
            from,
            to,
            granularity: match granularity {
                Granularity::Day => analytics::Granularity::Day,
                Granularity::Month => analytics::Granularity::Month,
            },
            time_zone,
            billing_day: organization.settings.billing_day,
            prices: state.prices,
        };
        let stats = organization_stats(state.projector.pool(), &query)
            .await
            .map_err(store)?;
        Ok(StatsResponse::Ok(Json(OrganizationStatsView {
            organization_id: id.as_uuid(),
            from,
            to,
            granularity: Described(granularity),
            time_zone: time_zone.name().to_string(),
            buckets: stats.buckets.into_iter().map(Into::into).collect(),
            totals: Described(stats.totals.into()),
            prices: Described(state.prices.into()),
        })))
    }

    /// An organization's conversations, newest first
    #[oai(
        path = "/organizations/:id/conversations",
        method = "get",
        operation_id = "listConversations"
    )]
    async fn conversations(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        id: Path<OrganizationIdParam>,
        /// Page size, 1 to 200.
        #[oai(
            default = "default_limit",
            validator(minimum(value = "1"), maximum(value = "200"))
        )]
        limit: Query<u32>,
        /// A `next_cursor` from the previous page.
        #[oai(validator(pattern = "^[0-9]{1,18}$"))]
        cursor: Query<Option<String>>,
    ) -> Result<ConversationsResponse, ApiError> {
        let id = id.0 .0;
        state.app.organization(id).await?;
        let page = ConversationsView::new(state.projector.pool().clone())
            .list(&id.to_string(), limit.0, page_cursor(cursor.0)?)
            .await
            .map_err(store)?;
        Ok(ConversationsResponse::Ok(Json(ConversationPage {
            items: page.items.into_iter().map(Into::into).collect(),
            next_cursor: page.next_cursor.map(|c| c.to_string()),
        })))
    }

    /// Platform-wide figures: organizations by plan, numbers by status, provisioning, unrouted
    #[oai(
        path = "/analytics",
        method = "get",
        operation_id = "getPlatformAnalytics"
    )]
    async fn platform(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
    ) -> Result<PlatformResponse, ApiError> {
        let figures = platform_figures(state.projector.pool())
            .await
            .map_err(store)?;
        Ok(PlatformResponse::Ok(Json(figures.into())))
    }

    /// A number's full ownership history
    #[oai(
        path = "/numbers/:phone_number/history",
        method = "get",
        operation_id = "getNumberHistory"
    )]
    async fn history(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        phone_number: Path<PhoneNumberParam>,
    ) -> Result<HistoryResponse, ApiError> {
        let number = phone_number.0 .0.clone();
        let ownerships = NumberHistory::of_number(state.projector.pool(), number.as_str())
            .await
            .map_err(store)?;
        if ownerships.is_empty() {
            return Err(AppError::NumberNotHeld(number.to_string()).into());
        }
        Ok(HistoryResponse::Ok(Json(NumberHistoryView {
            phone_number: number.to_string(),
            ownerships: ownerships.into_iter().map(Into::into).collect(),
        })))
    }
}
