//! The provisioning reconciler: one pass makes the event store and the provider's own
//! `IncomingPhoneNumbers` list agree (ARCHITECTURE invariant 5). A pass
//! - finishes releases that were requested but not recorded as done ([`held`]),
//! - marks lost the numbers we hold that the provider no longer has ([`held`]),
//! - completes or releases tagged purchases left behind by a crash ([`purchases`]),
//! - expires requests that never reached the provider ([`purchases`]).
//!
//! Every decision is taken on the aggregates' own streams; the read models (provisioning ledger,
//! routing table) only name candidates and immutable facts (a request's organization and time),
//! so their lag after a restart delays work but never misleads it. One number's failure is
//! logged with the number, counted in the report and leaves the others to go on; a pass stops
//! starting work at its deadline and the next pass goes on from the state recorded so far.

mod held;
mod memory;
mod purchases;

use std::time::Duration;

use cqrs_es::persist::PersistedEventRepository;
use switchboard_domain::{RequestId, E164};
use tokio::time::Instant;

pub(crate) use memory::MissingNumbers;

use crate::{AppError, RequestContext, Switchboard};

/// How a pass behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReconcilePolicy {
    /// Requests younger than this are left to the purchase still running
    /// (`PROVISIONING_TIMEOUT_SECS`).
    pub provisioning_timeout: chrono::Duration,
    /// After this long a pass starts no more work and cuts its provider calls short
    /// (`RECONCILE_DEADLINE_SECS`, default 30 s).
    pub deadline: Duration,
    /// How long a held number must be missing from the provider's complete list, seen so by
    /// this process, before it is marked lost (`RECONCILE_LOST_GRACE_SECS`, default 300 s).
    pub lost_grace: chrono::Duration,
}

/// One number (or request) the pass could not settle; the next pass tries again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReconcileFailure {
    /// The number, or the request id for an expiry.
    pub subject: String,
    /// What failed.
    pub error: String,
}

/// What a reconciliation pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reconciliation {
    /// Purchases that had not been recorded (or attached) and now are.
    pub completed: Vec<E164>,
    /// Numbers released at the provider: orphaned purchases (their request failed, or their
    /// organization is gone) and requested releases a crash had interrupted.
    pub released: Vec<E164>,
    /// Requests older than the timeout with no purchase at the provider, now failed (their slot
    /// is free again).
    pub expired: Vec<RequestId>,
    /// Numbers we held that the provider no longer has, now marked lost (no longer routed).
    pub lost: Vec<E164>,
    /// What failed, one entry per number or request.
    pub failed: Vec<ReconcileFailure>,
    /// Whether the pass stopped at its deadline with work left for the next pass.
    pub deadline_reached: bool,
}

impl Reconciliation {
    fn fail(&mut self, subject: impl ToString, error: &AppError) {
        let subject = subject.to_string();
        tracing::warn!(%subject, %error, "reconciliation of one number failed; continuing");
        self.failed.push(ReconcileFailure {
            subject,
            error: error.to_string(),
        });
    }

    /// Whether the pass may start more work before `deadline`; notes it when not.
    fn on_time(&mut self, deadline: Instant) -> bool {
        if Instant::now() >= deadline {
            self.deadline_reached = true;
        }
        !self.deadline_reached
    }
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// One reconciliation pass (see the module documentation).
    ///
    /// # Errors
    /// Only when the provider's list cannot be read completely (then nothing is decided);
    /// every other failure is per number, in [`Reconciliation::failed`]. A list not read by the
    /// deadline is a report with [`Reconciliation::deadline_reached`] and nothing else.
    #[tracing::instrument(skip(self, context))]
    pub async fn reconcile_provisioning(
        &self,
        policy: ReconcilePolicy,
        context: &RequestContext,
    ) -> Result<Reconciliation, AppError> {
        let deadline = Instant::now() + policy.deadline;
        let listed_at = self.clock.now();
        let mut report = Reconciliation::default();
        let owned = match tokio::time::timeout_at(deadline, self.provider.list_owned()).await {
            Ok(listed) => listed?,
            Err(_) => {
                tracing::warn!(deadline = ?policy.deadline,
                    "reconciliation pass reached its deadline before the provider's list");
                report.deadline_reached = true;
                return Ok(report);
            }
        };
        self.reconcile_held(&owned, listed_at, policy, deadline, &mut report, context)
            .await;
        self.reconcile_purchases(&owned, policy, deadline, &mut report, context)
            .await;
        if report.deadline_reached {
            tracing::warn!(
                deadline = ?policy.deadline,
                "reconciliation pass stopped at its deadline; the next pass goes on"
            );
        }
        if report != Reconciliation::default() {
            tracing::warn!(?report, "provisioning reconciled");
        }
        Ok(report)
    }
}
