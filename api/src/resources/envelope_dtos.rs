//! The envelope delivered to endpoints and streamed to dashboards, as the OpenAPI document
//! describes it: `{"type", "timestamp", "data"}` (the Standard Webhooks payload shape).

use poem_openapi::Object;

use super::types::Described;

use super::endpoint_dtos::EventTypeName;

/// A media attachment of an inbound message.
#[derive(Clone, Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct EnvelopeMedia {
    /// Where the provider serves it.
    pub url: String,
    /// Its MIME type, when the provider gave one.
    pub content_type: Option<String>,
}

/// `data` of an envelope. Which fields a type carries:
/// - `message.received`: `organization_id`, `message_sid`, `from`, `to`, `channel`, `body`,
///   `media`, `profile_name` (WhatsApp), `status` (`received`), `outcome`, `replies`;
/// - `message.sent`: `organization_id`, `message_sid`, `from`, `to`, `channel`, `body`, `media`,
///   `status`;
/// - `message.status`: `organization_id`, `message_sid`, `from`, `to`, `channel`, `status`,
///   `error_code` (on `failed`/`undelivered`);
/// - `number.provisioned`: `organization_id`, `phone_number`, `provider`, `provider_sid`,
///   `capabilities`, `status` (`active`);
/// - `number.released`: `organization_id`, `phone_number`, `status` (`released`);
/// - `call.received`: `organization_id`, `call_sid`, `from`, `to`, `caller_name` (when looked
///   up), `status` (`ringing`…), `outcome` (`forwarded`, `voicemail`, `hangup`), `forwarded_to`;
/// - `call.completed`: `organization_id`, `call_sid`, `from`, `to`, `status` (`completed`,
///   `busy`, `no-answer`, `failed`, `canceled`), `duration_secs`;
/// - `call.voicemail`: `organization_id`, `call_sid`, `from`, `to`, `recording_sid`,
///   `recording_url`, `duration_secs`.
#[derive(Clone, Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct EnvelopeData {
    /// The organization.
    pub organization_id: uuid::Uuid,
    /// Twilio's MessageSid (message types).
    pub message_sid: Option<String>,
    /// Sender: the customer for inbound, our number for outbound (`whatsapp:`-prefixed on
    /// WhatsApp).
    pub from: Option<String>,
    /// Recipient.
    pub to: Option<String>,
    /// `sms` or `whatsapp`.
    pub channel: Option<String>,
    /// Text.
    pub body: Option<String>,
    /// Attachments.
    pub media: Option<Vec<EnvelopeMedia>>,
    /// WhatsApp profile name of the customer.
    pub profile_name: Option<String>,
    /// The message's status (`received`, `queued`, `sent`, `delivered`, `read`, `failed`,
    /// `undelivered`…) or the number's (`active`, `released`).
    pub status: Option<String>,
    /// `message.received`: what the rules decided (`accepted`, `refused_quota`, `opted_out`,
    /// `keyword`, `joined`, `unknown_join_code`).
    pub outcome: Option<String>,
    /// `message.received`: the replies we sent in the TwiML answer, in order.
    pub replies: Option<Vec<String>>,
    /// `message.status`: Twilio's `ErrorCode`.
    pub error_code: Option<u32>,
    /// Number types: the number, E.164.
    pub phone_number: Option<String>,
    /// `number.provisioned`: `twilio`, `signalwire` or `sandbox`.
    pub provider: Option<String>,
    /// `number.provisioned`: the provider's SID of the number.
    pub provider_sid: Option<String>,
    /// `number.provisioned`: what the number can do.
    pub capabilities: Option<Described<EnvelopeCapabilities>>,
    /// Call types: Twilio's CallSid.
    pub call_sid: Option<String>,
    /// `call.received`: the caller's name (CNAM), when looked up.
    pub caller_name: Option<String>,
    /// `call.received`: where the call was put through, E.164.
    pub forwarded_to: Option<String>,
    /// `call.completed`: the call's length; `call.voicemail`: the recording's, in seconds.
    pub duration_secs: Option<u32>,
    /// `call.voicemail`: Twilio's RecordingSid.
    pub recording_sid: Option<String>,
    /// `call.voicemail`: where the provider serves the recording.
    pub recording_url: Option<String>,
}

/// What a number can do.
#[derive(Clone, Debug, Object)]
pub struct EnvelopeCapabilities {
    /// SMS.
    pub sms: bool,
    /// MMS.
    pub mms: bool,
    /// Voice.
    pub voice: bool,
}

/// One delivered fact: the JSON body of every delivery (signed with the Standard Webhooks
/// headers `webhook-id`, `webhook-timestamp`, `webhook-signature`) and of every live-stream
/// event.
#[derive(Clone, Debug, Object)]
pub struct Envelope {
    /// The type.
    #[oai(rename = "type")]
    pub event_type: Described<EventTypeName>,
    /// When it happened (RFC 3339).
    pub timestamp: chrono::DateTime<chrono::Utc>,
    /// The type's data.
    pub data: Described<EnvelopeData>,
    /// The global log position (the SSE `id:`), not part of the JSON.
    #[oai(skip)]
    pub position: i64,
}

impl Envelope {
    /// A placeholder for a stored body that no longer parses (never expected: bodies are
    /// written by this server).
    pub fn empty() -> Self {
        Self {
            event_type: Described(EventTypeName::MessageReceived),
            timestamp: chrono::DateTime::default(),
            data: Described(EnvelopeData {
                organization_id: uuid::Uuid::nil(),
                message_sid: None,
                from: None,
                to: None,
                channel: None,
                body: None,
                media: None,
                profile_name: None,
                status: None,
                outcome: None,
                replies: None,
                error_code: None,
                phone_number: None,
                provider: None,
                provider_sid: None,
                capabilities: None,
                call_sid: None,
                caller_name: None,
                forwarded_to: None,
                duration_secs: None,
                recording_sid: None,
                recording_url: None,
            }),
            position: 0,
        }
    }
}

impl Envelope {
    /// Reads an envelope as this server writes it (the JSON of every delivery and stream event).
    ///
    /// # Errors
    /// Text that is not such an envelope.
    pub fn parse(body: &str) -> Result<Self, String> {
        let value: serde_json::Value = serde_json::from_str(body).map_err(|e| e.to_string())?;
        <Self as poem_openapi::types::ParseFromJSON>::parse_from_json(Some(value))
            .map_err(|e| e.into_message())
    }
}
