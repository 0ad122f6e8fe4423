//! `POST /webhooks/twilio/messages`: an inbound message ("Twilio's request to your incoming
//! message Webhook URL" doc page).

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::Data;
use poem::{handler, Body, IntoResponse, Request, Response};
use switchboard_application::{InboundWebhook, RequestContext};
use switchboard_domain::message::Media;
use switchboard_domain::{InboundAddress, MessageSid};

use super::form::SignedForm;
use super::twiml;
use crate::delivery::responder;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// The `webhook` label of this webhook's metrics.
const WEBHOOK: &str = "message";

fn parse(form: &SignedForm) -> Result<InboundWebhook, Problem> {
    let invalid = |field: &str, detail: String| {
        Problem::new(StatusCode::BAD_REQUEST, "invalid_field", detail).with_field(field)
    };
    let message_sid = MessageSid::parse(form.require("MessageSid")?)
        .map_err(|e| invalid("MessageSid", e.to_string()))?;
    // A `To` we do not route (a short code, `messenger:`, `rcs:`) is still recorded, unrouted.
    let to = InboundAddress::parse(form.require("To")?);
    let from = form.require("From")?.to_string();
    let num_media = form
        .get("NumMedia")
        .map(|n| {
            n.parse::<usize>()
                .map_err(|_| invalid("NumMedia", "not a count".into()))
        })
        .transpose()?
        .unwrap_or(0)
        .min(10);
    let media = (0..num_media)
        .filter_map(|i| {
            form.get(&format!("MediaUrl{i}")).map(|url| Media {
                url: url.to_string(),
                content_type: form
                    .get(&format!("MediaContentType{i}"))
                    .map(str::to_string),
            })
        })
        .collect();
    Ok(InboundWebhook {
        message_sid,
        account_sid: form.get("AccountSid").unwrap_or_default().to_string(),
        from,
        to,
        body: form.get("Body").unwrap_or_default().to_string(),
        media,
        profile_name: form.get("ProfileName").map(str::to_string),
        wa_id: form.get("WaId").map(str::to_string),
    })
}

/// Verifies, parses and records an inbound message, then answers TwiML. The command runs in its
/// own task, so Twilio hanging up mid-request never cancels a transaction half-way.
#[handler]
pub async fn inbound_message(req: &Request, body: Body, state: Data<&Arc<AppState>>) -> Response {
    let metrics = state.metrics.clone();
    let refuse = |problem: Problem| {
        metrics.webhook(WEBHOOK, super::refusal_outcome(&problem));
        problem.into_response()
    };
    let form = match SignedForm::read(&state, req, body).await {
        Ok(form) => form,
        Err(problem) => return refuse(problem),
    };
    let webhook = match parse(&form) {
        Ok(webhook) => webhook,
        Err(problem) => return refuse(problem),
    };
    let context = req.data::<RequestContext>().cloned().unwrap_or_default();
    let state = Arc::clone(&state);
    let outcome = tokio::spawn(async move {
        let received = state.app.receive_message(webhook, &context).await?;
        let reply = responder::reply_for(&state, &received, &context).await;
        Ok::<_, switchboard_application::AppError>((received, reply))
    })
    .await;
    match outcome {
        Ok(Ok((received, reply))) => {
            tracing::info!(
                message_sid = %received.message.message_sid,
                outcome = received.outcome.as_str(),
                duplicate = !received.newly_recorded,
                auto_reply_suppressed = received.auto_reply_suppressed,
                "inbound message recorded"
            );
            let outcome = if received.newly_recorded {
                received.outcome.as_str()
            } else {
                "duplicate"
            };
            metrics.webhook(WEBHOOK, outcome);
            if received.newly_recorded && received.auto_reply_suppressed {
                metrics.auto_replies_suppressed.inc();
            }
            twiml::response(&received.replies, reply.as_ref())
        }
        Ok(Err(error)) => {
            metrics.webhook(WEBHOOK, "error");
            ApiError::from(error).into_response()
        }
        Err(join_error) => {
            metrics.webhook(WEBHOOK, "error");
            tracing::error!(%join_error, "inbound message task failed");
            Problem::into_response(Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "internal_error",
                "the message could not be recorded; Twilio may retry",
            ))
        }
    }
}
