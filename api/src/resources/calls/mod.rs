//! `/v1/organizations/{id}/calls`: inbound calls, newest first.

mod views;

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use switchboard_application::ports::StoreError;
use switchboard_application::AppError;
use switchboard_projections::CallsView;

pub use views::{CallPage, CallView};

use super::params::{default_page_size, page_cursor};
use super::types::OrganizationIdParam;
use super::ApiTags;
use crate::auth::ApiKey;
use crate::problem::status::{AUTHENTICATED, BAD_REQUEST, NOT_FOUND};
use crate::problem::{ApiError, Problems};
use crate::state::AppState;

#[derive(ApiResponse)]
enum ListResponse {
    /// A page.
    #[oai(status = 200)]
    Ok(Json<CallPage>),
}

/// Calls.
pub struct CallsApi;

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Calls")]
impl CallsApi {
    /// List an organization's inbound calls, newest first
    #[oai(
        path = "/organizations/:id/calls",
        method = "get",
        operation_id = "listCalls"
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
        let id = id.0 .0;
        let cursor = page_cursor(cursor.0)?;
        state.app.organization(id).await?;
        let page = CallsView::list(state.projector.pool(), &id.to_string(), limit.0, cursor)
            .await
            .map_err(|e| ApiError::from(AppError::Store(StoreError::from_error(e))))?;
        Ok(ListResponse::Ok(Json(CallPage {
            items: page
                .items
                .into_iter()
                .map(CallView::try_from)
                .collect::<Result<_, _>>()?,
            next_cursor: page.next_cursor.map(|c| c.to_string()),
        })))
    }
}
