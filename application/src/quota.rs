use chrono::{DateTime, Utc};
use cqrs_es::persist::PersistedEventRepository;
use switchboard_domain::organization::{Organization, OrganizationError};
use switchboard_domain::quota::{quota_id, Quota, QuotaCommand, QuotaError};
use switchboard_domain::{BillingPeriod, OrganizationId};

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
    /// limit is reached. Serialized per organization inside the process (so a busy organization
    /// queues instead of failing optimistic checks); across processes the event store decides.
    pub(crate) async fn consume_quota(
        &self,
        org: &Organization,
        reference: &str,
        now: DateTime<Utc>,
        context: &RequestContext,
    ) -> Result<bool, AppError> {
        let organization_id = org.id().ok_or(OrganizationError::NotFound)?;
        let period = BillingPeriod::containing(now, org.settings().billing_day);
        let id = quota_id(organization_id, &period);
        let _turn = self.locks.lock(&id).await;
        let command = QuotaCommand::ConsumeQuota {
            organization_id,
            period,
            limit: org.plan().monthly_message_limit(),
            reference: reference.to_string(),
            at: now,
        };
        match self.run(&self.quotas, &id, command, context).await {
            Ok(_) => Ok(true),
            Err(AppError::Quota(QuotaError::QuotaExhausted { .. })) => Ok(false),
            Err(error) => Err(error),
        }
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
        let id = quota_id(organization_id, &period);
        let _turn = self.locks.lock(&id).await;
        let command = QuotaCommand::ReleaseQuota {
            reference: reference.to_string(),
            at: self.clock.now(),
        };
        self.run(&self.quotas, &id, command, context).await?;
        Ok(())
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
