//! `/v1/organizations/{id}/numbers` and `/v1/numbers/{phone_number}`.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use switchboard_application::ports::StoreError;
use switchboard_application::{AppError, NumberDetails, ProvisionTarget, RequestContext};
use switchboard_domain::phone_number::PhoneNumber;
use switchboard_domain::{NumberType, E164};

use super::available_numbers::{country, CapabilitiesView};
use super::params::{self, organization_id, settle};
use super::ApiTags;
use crate::auth::AdminKey;
use crate::problem::ApiError;
use crate::state::AppState;

/// Body of `POST /v1/organizations/{id}/numbers`: either `phone_number`, or `area_code` (with
/// optional `country`, default `US`, and `type`, default `local`) for the first available one.
#[derive(Debug, Object)]
pub struct ProvisionNumber {
    /// The number to buy, E.164 (e.g. from `GET /v1/available-numbers`).
    pub phone_number: Option<String>,
    /// Three-digit area code (US/CA).
    pub area_code: Option<String>,
    /// ISO 3166-1 alpha-2 country (default `US`).
    pub country: Option<String>,
    /// `local` (default), `toll-free` or `mobile`.
    #[oai(rename = "type")]
    pub number_type: Option<String>,
}

/// A number an organization holds.
#[derive(Debug, Object)]
pub struct NumberView {
    /// E.164.
    pub phone_number: String,
    /// The owner.
    pub organization_id: String,
    /// `twilio`, `signalwire` or `sandbox`.
    pub provider: String,
    /// The provider's SID (`PN…`).
    pub provider_sid: String,
    /// `active`.
    pub status: String,
    /// What it can do.
    pub capabilities: CapabilitiesView,
    /// The `SmsUrl` set at the provider.
    pub sms_url: String,
    /// The `StatusCallback` set at the provider.
    pub status_callback: String,
    /// When provisioned.
    pub provisioned_at: DateTime<Utc>,
}

impl From<NumberDetails> for NumberView {
    fn from(d: NumberDetails) -> Self {
        Self {
            phone_number: d.phone_number.to_string(),
            organization_id: d.organization_id.to_string(),
            provider: d.provider,
            provider_sid: d.provider_sid,
            status: "active".into(),
            capabilities: d.capabilities.into(),
            sms_url: d.webhooks.sms_url,
            status_callback: d.webhooks.status_callback,
            provisioned_at: d.provisioned_at,
        }
    }
}

/// The numbers an organization holds.
#[derive(Debug, Object)]
pub struct NumberList {
    /// The numbers.
    pub items: Vec<NumberView>,
}

/// A routing table entry: where messages to a number go.
#[derive(Debug, Object)]
pub struct RoutingEntryView {
    /// E.164.
    pub phone_number: String,
    /// The (last) owner.
    pub organization_id: String,
    /// `active` (routes to the owner) or `released` (routes nowhere).
    pub status: String,
    /// The provider.
    pub provider: String,
    /// The provider's SID.
    pub provider_sid: String,
    /// `SmsUrl` as last applied.
    pub sms_url: String,
    /// `StatusCallback` as last applied.
    pub status_callback: String,
    /// Last change (RFC 3339).
    pub updated_at: String,
}

#[derive(ApiResponse)]
enum ProvisionResponse {
    /// Provisioned.
    #[oai(status = 201)]
    Created(Json<NumberView>),
}

#[derive(ApiResponse)]
enum ListResponse {
    /// The numbers.
    #[oai(status = 200)]
    Ok(Json<NumberList>),
}

#[derive(ApiResponse)]
enum NumberResponse {
    /// The number.
    #[oai(status = 200)]
    Ok(Json<NumberView>),
}

#[derive(ApiResponse)]
enum ReleaseResponse {
    /// Released at the provider; messages to it no longer route here.
    #[oai(status = 204)]
    Released,
}

#[derive(ApiResponse)]
enum RoutingResponse {
    /// The routing entry.
    #[oai(status = 200)]
    Ok(Json<RoutingEntryView>),
}

/// Numbers.
pub struct NumbersApi;

fn provision_target(body: ProvisionNumber) -> Result<ProvisionTarget, ApiError> {
    match (body.phone_number, body.area_code) {
        (Some(number), None) => E164::parse(&number)
            .map(ProvisionTarget::Number)
            .map_err(|e| {
                ApiError::invalid_field("phone_number", "invalid_phone_number", e.to_string())
            }),
        (None, Some(area_code)) => {
            let area_code = area_code
                .trim()
                .parse::<u16>()
                .ok()
                .filter(|_| area_code.trim().len() == 3)
                .ok_or_else(|| {
                    ApiError::invalid_field(
                        "area_code",
                        "invalid_area_code",
                        "an area code is three digits",
                    )
                })?;
            let number_type = body
                .number_type
                .as_deref()
                .map(|t| t.parse::<NumberType>())
                .transpose()
                .map_err(|e| ApiError::invalid_field("type", "unknown_number_type", e.to_string()))?
                .unwrap_or_default();
            Ok(ProvisionTarget::AreaCode {
                country: country(body.country.as_deref(), ApiError::invalid_field)?,
                area_code,
                number_type,
            })
        }
        (Some(_), Some(_)) => Err(ApiError::invalid_field(
            "area_code",
            "ambiguous_target",
            "give either phone_number or area_code, not both",
        )),
        (None, None) => Err(ApiError::invalid_field(
            "phone_number",
            "missing_target",
            "give phone_number, or area_code for the first available number",
        )),
    }
}

