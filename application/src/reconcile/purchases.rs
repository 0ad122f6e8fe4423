//! Tagged purchases at the provider (the request id in the `FriendlyName`): completed when
//! their request is still in flight, released when it is not and the number is not attached;
//! then requests that never reached the provider are expired.

use std::collections::HashSet;

use cqrs_es::persist::PersistedEventRepository;
use switchboard_domain::organization::{Organization, OrganizationCommand};
use switchboard_domain::phone_number::{PhoneNumberCommand, WebhookUrls};
use switchboard_domain::{OrganizationId, RequestId};
use tokio::time::Instant;

use super::{ReconcilePolicy, Reconciliation};
use crate::ports::OwnedNumber;
use crate::provisioning_tag;
use crate::{AppError, RequestContext, Switchboard};

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Settles every tagged number in `owned`, then expires stale requests.
    pub(super) async fn reconcile_purchases(
        &self,
        owned: &[OwnedNumber],
        policy: ReconcilePolicy,
        deadline: Instant,
        report: &mut Reconciliation,
        context: &RequestContext,
    ) {
        let mut purchased = HashSet::new();
        for number in owned {
            let Some(request_id) = number
                .friendly_name
                .as_deref()
                .and_then(provisioning_tag::request_id)
            else {
                continue;
            };
            purchased.insert(request_id);
            if report.released.contains(&number.phone_number) {
                continue;
            }
            if !report.on_time(deadline) {
                return;
            }
            if let Err(error) = self
                .reconcile_purchase(number, request_id, policy, deadline, report, context)
                .await
            {
                report.fail(&number.phone_number, &error);
            }
        }
        self.expire_requests(&purchased, policy, deadline, report, context)
            .await;
    }

    /// The request's organization and time come from the ledger (facts that never change, so
    /// its lag only delays); whether it is in flight, attached or neither comes from the
    /// organization's own stream.
    async fn reconcile_purchase(
        &self,
        owned: &OwnedNumber,
        request_id: RequestId,
        policy: ReconcilePolicy,
        deadline: Instant,
        report: &mut Reconciliation,
        context: &RequestContext,
    ) -> Result<(), AppError> {
        let Some(request) = self.ledger.request(request_id).await? else {
            return Ok(());
        };
        if self.clock.now() - request.requested_at < policy.provisioning_timeout {
            return Ok(());
        }
        let organization_id = request.organization_id;
        let org: Organization = self
            .state(&self.organizations, &organization_id.to_string())
            .await?;
        let number = self.phone_number(&owned.phone_number).await?;
        let recorded = number
            .ownership()
            .filter(|o| o.provider_sid == owned.provider_sid)
            .map(|o| o.organization_id);
        if org.is_active() && org.requests_in_flight().contains_key(&request_id) {
            if recorded.is_none() {
                self.record_purchase(owned, organization_id, request_id, context)
                    .await?;
            }
            let attach = OrganizationCommand::AttachNumber {
                request_id,
                phone_number: owned.phone_number.clone(),
                attached_at: self.clock.now(),
            };
            self.run_organization(organization_id, attach, context)
                .await?;
            report.completed.push(owned.phone_number.clone());
            return Ok(());
        }
        if recorded.is_some() && org.is_active() && org.numbers().contains(&owned.phone_number) {
            return Ok(());
        }
        // An orphan: its request failed, or its organization is gone.
        match recorded {
            Some(holder) => {
                self.release_held(
                    &owned.phone_number,
                    holder,
                    "orphaned purchase",
                    context,
                    Some(deadline),
                )
                .await?
            }
            None => {
                self.release_at_provider(&owned.provider_sid, Some(deadline))
                    .await?
            }
        }
        report.released.push(owned.phone_number.clone());
        Ok(())
    }

    /// Fails the requests in flight for longer than the timeout that have no purchase at the
    /// provider; the organization's stream refuses those no longer in flight.
    async fn expire_requests(
        &self,
        purchased: &HashSet<RequestId>,
        policy: ReconcilePolicy,
        deadline: Instant,
        report: &mut Reconciliation,
        context: &RequestContext,
    ) {
        let before = self.clock.now() - policy.provisioning_timeout;
        let stale = match self.ledger.in_flight_before(before).await {
            Ok(stale) => stale,
            Err(error) => return report.fail("provisioning requests", &error.into()),
        };
        for request in stale {
            if purchased.contains(&request.request_id) {
                continue;
            }
            if !report.on_time(deadline) {
                return;
            }
            let fail = OrganizationCommand::FailNumberRequest {
                request_id: request.request_id,
                reason: "expired: no purchase at the provider".into(),
                failed_at: self.clock.now(),
            };
            match self
                .run_organization(request.organization_id, fail, context)
                .await
            {
                Ok(_) => report.expired.push(request.request_id),
                Err(AppError::Organization(_)) => {}
                Err(error) => report.fail(request.request_id, &error),
            }
        }
    }

    async fn record_purchase(
        &self,
        owned: &OwnedNumber,
        organization_id: OrganizationId,
        request_id: RequestId,
        context: &RequestContext,
    ) -> Result<(), AppError> {
        let provision = PhoneNumberCommand::ProvisionNumber {
            phone_number: owned.phone_number.clone(),
            organization_id,
            request_id,
            provider: self.provider_name.clone(),
            provider_sid: owned.provider_sid.clone(),
            capabilities: owned.capabilities,
            webhooks: WebhookUrls {
                sms_url: owned.sms_url.clone().unwrap_or_default(),
                status_callback: owned.status_callback.clone().unwrap_or_default(),
            },
            provisioned_at: self.clock.now(),
        };
        self.run_number(&owned.phone_number, provision, context)
            .await?;
        Ok(())
    }
}
