//! Background maintenance: quota resets and provisioning reconciliation.

use std::sync::Arc;
use std::time::Duration;

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

/// Background maintenance, at start-up and then every `schedule.interval` (default a minute);
/// both passes are idempotent, so several processes can run them:
/// - quota resets: `QuotaReset` for every organization entering a new billing period (the event
///   store allows one per organization and period);
/// - provisioning reconciliation: purchases at the provider that were never recorded are
///   completed or released, interrupted releases finished, numbers the provider no longer has
///   marked lost, stale requests expired (invariant 5); counted in `switchboard_reconcile_total`.
pub async fn run(state: Arc<AppState>, schedule: Schedule, mut shutdown: watch::Receiver<bool>) {
    let context = RequestContext {
        request_id: "maintenance".into(),
        actor: "scheduler".into(),
    };
    loop {
        // Both passes read read models: bring them up to date first.
        if let Err(error) = state.projector.catch_up().await {
            tracing::warn!(%error, "read models could not catch up before maintenance");
        }
        match state.app.reset_quotas(&context).await {
            Ok(count) => tracing::debug!(organizations = count, "quota periods checked"),
            Err(error) => tracing::warn!(%error, "quota reset pass failed; retrying next tick"),
        }
        match state
            .app
            .reconcile_provisioning(schedule.reconcile, &context)
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
        tokio::select! {
            _ = tokio::time::sleep(schedule.interval) => {}
            _ = shutdown.wait_for(|stopped| *stopped) => return,
        }
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
