//! Background maintenance: quota resets, provisioning reconciliation, expired idempotency keys.

use std::sync::Arc;
use std::time::Duration;

use switchboard_application::ports::idempotency::IDEMPOTENCY_KEY_TTL;
use switchboard_application::RequestContext;
use tokio::sync::watch;

use crate::state::AppState;

/// Background maintenance, at start-up and then every `interval` (`MAINTENANCE_INTERVAL_SECS`,
/// default a minute); both passes are idempotent, so several processes can run them:
/// - quota resets: `QuotaReset` for every organization entering a new billing period (the event
///   store allows one per organization and period);
/// - provisioning reconciliation: purchases at the provider that were never recorded are
///   completed or released, stale requests expired (invariant 5);
/// - idempotency keys first used more than 24 hours ago are forgotten.
pub async fn run(
    state: Arc<AppState>,
    provisioning_timeout: Duration,
    interval: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    let context = RequestContext {
        request_id: "maintenance".into(),
        actor: "scheduler".into(),
    };
    let timeout = chrono::Duration::from_std(provisioning_timeout).unwrap_or(chrono::Duration::MAX);
    loop {
        // Both passes read read models: bring them up to date first.
        if let Err(error) = state.projector.catch_up().await {
            tracing::warn!(%error, "read models could not catch up before maintenance");
        }
        match state.app.reset_quotas(&context).await {
            Ok(count) => tracing::debug!(organizations = count, "quota periods checked"),
            Err(error) => tracing::warn!(%error, "quota reset pass failed; retrying next tick"),
        }
        if let Err(error) = state.app.reconcile_provisioning(timeout, &context).await {
            tracing::warn!(%error, "provisioning reconciliation failed; retrying next tick");
        }
        let expired = chrono::Utc::now() - IDEMPOTENCY_KEY_TTL;
        match state.idempotency.expire(expired).await {
            Ok(count) => tracing::debug!(keys = count, "expired idempotency keys forgotten"),
            Err(error) => tracing::warn!(%error, "idempotency keys could not be expired"),
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = shutdown.wait_for(|stopped| *stopped) => return,
        }
    }
}
