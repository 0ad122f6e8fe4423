//! The callbacks of a call: `POST /webhooks/twilio/voice/dial-status` (a forwarded call's
//! `<Dial action>`: `DialCallStatus`, `DialCallDuration`; answered with TwiML),
//! `POST /webhooks/twilio/voice/status` (the number's call `StatusCallback`: `CallStatus`,
//! `CallDuration`; answered 204) and `POST /webhooks/twilio/voice/recording` (the `<Record>`
//! `recordingStatusCallback` and `action`: `RecordingSid`, `RecordingUrl`, `RecordingDuration`;
//! answered with `<Hangup/>` TwiML, which a status callback ignores).

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::Data;
use poem::{handler, Body, Request, Response};
use switchboard_domain::call::{CallStatus, DialStatus, VoiceAction, VoiceAnswer, Voicemail};

use super::form::SignedForm;
use super::voice::{call_sid, handle, invalid, seconds};
use super::voice_twiml;
use crate::problem::Problem;
use crate::state::AppState;

fn required<'a>(form: &'a SignedForm, field: &str) -> Result<&'a str, Problem> {
    form.require(field)
}

/// How a forwarded call's `<Dial>` ended; answers what the caller hears next.
#[handler]
pub async fn dial_status(req: &Request, body: Body, state: Data<&Arc<AppState>>) -> Response {
    handle(
        "voice_dial_status",
        req,
        body,
        &state,
        |form| {
            let status = required(form, "DialCallStatus")?
                .parse::<DialStatus>()
                .map_err(|e| invalid("DialCallStatus", e.to_string()))?;
            Ok((call_sid(form)?, status, seconds(form, "DialCallDuration")?))
        },
        |state, (sid, status, duration), context| async move {
            state.app.end_dial(&sid, status, duration, &context).await
        },
        |answer| (voice_twiml::response(&answer), "recorded"),
    )
    .await
}

/// A call status callback; the status only moves forward, so duplicates and late arrivals
/// are answered 204 and change nothing.
#[handler]
pub async fn call_status(req: &Request, body: Body, state: Data<&Arc<AppState>>) -> Response {
    handle(
        "voice_status",
        req,
        body,
        &state,
        |form| {
            let status = required(form, "CallStatus")?
                .parse::<CallStatus>()
                .map_err(|e| invalid("CallStatus", e.to_string()))?;
            Ok((call_sid(form)?, status, seconds(form, "CallDuration")?))
        },
        |state, (sid, status, duration), context| async move {
            state
                .app
                .change_call_status(&sid, status, duration, &context)
                .await
        },
        |()| {
            let response = Response::builder().status(StatusCode::NO_CONTENT).finish();
            (response, "recorded")
        },
    )
    .await
}

/// A voicemail: recorded once, whether it arrives as the `<Record>` action, the recording status
/// callback or both; answered `<Hangup/>`.
#[handler]
pub async fn recording(req: &Request, body: Body, state: Data<&Arc<AppState>>) -> Response {
    handle(
        "voice_recording",
        req,
        body,
        &state,
        |form| {
            let voicemail = Voicemail {
                recording_sid: required(form, "RecordingSid")?.to_string(),
                recording_url: required(form, "RecordingUrl")?.to_string(),
                duration_secs: seconds(form, "RecordingDuration")?.unwrap_or(0),
            };
            Ok((call_sid(form)?, voicemail))
        },
        |state, (sid, voicemail), context| async move {
            state.app.record_voicemail(&sid, voicemail, &context).await
        },
        |()| {
            let hangup = VoiceAnswer {
                say: vec![],
                then: VoiceAction::Hangup,
            };
            (voice_twiml::response(&hangup), "recorded")
        },
    )
    .await
}
