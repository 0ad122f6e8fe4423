//! Which leased background jobs this process runs, as shown by `/health` and `/health/ready`.

use poem_openapi::Object;

use crate::jobs::Job;
use crate::metrics::Metrics;

/// The background jobs this process owns now: each runs in exactly one process at a time (the
/// holder of its PostgreSQL lease; on SQLite the one process owns them all).
#[derive(Debug, Object)]
pub struct JobsOwned {
    /// The projector (read models, delivery outbox, audit chain).
    pub projector: bool,
    /// The delivery dispatcher.
    pub dispatcher: bool,
    /// The provisioning reconciler.
    pub reconciler: bool,
    /// The quota reset.
    pub quota_reset: bool,
}

impl JobsOwned {
    /// As `metrics`' `switchboard_job_owned` gauge says now.
    pub fn now(metrics: &Metrics) -> Self {
        Self {
            projector: Job::Projector.owned(metrics),
            dispatcher: Job::Dispatcher.owned(metrics),
            reconciler: Job::Reconciler.owned(metrics),
            quota_reset: Job::QuotaReset.owned(metrics),
        }
    }
}
