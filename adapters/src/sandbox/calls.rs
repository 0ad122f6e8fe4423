//! The caller simulator, `POST {mount}/calls`: the local stand-in for a caller's phone. It posts
//! the signed voice webhook Twilio would send to the called number's `VoiceUrl`, reads the TwiML
//! answer and, told how the call went, plays the callbacks in Twilio's order: the `<Dial>`
//! `action` (`DialCallStatus`), the `<Record>` `action`, the number's call `StatusCallback`
//! (`completed` with `CallDuration`), then the `recordingStatusCallback`. No authentication: it is
//! not part of Twilio's API.
//!
//! Request: `{"from": "+15551234567", "to": "+1415…", "outcome": "answered" | "no-answer" |
//! "voicemail", "call_sid": "CA…", "caller_name": "…"}` (all but `from`, `to` optional;
//! `outcome` defaults to `answered`: a forwarded call is taken, a voicemail is left;
//! `no-answer`: nobody takes a forwarded call and the caller hangs up without a message;
//! `voicemail`: nobody takes it and the caller leaves a 12-second message; `call_sid` redelivers
//! an earlier call).
//!
//! Answers: 200 `{"call_sid", "webhook_url", "status", "content_type", "twiml", "callbacks":
//! [{"kind", "url", "status", "twiml"}]}`; 400 `invalid_request`; 404 `number_not_owned`;
//! 409 `no_voice_url`; 502 `webhook_unreachable`.

use poem::http::StatusCode;
use poem::web::{Data, Json};
use poem::{handler, IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};
use switchboard_domain::E164;

use super::call_twiml::{read, resolve, VoiceVerbs};
use super::errors::SimulatorProblem;
use super::webhook::deliver;
use super::Sandbox;
use crate::twilio::API_VERSION;

/// Seconds a taken forwarded call lasts.
const TALK_SECS: u32 = 30;
/// Seconds of a simulated voicemail.
const VOICEMAIL_SECS: u32 = 12;

/// How the simulated call goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Outcome {
    /// A forwarded call is taken; a voicemail is left.
    #[default]
    Answered,
    /// Nobody takes a forwarded call; the caller leaves no message.
    NoAnswer,
    /// Nobody takes a forwarded call; the caller leaves a voicemail.
    Voicemail,
}

/// The simulator's request body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SimulatedCall {
    from: String,
    to: String,
    #[serde(default)]
    outcome: Outcome,
    call_sid: Option<String>,
    caller_name: Option<String>,
}

/// The called number's voice settings, read under the lock.
struct Destination {
    voice_url: String,
    voice_method: String,
    status_callback: Option<String>,
}

/// One call's identity, shared by every request about it.
struct Leg<'a> {
    sandbox: &'a Sandbox,
    call_sid: String,
    from: E164,
    to: E164,
    voice_url: String,
    callbacks: Vec<Value>,
}

