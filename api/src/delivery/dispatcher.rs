//! The delivery dispatcher: claims due deliveries from the outbox (which the delivery projection
//! fills from the global log), posts each signed to its endpoint in its own task, and records
//! the attempt: delivered on a 2xx; otherwise retried on the configured schedule (jittered),
//! failed once it is exhausted. An endpoint failing for 24 h without a success, or answering
//! `410 Gone` (Standard Webhooks "Deliverability"), is disabled through its aggregate.
//!
//! Claims are leases in the database, so several processes share the work and a process killed
//! mid-delivery has its claims picked up again once they expire (at least once).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use switchboard_application::RequestContext;
use switchboard_projections::delivery::{
    AttemptResult, ClaimedDelivery, DeliveryQueue, EndpointsView, NextStep,
};
use tokio::sync::{watch, Semaphore};

use crate::state::AppState;

/// Deliveries claimed per round.
const CLAIM_BATCH: u32 = 64;
/// Attempts in flight at once in this process.
const MAX_IN_FLIGHT: usize = 128;
/// Attempts in flight at once to one endpoint, so a slow endpoint cannot take every slot.
const MAX_PER_ENDPOINT: usize = 8;
/// How often the outbox is polled when idle.
const POLL: Duration = Duration::from_millis(100);
/// A claim outlives the attempt's deadline by this much before another process may take it.
const LEASE_MARGIN: Duration = Duration::from_secs(5);
/// Failing this long without a success disables an endpoint.
pub const DISABLE_AFTER: Duration = Duration::from_secs(24 * 3600);

/// This process's claim owner name.
fn owner() -> String {
    format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple())
}

/// Runs until `shutdown` turns true.
pub async fn run(state: Arc<AppState>, mut shutdown: watch::Receiver<bool>) {
    let owner = owner();
    let slots = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    let per_endpoint: Arc<std::sync::Mutex<HashMap<String, usize>>> = Arc::default();
    let lease = state.delivery.timeout + LEASE_MARGIN;
    loop {
        let free = slots.available_permits().min(CLAIM_BATCH as usize);
        let mut claimed = Vec::new();
        if free > 0 {
            match DeliveryQueue::claim_due(
                state.projector.pool(),
                &owner,
                Utc::now().timestamp_millis(),
                i64::try_from(lease.as_millis()).unwrap_or(i64::MAX),
                u32::try_from(free).unwrap_or(CLAIM_BATCH),
            )
            .await
            {
                Ok(deliveries) => claimed = deliveries,
                Err(error) => tracing::warn!(%error, "cannot claim deliveries"),
            }
        }
        for delivery in claimed {
            let busy = {
                let mut counts = per_endpoint.lock().unwrap_or_else(|e| e.into_inner());
                let count = counts.entry(delivery.endpoint_id.clone()).or_default();
                if *count >= MAX_PER_ENDPOINT {
                    true
                } else {
                    *count += 1;
                    false
                }
            };
            if busy {
                // Given back: claimed again once the endpoint has room.
                if let Err(error) =
                    DeliveryQueue::release(state.projector.pool(), &delivery.delivery_id, &owner)
                        .await
                {
                    tracing::warn!(%error, "cannot release a delivery claim");
                }
                continue;
            }
            let Ok(permit) = slots.clone().acquire_owned().await else {
                return;
            };
            let state = state.clone();
            let per_endpoint = per_endpoint.clone();
            tokio::spawn(async move {
                let endpoint = delivery.endpoint_id.clone();
                attempt(&state, delivery).await;
                let mut counts = per_endpoint.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(count) = counts.get_mut(&endpoint) {
                    *count = count.saturating_sub(1);
                }
                drop(permit);
            });
        }
        tokio::select! {
            () = tokio::time::sleep(POLL) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            return;
        }
    }
}

/// The step after a failed attempt number `attempt` (1 for the first): the schedule's
/// `attempt`-th pause, jittered by up to ±10 %, or failed when the schedule is exhausted.
pub fn after_failure(schedule: &[Duration], attempt: u32, now_ms: i64) -> NextStep {
    let Some(pause) = schedule.get(attempt as usize - 1) else {
        return NextStep::Failed;
    };
    let pause_ms = i64::try_from(pause.as_millis()).unwrap_or(i64::MAX);
    // ±10 % from a random byte: 0..=255 maps onto -10 %..+10 %.
    let jitter = i64::from(uuid::Uuid::new_v4().as_bytes()[0]) - 128;
    let jittered = pause_ms + pause_ms / 10 * jitter / 128;
    NextStep::RetryAt(now_ms.saturating_add(jittered.max(1)))
}

