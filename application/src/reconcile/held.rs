//! The numbers we hold, checked against the provider's list: a requested release is finished,
//! and a number the provider no longer has (past the grace period) is marked lost.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use cqrs_es::persist::PersistedEventRepository;
use switchboard_domain::phone_number::PhoneNumberCommand;
use switchboard_domain::E164;
use tokio::time::Instant;

use super::{ReconcilePolicy, Reconciliation};
use crate::ports::OwnedNumber;
use crate::{AppError, RequestContext, Switchboard};

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Checks every number the routing table routes against `owned`, the provider's complete
    /// list taken at `listed_at`.
    pub(super) async fn reconcile_held(
        &self,
        owned: &[OwnedNumber],
        listed_at: DateTime<Utc>,
        policy: ReconcilePolicy,
        deadline: Instant,
        report: &mut Reconciliation,
        context: &RequestContext,
    ) {
        let held = match self.ledger.held_numbers().await {
            Ok(held) => held,
            Err(error) => return report.fail("held numbers", &error.into()),
        };
        let listed: HashSet<&str> = owned.iter().map(|o| o.provider_sid.as_str()).collect();
        for phone_number in held {
            if !report.on_time(deadline) {
                return;
            }
            let check = Held {
                listed: &listed,
                listed_at,
                policy,
                deadline,
            };
            if let Err(error) = self
                .reconcile_held_number(&phone_number, &check, report, context)
                .await
            {
                report.fail(&phone_number, &error);
            }
        }
    }

    async fn reconcile_held_number(
        &self,
        phone_number: &E164,
        check: &Held<'_>,
        report: &mut Reconciliation,
        context: &RequestContext,
    ) -> Result<(), AppError> {
        let number = self.phone_number(phone_number).await?;
        let Some(ownership) = number.ownership() else {
            self.missing.forget(phone_number);
            return Ok(());
        };
        if number.release_requested_at().is_some() {
            self.finish_release(phone_number, &number, context, Some(check.deadline))
                .await?;
            report.released.push(phone_number.clone());
            return Ok(());
        }
        // Present, or bought after the list was taken: not missing.
        if check.listed.contains(ownership.provider_sid.as_str())
            || ownership.provisioned_at >= check.listed_at
        {
            self.missing.forget(phone_number);
            return Ok(());
        }
        let since = self.missing.missing(phone_number, check.listed_at);
        if check.listed_at - since < check.policy.lost_grace {
            tracing::info!(number = %phone_number, %since, "held number missing at the provider");
            return Ok(());
        }
        let lost = PhoneNumberCommand::MarkLost {
            provider_sid: ownership.provider_sid.clone(),
            lost_at: self.clock.now(),
        };
        self.run_number(phone_number, lost, context).await?;
        self.detach(ownership.organization_id, phone_number, context)
            .await?;
        self.missing.forget(phone_number);
        tracing::warn!(number = %phone_number, owner = %ownership.organization_id,
            "number lost at the provider; it no longer routes");
        report.lost.push(phone_number.clone());
        Ok(())
    }
}

/// What every held number is checked against in one pass.
struct Held<'a> {
    listed: &'a HashSet<&'a str>,
    listed_at: DateTime<Utc>,
    policy: ReconcilePolicy,
    deadline: Instant,
}
