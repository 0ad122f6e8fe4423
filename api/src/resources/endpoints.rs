//! `/v1/organizations/{id}/endpoints`: register, list, read, change, remove and rotate the
//! secret of the URLs an organization's software receives its deliveries at.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use switchboard_application::ports::StoreError;
use switchboard_application::{AppError, NewEndpoint, RequestContext};
use switchboard_domain::endpoint::{Endpoint, EndpointChanges, EndpointError};
use switchboard_domain::{EndpointId, EndpointUrl, OrganizationId};
use switchboard_projections::delivery::{EndpointRow, EndpointsView};

use super::endpoint_dtos::{
    CreateEndpoint, CreatedEndpoint, EndpointPage, EndpointView, RotatedSecret, UpdateEndpoint,
};
use super::params::{default_page_size, page_cursor, settle};
use super::types::{OrganizationIdParam, Text};
use super::ApiTags;
use crate::auth::ApiKey;
use crate::problem::status::{AUTHENTICATED, BAD_REQUEST, JSON_BODY, NOT_FOUND};
use crate::problem::{ApiError, Problems};
use crate::state::AppState;

#[derive(ApiResponse)]
enum CreateResponse {
    /// Registered; the secret is shown only in this response.
    #[oai(status = 201)]
    Created(Json<CreatedEndpoint>),
}

#[derive(ApiResponse)]
enum ListResponse {
    /// A page.
    #[oai(status = 200)]
    Ok(Json<EndpointPage>),
}

#[derive(ApiResponse)]
enum GetResponse {
    /// The endpoint.
    #[oai(status = 200)]
    Ok(Json<EndpointView>),
}

#[derive(ApiResponse)]
enum DeleteResponse {
    /// Removed; nothing more is delivered to it.
    #[oai(status = 204)]
    Deleted,
}

#[derive(ApiResponse)]
enum RotateResponse {
    /// The new secret; the previous one keeps signing beside it for 24 h.
    #[oai(status = 200)]
    Ok(Json<RotatedSecret>),
}

/// Organizations' endpoints.
pub struct EndpointsApi;

const ENDPOINT: &str = <Endpoint as cqrs_es::Aggregate>::TYPE;

fn url(raw: &str, state: &AppState) -> Result<EndpointUrl, ApiError> {
    EndpointUrl::parse(raw, state.delivery.allow_insecure_endpoints)
        .map_err(|e| ApiError::invalid_field("url", "invalid_url", e.to_string()))
}

fn new_secret() -> Result<String, ApiError> {
    switchboard_adapters::delivery::generate_secret().map_err(|e| {
        AppError::Store(StoreError::from_error(std::io::Error::other(e.to_string()))).into()
    })
}

