//! The body of `POST /v1/organizations/{id}/messages`, read into a send.

use std::collections::BTreeMap;

use poem_openapi::Object;
use switchboard_application::SendMessage;
use switchboard_domain::{ChannelAddress, E164};

use super::super::types::{not_null, Channel, Choice, PresenceRule, Text};
use crate::problem::ApiError;

/// Body of `POST /v1/organizations/{id}/messages`: at least one of `body`, `media_urls` or
/// `content_sid`.
#[derive(Debug, Object)]
pub struct SendMessageRequest {
    /// The customer, E.164 (without a channel prefix).
    #[oai(validator(pattern = "^\\+[1-9][0-9]{7,14}$"))]
    pub to: Text,
    /// Free-form text, 1 to 1600 characters.
    #[oai(
        deserialize_with = "not_null",
        validator(min_length = 1, max_length = 1600)
    )]
    pub body: Option<Text>,
    /// The channel.
    pub channel: Choice<Channel>,
    /// An approved WhatsApp template (`HX` and 32 hex digits); required on WhatsApp more than 24
    /// hours after the customer's last message.
    #[oai(
        deserialize_with = "not_null",
        validator(pattern = "^HX[0-9a-fA-F]{32}$")
    )]
    pub content_sid: Option<Text>,
    /// The template's variables, e.g. `{"1": "Ana"}`.
    #[oai(deserialize_with = "not_null")]
    pub content_variables: Option<BTreeMap<String, Text>>,
    /// Media to attach: 1 to 10 `http`/`https` URLs without blanks, each at most 2048
    /// characters.
    #[oai(
        deserialize_with = "not_null",
        validator(
            min_items = 1,
            max_items = 10,
            max_length = 2048,
            pattern = "^https?://[^\\t\\n\\x0B\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+$"
        )
    )]
    pub media_urls: Option<Vec<Text>>,
}

/// Something to send: `body`, `media_urls` or `content_sid`, at least one.
pub struct SomeContent;

impl PresenceRule for SomeContent {
    const EXACTLY_ONE: bool = false;
    const MEMBERS: &'static [&'static str] = &["body", "media_urls", "content_sid"];
}

/// The send the body asks for (its members' spec validators already hold).
///
/// # Errors
/// 422 `unknown_channel`, `invalid_phone_number` or `missing_content`, naming the field.
pub fn send_request(body: SendMessageRequest) -> Result<SendMessage, ApiError> {
    let channel = body.channel.known(|text| {
        ApiError::invalid_field(
            "channel",
            "unknown_channel",
            format!("`{text}` is not a channel: sms or whatsapp"),
        )
    })?;
    let number = E164::parse_canonical(body.to.as_ref())
        .map_err(|e| ApiError::invalid_field("to", "invalid_phone_number", e.to_string()))?;
    let media_urls: Vec<String> = body
        .media_urls
        .unwrap_or_default()
        .into_iter()
        .map(Text::into_string)
        .collect();
    if body.body.is_none() && media_urls.is_empty() && body.content_sid.is_none() {
        return Err(ApiError::invalid_field(
            "body",
            "missing_content",
            "give body, media_urls or content_sid",
        ));
    }
    let content_variables = body.content_variables.map(|vars| {
        let vars: BTreeMap<String, String> = vars
            .into_iter()
            .map(|(k, v)| (k, v.into_string()))
            .collect();
        serde_json::to_string(&vars).unwrap_or_default()
    });
    Ok(SendMessage {
        to: ChannelAddress {
            channel: channel.into(),
            number,
        },
        body: body.body.map(Text::into_string),
        media_urls,
        content_sid: body.content_sid.map(Text::into_string),
        content_variables,
    })
}
