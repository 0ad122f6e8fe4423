//! `/v1/organizations/{id}/messages`: send; list, newest first.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use switchboard_application::ports::StoreError;
use switchboard_application::{AppError, RequestContext, SendMessage};
use switchboard_domain::message::Message;
use switchboard_domain::{Channel, ChannelAddress, E164};
use switchboard_projections::MessagesView;

use super::params::{organization_id, page_cursor, page_limit, settle};
use super::ApiTags;
use crate::auth::AdminKey;
use crate::problem::ApiError;
use crate::state::AppState;

/// A message.
#[derive(Debug, Object)]
pub struct MessageView {
    /// The provider's MessageSid.
    pub message_sid: String,
    /// `inbound` or `outbound`.
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
    /// Current status: `received` for inbound; for outbound `queued`, `sent`, `delivered`,
    /// `read`, `failed`, `undelivered`… (it only moves forward).
    pub status: String,
    /// Inbound: what the rules decided (`accepted`, `refused_quota`, `opted_out`, `keyword`,
    /// `joined`, `unknown_join_code`, `unrouted`).
    pub outcome: Option<String>,
    /// Twilio's `ErrorCode` of a failed delivery.
    pub error_code: Option<i64>,
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

/// Body of `POST /v1/organizations/{id}/messages`.
#[derive(Debug, Object)]
pub struct SendMessageRequest {
    /// The customer, E.164 (without a channel prefix).
    pub to: String,
    /// Free-form text, at most 1600 characters.
    pub body: Option<String>,
    /// `sms` or `whatsapp`.
    pub channel: String,
    /// An approved WhatsApp template (`HX…`); required on WhatsApp more than 24 hours after the
    /// customer's last message.
    pub content_sid: Option<String>,
    /// The template's variables, e.g. `{"1": "Ana"}`.
    pub content_variables: Option<std::collections::BTreeMap<String, String>>,
    /// Media URLs (at most 10).
    pub media_urls: Option<Vec<String>>,
}

/// A message accepted by the provider.
#[derive(Debug, Object)]
pub struct SentMessageView {
    /// The provider's MessageSid.
    pub message_sid: String,
    /// `outbound`.
    pub direction: String,
    /// `sms` or `whatsapp`.
    pub channel: String,
    /// Our number (`whatsapp:`-prefixed on WhatsApp).
    pub from: String,
    /// The customer.
    pub to: String,
    /// Text.
    pub body: Option<String>,
    /// The template used.
    pub content_sid: Option<String>,
    /// Media URLs.
    pub media_urls: Vec<String>,
    /// The status now (usually `queued`).
    pub status: String,
}

#[derive(ApiResponse)]
enum SendResponse {
    /// Accepted by the provider; status callbacks will follow.
    #[oai(status = 201)]
    Created(Json<SentMessageView>),
}

fn send_request(body: SendMessageRequest) -> Result<SendMessage, ApiError> {
    let channel = match body.channel.trim().to_ascii_lowercase().as_str() {
        "sms" => Channel::Sms,
        "whatsapp" => Channel::Whatsapp,
        _ => {
            return Err(ApiError::invalid_field(
                "channel",
                "unknown_channel",
                "channel is sms or whatsapp",
            ))
        }
    };
    let number = E164::parse(&body.to)
        .map_err(|e| ApiError::invalid_field("to", "invalid_phone_number", e.to_string()))?;
    let text = body.body.filter(|b| !b.is_empty());
    if text.as_ref().is_some_and(|b| b.chars().count() > 1600) {
        return Err(ApiError::invalid_field(
            "body",
            "body_too_long",
            "at most 1600 characters",
        ));
    }
    let media_urls = body.media_urls.unwrap_or_default();
    if media_urls.len() > 10 {
        return Err(ApiError::invalid_field(
            "media_urls",
            "too_many_media",
            "at most 10 media URLs",
        ));
    }
    if let Some(bad) = media_urls.iter().find(|u| url::Url::parse(u).is_err()) {
        return Err(ApiError::invalid_field(
            "media_urls",
            "invalid_url",
            format!("`{bad}` is not a URL"),
        ));
    }
    let content_sid = body.content_sid.filter(|c| !c.is_empty());
    if text.is_none() && media_urls.is_empty() && content_sid.is_none() {
        return Err(ApiError::invalid_field(
            "body",
            "missing_content",
            "give body, media_urls or content_sid",
        ));
    }
    let content_variables = body
        .content_variables
        .map(|vars| serde_json::to_string(&vars).unwrap_or_default());
    Ok(SendMessage {
        to: ChannelAddress { channel, number },
        body: text,
        media_urls,
        content_sid,
        content_variables,
    })
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
        operation_id = "sendMessage"
    )]
    async fn send(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: AdminKey,
        ctx: Data<&RequestContext>,
        id: Path<String>,
        body: Json<SendMessageRequest>,
    ) -> Result<SendResponse, ApiError> {
        let id = organization_id(&id.0)?;
        let send = send_request(body.0)?;
        let sent = state.app.send_message(id, send, ctx.0).await?;
        settle(state.0, MESSAGE, sent.message_sid.as_str()).await;
        Ok(SendResponse::Created(Json(SentMessageView {
            message_sid: sent.message_sid.to_string(),
            direction: "outbound".into(),
            channel: sent.message.channel.to_string(),
            from: sent.message.from,
            to: sent.message.to,
            body: sent.message.body,
            content_sid: sent.message.content_sid,
            media_urls: sent.message.media_urls,
            status: sent.status.to_string(),
        })))
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
                    outcome: m.outcome,
                    error_code: m.error_code,
                    created_at: m.created_at,
                })
                .collect(),
            next_cursor: page.next_cursor.map(|c| c.to_string()),
        })))
    }
}
