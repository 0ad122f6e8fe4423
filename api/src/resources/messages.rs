//! `/v1/organizations/{id}/messages`: an organization's messages, newest first.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use switchboard_application::ports::StoreError;
use switchboard_application::AppError;
use switchboard_projections::MessagesView;

use super::params::{organization_id, page_cursor, page_limit};
use super::ApiTags;
use crate::auth::AdminKey;
use crate::problem::ApiError;
use crate::state::AppState;

/// A message.
#[derive(Debug, Object)]
pub struct MessageView {
    /// The provider's MessageSid.
    pub message_sid: String,
    /// `inbound`.
    pub direction: String,
    /// `sms` or `whatsapp`.
    pub channel: String,
    /// Sender, as Twilio sent it (`whatsapp:+…` on WhatsApp).
    pub from: String,
    /// Recipient.
    pub to: String,
    /// Text.
    pub body: String,
    /// Attached media URLs.
    pub media_urls: Vec<String>,
    /// WhatsApp profile name of the sender.
    pub profile_name: Option<String>,
    /// Current status (`received` for inbound).
    pub status: String,
    /// When it reached us (RFC 3339).
    pub created_at: String,
}

/// A page of messages, newest first.
#[derive(Debug, Object)]
pub struct MessagePage {
    /// The messages.
    pub items: Vec<MessageView>,
    /// Pass as `cursor` for the next (older) page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(ApiResponse)]
enum ListResponse {
    /// A page.
    #[oai(status = 200)]
    Ok(Json<MessagePage>),
}

/// Messages.
pub struct MessagesApi;

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Messages")]
impl MessagesApi {
    /// List an organization's messages, newest first
    #[oai(
        path = "/organizations/:id/messages",
        method = "get",
        operation_id = "listMessages"
    )]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: AdminKey,
        id: Path<String>,
        /// Page size, 1 to 200 (default 50).
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> Result<ListResponse, ApiError> {
        let id = organization_id(&id.0)?;
        let limit = page_limit(limit.0)?;
        let cursor = page_cursor(cursor.0)?;
        state.app.organization(id).await?;
        let page = MessagesView::list(state.projector.pool(), &id.to_string(), limit, cursor)
            .await
            .map_err(|e| AppError::Store(StoreError::from_error(e)))?;
        Ok(ListResponse::Ok(Json(MessagePage {
            items: page
                .items
                .into_iter()
                .map(|m| MessageView {
                    message_sid: m.message_sid,
                    direction: m.direction,
                    channel: m.channel,
                    from: m.from,
                    to: m.to,
                    body: m.body,
                    media_urls: m.media_urls,
                    profile_name: m.profile_name,
                    status: m.status,
                    created_at: m.created_at,
                })
                .collect(),
            next_cursor: page.next_cursor.map(|c| c.to_string()),
        })))
    }
}
