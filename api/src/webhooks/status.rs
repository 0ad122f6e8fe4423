//! `POST /webhooks/twilio/status`: a message status callback ("Track the Message Status of
//! Outbound Messages" doc page). Answered `204 No Content`.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::Data;
use poem::{handler, Body, IntoResponse, Request, Response};
use switchboard_application::RequestContext;
use switchboard_domain::{MessageSid, MessageStatus};

use super::form::SignedForm;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// The `webhook` label of this webhook's metrics.
const WEBHOOK: &str = "status";

fn parse(form: &SignedForm) -> Result<(MessageSid, MessageStatus, Option<u32>), Problem> {
    let invalid = |field: &str, detail: String| {
        Problem::new(StatusCode::BAD_REQUEST, "invalid_field", detail).with_field(field)
    };
    let sid = MessageSid::parse(form.require("MessageSid")?)
        .map_err(|e| invalid("MessageSid", e.to_string()))?;
    let status = form
        .get("MessageStatus")
        .or_else(|| form.get("SmsStatus"))
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "missing_field",
                "`MessageStatus` is required",
            )
            .with_field("MessageStatus")
        })?
        .parse::<MessageStatus>()
        .map_err(|e| invalid("MessageStatus", e.to_string()))?;
    let error_code = form
        .get("ErrorCode")
        .filter(|c| !c.is_empty())
        .map(|c| {
            c.parse::<u32>()
                .map_err(|_| invalid("ErrorCode", "not a number".into()))
        })
        .transpose()?;
    Ok((sid, status, error_code))
}

/// Verifies and records a status callback; the status only moves forward, so duplicates and
/// late arrivals are answered 204 and change nothing.
#[handler]
pub async fn status_callback(req: &Request, body: Body, state: Data<&Arc<AppState>>) -> Response {
    let metrics = state.metrics.clone();
    let refuse = |problem: Problem| {
        metrics.webhook(WEBHOOK, super::refusal_outcome(&problem));
        problem.into_response()
    };
    let form = match SignedForm::read(&state, req, body).await {
        Ok(form) => form,
        Err(problem) => return refuse(problem),
    };
    let (sid, status, error_code) = match parse(&form) {
        Ok(parsed) => parsed,
        Err(problem) => return refuse(problem),
    };
    let context = req.data::<RequestContext>().cloned().unwrap_or_default();
    let state = Arc::clone(&state);
    let outcome = tokio::spawn(async move {
        state
            .app
            .record_status(&sid, status, error_code, &context)
            .await
    })
    .await;
    match outcome {
        Ok(Ok(())) => {
            metrics.webhook(WEBHOOK, "recorded");
            Response::builder().status(StatusCode::NO_CONTENT).finish()
        }
        Ok(Err(error)) => {
            metrics.webhook(WEBHOOK, "error");
            ApiError::from(error).into_response()
        }
        Err(join_error) => {
            metrics.webhook(WEBHOOK, "error");
            tracing::error!(%join_error, "status callback task failed");
            Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "internal_error",
                "the status could not be recorded; Twilio may retry",
            )
            .into_response()
        }
    }
}
