//! Background maintenance: quota resets (with expired idempotency keys) and provisioning
//! reconciliation, two leased jobs ([`crate::jobs`]) that each run once at start (of their
//! ownership) and then every `interval` (`MAINTENANCE_INTERVAL_SECS`, default a minute). Both
//! passes are idempotent as well, so a brief overlap during a takeover changes nothing.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use switchboard_application::ports::idempotency::IDEMPOTENCY_KEY_TTL;
use switchboard_application::{ReconcilePolicy, Reconciliation, RequestContext};
use tokio::sync::watch;

use crate::config::Settings;
use crate::metrics::Metrics;
use crate::state::AppState;

/// When maintenance runs and how a reconciliation pass behaves.
#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    /// `MAINTENANCE_INTERVAL_SECS`: the pause between passes.
    pub interval: Duration,
    /// The reconciler's timeout, deadline and grace period.
    pub reconcile: ReconcilePolicy,
}

impl Schedule {
    /// The schedule `settings` configure (`MAINTENANCE_INTERVAL_SECS`,
    /// `PROVISIONING_TIMEOUT_SECS`, `RECONCILE_DEADLINE_SECS`, `RECONCILE_LOST_GRACE_SECS`).
    pub fn of(settings: &Settings) -> Self {
        let chrono = |d: Duration| chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
        Self {
            interval: settings.maintenance_interval,
            reconcile: ReconcilePolicy {
                provisioning_timeout: chrono(settings.provisioning_timeout),
                deadline: settings.reconcile_deadline,
                lost_grace: chrono(settings.reconcile_lost_grace),
            },
        }
    }
}

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
/// store allows one per organization and period); then idempotency keys first used more than
/// 24 hours ago are forgotten. Runs until `stop` turns true.
pub async fn quota_reset(state: Arc<AppState>, interval: Duration, stop: watch::Receiver<bool>) {
    every(interval, stop, || async {
        caught_up(&state).await;
        match state.app.reset_quotas(&context()).await {
            Ok(count) => tracing::debug!(organizations = count, "quota periods checked"),
            Err(error) => tracing::warn!(%error, "quota reset pass failed; retrying next tick"),
        }
        let expired = chrono::Utc::now() - IDEMPOTENCY_KEY_TTL;
        match state.idempotency.expire(expired).await {
            Ok(count) => tracing::debug!(keys = count, "expired idempotency keys forgotten"),
            Err(error) => tracing::warn!(%error, "idempotency keys could not be expired"),
        }
    })
    .await;
}

/// Provisioning reconciliation: purchases at the provider that were never recorded are
/// completed or released, interrupted releases finished, numbers the provider no longer has
/// marked lost, stale requests expired (invariant 5), as `policy` says; counted in
/// `switchboard_reconcile_total`. Runs until `stop` turns true.
pub async fn reconciler(state: Arc<AppState>, schedule: Schedule, stop: watch::Receiver<bool>) {
    every(schedule.interval, stop, || async {
        caught_up(&state).await;
        match state
            .app
            .reconcile_provisioning(schedule.reconcile, &context())
            .await
        {
            Ok(report) => count(&state.metrics, &report),
            Err(error) => {
                state
                    .metrics
                    .reconcile
                    .with_label_values(&["list_failed"])
                    .inc();
                tracing::warn!(%error, "provisioning reconciliation failed; retrying next tick");
            }
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

/// Adds a pass's report to `switchboard_reconcile_total`.
fn count(metrics: &Metrics, report: &Reconciliation) {
    let outcomes = [
        ("completed", report.completed.len()),
        ("released", report.released.len()),
        ("expired", report.expired.len()),
        ("lost", report.lost.len()),
        ("failed", report.failed.len()),
        ("deadline", usize::from(report.deadline_reached)),
    ];
    for (outcome, n) in outcomes {
        metrics
            .reconcile
            .with_label_values(&[outcome])
            .inc_by(n as u64);
    }
}
