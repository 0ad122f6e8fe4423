//! Background jobs and who runs them: each job runs in one process at a time, the holder of its
//! lease ([`switchboard_adapters::lease`]); the others retry the lease every `LEASE_RETRY_MS`
//! and take over within about that long when the owner stops or dies. On SQLite the one
//! process owns every job.
//!
//! Not leased, because each process needs its own: the read-cache tail (it invalidates this
//! process's caches) and request handling.

mod leased;

pub use leased::{run_leased, Leases};

use std::sync::Arc;

use switchboard_adapters::event_store::Database;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::Settings;
use crate::delivery::dispatcher;
use crate::maintenance;
use crate::metrics::Metrics;
use crate::state::AppState;

/// A leased background job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    /// Feeds every projection from the global log (read models, delivery outbox, audit chain).
    Projector,
    /// Posts due deliveries to organizations' endpoints.
    Dispatcher,
    /// Completes, compensates or expires provisioning requests against the provider's list.
    Reconciler,
    /// Records `QuotaReset` for organizations entering a new billing period.
    QuotaReset,
}

impl Job {
    /// Every job.
    pub const ALL: [Job; 4] = [
        Job::Projector,
        Job::Dispatcher,
        Job::Reconciler,
        Job::QuotaReset,
    ];

    /// The `job` label: `projector`, `dispatcher`, `reconciler` or `quota_reset`.
    pub fn name(self) -> &'static str {
        match self {
            Job::Projector => "projector",
            Job::Dispatcher => "dispatcher",
            Job::Reconciler => "reconciler",
            Job::QuotaReset => "quota_reset",
        }
    }

    /// The lease's lock object: part of the persisted contract between versions running side
    /// by side during a rolling upgrade, so never renumber.
    fn lock_object(self) -> i32 {
        match self {
            Job::Projector => 1,
            Job::Dispatcher => 2,
            Job::Reconciler => 3,
            Job::QuotaReset => 4,
        }
    }

    /// Whether this process owns the job now (from the `switchboard_job_owned` gauge, which
    /// [`run_leased`] keeps).
    pub fn owned(self, metrics: &Metrics) -> bool {
        metrics.jobs_owned.with_label_values(&[self.name()]).get() == 1
    }
}

/// Spawns the four leased jobs of this process (projector, dispatcher, reconciler, quota reset,
/// with the intervals in `settings`); each runs only while this process holds its lease, and
/// every task ends once `shutdown` turns true (after giving its lease back).
pub fn spawn_all(
    state: &Arc<AppState>,
    settings: &Settings,
    database: &Database,
    metrics: &Arc<Metrics>,
    shutdown: &watch::Receiver<bool>,
) -> Vec<JoinHandle<()>> {
    let leases = Leases {
        database: database.clone(),
        metrics: metrics.clone(),
        retry: settings.lease_retry,
        shutdown: shutdown.clone(),
    };
    let schedule = maintenance::Schedule::of(settings);
    let interval = schedule.interval;
    vec![
        leases.spawn(Job::Projector, {
            let projector = state.projector.clone();
            move |stop| projector.clone().run(stop)
        }),
        leases.spawn(Job::Dispatcher, {
            let state = state.clone();
            move |stop| dispatcher::run(state.clone(), stop)
        }),
        leases.spawn(Job::Reconciler, {
            let state = state.clone();
            move |stop| maintenance::reconciler(state.clone(), schedule, stop)
        }),
        leases.spawn(Job::QuotaReset, {
            let state = state.clone();
            move |stop| maintenance::quota_reset(state.clone(), interval, stop)
        }),
    ]
}