/// The endpoint as the read model holds it, or 404 `endpoint_not_found`.
pub async fn read_endpoint(
    state: &AppState,
    organization: OrganizationId,
    endpoint: EndpointId,
) -> Result<EndpointRow, ApiError> {
    EndpointsView::get(
        state.projector.pool(),
        &organization.to_string(),
        &endpoint.to_string(),
    )
    .await
    .map_err(|e| AppError::Store(StoreError::from_error(e)))?
    .ok_or_else(|| AppError::Endpoint(EndpointError::NotFound).into())
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Endpoints")]
impl EndpointsApi {
    /// Register an endpoint that receives the organization's deliveries
    #[oai(
        path = "/organizations/:id/endpoints",
        method = "post",
        operation_id = "createEndpoint"
    )]
    async fn create(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        ctx: Data<&RequestContext>,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
        body: Json<CreateEndpoint>,
    ) -> Result<CreateResponse, Problems<{ AUTHENTICATED | JSON_BODY | NOT_FOUND }>> {
        let organization = id.0 .0;
        let body = body.0;
        let new = NewEndpoint {
            url: url(body.url.as_ref(), &state)?,
            description: body.description.map(Text::into_string),
            event_types: body
                .event_types
                .map(|types| types.into_iter().map(Into::into).collect()),
            responder: body.responder.unwrap_or(false),
            secret: new_secret()?,
        };
        let endpoint = state.app.create_endpoint(organization, new, ctx.0).await?;
        settle(state.0, ENDPOINT, &endpoint.to_string()).await;
        let row = read_endpoint(&state, organization, endpoint).await?;
        let secret = row.secret.clone();
        Ok(CreateResponse::Created(Json(CreatedEndpoint {
            endpoint: row.into(),
            secret,
        })))
    }

    /// List the organization's endpoints
    #[oai(
        path = "/organizations/:id/endpoints",
        method = "get",
        operation_id = "listEndpoints"
    )]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
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
        let limit = limit.0;
        let cursor = page_cursor(cursor.0)?;
        state.app.organization(organization).await?;
        let page = EndpointsView::list(
            state.projector.pool(),
            &organization.to_string(),
            limit,
            cursor,
        )
        .await
        .map_err(|e| AppError::Store(StoreError::from_error(e)))?;
        Ok(ListResponse::Ok(Json(EndpointPage {
            items: page.items.into_iter().map(Into::into).collect(),
            next_cursor: page.next_cursor.map(|c| c.to_string()),
        })))
    }

    /// Get an endpoint
    #[oai(
        path = "/organizations/:id/endpoints/:endpoint_id",
        method = "get",
        operation_id = "getEndpoint"
    )]
    async fn get(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
        /// The endpoint's id.
        endpoint_id: Path<uuid::Uuid>,
    ) -> Result<GetResponse, Problems<{ AUTHENTICATED | BAD_REQUEST | NOT_FOUND }>> {
        let organization = id.0 .0;
        let endpoint = EndpointId::from_uuid(endpoint_id.0);
        let row = read_endpoint(&state, organization, endpoint).await?;
        Ok(GetResponse::Ok(Json(row.into())))
    }

    /// Change an endpoint's URL, description, type filter or responder flag, or enable it again
    #[oai(
        path = "/organizations/:id/endpoints/:endpoint_id",
        method = "patch",
        operation_id = "updateEndpoint"
    )]
    async fn update(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        ctx: Data<&RequestContext>,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
        /// The endpoint's id.
        endpoint_id: Path<uuid::Uuid>,
        body: Json<UpdateEndpoint>,
    ) -> Result<GetResponse, Problems<{ AUTHENTICATED | JSON_BODY | NOT_FOUND }>> {
        let organization = id.0 .0;
        let endpoint = EndpointId::from_uuid(endpoint_id.0);
        let body = body.0;
        let changes = EndpointChanges {
            url: body
                .url
                .as_ref()
                .map(|u| url(u.as_ref(), &state))
                .transpose()?,
            description: maybe(body.description.0).map(|d| d.map(Text::into_string)),
            event_types: maybe(body.event_types.0)
                .map(|types| types.map(|t| t.into_iter().map(Into::into).collect())),
            responder: body.responder,
            enabled: body.enabled,
        };
        state
            .app
            .update_endpoint(organization, endpoint, changes, ctx.0)
            .await?;
        settle(state.0, ENDPOINT, &endpoint.to_string()).await;
        let row = read_endpoint(&state, organization, endpoint).await?;
        Ok(GetResponse::Ok(Json(row.into())))
    }

    /// Remove an endpoint
    #[oai(
        path = "/organizations/:id/endpoints/:endpoint_id",
        method = "delete",
        operation_id = "deleteEndpoint"
    )]
    async fn delete(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        ctx: Data<&RequestContext>,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
        /// The endpoint's id.
        endpoint_id: Path<uuid::Uuid>,
    ) -> Result<DeleteResponse, Problems<{ AUTHENTICATED | BAD_REQUEST | NOT_FOUND }>> {
        let organization = id.0 .0;
        let endpoint = EndpointId::from_uuid(endpoint_id.0);
        state
            .app
            .delete_endpoint(organization, endpoint, ctx.0)
            .await?;
        settle(state.0, ENDPOINT, &endpoint.to_string()).await;
        Ok(DeleteResponse::Deleted)
    }

    /// Replace an endpoint's signing secret (the old one keeps signing for 24 h)
    #[oai(
        path = "/organizations/:id/endpoints/:endpoint_id/rotate-secret",
        method = "post",
        operation_id = "rotateEndpointSecret"
    )]
    async fn rotate_secret(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        ctx: Data<&RequestContext>,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
        /// The endpoint's id.
        endpoint_id: Path<uuid::Uuid>,
    ) -> Result<RotateResponse, Problems<{ AUTHENTICATED | BAD_REQUEST | NOT_FOUND }>> {
        let organization = id.0 .0;
        let endpoint = EndpointId::from_uuid(endpoint_id.0);
        let secret = new_secret()?;
        state
            .app
            .rotate_endpoint_secret(organization, endpoint, secret.clone(), ctx.0)
            .await?;
        settle(state.0, ENDPOINT, &endpoint.to_string()).await;
        let row = read_endpoint(&state, organization, endpoint).await?;
        let until = row
            .previous_secret
            .as_ref()
            .and_then(|(_, until)| chrono::DateTime::from_timestamp_millis(*until))
            .unwrap_or_default();
        Ok(RotateResponse::Ok(Json(RotatedSecret {
            secret,
            previous_secret_valid_until: until,
        })))
    }
}

/// `MaybeUndefined` as "absent: no change; null: clear; value: set".
fn maybe<T>(value: poem_openapi::types::MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        poem_openapi::types::MaybeUndefined::Undefined => None,
        poem_openapi::types::MaybeUndefined::Null => Some(None),
        poem_openapi::types::MaybeUndefined::Value(v) => Some(Some(v)),
    }
}
