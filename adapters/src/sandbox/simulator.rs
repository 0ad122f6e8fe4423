//! The customer simulator, `POST {mount}/messages`: the local stand-in for a customer's phone.
//! It turns a JSON message into the webhook Twilio would send to the receiving number's `SmsUrl`
//! and reports what the webhook answered. No authentication: it is not part of Twilio's API.
//!
//! Request: `{"from": "+15551234567" | "whatsapp:+15551234567", "to": "+1415…" |
//! "whatsapp:+1415…", "body": "hi", "media_urls": ["https://…"], "profile_name": "Ana",
//! "message_sid": "SM…"}` (`body`, `media_urls`, `profile_name` optional; `message_sid`
//! redelivers an earlier message, as a Twilio retry or a duplicating proxy would).
//!
//! Answers: 200 `{"message_sid", "webhook_url", "status", "content_type", "twiml"}` (whatever
//! status the webhook gave); 400 `invalid_request` (also for WhatsApp on the SignalWire
//! flavor); 404 `number_not_owned`; 409 `no_sms_url`; 502 `webhook_unreachable`.

use poem::http::StatusCode;
use poem::web::{Data, Json};
use poem::{handler, IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use switchboard_domain::{Channel, ChannelAddress, MessageSid};

use super::errors::SimulatorProblem;
use super::webhook::deliver;
use super::Sandbox;
use crate::twilio::{Flavor, API_VERSION};

/// The simulator's request body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SimulatedMessage {
    from: String,
    to: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    media_urls: Vec<String>,
    profile_name: Option<String>,
    message_sid: Option<String>,
}

/// Where the message goes, read from the owned number under the lock.
struct Destination {
    sms_url: String,
    sms_method: String,
}

#[handler]
pub(crate) async fn receive(
    Data(sandbox): Data<&Sandbox>,
    body: Vec<u8>,
) -> poem::Result<Response> {
    let invalid = |message: String| {
        SimulatorProblem::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    };
    let message: SimulatedMessage =
        serde_json::from_slice(&body).map_err(|e| invalid(format!("bad JSON: {e}")))?;
    let from = ChannelAddress::parse(&message.from).map_err(|e| invalid(e.to_string()))?;
    let to = ChannelAddress::parse(&message.to).map_err(|e| invalid(e.to_string()))?;
    let whatsapp = from.channel == Channel::Whatsapp || to.channel == Channel::Whatsapp;
    if whatsapp && sandbox.flavor() == Flavor::SignalWire {
        return Err(invalid("SignalWire has no WhatsApp channel".into()).into());
    }
    let message_sid = match &message.message_sid {
        Some(sid) => MessageSid::parse(sid)
            .map_err(|e| invalid(e.to_string()))?
            .as_str()
            .to_string(),
        None => sandbox.flavor().new_sid("SM"),
    };
    let destination = destination(sandbox, &to)?;
    let params = match sandbox.flavor() {
        Flavor::Twilio => webhook_params(sandbox.account_sid(), &message_sid, &from, &to, &message),
        Flavor::SignalWire => {
            signalwire_params(sandbox.account_sid(), &message_sid, &from, &to, &message)
        }
    };
    let answer = deliver(
        sandbox,
        &destination.sms_url,
        &destination.sms_method,
        &params,
    )
    .await
    .map_err(|e| {
        SimulatorProblem::new(
            StatusCode::BAD_GATEWAY,
            "webhook_unreachable",
            e.to_string(),
        )
        .at(&destination.sms_url)
    })?;
    tracing::info!(%message_sid, status = answer.status, "sandbox delivered an inbound message");
    Ok(Json(json!({
        "message_sid": message_sid,
        "webhook_url": destination.sms_url,
        "status": answer.status,
        "content_type": answer.content_type,
        "twiml": answer.body,
    }))
    .into_response())
}

/// The receiving number's webhook.
///
/// # Errors
/// 404 `number_not_owned` when the account does not own `to`; 409 `no_sms_url` when it has no
/// `SmsUrl`.
fn destination(sandbox: &Sandbox, to: &ChannelAddress) -> Result<Destination, SimulatorProblem> {
    let state = sandbox.state();
    let record = state.owned.by_number(&to.number).ok_or_else(|| {
        SimulatorProblem::new(
            StatusCode::NOT_FOUND,
            "number_not_owned",
            format!("the sandbox account owns no number {}", to.number),
        )
    })?;
    let sms_url = record.sms_url.clone().ok_or_else(|| {
        SimulatorProblem::new(
            StatusCode::CONFLICT,
            "no_sms_url",
            format!("{} has no SmsUrl to deliver to", to.number),
        )
    })?;
    Ok(Destination {
        sms_url,
        sms_method: record.sms_method.clone(),
    })
}

