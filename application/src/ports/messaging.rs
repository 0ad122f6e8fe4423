//! The messaging half of the `TelephonyProvider` port: sending a message through Twilio's
//! Messages API (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, REFERENCE §1.4).

use serde::Serialize;

/// An outbound message as the provider is asked to send it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutboundRequest {
    /// Twilio's `From`: our number, `whatsapp:`-prefixed on WhatsApp.
    pub from: String,
    /// Twilio's `To`: the customer, `whatsapp:`-prefixed on WhatsApp.
    pub to: String,
    /// Twilio's `Body` (≤ 1600 characters); absent when sending a template or media only.
    pub body: Option<String>,
    /// Twilio's `MediaUrl`, repeated (≤ 10).
    pub media_urls: Vec<String>,
    /// Twilio's `ContentSid` (`HX…`): an approved WhatsApp template.
    pub content_sid: Option<String>,
    /// Twilio's `ContentVariables`: a JSON object as a string, e.g. `{"1":"Ana"}`.
    pub content_variables: Option<String>,
    /// Twilio's `StatusCallback`: where status changes are posted.
    pub status_callback: String,
}

/// What the provider answered to a send (the `api.v2010.account.message` resource).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SentMessage {
    /// The new MessageSid (`SM…`).
    pub message_sid: String,
    /// The initial status, usually `queued` (or `accepted` with a Messaging Service).
    pub status: String,
}
