use chrono::{DateTime, Utc};
use cqrs_es::persist::PersistedEventRepository;
use cqrs_es::Aggregate;
use switchboard_domain::organization::{Organization, OrganizationError};
use switchboard_domain::quota::{quota_id, Quota, QuotaCommand};
use switchboard_domain::{BillingPeriod, OrganizationId};
use tokio::sync::oneshot;

use crate::group_commit::Finish;
use crate::unit::{retrying, Attempt, Unit};
use crate::{AppError, RequestContext, Switchboard};

/// An organization's message usage in the current billing period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Usage {
    /// The period.
    pub period: BillingPeriod,
    /// Messages counted.
    pub used: u32,
    /// The plan's limit.
    pub limit: u32,
    /// `limit - used`, never negative.
    pub remaining: u32,
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Counts one message against the organization's current period; `false` when the plan's
    /// limit is reached. Committed in the quota stream's next batch (so a busy organization
    /// shares commits instead of failing optimistic checks); across processes the event store
    /// decides and a conflict runs it again.
    pub(crate) async fn consume_quota(
        &self,
        org: &Organization,
        reference: &str,
        now: DateTime<Utc>,
        context: &RequestContext,
    ) -> Result<bool, AppError> {
        let organization_id = org.id().ok_or(OrganizationError::NotFound)?;
        let period = BillingPeriod::containing(now, org.settings().billing_day);
        let command = QuotaCommand::ConsumeQuota {
            organization_id,
            period,
            limit: org.plan().monthly_message_limit(),
            reference: reference.to_string(),
            at: now,
        };
        self.quota_alone(&quota_id(organization_id, &period), command, context)
            .await
    }

    /// Gives back a message counted under `reference` in the period containing `at`.
    pub(crate) async fn release_quota(
        &self,
        org: &Organization,
        reference: &str,
        at: DateTime<Utc>,
        context: &RequestContext,
    ) -> Result<(), AppError> {
        let organization_id = org.id().ok_or(OrganizationError::NotFound)?;
        let period = BillingPeriod::containing(at, org.settings().billing_day);
        let command = QuotaCommand::ReleaseQuota {
            reference: reference.to_string(),
            at: self.clock.now(),
        };
        self.quota_alone(&quota_id(organization_id, &period), command, context)
            .await
            .map(|_| ())
    }

    /// Runs `command` on quota stream `id` in its next batch, with no other stream; whether
    /// the command was within quota.
    async fn quota_alone(
        &self,
        id: &str,
        command: QuotaCommand,
        context: &RequestContext,
    ) -> Result<bool, AppError> {
        retrying(Quota::TYPE, || async {
            let (answer, within) = oneshot::channel();
            let finish: Finish = Box::new(move |within_quota| {
                Box::pin(async move {
                    let _ = answer.send(within_quota);
                    Ok(Unit::default())
                })
            });
            let metadata = context.metadata();
            if !self
                .commit_counted(id, command.clone(), metadata, finish)
                .await?
            {
                return Ok(Attempt::Conflict);
            }
            let within = within
                .await
                .map_err(|_| AppError::Contention(Quota::TYPE.into()))?;
            Ok(Attempt::Done(within))
        })
        .await
    }

    /// The organization's usage in the current period (read from the quota stream itself, so it
    /// is exact).
    ///
    /// # Errors
    /// `NotFound`/`Deleted`; [`AppError::Store`].
    pub async fn usage(&self, organization_id: OrganizationId) -> Result<Usage, AppError> {
        let org = self.active_organization(organization_id).await?;
        let period = BillingPeriod::containing(self.clock.now(), org.settings().billing_day);
        let quota: Quota = self
            .state(&self.quotas, &quota_id(organization_id, &period))
            .await?;
        let used = if quota.period() == Some(period) {
            quota.used()
        } else {
            0
        };
        let limit = org.plan().monthly_message_limit();
        Ok(Usage {
            period,
            used,
            limit,
            remaining: limit.saturating_sub(used),
        })
    }

    /// Starts the current billing period of every active organization that has not started it
    /// yet (`QuotaReset`, once per organization and period whoever runs this and however often);
    /// returns how many organizations were looked at.
    ///
    /// # Errors
    /// [`AppError::Store`] when the directory or the store fails.
    #[tracing::instrument(skip(self, context))]
    pub async fn reset_quotas(&self, context: &RequestContext) -> Result<usize, AppError> {
        let organizations = self.directory.active_organizations().await?;
        let now = self.clock.now();
        for organization_id in &organizations {
            let org = match self.active_organization(*organization_id).await {
                Ok(org) => org,
                Err(AppError::Organization(_)) => continue,
                Err(error) => return Err(error),
            };
            let period = BillingPeriod::containing(now, org.settings().billing_day);
            let command = QuotaCommand::ResetQuota {
                organization_id: *organization_id,
                period,
                at: now,
            };
            self.run(
                &self.quotas,
                &quota_id(*organization_id, &period),
                command,
                context,
            )
            .await?;
        }
        Ok(organizations.len())
    }
}