impl Leg<'_> {
    fn params(&self, status: &str, extra: &[(&str, String)]) -> Vec<(String, String)> {
        let mut params: Vec<(String, String)> = [
            ("AccountSid", self.sandbox.account_sid()),
            ("ApiVersion", API_VERSION),
            ("CallSid", &self.call_sid),
            ("CallStatus", status),
            ("Called", self.to.as_str()),
            ("Caller", self.from.as_str()),
            ("Direction", "inbound"),
            ("From", self.from.as_str()),
            ("To", self.to.as_str()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        params.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
        params
    }

    /// Posts a callback to `target` (resolved against the voice URL); returns its TwiML.
    async fn callback(
        &mut self,
        kind: &str,
        target: &str,
        params: Vec<(String, String)>,
    ) -> Result<VoiceVerbs, SimulatorProblem> {
        let url = resolve(&self.voice_url, target);
        let answer = deliver(self.sandbox, &url, "POST", &params)
            .await
            .map_err(|e| unreachable(&url, e.to_string()))?;
        let verbs = read(&answer.body).unwrap_or_default();
        self.callbacks.push(json!({
            "kind": kind,
            "url": url,
            "status": answer.status,
            "twiml": answer.body,
        }));
        Ok(verbs)
    }

    /// The `<Record>` action and what its recording is, as Twilio reports it.
    fn recording(&self) -> Vec<(&'static str, String)> {
        let recording_sid = self.sandbox.flavor().new_sid("RE");
        vec![
            ("RecordingSid", recording_sid.clone()),
            (
                "RecordingUrl",
                format!(
                    "https://api.twilio.com/{API_VERSION}/Accounts/{}/Recordings/{recording_sid}",
                    self.sandbox.account_sid()
                ),
            ),
            ("RecordingDuration", VOICEMAIL_SECS.to_string()),
        ]
    }
}

fn unreachable(url: &str, message: String) -> SimulatorProblem {
    SimulatorProblem::new(StatusCode::BAD_GATEWAY, "webhook_unreachable", message).at(url)
}

#[handler]
pub(crate) async fn place(Data(sandbox): Data<&Sandbox>, body: Vec<u8>) -> poem::Result<Response> {
    let invalid = |message: String| {
        SimulatorProblem::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    };
    let call: SimulatedCall =
        serde_json::from_slice(&body).map_err(|e| invalid(format!("bad JSON: {e}")))?;
    let from = E164::parse(&call.from).map_err(|e| invalid(e.to_string()))?;
    let to = E164::parse(&call.to).map_err(|e| invalid(e.to_string()))?;
    let destination = destination(sandbox, &to)?;
    let call_sid = call
        .call_sid
        .clone()
        .unwrap_or_else(|| sandbox.flavor().new_sid("CA"));
    let mut leg = Leg {
        sandbox,
        call_sid,
        from,
        to,
        voice_url: destination.voice_url.clone(),
        callbacks: Vec::new(),
    };
    let mut extra = vec![("CallerName", call.caller_name.clone().unwrap_or_default())];
    extra.retain(|(_, v)| !v.is_empty());
    let params = leg.params("ringing", &extra);
    let answer = deliver(
        sandbox,
        &destination.voice_url,
        &destination.voice_method,
        &params,
    )
    .await
    .map_err(|e| unreachable(&destination.voice_url, e.to_string()))?;
    if answer.status == 200 {
        play(&mut leg, &destination, &answer.body, call.outcome).await?;
    }
    tracing::info!(call_sid = %leg.call_sid, status = answer.status, "sandbox placed a call");
    Ok(Json(json!({
        "call_sid": leg.call_sid,
        "webhook_url": destination.voice_url,
        "status": answer.status,
        "content_type": answer.content_type,
        "twiml": answer.body,
        "callbacks": leg.callbacks,
    }))
    .into_response())
}

/// Plays the rest of the call after the first TwiML answer.
async fn play(
    leg: &mut Leg<'_>,
    destination: &Destination,
    twiml: &str,
    outcome: Outcome,
) -> Result<(), SimulatorProblem> {
    let mut verbs = read(twiml).map_err(|e| {
        SimulatorProblem::new(StatusCode::BAD_GATEWAY, "invalid_twiml", e)
            .at(&destination.voice_url)
    })?;
    let mut duration = 5;
    if let Some(action) = verbs.dial.clone() {
        let (dial_status, dial_secs) = match outcome {
            Outcome::Answered => ("completed", TALK_SECS),
            Outcome::NoAnswer | Outcome::Voicemail => ("no-answer", 0),
        };
        duration += dial_secs + 20 * u32::from(dial_secs == 0);
        let params = leg.params(
            "in-progress",
            &[
                ("DialCallStatus", dial_status.to_string()),
                ("DialCallDuration", dial_secs.to_string()),
                ("DialCallSid", leg.sandbox.flavor().new_sid("CA")),
            ],
        );
        let target = action.unwrap_or_else(|| leg.voice_url.clone());
        verbs = leg.callback("dial-status", &target, params).await?;
    }
    let leaves_message = match outcome {
        Outcome::Voicemail => true,
        Outcome::Answered => verbs.dial.is_none(),
        Outcome::NoAnswer => false,
    };
    let mut recording = None;
    if let (Some((action, status_callback)), true) = (verbs.record.clone(), leaves_message) {
        let details = leg.recording();
        duration += VOICEMAIL_SECS;
        if let Some(action) = action {
            let params = leg.params("in-progress", &details);
            leg.callback("record", &action, params).await?;
        }
        recording = status_callback.map(|url| (url, details));
    }
    if let Some(url) = &destination.status_callback {
        let params = leg.params("completed", &[("CallDuration", duration.to_string())]);
        leg.callback("status", url, params).await?;
    }
    if let Some((url, mut details)) = recording {
        details.push(("RecordingStatus", "completed".into()));
        details.push(("RecordingChannels", "1".into()));
        details.push(("RecordingSource", "RecordVerb".into()));
        let params = leg.params("completed", &details);
        leg.callback("recording", &url, params).await?;
    }
    Ok(())
}

/// The called number's voice webhook.
///
/// # Errors
/// 404 `number_not_owned` when the account does not own `to`; 409 `no_voice_url` when it has no
/// `VoiceUrl`.
fn destination(sandbox: &Sandbox, to: &E164) -> Result<Destination, SimulatorProblem> {
    let state = sandbox.state();
    let record = state.owned.by_number(to).ok_or_else(|| {
        SimulatorProblem::new(
            StatusCode::NOT_FOUND,
            "number_not_owned",
            format!("the sandbox account owns no number {to}"),
        )
    })?;
    let voice_url = record.voice_url.clone().ok_or_else(|| {
        SimulatorProblem::new(
            StatusCode::CONFLICT,
            "no_voice_url",
            format!("{to} has no VoiceUrl to call"),
        )
    })?;
    Ok(Destination {
        voice_url,
        voice_method: record.voice_method.clone(),
        status_callback: record.status_callback.clone(),
    })
}
