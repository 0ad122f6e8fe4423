//! The envelopes delivered to organizations' endpoints and live streams, built from the global
//! log: `{"type", "timestamp", "data"}` (the Standard Webhooks payload recommendation), one per
//! fact an organization's software cares about.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{json, Value};
use sqlx::AnyConnection;
use switchboard_application::ports::{GlobalLog, RecordedEvent};
use switchboard_domain::call::{CallEvent, InboundCall, VoiceAction};
use switchboard_domain::message::{InboundMessage, InboundOutcome, Media, MessageEvent, Routing};
use switchboard_domain::phone_number::PhoneNumberEvent;
use switchboard_domain::{EventType, MessageStatus, OrganizationId};

use crate::projection::{first_event_of, payload};

/// One deliverable fact.
#[derive(Clone, Debug, PartialEq)]
pub struct Envelope {
    /// Its type.
    pub event_type: EventType,
    /// The organization it belongs to.
    pub organization_id: OrganizationId,
    /// Deliveries with the same key reach an endpoint in log order: the organization and the
    /// customer's address for messages, the number for number events.
    pub conversation_key: String,
    /// The fact's stable identity (`message.received:SM…`), from which each endpoint's
    /// `webhook-id` is derived, so a retry or a replay carries the same id.
    pub event_key: String,
    /// When it happened.
    pub timestamp: DateTime<Utc>,
    /// The type's `data` object.
    pub data: Value,
}

impl Envelope {
    /// Whether a responder endpoint is called synchronously with it: `message.received` of an
    /// accepted message.
    pub fn is_responder_call(&self) -> bool {
        self.event_type == EventType::MessageReceived
            && self.data["outcome"] == InboundOutcome::Accepted.as_str()
    }

    /// The JSON body: `{"type", "timestamp", "data"}`.
    pub fn body(&self) -> String {
        json!({
            "type": self.event_type.as_str(),
            "timestamp": self.timestamp.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "data": self.data,
        })
        .to_string()
    }
}

/// `data` of `message.received`.
#[derive(Serialize)]
struct ReceivedData<'a> {
    organization_id: String,
    message_sid: &'a str,
    from: &'a str,
    to: String,
    channel: &'a str,
    body: &'a str,
    media: &'a [Media],
    #[serde(skip_serializing_if = "Option::is_none")]
    profile_name: Option<&'a str>,
    status: &'static str,
    outcome: &'static str,
    replies: &'a [String],
}

/// The `message.received` envelope of an inbound message routed to `organization_id`.
pub fn message_received(
    organization_id: OrganizationId,
    message: &InboundMessage,
    outcome: &InboundOutcome,
    replies: &[String],
    received_at: DateTime<Utc>,
) -> Envelope {
    let data = ReceivedData {
        organization_id: organization_id.to_string(),
        message_sid: message.message_sid.as_str(),
        from: &message.from,
        to: message.to.to_string(),
        channel: message.channel.as_str(),
        body: &message.body,
        media: &message.media,
        profile_name: message.profile_name.as_deref(),
        status: MessageStatus::Received.as_str(),
        outcome: outcome.as_str(),
        replies,
    };
    Envelope {
        event_type: EventType::MessageReceived,
        organization_id,
        conversation_key: format!("{organization_id}/{}", message.from.trim()),
        event_key: format!("message.received:{}", message.message_sid),
        timestamp: received_at,
        data: serde_json::to_value(data).unwrap_or_default(),
    }
}

/// The envelope an event yields, if any. `event` is read as given (open its sealed fields first,
/// [`GlobalLog::opened`]); the earlier events it reads back are read through `log` and opened
/// when one is given, else as stored (sealed personal fields blank). `InboundOutcomeDecided` yields `message.received`
/// (with the message read back from its `MessageReceived`), so the envelope carries the outcome
/// and replies; `MessageStatusChanged` reads its `MessageSent` for the addresses.
///
/// # Errors
/// The database error, or a payload that does not deserialize.
pub async fn envelope_of(
    conn: &mut AnyConnection,
    event: &RecordedEvent,
    log: Option<&dyn GlobalLog>,
) -> Result<Option<Envelope>, sqlx::Error> {
    match event.aggregate_type.as_str() {
        "Message" => message_envelope(conn, event, log).await,
        "PhoneNumber" => Ok(number_envelope(event)?),
        "Call" => call_envelope(conn, event).await,
        _ => Ok(None),
    }
}

