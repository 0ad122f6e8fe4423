//! `/v1/organizations/{id}/customers/{address}`: erase a customer's personal data
//! (crypto-shredding plus blanking the read models) and export everything held about them.

use std::sync::Arc;
use std::time::Duration;

use poem::http::StatusCode;
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use switchboard_application::ports::StoreError;
use switchboard_application::{AppError, RequestContext};
use switchboard_domain::conversation::conversation_id;
use switchboard_domain::privacy::CustomerPrivacy;
use switchboard_domain::{ChannelAddress, OrganizationId};
use switchboard_projections::CustomerData;

use super::customer_dtos::{CustomerExport, ErasureView};
use super::types::OrganizationIdParam;
use super::ApiTags;
use crate::auth::ApiKey;
use crate::problem::status::{AUTHENTICATED, BAD_REQUEST, NOT_FOUND};
use crate::problem::{ApiError, Problem, Problems};
use crate::state::AppState;

/// How long an erasure waits for the projector to blank the read models before answering 202.
const ERASE_WAIT: Duration = Duration::from_secs(5);

#[derive(ApiResponse)]
enum EraseResponse {
    /// Erased: the customer's data keys are deleted and every read model has blanked their data.
    #[oai(status = 200)]
    Erased(Json<ErasureView>),
    /// Erased in the event store; the read models blank the data as soon as the projector
    /// reaches the erasure.
    #[oai(status = 202)]
    Accepted(Json<ErasureView>),
}

#[derive(ApiResponse)]
enum ExportResponse {
    /// Everything held about the customer.
    #[oai(status = 200)]
    Ok(Json<CustomerExport>),
}

/// Customers' personal data.
pub struct CustomersApi;

fn store(error: impl std::fmt::Display) -> ApiError {
    AppError::Store(StoreError::from_error(error)).into()
}

/// The `{address}` segment as a customer address, written as Twilio writes it.
fn customer(address: &str) -> Result<String, ApiError> {
    ChannelAddress::parse(address)
        .map(|a| a.to_string())
        .map_err(|_| {
            ApiError::bad_parameter(
                "address",
                "invalid_address",
                format!("`{address}` is not `+E164` or `whatsapp:+E164` (URL-encoded)"),
            )
        })
}

fn customer_not_found() -> ApiError {
    ApiError::from_problem(
        Problem::new(
            StatusCode::NOT_FOUND,
            "customer_not_found",
            "this organization holds nothing about that customer",
        )
        .with_field("address"),
    )
}

/// What the read models hold about the customer; 404 `customer_not_found` when neither they nor
/// the aggregates know the customer.
async fn held(
    state: &AppState,
    organization: OrganizationId,
    address: &str,
) -> Result<(CustomerData, switchboard_application::CustomerState), ApiError> {
    let data = CustomerData::of(state.projector.pool(), &organization.to_string(), address)
        .await
        .map_err(store)?;
    let known = state.app.customer_state(organization, address).await?;
    if data.is_empty() && known.is_unknown() {
        return Err(customer_not_found());
    }
    Ok((data, known))
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Organizations")]
impl CustomersApi {
    /// Erase a customer's personal data: bodies, media, profile and caller names, voicemails
    #[oai(
        path = "/organizations/:id/customers/:address/erase",
        method = "post",
        operation_id = "eraseCustomer"
    )]
    async fn erase(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        ctx: Data<&RequestContext>,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
        /// The customer: `+E164` or `whatsapp:+E164`, URL-encoded (`whatsapp%3A%2B1555…`).
        #[oai(validator(pattern = r"^(whatsapp:)?\+[1-9][0-9]{7,14}$"))]
        address: Path<String>,
    ) -> Result<EraseResponse, Problems<{ AUTHENTICATED | BAD_REQUEST | NOT_FOUND }>> {
        let organization = id.0 .0;
        let address = customer(&address.0)?;
        // A deleted organization's customers can still be erased.
        state.app.organization_ever_existed(organization).await?;
        held(&state, organization, &address).await?;
        let erasure = state
            .app
            .erase_customer(organization, &address, ctx.0)
            .await?;
        let keys_deleted = state
            .database
            .customer_keys()
            .erase(&organization.to_string(), &address)
            .await
            .map_err(AppError::Store)?;
        let stream = conversation_id(organization, &address);
        let position = state
            .log
            .last_position_of(<CustomerPrivacy as cqrs_es::Aggregate>::TYPE, &stream)
            .await
            .map_err(AppError::Store)?;
        let read_models_erased = match position {
            Some(position) => state
                .projector
                .wait_for(position, ERASE_WAIT)
                .await
                .map_err(store)?,
            None => false,
        };
        let view = ErasureView {
            organization_id: organization.as_uuid(),
            address,
            erased_at: erasure.erased_at,
            erasures: erasure.erasures,
            keys_deleted,
            read_models_erased,
        };
        Ok(if read_models_erased {
            EraseResponse::Erased(Json(view))
        } else {
            EraseResponse::Accepted(Json(view))
        })
    }

    /// Export everything held about a customer as JSON
    #[oai(
        path = "/organizations/:id/customers/:address/export",
        method = "get",
        operation_id = "exportCustomer"
    )]
    async fn export(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        /// The organization's id.
        id: Path<OrganizationIdParam>,
        /// The customer: `+E164` or `whatsapp:+E164`, URL-encoded (`whatsapp%3A%2B1555…`).
        #[oai(validator(pattern = r"^(whatsapp:)?\+[1-9][0-9]{7,14}$"))]
        address: Path<String>,
    ) -> Result<ExportResponse, Problems<{ AUTHENTICATED | BAD_REQUEST | NOT_FOUND }>> {
        let organization = id.0 .0;
        let address = customer(&address.0)?;
        state.app.organization(organization).await?;
        let (data, known) = held(&state, organization, &address).await?;
        Ok(ExportResponse::Ok(Json(CustomerExport {
            organization_id: organization.as_uuid(),
            address,
            exported_at: chrono::Utc::now(),
            opted_out: known.opted_out,
            last_inbound_at: known.last_inbound_at,
            joined_shared_number: known.joined_shared_number,
            last_erased_at: known.last_erased_at,
            messages: data
                .messages
                .into_iter()
                .map(TryInto::try_into)
                .collect::<Result<_, _>>()?,
            calls: data
                .calls
                .into_iter()
                .map(TryInto::try_into)
                .collect::<Result<_, _>>()?,
            conversations: data
                .conversations
                .into_iter()
                .map(TryInto::try_into)
                .collect::<Result<_, _>>()?,
            deliveries: data
                .deliveries
                .into_iter()
                .map(TryInto::try_into)
                .collect::<Result<_, _>>()?,
        })))
    }
}
