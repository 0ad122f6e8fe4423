//! The responder: an endpoint with `responder: true` gets `message.received` of an accepted
//! inbound message synchronously, inside the webhook, within `RESPONDER_TIMEOUT_MS`. A 2xx with
//! `{"reply": "text", "media_urls"?: [...]}` in time puts the reply in the same TwiML answer,
//! after our own replies; it counts against the quota and is recorded before the answer. On a
//! timeout or an error the customer gets only our replies, and the delivery carries on
//! asynchronously like any other (the attempt is recorded, the retry scheduled).

use chrono::Utc;
use serde::Deserialize;
use switchboard_application::{ReceivedMessage, RequestContext};
use switchboard_domain::message::{InboundOutcome, ResponderReply, Routing};
use switchboard_domain::OrganizationId;
use switchboard_projections::delivery::{
    delivery_id, insert_delivery, message_received, AttemptResult, DeliveryQueue, EndpointRow,
    EndpointsView, NextStep,
};

use super::dispatcher::after_failure;
use crate::state::AppState;

/// The most media URLs a reply may carry (Twilio's limit per message).
const MAX_MEDIA: usize = 10;
/// The longest reply text (Twilio's `Body` limit).
const MAX_BODY: usize = 1600;

/// What a responder answers.
#[derive(Debug, Deserialize)]
struct Answer {
    reply: Option<String>,
    #[serde(default)]
    media_urls: Vec<String>,
}

/// The responder's reply to put in the TwiML answer, if any. A redelivered webhook gets the
/// reply recorded the first time; the responder is asked only once, for a newly recorded,
/// accepted message of an organization that has an enabled responder endpoint.
pub async fn reply_for(
    state: &AppState,
    received: &ReceivedMessage,
    context: &RequestContext,
) -> Option<ResponderReply> {
    if !received.newly_recorded || received.outcome != InboundOutcome::Accepted {
        return received.responder_reply.clone();
    }
    let Routing::Routed { organization_id } = received.message.routing else {
        return None;
    };
    let endpoint = match responder_of(state, organization_id).await {
        Ok(Some(endpoint)) => endpoint,
        Ok(None) => return None,
        Err(error) => {
            tracing::warn!(%error, "cannot look up the responder");
            return None;
        }
    };
    match ask(state, received, organization_id, &endpoint, context).await {
        Ok(reply) => reply,
        Err(error) => {
            tracing::warn!(%error, endpoint_id = %endpoint.endpoint_id, "responder failed");
            None
        }
    }
}

async fn responder_of(
    state: &AppState,
    organization_id: OrganizationId,
) -> Result<Option<EndpointRow>, sqlx::Error> {
    let mut conn = state.projector.pool().acquire().await?;
    Ok(
        EndpointsView::enabled(&mut conn, &organization_id.to_string())
            .await?
            .into_iter()
            .find(|e| e.responder && e.wants(switchboard_domain::EventType::MessageReceived)),
    )
}

async fn ask(
    state: &AppState,
    received: &ReceivedMessage,
    organization_id: OrganizationId,
    endpoint: &EndpointRow,
    context: &RequestContext,
) -> Result<Option<ResponderReply>, Box<dyn std::error::Error + Send + Sync>> {
    let sid = &received.message.message_sid;
    let position = state
        .log
        .last_position_of("Message", sid.as_str())
        .await?
        .unwrap_or_default();
    let envelope = message_received(
        organization_id,
        &received.message,
        &received.outcome,
        &received.replies,
        received.received_at,
    );
    let id = delivery_id(&endpoint.endpoint_id, &envelope.event_key);
    let pool = state.projector.pool();
    {
        let mut conn = pool.acquire().await?;
        let grace =
            Utc::now().timestamp_millis() + switchboard_projections::delivery::RESPONDER_GRACE_MS;
        insert_delivery(&mut conn, endpoint, &envelope, position, grace).await?;
    }
    let at = Utc::now();
    let outcome = state
        .sender
        .send(
            &endpoint.url,
            &format!("msg_{}", id.simple()),
            &endpoint.signing_secrets(at.timestamp_millis()),
            &envelope.body(),
            state.delivery.responder_timeout,
        )
        .await?;
    let success = outcome.succeeded();
    let next = if success {
        NextStep::Delivered
    } else {
        after_failure(
            &state.delivery.retry_schedule,
            1,
            Utc::now().timestamp_millis(),
        )
    };
    let result = AttemptResult {
        http_status: outcome.http_status,
        latency_ms: outcome.latency_ms,
        error: outcome.error.clone(),
    };
    DeliveryQueue::record_attempt(pool, &id.to_string(), 1, at, &result, next).await?;
    state
        .metrics
        .webhook("responder", if success { "answered" } else { "failed" });
    if !success {
        return Ok(None);
    }
    let Some(reply) = parse(outcome.body.as_deref().unwrap_or_default()) else {
        return Ok(None);
    };
    let endpoint_id = endpoint.endpoint_id.parse()?;
    let recorded = state
        .app
        .record_responder_reply(organization_id, sid, endpoint_id, reply.clone(), context)
        .await?;
    Ok(recorded.then_some(reply))
}

/// The reply in a responder's 2xx body: `{"reply": "text", "media_urls": [...]}`; no reply (or
/// an empty one, or a body that is not such JSON) means nothing to add.
fn parse(body: &[u8]) -> Option<ResponderReply> {
    let answer: Answer = serde_json::from_slice(body).ok()?;
    let text: String = answer.reply?.trim().chars().take(MAX_BODY).collect();
    let media_urls: Vec<String> = answer
        .media_urls
        .into_iter()
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .take(MAX_MEDIA)
        .collect();
    if text.is_empty() && media_urls.is_empty() {
        return None;
    }
    Some(ResponderReply {
        body: text,
        media_urls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_is_read_from_the_documented_shape() {
        let reply = parse(br#"{"reply": " In stock ", "media_urls": ["https://x.example/a.jpg"]}"#)
            .unwrap();
        assert_eq!(reply.body, "In stock");
        assert_eq!(reply.media_urls, ["https://x.example/a.jpg"]);
    }

    #[test]
    fn no_reply_an_empty_one_or_another_body_adds_nothing() {
        assert_eq!(parse(b"{}"), None);
        assert_eq!(parse(br#"{"reply": "  "}"#), None);
        assert_eq!(parse(b"OK"), None);
        assert_eq!(parse(b""), None);
    }

    #[test]
    fn a_long_reply_is_cut_to_twilio_s_limit() {
        let body = format!(r#"{{"reply": "{}"}}"#, "x".repeat(2000));
        assert_eq!(parse(body.as_bytes()).unwrap().body.len(), MAX_BODY);
    }
}