/// One attempt of a claimed delivery, recorded whatever happens.
async fn attempt(state: &AppState, delivery: ClaimedDelivery) {
    let pool = state.projector.pool();
    let attempt_no = delivery.attempts + 1;
    let endpoint = match EndpointsView::by_id(pool, &delivery.endpoint_id).await {
        Ok(Some(endpoint)) if endpoint.disabled_reason.is_none() => endpoint,
        Ok(_) => return, // removed or disabled meanwhile: the lease lapses, nothing is sent
        Err(error) => {
            tracing::warn!(%error, "cannot read the endpoint of a delivery");
            return;
        }
    };
    let now_ms = Utc::now().timestamp_millis();
    let secrets = endpoint.signing_secrets(now_ms);
    let webhook_id = format!(
        "msg_{}",
        delivery
            .delivery_id
            .parse::<uuid::Uuid>()
            .unwrap_or_default()
            .simple()
    );
    let at = Utc::now();
    let outcome = state
        .sender
        .send(
            &endpoint.url,
            &webhook_id,
            &secrets,
            &delivery.payload,
            state.delivery.timeout,
        )
        .await;
    let (result, gone) = match outcome {
        Ok(outcome) => (
            AttemptResult {
                http_status: outcome.http_status,
                latency_ms: outcome.latency_ms,
                error: outcome.error.clone(),
            },
            outcome.http_status == Some(410),
        ),
        Err(error) => (
            AttemptResult {
                http_status: None,
                latency_ms: 0,
                error: Some(error.to_string()),
            },
            false,
        ),
    };
    let success = result.http_status.is_some_and(|s| (200..300).contains(&s));
    let next = if success {
        NextStep::Delivered
    } else {
        after_failure(
            &state.delivery.retry_schedule,
            attempt_no,
            Utc::now().timestamp_millis(),
        )
    };
    state.metrics.webhook(
        "delivery",
        if success {
            "delivered"
        } else {
            "failed_attempt"
        },
    );
    if let Err(error) =
        DeliveryQueue::record_attempt(pool, &delivery.delivery_id, attempt_no, at, &result, next)
            .await
    {
        tracing::error!(%error, delivery_id = %delivery.delivery_id, "cannot record a delivery attempt");
        return;
    }
    let failing_since = match DeliveryQueue::note_endpoint_result(
        pool,
        &endpoint.endpoint_id,
        success,
        Utc::now().timestamp_millis(),
    )
    .await
    {
        Ok(since) => since,
        Err(error) => {
            tracing::warn!(%error, "cannot record the endpoint's health");
            None
        }
    };
    let failing_too_long = failing_since.is_some_and(|since| {
        Utc::now().timestamp_millis() - since
            >= i64::try_from(DISABLE_AFTER.as_millis()).unwrap_or(i64::MAX)
    });
    if gone || failing_too_long {
        let reason = if gone {
            "the endpoint answered 410 Gone".to_string()
        } else {
            format!(
                "failing for 24 hours; last error: {}",
                result.error.as_deref().unwrap_or("unknown")
            )
        };
        disable(
            state,
            &endpoint.organization_id,
            &endpoint.endpoint_id,
            reason,
        )
        .await;
    }
}

async fn disable(state: &AppState, organization_id: &str, endpoint_id: &str, reason: String) {
    let (Ok(organization), Ok(endpoint)) = (organization_id.parse(), endpoint_id.parse()) else {
        return;
    };
    let context = RequestContext {
        request_id: format!("dispatcher-{}", uuid::Uuid::new_v4()),
        actor: "dispatcher".into(),
    };
    match state
        .app
        .disable_endpoint(organization, endpoint, reason, &context)
        .await
    {
        Ok(()) => tracing::warn!(endpoint_id, "endpoint disabled"),
        Err(error) => tracing::warn!(%error, endpoint_id, "cannot disable the endpoint"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_is_followed_with_bounded_jitter_then_the_delivery_fails() {
        let schedule = [Duration::from_secs(5), Duration::from_secs(30)];
        for _ in 0..100 {
            let NextStep::RetryAt(at) = after_failure(&schedule, 1, 0) else {
                panic!("a retry was due");
            };
            assert!((4_500..=5_500).contains(&at), "{at}");
            let NextStep::RetryAt(at) = after_failure(&schedule, 2, 0) else {
                panic!("a retry was due");
            };
            assert!((27_000..=33_000).contains(&at), "{at}");
        }
        assert_eq!(after_failure(&schedule, 3, 0), NextStep::Failed);
    }
}
