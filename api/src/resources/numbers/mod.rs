//! `/v1/organizations/{id}/numbers` and `/v1/numbers/{phone_number}`.

mod requests;
mod views;

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use switchboard_application::ports::StoreError;
use switchboard_application::{AppError, RequestContext};
use switchboard_domain::phone_number::PhoneNumber as PhoneNumberAggregate;

pub use requests::{area_code_in, provision_target, OneTarget, ProvisionNumber};
pub use views::{NumberList, NumberView, RoutingEntryView};

use super::params::settle;
use super::types::{OrganizationIdParam, PhoneNumber, Requiring};
use super::ApiTags;
use crate::auth::ApiKey;
use crate::idempotency::idempotent;
use crate::problem::status::{
    AUTHENTICATED, BAD_REQUEST, CONFLICT, JSON_BODY, NOT_FOUND, UNPROCESSABLE,
};
use crate::problem::{ApiError, Problems};
use crate::state::AppState;

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

const PHONE_NUMBER: &str = <PhoneNumberAggregate as cqrs_es::Aggregate>::TYPE;

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Numbers")]
impl NumbersApi {
    /// Provision a dedicated number for an organization
    #[oai(
        path = "/organizations/:id/numbers",
        method = "post",
        operation_id = "provisionNumber",
        transform = "idempotent"
    )]
    async fn provision(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        ctx: Data<&RequestContext>,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
        /// Makes a retry safe: the same key with the same request answers the first response
        /// again (with `Idempotent-Replayed: true`) without acting twice; with another request,
        /// 422 `idempotency_key_reused`; while the first still runs, 409
        /// `idempotency_key_in_progress`. 1 to 255 visible ASCII characters, kept 24 hours, per
        /// organization (IETF draft "The Idempotency-Key HTTP Header Field").
        #[oai(
            name = "Idempotency-Key",
            validator(max_length = 255, pattern = "^[!-~]+$")
        )]
        _idempotency_key: Header<Option<String>>,
        body: Json<Requiring<ProvisionNumber, OneTarget>>,
    ) -> Result<ProvisionResponse, Problems<{ AUTHENTICATED | JSON_BODY | NOT_FOUND | CONFLICT }>>
    {
        let target = requests::provision_target(body.0.into_inner())?;
        let number = state.app.provision_number(id.0 .0, target, ctx.0).await?;
        settle(state.0, PHONE_NUMBER, number.phone_number.as_str()).await;
        Ok(ProvisionResponse::Created(Json(number.try_into()?)))
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
        _auth: ApiKey,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
    ) -> Result<ListResponse, Problems<{ AUTHENTICATED | BAD_REQUEST | NOT_FOUND }>> {
        let numbers = state.app.organization_numbers(id.0 .0).await?;
        Ok(ListResponse::Ok(Json(NumberList {
            items: numbers
                .into_iter()
                .map(NumberView::try_from)
                .collect::<Result<_, _>>()?,
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
        _auth: ApiKey,
        ctx: Data<&RequestContext>,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
        /// The number, E.164.
        phone_number: Path<PhoneNumber>,
    ) -> Result<
        ReleaseResponse,
        Problems<{ AUTHENTICATED | BAD_REQUEST | NOT_FOUND | UNPROCESSABLE }>,
    > {
        let number = phone_number.0 .0;
        state.app.release_number(id.0 .0, &number, ctx.0).await?;
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
        _auth: ApiKey,
        ctx: Data<&RequestContext>,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
        /// The number, E.164.
        phone_number: Path<PhoneNumber>,
    ) -> Result<NumberResponse, Problems<{ AUTHENTICATED | BAD_REQUEST | NOT_FOUND | UNPROCESSABLE }>>
    {
        let number = phone_number.0 .0;
        let details = state
            .app
            .reconfigure_webhooks(id.0 .0, &number, ctx.0)
            .await?;
        settle(state.0, PHONE_NUMBER, number.as_str()).await;
        Ok(NumberResponse::Ok(Json(details.try_into()?)))
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
        _auth: ApiKey,
        /// The number, E.164.
        phone_number: Path<PhoneNumber>,
        /// Answer as the number stood at this moment (RFC 3339), folded from its events recorded
        /// until then; 404 if it had not been provisioned by then.
        as_of: Query<Option<chrono::DateTime<chrono::Utc>>>,
    ) -> Result<RoutingResponse, Problems<{ AUTHENTICATED | BAD_REQUEST | NOT_FOUND }>> {
        let number = phone_number.0 .0;
        if let Some(as_of) = as_of.0 {
            let then = state.app.number_as_of(&number, as_of).await?;
            let entry = switchboard_projections::RoutingEntry {
                phone_number: then.phone_number.to_string(),
                organization_id: then.organization_id.to_string(),
                status: match (then.active, then.lost) {
                    (true, _) => "active",
                    (false, true) => "lost",
                    (false, false) => "released",
                }
                .into(),
                provider: then.provider,
                provider_sid: then.provider_sid,
                sms_url: then.webhooks.sms_url,
                status_callback: then.webhooks.status_callback,
                updated_at: then.updated_at.to_rfc3339(),
            };
            return Ok(RoutingResponse::Ok(Json(entry.try_into()?)));
        }
        let entry =
            switchboard_projections::RoutingTable::find(state.projector.pool(), number.as_str())
                .await
                .map_err(|e| ApiError::from(AppError::Store(StoreError::from_error(e))))?
                .ok_or(AppError::NumberNotHeld(number.to_string()))?;
        Ok(RoutingResponse::Ok(Json(entry.try_into()?)))
    }
}