async fn message_envelope(
    conn: &mut AnyConnection,
    event: &RecordedEvent,
    log: Option<&dyn GlobalLog>,
) -> Result<Option<Envelope>, sqlx::Error> {
    let sid = event.aggregate_id.as_str();
    Ok(match payload::<MessageEvent>(event)? {
        MessageEvent::InboundOutcomeDecided {
            outcome, replies, ..
        } => {
            let Some(MessageEvent::MessageReceived {
                message,
                received_at,
                ..
            }) = earlier(conn, log, sid, "MessageReceived").await?
            else {
                return Ok(None);
            };
            let organization_id = match (&message.routing, &outcome) {
                (Routing::Routed { organization_id }, _) => *organization_id,
                (Routing::Unrouted, InboundOutcome::Joined { organization_id }) => *organization_id,
                (Routing::Unrouted, _) => return Ok(None),
            };
            Some(message_received(
                organization_id,
                &message,
                &outcome,
                &replies,
                received_at,
            ))
        }
        MessageEvent::MessageSent {
            message,
            status,
            sent_at,
        } => Some(Envelope {
            event_type: EventType::MessageSent,
            organization_id: message.organization_id,
            conversation_key: format!("{}/{}", message.organization_id, message.to),
            event_key: format!("message.sent:{sid}"),
            timestamp: sent_at,
            data: json!({
                "organization_id": message.organization_id.to_string(),
                "message_sid": sid,
                "from": message.from,
                "to": message.to,
                "channel": message.channel.as_str(),
                "body": message.body.unwrap_or_default(),
                "media": message.media_urls.iter().map(|url| json!({"url": url})).collect::<Vec<_>>(),
                "status": status.as_str(),
            }),
        }),
        MessageEvent::MessageStatusChanged {
            status,
            error_code,
            changed_at,
        } => {
            let Some(MessageEvent::MessageSent { message, .. }) =
                earlier(conn, log, sid, "MessageSent").await?
            else {
                return Ok(None);
            };
            let mut data = json!({
                "organization_id": message.organization_id.to_string(),
                "message_sid": sid,
                "from": message.from,
                "to": message.to,
                "channel": message.channel.as_str(),
                "status": status.as_str(),
            });
            if let Some(code) = error_code {
                data["error_code"] = json!(code);
            }
            Some(Envelope {
                event_type: EventType::MessageStatus,
                organization_id: message.organization_id,
                conversation_key: format!("{}/{}", message.organization_id, message.to),
                event_key: format!("message.status:{sid}:{}", status.as_str()),
                timestamp: changed_at,
                data,
            })
        }
        MessageEvent::MessageReceived { .. } | MessageEvent::ResponderReplied { .. } => None,
    })
}

fn number_envelope(event: &RecordedEvent) -> Result<Option<Envelope>, sqlx::Error> {
    let number = event.aggregate_id.as_str();
    let key = |kind: &str| format!("{kind}:{number}:{}", event.sequence);
    Ok(match payload::<PhoneNumberEvent>(event)? {
        PhoneNumberEvent::NumberProvisioned {
            organization_id,
            provider,
            provider_sid,
            capabilities,
            provisioned_at,
            ..
        } => Some(Envelope {
            event_type: EventType::NumberProvisioned,
            organization_id,
            conversation_key: format!("{organization_id}/{number}"),
            event_key: key("number.provisioned"),
            timestamp: provisioned_at,
            data: json!({
                "organization_id": organization_id.to_string(),
                "phone_number": number,
                "provider": provider,
                "provider_sid": provider_sid,
                "capabilities": {"sms": capabilities.sms, "mms": capabilities.mms, "voice": capabilities.voice},
                "status": "active",
            }),
        }),
        PhoneNumberEvent::NumberReleased {
            organization_id,
            released_at,
            ..
        } => Some(Envelope {
            event_type: EventType::NumberReleased,
            organization_id,
            conversation_key: format!("{organization_id}/{number}"),
            event_key: key("number.released"),
            timestamp: released_at,
            data: json!({
                "organization_id": organization_id.to_string(),
                "phone_number": number,
                "status": "released",
            }),
        }),
        // The organization no longer holds a lost number: told as a release with its status.
        PhoneNumberEvent::NumberLost {
            organization_id,
            lost_at,
            ..
        } => Some(Envelope {
            event_type: EventType::NumberReleased,
            organization_id,
            conversation_key: format!("{organization_id}/{number}"),
            event_key: key("number.released"),
            timestamp: lost_at,
            data: json!({
                "organization_id": organization_id.to_string(),
                "phone_number": number,
                "status": "lost",
            }),
        }),
        PhoneNumberEvent::WebhooksConfigured { .. }
        | PhoneNumberEvent::NumberReleaseRequested { .. } => None,
    })
}

