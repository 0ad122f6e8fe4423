//! The customer's side of outbound messages, for tests (not part of Twilio's API; no
//! authentication, like the customer simulator):
//!
//! - `GET {mount}/messages/outbound` → 200, a JSON array of every message the account sent,
//!   oldest first: `[{"message_sid", "from", "to", "body", "media_urls", "content_sid",
//!   "content_variables", "status", "error_code", "status_callback"}]` (addresses keep their
//!   `whatsapp:` prefix; absent values are `null`; `status` is the latest status announced).
//! - `POST {mount}/messages/{MessageSid}/status` with `{"status": "read", "error_code": 63016}`
//!   (`error_code` optional; `status` one of Twilio's message statuses, OAI
//!   `message_enum_status`) → delivers one more signed status callback for that message, whatever
//!   its current status (to test duplicates and out-of-order arrival), records it as the latest
//!   status, and answers 200 `{"message_sid", "message_status", "webhook_url", "status",
//!   "content_type", "body"}` where `status` is the HTTP status the receiver answered. Refusals
//!   (`{"code", "message", "status"}`): 400 `invalid_request`, 404 `message_not_found`,
//!   409 `no_status_callback` (the message has no `StatusCallback`; nothing changes),
//!   502 `webhook_unreachable` (the status is recorded anyway).

use poem::http::StatusCode;
use poem::web::{Data, Json, Path};
use poem::{handler, IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};

use super::errors::SimulatorProblem;
use super::status_callbacks::{notify, Notified, NotifyError};
use super::Sandbox;

/// Twilio's message statuses (OAI `message_enum_status`, REFERENCE §1.4).
const STATUSES: [&str; 13] = [
    "queued",
    "sending",
    "sent",
    "failed",
    "delivered",
    "undelivered",
    "receiving",
    "received",
    "accepted",
    "scheduled",
    "read",
    "partially_delivered",
    "canceled",
];

/// The push request body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusPush {
    status: String,
    error_code: Option<u32>,
}

#[handler]
pub(crate) async fn list(Data(sandbox): Data<&Sandbox>) -> Json<Vec<Value>> {
    let state = sandbox.state();
    Json(state.sent.iter().map(|r| r.outbound_view()).collect())
}

#[handler]
pub(crate) async fn push_status(
    Data(sandbox): Data<&Sandbox>,
    Path(message_sid): Path<String>,
    body: Vec<u8>,
) -> poem::Result<Response> {
    let invalid = |message: String| {
        SimulatorProblem::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    };
    let push: StatusPush =
        serde_json::from_slice(&body).map_err(|e| invalid(format!("bad JSON: {e}")))?;
    if !STATUSES.contains(&push.status.as_str()) {
        return Err(invalid(format!(
            "`{}` is not a Twilio message status ({})",
            push.status,
            STATUSES.join(", ")
        ))
        .into());
    }
    let callback = sandbox
        .state()
        .sent
        .get(&message_sid)
        .map(|r| r.draft.status_callback.clone());
    let webhook_url = match callback {
        None => return Err(not_found(&message_sid).into()),
        Some(None) => return Err(no_callback(&message_sid).into()),
        Some(Some(url)) => url,
    };
    let answer = match notify(sandbox, &message_sid, &push.status, push.error_code).await {
        Ok(Notified::Answered(answer)) => answer,
        // A message's StatusCallback never changes, so this cannot follow the check above.
        Ok(Notified::NoCallback) => return Err(no_callback(&message_sid).into()),
        Err(NotifyError::UnknownMessage(_)) => return Err(not_found(&message_sid).into()),
        Err(error @ NotifyError::Unreachable { .. }) => {
            return Err(SimulatorProblem::new(
                StatusCode::BAD_GATEWAY,
                "webhook_unreachable",
                error.to_string(),
            )
            .at(&webhook_url)
            .into())
        }
    };
    tracing::info!(%message_sid, status = %push.status, http_status = answer.status, "sandbox pushed a status callback");
    Ok(Json(json!({
        "message_sid": message_sid,
        "message_status": push.status,
        "webhook_url": webhook_url,
        "status": answer.status,
        "content_type": answer.content_type,
        "body": answer.body,
    }))
    .into_response())
}

fn not_found(message_sid: &str) -> SimulatorProblem {
    SimulatorProblem::new(
        StatusCode::NOT_FOUND,
        "message_not_found",
        format!("the sandbox account sent no message {message_sid}"),
    )
}

fn no_callback(message_sid: &str) -> SimulatorProblem {
    SimulatorProblem::new(
        StatusCode::CONFLICT,
        "no_status_callback",
        format!("{message_sid} was sent without a StatusCallback"),
    )
}
