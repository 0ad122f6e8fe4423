//! `/v1/organizations`: create, list, read, update, delete.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use switchboard_application::{
    NewOrganization, OrganizationChanges, OrganizationDetails, RequestContext,
};
use switchboard_domain::organization::Organization;
use switchboard_domain::{OrganizationName, Plan};

use super::params::{organization_id, page_cursor, page_limit, settle};
use super::settings::{SettingsPatch, SettingsView};
use super::ApiTags;
use crate::auth::AdminKey;
use crate::problem::ApiError;
use crate::state::AppState;

/// Body of `POST /v1/organizations`.
#[derive(Debug, Object)]
pub struct CreateOrganization {
    /// Display name, 1 to 200 characters (trimmed).
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Free text, e.g. `retail`.
    pub industry: Option<String>,
    /// `trial` (default: 50 messages a month, 1 number), `starter` (500, 1), `business`
    /// (2000, 1) or `enterprise` (10000, 5).
    pub plan: Option<String>,
}

/// Body of `PATCH /v1/organizations/{id}`: only the fields given change.
#[derive(Debug, Object)]
pub struct UpdateOrganization {
    /// Reply texts, time zone, business hours, billing day.
    #[oai(flatten)]
    pub settings: SettingsPatch,
    /// New display name, 1 to 200 characters.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New industry.
    pub industry: Option<String>,
    /// New plan; refused with 409 `plan_too_small` below the numbers held.
    pub plan: Option<String>,
}

/// An organization.
#[derive(Debug, Object)]
pub struct OrganizationView {
    /// UUID.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Free text.
    pub industry: Option<String>,
    /// Plan name.
    pub plan: String,
    /// Messages the plan allows a billing period.
    pub monthly_message_limit: u32,
    /// Dedicated numbers the plan allows.
    pub number_limit: u32,
    /// Numbers held (E.164).
    pub numbers: Vec<String>,
    /// The code customers send to the shared number (`join <code>`) to reach this organization.
    pub join_code: Option<String>,
    /// Messaging settings.
    pub settings: SettingsView,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<OrganizationDetails> for OrganizationView {
    fn from(d: OrganizationDetails) -> Self {
        Self {
            id: d.id.to_string(),
            name: d.name.to_string(),
            description: d.description,
            industry: d.industry,
            plan: d.plan.to_string(),
            monthly_message_limit: d.plan.monthly_message_limit(),
            number_limit: d.plan.number_limit(),
            numbers: d.numbers.iter().map(ToString::to_string).collect(),
            join_code: d.join_code.as_ref().map(ToString::to_string),
            settings: (&d.settings).into(),
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

/// An organization as listed.
#[derive(Debug, Object)]
pub struct OrganizationSummary {
    /// UUID.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Free text.
    pub industry: Option<String>,
    /// Plan name.
    pub plan: String,
    /// Creation time (RFC 3339).
    pub created_at: String,
    /// Last change (RFC 3339).
    pub updated_at: String,
}

/// A page of organizations, oldest first.
#[derive(Debug, Object)]
pub struct OrganizationPage {
    /// The organizations.
    pub items: Vec<OrganizationSummary>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(ApiResponse)]
enum CreateResponse {
    /// Created.
    #[oai(status = 201)]
    Created(Json<OrganizationView>),
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

fn name(raw: &str) -> Result<OrganizationName, ApiError> {
    OrganizationName::parse(raw)
        .map_err(|e| ApiError::invalid_field("name", "invalid_name", e.to_string()))
}

fn plan(raw: &str) -> Result<Plan, ApiError> {
    raw.parse().map_err(|e: switchboard_domain::UnknownPlan| {
        ApiError::invalid_field("plan", "unknown_plan", e.to_string())
    })
}

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
        _auth: AdminKey,
        ctx: Data<&RequestContext>,
        body: Json<CreateOrganization>,
    ) -> Result<CreateResponse, ApiError> {
        let body = body.0;
        let new = NewOrganization {
            name: name(&body.name)?,
            description: body.description,
            industry: body.industry,
            plan: body
                .plan
                .as_deref()
                .map(plan)
                .transpose()?
                .unwrap_or_default(),
        };
        let created = state.app.create_organization(new, ctx.0).await?;
        settle(state.0, ORGANIZATION, &created.id.to_string()).await;
        Ok(CreateResponse::Created(Json(created.into())))
    }

    /// List organizations
    #[oai(
        path = "/organizations",
        method = "get",
        operation_id = "listOrganizations"
    )]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: AdminKey,
        /// Page size, 1 to 200 (default 50).
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> Result<ListResponse, ApiError> {
        let limit = page_limit(limit.0)?;
        let cursor = page_cursor(cursor.0)?;
        let page =
            switchboard_projections::OrganizationsView::list(state.projector.pool(), limit, cursor)
                .await
                .map_err(|e| {
                    switchboard_application::AppError::Store(
                        switchboard_application::ports::StoreError::from_error(e),
                    )
                })?;
        Ok(ListResponse::Ok(Json(OrganizationPage {
            items: page
                .items
                .into_iter()
                .map(|r| OrganizationSummary {
                    id: r.organization_id,
                    name: r.name,
                    description: r.description,
                    industry: r.industry,
                    plan: r.plan,
                    created_at: r.created_at,
                    updated_at: r.updated_at,
                })
                .collect(),
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
        _auth: AdminKey,
        id: Path<String>,
        /// Answer as the organization was at this moment (RFC 3339), folded from the events
        /// recorded until then; 404 if it did not exist yet or was deleted by then.
        as_of: Query<Option<DateTime<Utc>>>,
    ) -> Result<GetResponse, ApiError> {
        let id = organization_id(&id.0)?;
        let org = match as_of.0 {
            Some(as_of) => state.app.organization_as_of(id, as_of).await?,
            None => state.app.organization(id).await?,
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
        _auth: AdminKey,
        ctx: Data<&RequestContext>,
        id: Path<String>,
        body: Json<UpdateOrganization>,
    ) -> Result<GetResponse, ApiError> {
        let id = organization_id(&id.0)?;
        let body = body.0;
        let settings = body.settings.changes()?;
        let changes = OrganizationChanges {
            name: body.name.as_deref().map(name).transpose()?,
            description: body.description,
            industry: body.industry,
            plan: body.plan.as_deref().map(plan).transpose()?,
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
        _auth: AdminKey,
        ctx: Data<&RequestContext>,
        id: Path<String>,
    ) -> Result<DeleteResponse, ApiError> {
        let id = organization_id(&id.0)?;
        state.app.delete_organization(id, ctx.0).await?;
        settle(state.0, ORGANIZATION, &id.to_string()).await;
        Ok(DeleteResponse::Deleted)
    }
}
