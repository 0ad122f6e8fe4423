//! `/v1/organizations/{id}/api-keys`: create (the secret shown once), list and revoke the keys
//! that reach only this organization.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use switchboard_application::ports::StoreError;
use switchboard_application::{AppError, RequestContext};
use switchboard_domain::{ApiKeyId, KeyRole};

use super::api_key_dtos::{ApiKeyList, ApiKeyView, CreateApiKey, CreatedApiKey};
use super::types::{Described, OrganizationIdParam};
use super::ApiTags;
use crate::auth::{ApiKey, KeyUsage};
use crate::problem::status::{AUTHENTICATED, BAD_REQUEST, CONFLICT, JSON_BODY, NOT_FOUND};
use crate::problem::{ApiError, Problem, Problems};
use crate::state::AppState;

#[derive(ApiResponse)]
enum CreateResponse {
    /// Created; the secret `key` is shown only in this response.
    #[oai(status = 201)]
    Created(Json<CreatedApiKey>),
}

#[derive(ApiResponse)]
enum ListResponse {
    /// The unrevoked keys.
    #[oai(status = 200)]
    Ok(Json<ApiKeyList>),
}

#[derive(ApiResponse)]
enum RevokeResponse {
    /// Revoked: the key authenticates nothing from now on.
    #[oai(status = 204)]
    Revoked,
}

/// Organizations' API keys.
pub struct ApiKeysApi;

fn store(error: impl std::error::Error + Send + Sync + 'static) -> ApiError {
    AppError::Store(StoreError::from_error(error)).into()
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Organizations")]
impl ApiKeysApi {
    /// Create an API key that reaches only this organization (`admin` or `viewer`)
    #[oai(
        path = "/organizations/:id/api-keys",
        method = "post",
        operation_id = "createApiKey"
    )]
    async fn create(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        ctx: Data<&RequestContext>,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
        body: Json<CreateApiKey>,
    ) -> Result<CreateResponse, Problems<{ AUTHENTICATED | JSON_BODY | NOT_FOUND | CONFLICT }>>
    {
        let organization = id.0 .0;
        let body = body.0;
        let role = match body.role {
            None => KeyRole::Admin,
            Some(choice) => choice
                .known(|text| {
                    ApiError::invalid_field(
                        "role",
                        "unknown_role",
                        format!("`{text}` is not a key role: admin or viewer"),
                    )
                })?
                .into(),
        };
        let secret = switchboard_adapters::credentials::generate_api_key_secret().map_err(|e| {
            ApiError::from_problem(Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                format!("no randomness for a key: {e}"),
            ))
        })?;
        let created = state
            .app
            .create_api_key(organization, body.name.into_string(), role, &secret, ctx.0)
            .await?;
        Ok(CreateResponse::Created(Json(CreatedApiKey {
            id: created.record.key_id.as_uuid(),
            name: created.record.name,
            role: Described(created.record.role.into()),
            created_at: created.record.created_at,
            key: created.key,
        })))
    }

    /// List the organization's API keys (never their secrets), with when each was last used
    #[oai(
        path = "/organizations/:id/api-keys",
        method = "get",
        operation_id = "listApiKeys"
    )]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
    ) -> Result<ListResponse, Problems<{ AUTHENTICATED | BAD_REQUEST | NOT_FOUND }>> {
        let organization = id.0 .0;
        let keys = state.app.api_keys(organization).await?;
        let ids: Vec<ApiKeyId> = keys.iter().map(|k| k.key_id).collect();
        let used = KeyUsage::last_used(state.projector.pool(), &ids)
            .await
            .map_err(store)?;
        let uuid = organization.as_uuid();
        Ok(ListResponse::Ok(Json(ApiKeyList {
            items: keys
                .iter()
                .map(|key| ApiKeyView::of(key, uuid, used.get(&key.key_id).copied()))
                .collect(),
        })))
    }

    /// Revoke an API key at once
    #[oai(
        path = "/organizations/:id/api-keys/:key_id",
        method = "delete",
        operation_id = "revokeApiKey"
    )]
    async fn revoke(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        ctx: Data<&RequestContext>,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
        /// The key's id.
        key_id: Path<uuid::Uuid>,
    ) -> Result<RevokeResponse, Problems<{ AUTHENTICATED | BAD_REQUEST | NOT_FOUND }>> {
        let organization = id.0 .0;
        state.app.organization(organization).await?;
        state
            .app
            .revoke_api_key(organization, ApiKeyId::from_uuid(key_id.0), ctx.0)
            .await?;
        Ok(RevokeResponse::Revoked)
    }
}