/// The envelope of a call event: `CallAnswered` yields `call.received` (so it carries what the
/// caller heard), `CallCompleted` `call.completed`, `VoicemailRecorded` `call.voicemail`; each
/// reads the call from its `CallReceived`. Unrouted calls yield nothing.
async fn call_envelope(
    conn: &mut AnyConnection,
    event: &RecordedEvent,
) -> Result<Option<Envelope>, sqlx::Error> {
    let sid = event.aggregate_id.as_str();
    let fact = payload::<CallEvent>(event)?;
    if !matches!(
        fact,
        CallEvent::CallAnswered { .. }
            | CallEvent::CallCompleted { .. }
            | CallEvent::VoicemailRecorded { .. }
    ) {
        return Ok(None);
    }
    let Some(CallEvent::CallReceived { call, .. }) =
        first_event_of(conn, "Call", sid, "CallReceived").await?
    else {
        return Ok(None);
    };
    let Routing::Routed { organization_id } = call.routing else {
        return Ok(None);
    };
    let envelope = |event_type: EventType, timestamp, extra: Value| {
        let mut data = call_data(organization_id, &call);
        if let (Some(data), Value::Object(extra)) = (data.as_object_mut(), extra) {
            data.extend(extra);
        }
        Envelope {
            event_type,
            organization_id,
            conversation_key: format!("{organization_id}/{}", call.from.trim()),
            event_key: format!("{}:{sid}", event_type.as_str()),
            timestamp,
            data,
        }
    };
    Ok(match fact {
        CallEvent::CallAnswered {
            answer,
            answered_at,
        } => {
            let outcome = match &answer.then {
                VoiceAction::Forward { .. } => "forwarded",
                VoiceAction::Voicemail => "voicemail",
                VoiceAction::Hangup => "hangup",
            };
            let mut extra = json!({"status": call.status.as_str(), "outcome": outcome});
            if let Some(to) = answer.forwarded_to() {
                extra["forwarded_to"] = json!(to.as_str());
            }
            Some(envelope(EventType::CallReceived, answered_at, extra))
        }
        CallEvent::CallCompleted {
            status,
            duration_secs,
            completed_at,
        } => Some(envelope(
            EventType::CallCompleted,
            completed_at,
            json!({"status": status.as_str(), "duration_secs": duration_secs}),
        )),
        CallEvent::VoicemailRecorded {
            voicemail,
            recorded_at,
            ..
        } => Some(envelope(
            EventType::CallVoicemail,
            recorded_at,
            json!({
                "recording_sid": voicemail.recording_sid,
                "recording_url": voicemail.recording_url,
                "duration_secs": voicemail.duration_secs,
            }),
        )),
        _ => None,
    })
}

/// The fields every call envelope carries.
fn call_data(organization_id: OrganizationId, call: &InboundCall) -> Value {
    let mut data = json!({
        "organization_id": organization_id.to_string(),
        "call_sid": call.call_sid.as_str(),
        "from": call.from,
        "to": call.to.as_str(),
    });
    if let Some(name) = &call.caller_name {
        data["caller_name"] = json!(name);
    }
    data
}

/// Events read back from a message's stream (its whole stream: a handful of events).
const MESSAGE_STREAM_LIMIT: u32 = 64;

/// The first event of `event_type` in message `sid`'s stream: through `log`, opened, when given;
/// else from the events table as stored.
async fn earlier(
    conn: &mut AnyConnection,
    log: Option<&dyn GlobalLog>,
    sid: &str,
    event_type: &str,
) -> Result<Option<MessageEvent>, sqlx::Error> {
    let Some(log) = log else {
        return first_event_of(conn, "Message", sid, event_type).await;
    };
    let store =
        |e: switchboard_application::ports::StoreError| sqlx::Error::Io(std::io::Error::other(e.0));
    let stream = log
        .read_stream("Message", sid, 0, MESSAGE_STREAM_LIMIT)
        .await
        .map_err(store)?;
    let Some(found) = stream.into_iter().find(|e| e.event_type == event_type) else {
        return Ok(None);
    };
    let found = [found];
    let opened = log.opened(&found).await.map_err(store)?;
    payload(&opened.as_deref().unwrap_or(&found)[0]).map(Some)
}
