use std::collections::HashSet;

use chrono::Duration;
use cqrs_es::persist::PersistedEventRepository;
use switchboard_domain::organization::{Organization, OrganizationCommand};
use switchboard_domain::phone_number::{PhoneNumberCommand, WebhookUrls};
use switchboard_domain::{RequestId, E164};

use crate::ports::{OwnedNumber, RequestState};
use crate::provisioning_tag;
use crate::{AppError, RequestContext, Switchboard};

/// What a reconciliation pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reconciliation {
    /// Purchases that had not been recorded (or attached) and now are.
    pub completed: Vec<E164>,
    /// Numbers bought for a request that failed, or for an organization that is gone, released
    /// at the provider.
    pub released: Vec<E164>,
    /// Requests older than the timeout with no purchase at the provider, now failed (their slot
    /// is free again).
    pub expired: Vec<RequestId>,
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Makes every number bought at the provider end up assigned or released (ARCHITECTURE
    /// invariant 5), using the provider's own `IncomingPhoneNumbers` list and the request id in
    /// each number's `FriendlyName`. Only requests older than `timeout` are touched, so a
    /// purchase still running is left to finish; numbers without our tag are never touched.
    ///
    /// # Errors
    /// Provider or storage failures; the pass can simply be run again.
    #[tracing::instrument(skip(self, context))]
    pub async fn reconcile_provisioning(
        &self,
        timeout: Duration,
        context: &RequestContext,
    ) -> Result<Reconciliation, AppError> {
        let now = self.clock.now();
        let mut report = Reconciliation::default();
        let mut purchased = HashSet::new();
        for owned in self.provider.list_owned().await? {
            let Some(request_id) = owned
                .friendly_name
                .as_deref()
                .and_then(provisioning_tag::request_id)
            else {
                continue;
            };
            purchased.insert(request_id);
            let Some(request) = self.ledger.request(request_id).await? else {
                continue;
            };
            if now - request.requested_at < timeout {
                continue;
            }
            let org: Organization = self
                .state(&self.organizations, &request.organization_id.to_string())
                .await?;
            let in_flight = org.is_active() && org.requests_in_flight().contains_key(&request_id);
            let number = self.phone_number(&owned.phone_number).await?;
            let recorded = number
                .ownership()
                .is_some_and(|o| o.provider_sid == owned.provider_sid);
            if in_flight {
                if !recorded {
                    self.record_purchase(&owned, request.organization_id, request_id, context)
                        .await?;
                }
                let attach = OrganizationCommand::AttachNumber {
                    request_id,
                    phone_number: owned.phone_number.clone(),
                    attached_at: self.clock.now(),
                };
                self.run_organization(request.organization_id, attach, context)
                    .await?;
                report.completed.push(owned.phone_number);
            } else if request.state == RequestState::Failed || !org.is_active() {
                if recorded {
                    let release = PhoneNumberCommand::ReleaseNumber {
                        organization_id: request.organization_id,
                        released_at: self.clock.now(),
                    };
                    self.provider.release(&owned.provider_sid).await?;
                    self.run(&self.numbers, owned.phone_number.as_str(), release, context)
                        .await?;
                } else {
                    self.provider.release(&owned.provider_sid).await?;
                }
                report.released.push(owned.phone_number);
            }
        }
        for request in self.ledger.in_flight_before(now - timeout).await? {
            if purchased.contains(&request.request_id) {
                continue;
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
                Err(error) => return Err(error),
            }
        }
        if report != Reconciliation::default() {
            tracing::warn!(?report, "provisioning reconciled");
        }
        Ok(report)
    }

    async fn record_purchase(
        &self,
        owned: &OwnedNumber,
        organization_id: switchboard_domain::OrganizationId,
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
        self.run(
            &self.numbers,
            owned.phone_number.as_str(),
            provision,
            context,
        )
        .await?;
        Ok(())
    }
}