const PHONE_NUMBER: &str = <PhoneNumber as cqrs_es::Aggregate>::TYPE;

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Numbers")]
impl NumbersApi {
    /// Provision a dedicated number for an organization
    #[oai(
        path = "/organizations/:id/numbers",
        method = "post",
        operation_id = "provisionNumber"
    )]
    async fn provision(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: AdminKey,
        ctx: Data<&RequestContext>,
        id: Path<String>,
        body: Json<ProvisionNumber>,
    ) -> Result<ProvisionResponse, ApiError> {
        let id = organization_id(&id.0)?;
        let target = provision_target(body.0)?;
        let number = state.app.provision_number(id, target, ctx.0).await?;
        settle(state.0, PHONE_NUMBER, number.phone_number.as_str()).await;
        Ok(ProvisionResponse::Created(Json(number.into())))
    }

    /// List an organization's numbers
    #[oai(
        path = "/organizations/:id/numbers",
        method = "get",
        operation_id = "listNumbers"
    )]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: AdminKey,
        id: Path<String>,
    ) -> Result<ListResponse, ApiError> {
        let id = organization_id(&id.0)?;
        let numbers = state.app.organization_numbers(id).await?;
        Ok(ListResponse::Ok(Json(NumberList {
            items: numbers.into_iter().map(Into::into).collect(),
        })))
    }

    /// Release a number at the provider
    #[oai(
        path = "/organizations/:id/numbers/:phone_number",
        method = "delete",
        operation_id = "releaseNumber"
    )]
    async fn release(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: AdminKey,
        ctx: Data<&RequestContext>,
        id: Path<String>,
        phone_number: Path<String>,
    ) -> Result<ReleaseResponse, ApiError> {
        let id = organization_id(&id.0)?;
        let number = params::phone_number(&phone_number.0)?;
        state.app.release_number(id, &number, ctx.0).await?;
        settle(state.0, PHONE_NUMBER, number.as_str()).await;
        Ok(ReleaseResponse::Released)
    }

    /// Re-apply our webhook URLs to a number at the provider
    #[oai(
        path = "/organizations/:id/numbers/:phone_number/webhooks",
        method = "post",
        operation_id = "reconfigureWebhooks"
    )]
    async fn reconfigure(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: AdminKey,
        ctx: Data<&RequestContext>,
        id: Path<String>,
        phone_number: Path<String>,
    ) -> Result<NumberResponse, ApiError> {
        let id = organization_id(&id.0)?;
        let number = params::phone_number(&phone_number.0)?;
        let details = state.app.reconfigure_webhooks(id, &number, ctx.0).await?;
        settle(state.0, PHONE_NUMBER, number.as_str()).await;
        Ok(NumberResponse::Ok(Json(details.into())))
    }

    /// Get a number's routing entry, now or at a moment (who owned it then)
    #[oai(
        path = "/numbers/:phone_number",
        method = "get",
        operation_id = "getRoutingEntry"
    )]
    async fn routing(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: AdminKey,
        phone_number: Path<String>,
        /// Answer as the number stood at this moment (RFC 3339), folded from its events
        /// recorded until then; 404 if it had not been provisioned by then.
        as_of: Query<Option<DateTime<Utc>>>,
    ) -> Result<RoutingResponse, ApiError> {
        let number = params::phone_number(&phone_number.0)?;
        if let Some(as_of) = as_of.0 {
            let then = state.app.number_as_of(&number, as_of).await?;
            return Ok(RoutingResponse::Ok(Json(RoutingEntryView {
                phone_number: then.phone_number.to_string(),
                organization_id: then.organization_id.to_string(),
                status: if then.active { "active" } else { "released" }.into(),
                provider: then.provider,
                provider_sid: then.provider_sid,
                sms_url: then.webhooks.sms_url,
                status_callback: then.webhooks.status_callback,
                updated_at: then.updated_at.to_rfc3339(),
            })));
        }
        let entry =
            switchboard_projections::RoutingTable::find(state.projector.pool(), number.as_str())
                .await
                .map_err(|e| AppError::Store(StoreError::from_error(e)))?
                .ok_or(AppError::NumberNotHeld(number.to_string()))?;
        Ok(RoutingResponse::Ok(Json(RoutingEntryView {
            phone_number: entry.phone_number,
            organization_id: entry.organization_id,
            status: entry.status,
            provider: entry.provider,
            provider_sid: entry.provider_sid,
            sms_url: entry.sms_url,
            status_callback: entry.status_callback,
            updated_at: entry.updated_at,
        })))
    }
}
