//! `/v1/organizations/{id}/messages`: send; list, newest first.

mod requests;
mod views;

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use switchboard_application::ports::StoreError;
use switchboard_application::{AppError, RequestContext};
use switchboard_domain::message::Message;
use switchboard_projections::MessagesView;

pub use requests::{SendMessageRequest, SomeContent};
pub use views::{MessagePage, MessageView, SentMessageView};

use super::params::{default_page_size, page_cursor, settle};
use super::types::{OrganizationIdParam, Requiring};
use super::ApiTags;
use crate::auth::ApiKey;
use crate::idempotency::idempotent;
use crate::problem::status::{AUTHENTICATED, BAD_REQUEST, CONFLICT, JSON_BODY, NOT_FOUND};
use crate::problem::{ApiError, Problems};
use crate::state::AppState;

#[derive(ApiResponse)]
enum SendResponse {
    /// Accepted by the provider; status callbacks will follow.
    #[oai(status = 201)]
    Created(Json<SentMessageView>),
}

#[derive(ApiResponse)]
enum ListResponse {
    /// A page.
    #[oai(status = 200)]
    Ok(Json<MessagePage>),
}

/// Messages.
pub struct MessagesApi;

const MESSAGE: &str = <Message as cqrs_es::Aggregate>::TYPE;

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Messages")]
impl MessagesApi {
    /// Send a message from the organization's number (SMS or WhatsApp)
    #[oai(
        path = "/organizations/:id/messages",
        method = "post",
        operation_id = "sendMessage",
        transform = "idempotent"
    )]
    async fn send(
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
        body: Json<Requiring<SendMessageRequest, SomeContent>>,
    ) -> Result<SendResponse, Problems<{ AUTHENTICATED | JSON_BODY | NOT_FOUND | CONFLICT }>> {
        let send = requests::send_request(body.0.into_inner())?;
        let sent = state.app.send_message(id.0 .0, send, ctx.0).await?;
        settle(state.0, MESSAGE, sent.message_sid.as_str()).await;
        Ok(SendResponse::Created(Json(sent.into())))
    }

    /// List an organization's messages, newest first
    #[oai(
        path = "/organizations/:id/messages",
        method = "get",
        operation_id = "listMessages"
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
        let page = MessagesView::list(state.projector.pool(), &id.to_string(), limit.0, cursor)
            .await
            .map_err(|e| ApiError::from(AppError::Store(StoreError::from_error(e))))?;
        Ok(ListResponse::Ok(Json(MessagePage {
            items: page
                .items
                .into_iter()
                .map(MessageView::try_from)
                .collect::<Result<_, _>>()?,
            next_cursor: page.next_cursor.map(|c| c.to_string()),
        })))
    }
}
