//! `POST /webhooks/twilio/voice`: an inbound call (Twilio's voice request: `CallSid`,
//! `AccountSid`, `From`, `To`, `CallStatus`, `Direction`, `CallerName`…), answered with the
//! TwiML the organization's voice settings decide. The call is recorded once per `CallSid`.

use std::future::Future;
use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::Data;
use poem::{handler, Body, IntoResponse, Request, Response};
use switchboard_application::{AppError, InboundCallWebhook, RequestContext};
use switchboard_domain::call::{CallSid, CallStatus};
use switchboard_domain::E164;

use super::form::SignedForm;
use super::voice_twiml;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// The `webhook` label of this webhook's metrics.
const WEBHOOK: &str = "voice";

/// A 400 `invalid_field` problem naming `field`.
pub(super) fn invalid(field: &str, detail: String) -> Problem {
    Problem::new(StatusCode::BAD_REQUEST, "invalid_field", detail).with_field(field)
}

/// The required `CallSid`.
pub(super) fn call_sid(form: &SignedForm) -> Result<CallSid, Problem> {
    CallSid::parse(form.require("CallSid")?).map_err(|e| invalid("CallSid", e.to_string()))
}

/// An optional whole number of seconds (`CallDuration`, `RecordingDuration`…).
pub(super) fn seconds(form: &SignedForm, field: &str) -> Result<Option<u32>, Problem> {
    form.get(field)
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<u32>()
                .map_err(|_| invalid(field, "not a whole number of seconds".into()))
        })
        .transpose()
}

fn parse(form: &SignedForm) -> Result<InboundCallWebhook, Problem> {
    let to = E164::parse(form.require("To")?).map_err(|e| invalid("To", e.to_string()))?;
    let status = match form.get("CallStatus").filter(|s| !s.is_empty()) {
        Some(status) => status
            .parse::<CallStatus>()
            .map_err(|e| invalid("CallStatus", e.to_string()))?,
        None => CallStatus::Ringing,
    };
    Ok(InboundCallWebhook {
        call_sid: call_sid(form)?,
        account_sid: form.get("AccountSid").unwrap_or_default().to_string(),
        from: form.require("From")?.to_string(),
        to,
        status,
        direction: form
            .get("Direction")
            .filter(|d| !d.is_empty())
            .unwrap_or("inbound")
            .to_string(),
        caller_name: form
            .get("CallerName")
            .filter(|n| !n.is_empty())
            .map(str::to_string),
    })
}

/// Verifies the signed form, parses it with `parse`, runs `work` in its own task (so the provider
/// hanging up never cancels a transaction half-way) and answers with `respond`. Refusals and
/// failures are problems; every outcome is counted under `webhook`.
pub(super) async fn handle<T, P, W, F, O>(
    webhook: &'static str,
    req: &Request,
    body: Body,
    state: &Arc<AppState>,
    parse: P,
    work: W,
    respond: impl FnOnce(O) -> (Response, &'static str),
) -> Response
where
    P: FnOnce(&SignedForm) -> Result<T, Problem>,
    W: FnOnce(Arc<AppState>, T, RequestContext) -> F,
    F: Future<Output = Result<O, AppError>> + Send + 'static,
    O: Send + 'static,
{
    let metrics = state.metrics.clone();
    let refuse = |problem: Problem| {
        metrics.webhook(webhook, super::refusal_outcome(&problem));
        problem.into_response()
    };
    let parsed = match SignedForm::read(state, req, body)
        .await
        .and_then(|f| parse(&f))
    {
        Ok(parsed) => parsed,
        Err(problem) => return refuse(problem),
    };
    let context = req.data::<RequestContext>().cloned().unwrap_or_default();
    match tokio::spawn(work(Arc::clone(state), parsed, context)).await {
        Ok(Ok(output)) => {
            let (response, outcome) = respond(output);
            metrics.webhook(webhook, outcome);
            response
        }
        Ok(Err(error)) => {
            metrics.webhook(webhook, "error");
            ApiError::from(error).into_response()
        }
        Err(join_error) => {
            metrics.webhook(webhook, "error");
            tracing::error!(%join_error, webhook, "voice webhook task failed");
            Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "internal_error",
                "the call could not be recorded; the provider may retry",
            )
            .into_response()
        }
    }
}

/// Verifies, parses and records an inbound call, then answers its TwiML (the first delivery's
/// answer for a redelivered `CallSid`).
#[handler]
pub async fn inbound_call(req: &Request, body: Body, state: Data<&Arc<AppState>>) -> Response {
    handle(
        WEBHOOK,
        req,
        body,
        &state,
        parse,
        |state, webhook, context| async move { state.app.receive_call(webhook, &context).await },
        |answered| {
            tracing::info!(
                duplicate = !answered.newly_recorded,
                forwarded = answered.answer.forwarded_to().is_some(),
                "inbound call answered"
            );
            let outcome = if answered.newly_recorded {
                "recorded"
            } else {
                "duplicate"
            };
            (voice_twiml::response(&answered.answer), outcome)
        },
    )
    .await
}