/// Twilio's inbound-message webhook parameters (REFERENCE §2.1: doc "Twilio's request to your
/// incoming message Webhook URL" plus `SmsStatus`, `ApiVersion`, `ReferralNumMedia` from captured
/// payloads). A message is WhatsApp when either address has the `whatsapp:` prefix; then both
/// `From` and `To` carry it and `ProfileName`, `WaId` (sender digits without `+`) and
/// `MessageType` are added. `ProfileName` defaults to `Sandbox Customer`.
fn webhook_params(
    account_sid: &str,
    message_sid: &str,
    from: &ChannelAddress,
    to: &ChannelAddress,
    message: &SimulatedMessage,
) -> Vec<(String, String)> {
    let whatsapp = from.channel == Channel::Whatsapp || to.channel == Channel::Whatsapp;
    let address = |a: &ChannelAddress| {
        if whatsapp {
            format!("whatsapp:{}", a.number)
        } else {
            a.number.to_string()
        }
    };
    let mut params: Vec<(String, String)> = [
        ("ToCountry", country(to)),
        ("SmsMessageSid", message_sid),
        ("NumMedia", &message.media_urls.len().to_string()),
        ("SmsSid", message_sid),
        ("SmsStatus", "received"),
        ("Body", &message.body),
        ("To", &address(to)),
        ("NumSegments", "1"),
        ("ReferralNumMedia", "0"),
        ("MessageSid", message_sid),
        ("AccountSid", account_sid),
        ("From", &address(from)),
        ("ApiVersion", API_VERSION),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (index, url) in message.media_urls.iter().enumerate() {
        params.push((
            format!("MediaContentType{index}"),
            content_type(url).to_string(),
        ));
        params.push((format!("MediaUrl{index}"), url.clone()));
    }
    if whatsapp {
        let profile = message
            .profile_name
            .as_deref()
            .unwrap_or("Sandbox Customer");
        let kind = match message.media_urls.first().map(|url| content_type(url)) {
            None => "text",
            Some(media) if media.starts_with("image/") => "image",
            Some(media) if media.starts_with("video/") => "video",
            Some(media) if media.starts_with("audio/") => "audio",
            Some(_) => "document",
        };
        params.push(("ProfileName".into(), profile.to_string()));
        params.push((
            "WaId".into(),
            from.number.as_str().trim_start_matches('+').to_string(),
        ));
        params.push(("MessageType".into(), kind.to_string()));
    }
    params
}

/// SignalWire's inbound-message parameters: only the documented `AccountSid, Body, From, To,
/// MessageSid, NumMedia, MediaUrl{X}, MediaContentType{X}` (REFERENCE §6; no geo, no WhatsApp).
fn signalwire_params(
    account_sid: &str,
    message_sid: &str,
    from: &ChannelAddress,
    to: &ChannelAddress,
    message: &SimulatedMessage,
) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = [
        ("MessageSid", message_sid),
        ("AccountSid", account_sid),
        ("From", from.number.as_str()),
        ("To", to.number.as_str()),
        ("Body", &message.body),
        ("NumMedia", &message.media_urls.len().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (index, url) in message.media_urls.iter().enumerate() {
        params.push((format!("MediaUrl{index}"), url.clone()));
        params.push((
            format!("MediaContentType{index}"),
            content_type(url).to_string(),
        ));
    }
    params
}

/// The receiving number's ISO country, from its country code (+1 → US, +44 → GB).
fn country(to: &ChannelAddress) -> &'static str {
    if to.number.as_str().starts_with("+44") {
        "GB"
    } else {
        "US"
    }
}

/// A media type guessed from the URL's extension (Twilio reports the fetched media's type).
fn content_type(url: &str) -> &'static str {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    let extension = path.rsplit('.').next().unwrap_or_default();
    match extension {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "vcf" => "text/vcard",
        _ => "application/octet-stream",
    }
}
