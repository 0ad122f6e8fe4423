//! Background maintenance: quota resets and provisioning reconciliation, two leased jobs
//! ([`crate::jobs`]) that each run once at start (of their ownership) and then every `interval`
//! (`MAINTENANCE_INTERVAL_SECS`, default a minute). Both passes are idempotent as well, so a
//! brief overlap during a takeover changes nothing.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use switchboard_application::RequestContext;
use tokio::sync::watch;

use crate::state::AppState;

/// How long a pass waits for the projector (in whichever process owns it) to reach the head of
/// the log before reading the read models anyway.
const CATCH_UP_WAIT: Duration = Duration::from_secs(5);

fn context() -> RequestContext {
    RequestContext {
        request_id: "maintenance".into(),
        actor: "scheduler".into(),
    }
}

/// Quota resets: `QuotaReset` for every organization entering a new billing period (the event
/// store allows one per organization and period). Runs until `stop` turns true.
pub async fn quota_reset(state: Arc<AppState>, interval: Duration, stop: watch::Receiver<bool>) {
    every(interval, stop, || async {
        caught_up(&state).await;
        match state.app.reset_quotas(&context()).await {
            Ok(count) => tracing::debug!(organizations = count, "quota periods checked"),
            Err(error) => tracing::warn!(%error, "quota reset pass failed; retrying next tick"),
        }
    })
    .await;
}

/// Provisioning reconciliation: purchases at the provider that were never recorded are
/// completed or released, stale requests (older than `provisioning_timeout`) expired
/// (invariant 5). Runs until `stop` turns true.
pub async fn reconciler(
    state: Arc<AppState>,
    provisioning_timeout: Duration,
    interval: Duration,
    stop: watch::Receiver<bool>,
) {
    let timeout = chrono::Duration::from_std(provisioning_timeout).unwrap_or(chrono::Duration::MAX);
    every(interval, stop, || async {
        caught_up(&state).await;
        if let Err(error) = state.app.reconcile_provisioning(timeout, &context()).await {
            tracing::warn!(%error, "provisioning reconciliation failed; retrying next tick");
        }
    })
    .await;
}

/// Runs `pass` now and then every `interval` until `stop` turns true.
async fn every<F, Fut>(interval: Duration, mut stop: watch::Receiver<bool>, mut pass: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    while !*stop.borrow() {
        pass().await;
        tokio::select! {
            () = tokio::time::sleep(interval) => {}
            _ = stop.wait_for(|stopped| *stopped) => return,
        }
    }
}

/// Both passes read read models: waits (up to [`CATCH_UP_WAIT`]) until they hold the log's
/// current head, whichever process projects.
async fn caught_up(state: &AppState) {
    let head = match state.log.head().await {
        Ok(head) => head,
        Err(error) => {
            tracing::warn!(%error, "cannot read the log head before maintenance");
            return;
        }
    };
    match state.projector.wait_for(head, CATCH_UP_WAIT).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!("read models are behind the log; maintenance reads them anyway")
        }
        Err(error) => tracing::warn!(%error, "cannot read the projection checkpoints"),
    }
}
