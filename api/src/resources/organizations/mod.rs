//! `/v1/organizations`: create, list, read, update, delete.

mod onboarding;
mod requests;
mod views;

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use switchboard_application::ports::StoreError;
use switchboard_application::{AppError, NewOrganization, OrganizationChanges, RequestContext};
use switchboard_domain::organization::Organization;

pub use requests::{CreateOrganization, UpdateOrganization};
pub use views::{OrganizationPage, OrganizationSummary, OrganizationView};

use super::params::{default_page_size, page_cursor, settle};
use super::types::{OrganizationIdParam, Text};
use super::ApiTags;
use crate::auth::ApiKey;
use crate::problem::status::{
    AUTHENTICATED, BAD_REQUEST, CONFLICT, JSON_BODY, NOT_FOUND, UNPROCESSABLE,
};
use crate::problem::{ApiError, Problems};
use crate::state::AppState;

#[derive(ApiResponse)]
enum CreateResponse {
    /// Created (with `number`: and its number provisioned, or why not in `number_status`).
    #[oai(status = 201)]
    Created(Json<onboarding::CreatedOrganizationView>),
}

#[derive(ApiResponse)]
enum ListResponse {
    /// A page.
    #[oai(status = 200)]
    Ok(Json<OrganizationPage>),
}

#[derive(ApiResponse)]
enum GetResponse {
    /// The organization.
    #[oai(status = 200)]
    Ok(Json<OrganizationView>),
}

#[derive(ApiResponse)]
enum DeleteResponse {
    /// Deleted; its numbers were released at the provider.
    #[oai(status = 204)]
    Deleted,
}

/// Organizations.
pub struct OrganizationsApi;

const ORGANIZATION: &str = <Organization as cqrs_es::Aggregate>::TYPE;

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Organizations")]
impl OrganizationsApi {
    /// Create an organization
    #[oai(
        path = "/organizations",
        method = "post",
        operation_id = "createOrganization"
    )]
    async fn create(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        ctx: Data<&RequestContext>,
        body: Json<CreateOrganization>,
    ) -> Result<CreateResponse, Problems<{ AUTHENTICATED | JSON_BODY }>> {
        let body = body.0;
        let target = body
            .number
            .map(super::numbers::provision_target)
            .transpose()?;
        let new = NewOrganization {
            name: requests::name(body.name.as_ref())?,
            description: body.description.map(Text::into_string),
            industry: body.industry.map(Text::into_string),
            plan: body
                .plan
                .map(requests::plan)
                .transpose()?
                .unwrap_or_default(),
        };
        let created = state.app.create_organization(new, ctx.0).await?;
        let Some(target) = target else {
            settle(state.0, ORGANIZATION, &created.id.to_string()).await;
            return Ok(CreateResponse::Created(Json(
                onboarding::CreatedOrganizationView {
                    organization: created.into(),
                    number_status: None,
                    phone_number: None,
                    number_error: None,
                },
            )));
        };
        let onboarded = onboarding::provision(state.0, created.id, target, ctx.0).await?;
        settle(state.0, ORGANIZATION, &created.id.to_string()).await;
        let organization = state.app.organization(created.id).await?;
        Ok(CreateResponse::Created(Json(
            onboarded.view(organization.into()),
        )))
    }

    /// List organizations, oldest first
    #[oai(
        path = "/organizations",
        method = "get",
        operation_id = "listOrganizations"
    )]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        /// Page size, 1 to 200.
        #[oai(
            default = "default_page_size",
            validator(minimum(value = "1"), maximum(value = "200"))
        )]
        limit: Query<u32>,
        /// The `next_cursor` of the previous page.
        #[oai(validator(pattern = "^[0-9]{1,18}$"))]
        cursor: Query<Option<String>>,
    ) -> Result<ListResponse, Problems<{ AUTHENTICATED | BAD_REQUEST }>> {
        let cursor = page_cursor(cursor.0)?;
        let page = switchboard_projections::OrganizationsView::list(
            state.projector.pool(),
            limit.0,
            cursor,
        )
        .await
        .map_err(|e| ApiError::from(AppError::Store(StoreError::from_error(e))))?;
        Ok(ListResponse::Ok(Json(OrganizationPage {
            items: page
                .items
                .into_iter()
                .map(OrganizationSummary::try_from)
                .collect::<Result<_, _>>()?,
            next_cursor: page.next_cursor.map(|c| c.to_string()),
        })))
    }

    /// Get an organization, as it is now or as it was at a moment
    #[oai(
        path = "/organizations/:id",
        method = "get",
        operation_id = "getOrganization"
    )]
    async fn get(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
        /// Answer as the organization was at this moment (RFC 3339), folded from the events
        /// recorded until then; 404 if it did not exist yet or was deleted by then.
        as_of: Query<Option<chrono::DateTime<chrono::Utc>>>,
    ) -> Result<GetResponse, Problems<{ AUTHENTICATED | BAD_REQUEST | NOT_FOUND }>> {
        let org = match as_of.0 {
            Some(as_of) => state.app.organization_as_of(id.0 .0, as_of).await?,
            None => state.app.organization(id.0 .0).await?,
        };
        Ok(GetResponse::Ok(Json(org.into())))
    }

    /// Update an organization's profile, plan or messaging settings
    #[oai(
        path = "/organizations/:id",
        method = "patch",
        operation_id = "updateOrganization"
    )]
    async fn update(
        &self,
        state: Data<&Arc<AppState>>,
        auth: ApiKey,
        ctx: Data<&RequestContext>,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
        body: Json<UpdateOrganization>,
    ) -> Result<GetResponse, Problems<{ AUTHENTICATED | JSON_BODY | NOT_FOUND | CONFLICT }>> {
        let id = id.0 .0;
        let body = body.0;
        if body.plan.is_some() && !auth.0.is_platform() {
            // The plan is what the platform bills: its operator changes it, not the tenant.
            return Err(crate::auth::policy::forbidden(
                "platform_key_required",
                "only the platform's ADMIN_API_KEY changes an organization's plan",
            )
            .into());
        }
        let settings = body.settings.changes()?;
        let changes = OrganizationChanges {
            name: body
                .name
                .as_ref()
                .map(|n| requests::name(n.as_ref()))
                .transpose()?,
            description: body.description.map(Text::into_string),
            industry: body.industry.map(Text::into_string),
            plan: body.plan.map(requests::plan).transpose()?,
        };
        let mut org = None;
        if changes != OrganizationChanges::default() {
            org = Some(state.app.update_organization(id, changes, ctx.0).await?);
        }
        if !settings.is_empty() {
            org = Some(state.app.update_settings(id, settings, ctx.0).await?);
        }
        let org = match org {
            Some(org) => org,
            None => state.app.organization(id).await?,
        };
        settle(state.0, ORGANIZATION, &id.to_string()).await;
        Ok(GetResponse::Ok(Json(org.into())))
    }

    /// Delete an organization, releasing its numbers at the provider
    #[oai(
        path = "/organizations/:id",
        method = "delete",
        operation_id = "deleteOrganization"
    )]
    async fn delete(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        ctx: Data<&RequestContext>,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
    ) -> Result<
        DeleteResponse,
        Problems<{ AUTHENTICATED | BAD_REQUEST | NOT_FOUND | CONFLICT | UNPROCESSABLE }>,
    > {
        let id = id.0 .0;
        state.app.delete_organization(id, ctx.0).await?;
        settle(state.0, ORGANIZATION, &id.to_string()).await;
        Ok(DeleteResponse::Deleted)
    }
}
