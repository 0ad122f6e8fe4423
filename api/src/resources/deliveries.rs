//! `/v1/organizations/{id}/endpoints/{endpoint_id}/deliveries`: what was delivered to an
//! endpoint, attempt by attempt; redeliver one now, or everything since a time.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use switchboard_application::ports::StoreError;
use switchboard_application::AppError;
use switchboard_domain::EndpointId;
use switchboard_projections::delivery::{replay_since, DeliveryQueue};

use super::endpoint_dtos::{
    DeliveryPage, DeliveryStatus, DeliveryView, ReplayRequest, ReplayResult,
};
use super::endpoints::read_endpoint;
use super::params::{default_page_size, page_cursor};
use super::types::OrganizationIdParam;
use super::ApiTags;
use crate::auth::ApiKey;
use crate::problem::status::{AUTHENTICATED, BAD_REQUEST, JSON_BODY, NOT_FOUND};
use crate::problem::{ApiError, Problem, Problems};
use crate::state::AppState;

#[derive(ApiResponse)]
enum ListResponse {
    /// A page, newest first.
    #[oai(status = 200)]
    Ok(Json<DeliveryPage>),
}

#[derive(ApiResponse)]
enum RetryResponse {
    /// Due now; the dispatcher sends it within moments.
    #[oai(status = 202)]
    Accepted(Json<DeliveryView>),
}

#[derive(ApiResponse)]
enum ReplayResponse {
    /// Everything since then is due now, in log order.
    #[oai(status = 202)]
    Accepted(Json<ReplayResult>),
}

/// Deliveries to organizations' endpoints.
pub struct DeliveriesApi;

fn store(error: impl std::error::Error + Send + Sync + 'static) -> ApiError {
    AppError::Store(StoreError::from_error(error)).into()
}

fn delivery_not_found() -> ApiError {
    ApiError::from_problem(
        Problem::new(
            poem::http::StatusCode::NOT_FOUND,
            "delivery_not_found",
            "this endpoint has no such delivery",
        )
        .with_field("delivery_id"),
    )
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Endpoints")]
impl DeliveriesApi {
    /// List an endpoint's deliveries with their attempts, newest first
    #[oai(
        path = "/organizations/:id/endpoints/:endpoint_id/deliveries",
        method = "get",
        operation_id = "listDeliveries"
    )]
    #[allow(clippy::too_many_arguments)] // each one is an extracted request part
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
        /// The endpoint's id.
        endpoint_id: Path<uuid::Uuid>,
        /// Only deliveries in this state.
        status: Query<Option<DeliveryStatus>>,
        /// Page size, 1 to 200.
        #[oai(
            default = "default_page_size",
            validator(minimum(value = "1"), maximum(value = "200"))
        )]
        limit: Query<u32>,
        /// The `next_cursor` of the previous page.
        #[oai(validator(pattern = "^[0-9]{1,18}$"))]
        cursor: Query<Option<String>>,
    ) -> Result<ListResponse, Problems<{ AUTHENTICATED | BAD_REQUEST | NOT_FOUND }>> {
        let organization = id.0 .0;
        let endpoint = EndpointId::from_uuid(endpoint_id.0);
        let limit = limit.0;
        let cursor = page_cursor(cursor.0)?;
        read_endpoint(&state, organization, endpoint).await?;
        let status = status.0.map(|s| match s {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        });
        let page = DeliveryQueue::list(
            state.projector.pool(),
            &endpoint.to_string(),
            status,
            limit,
            cursor,
        )
        .await
        .map_err(store)?;
        Ok(ListResponse::Ok(Json(DeliveryPage {
            items: page.items.into_iter().map(Into::into).collect(),
            next_cursor: page.next_cursor.map(|c| c.to_string()),
        })))
    }

    /// Redeliver one delivery now, whatever its state
    #[oai(
        path = "/organizations/:id/endpoints/:endpoint_id/deliveries/:delivery_id/retry",
        method = "post",
        operation_id = "retryDelivery"
    )]
    async fn retry(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
        /// The endpoint's id.
        endpoint_id: Path<uuid::Uuid>,
        /// The delivery's id.
        delivery_id: Path<uuid::Uuid>,
    ) -> Result<RetryResponse, Problems<{ AUTHENTICATED | BAD_REQUEST | NOT_FOUND }>> {
        let organization = id.0 .0;
        let endpoint_id = EndpointId::from_uuid(endpoint_id.0);
        let endpoint = endpoint_id.to_string();
        let delivery = delivery_id.0;
        read_endpoint(&state, organization, endpoint_id).await?;
        let pool = state.projector.pool();
        let found =
            DeliveryQueue::retry_now(pool, &endpoint, &delivery.to_string(), chrono::Utc::now())
                .await
                .map_err(store)?;
        if !found {
            return Err(delivery_not_found().into());
        }
        let row = DeliveryQueue::get(pool, &endpoint, &delivery.to_string())
            .await
            .map_err(store)?
            .ok_or_else(delivery_not_found)?;
        Ok(RetryResponse::Accepted(Json(row.into())))
    }

    /// Redeliver everything recorded since a time to this endpoint, in log order
    #[oai(
        path = "/organizations/:id/endpoints/:endpoint_id/replay",
        method = "post",
        operation_id = "replayEndpoint"
    )]
    async fn replay(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
        /// The endpoint's id.
        endpoint_id: Path<uuid::Uuid>,
        body: Json<ReplayRequest>,
    ) -> Result<ReplayResponse, Problems<{ AUTHENTICATED | JSON_BODY | NOT_FOUND }>> {
        let organization = id.0 .0;
        let endpoint = EndpointId::from_uuid(endpoint_id.0);
        let row = read_endpoint(&state, organization, endpoint).await?;
        let since = body.0.since.timestamp_millis();
        let state = Arc::clone(&state);
        // Run to completion even if the client hangs up.
        let replayed = tokio::spawn(async move {
            replay_since(
                state.projector.pool(),
                state.projector.log().as_ref(),
                &row,
                since,
            )
            .await
        })
        .await
        .map_err(store)?
        .map_err(store)?;
        Ok(ReplayResponse::Accepted(Json(ReplayResult { replayed })))
    }
}
