use chrono::{DateTime, Utc};
use cqrs_es::persist::PersistedEventRepository;
use switchboard_domain::organization::{NumberTarget, OrganizationCommand};
use switchboard_domain::phone_number::{
    PhoneNumber, PhoneNumberCommand, PhoneNumberError, WebhookUrls,
};
use switchboard_domain::{AreaCode, Capabilities, NumberType, OrganizationId, RequestId, E164};

use crate::ports::{AvailableNumber, AvailableNumberQuery, PurchaseRequest, PurchaseTarget};
use crate::{AppError, RequestContext, Switchboard};

/// What to provision: a given number, or the first available one in an area code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProvisionTarget {
    /// This number.
    Number(E164),
    /// The first available number of this type in this area code.
    AreaCode {
        /// ISO 3166-1 alpha-2.
        country: String,
        /// The area code as written, leading zeros kept.
        area_code: AreaCode,
        /// Local, toll-free or mobile.
        number_type: NumberType,
    },
}

/// A number an organization holds.
#[derive(Clone, Debug, PartialEq)]
pub struct NumberDetails {
    /// The number.
    pub phone_number: E164,
    /// The owner.
    pub organization_id: OrganizationId,
    /// `twilio`, `signalwire` or `sandbox`.
    pub provider: String,
    /// The provider's SID.
    pub provider_sid: String,
    /// What it can do.
    pub capabilities: Capabilities,
    /// Webhooks as last applied.
    pub webhooks: WebhookUrls,
    /// When provisioned.
    pub provisioned_at: DateTime<Utc>,
}

impl NumberDetails {
    fn from_aggregate(phone_number: &E164, number: &PhoneNumber) -> Option<Self> {
        number.ownership().map(|o| Self {
            phone_number: phone_number.clone(),
            organization_id: o.organization_id,
            provider: o.provider.clone(),
            provider_sid: o.provider_sid.clone(),
            capabilities: o.capabilities,
            webhooks: o.webhooks.clone(),
            provisioned_at: o.provisioned_at,
        })
    }
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Searches the provider's inventory.
    ///
    /// # Errors
    /// [`AppError::Provider`].
    pub async fn search_available_numbers(
        &self,
        query: &AvailableNumberQuery,
    ) -> Result<Vec<AvailableNumber>, AppError> {
        Ok(self.provider.search_available(query).await?)
    }

    /// Provisions a number for an organization as a recorded process: reserve a slot on the
    /// organization (`NumberRequested`, enforcing the plan's limit even under concurrency), buy at
    /// the provider with our webhooks, record `NumberProvisioned` on the number (one owner at a
    /// time), then `NumberAttached`. A failed purchase records `NumberRequestFailed`; a purchase
    /// that cannot be attached is released again at the provider.
    ///
    /// # Errors
    /// `NotFound`/`Deleted`, `NumberLimitReached`, `NumberAlreadyHeld`, `NumberTaken`, provider
    /// refusals (21421, 21422, 21452, …) and failures, [`AppError::Store`].
    #[tracing::instrument(skip(self, context))]
    pub async fn provision_number(
        &self,
        organization_id: OrganizationId,
        target: ProvisionTarget,
        context: &RequestContext,
    ) -> Result<NumberDetails, AppError> {
        let org = self.active_organization(organization_id).await?;
        if let ProvisionTarget::Number(number) = &target {
            let current = self.phone_number(number).await?;
            if let Some(owner) = current.owner() {
                if owner != organization_id {
                    return Err(PhoneNumberError::NumberTaken {
                        phone_number: number.clone(),
                        owner,
                    }
                    .into());
                }
            }
        }
        let request_id = RequestId::new_random();
        let (domain_target, purchase_target) = match target {
            ProvisionTarget::Number(number) => (
                NumberTarget::Number {
                    phone_number: number.clone(),
                },
                PurchaseTarget::Number(number),
            ),
            ProvisionTarget::AreaCode {
                country,
                area_code,
                number_type,
            } => (
                NumberTarget::AreaCode {
                    country: country.clone(),
                    area_code: area_code.clone(),
                    number_type,
                },
                PurchaseTarget::AreaCode {
                    area_code,
                    country,
                    number_type,
                },
            ),
        };
        let request = OrganizationCommand::RequestNumber {
            request_id,
            target: domain_target,
            requested_at: self.clock.now(),
        };
        self.run_organization(organization_id, request, context)
            .await?;

        let friendly_name = org
            .profile()
            .map(|p| crate::provisioning_tag::friendly_name(p.name.as_str(), request_id));
        let purchase = PurchaseRequest {
            target: purchase_target,
            friendly_name,
            webhooks: self.webhooks.clone(),
        };
        let bought = match self.provider.purchase(&purchase).await {
            Ok(bought) => bought,
            Err(error) => {
                self.fail_request(organization_id, request_id, &error.to_string(), context)
                    .await?;
                return Err(error.into());
            }
        };

        let provision = PhoneNumberCommand::ProvisionNumber {
            phone_number: bought.phone_number.clone(),
            organization_id,
            request_id,
            provider: self.provider_name.clone(),
            provider_sid: bought.provider_sid.clone(),
            capabilities: bought.capabilities,
            webhooks: WebhookUrls {
                sms_url: self.webhooks.sms_url.clone(),
                status_callback: self.webhooks.call_status_callback.clone(),
            },
            provisioned_at: self.clock.now(),
        };
        let number = match self
            .run_number(&bought.phone_number, provision, context)
            .await
        {
            Ok(number) => number,
            Err(error) => {
                self.fail_request(organization_id, request_id, &error.to_string(), context)
                    .await?;
                return Err(error);
            }
        };

        let attach = OrganizationCommand::AttachNumber {
            request_id,
            phone_number: bought.phone_number.clone(),
            attached_at: self.clock.now(),
        };
        if let Err(error) = self
            .run_organization(organization_id, attach, context)
            .await
        {
            let org = self.active_organization(organization_id).await;
            if org.is_ok_and(|org| org.numbers().contains(&bought.phone_number)) {
                // The reconciler attached it meanwhile.
                return NumberDetails::from_aggregate(&bought.phone_number, &number)
                    .ok_or_else(|| AppError::NumberNotHeld(bought.phone_number.to_string()));
            }
            tracing::warn!(%error, number = %bought.phone_number, "cannot attach; releasing");
            self.release_held(
                &bought.phone_number,
                organization_id,
                "bought but not attached",
                context,
                None,
            )
            .await?;
            return Err(error);
        }
        NumberDetails::from_aggregate(&bought.phone_number, &number)
            .ok_or_else(|| AppError::NumberNotHeld(bought.phone_number.to_string()))
    }

    /// The numbers an organization holds, with their provider details.
    ///
    /// # Errors
    /// `NotFound`/`Deleted`; [`AppError::Store`].
    pub async fn organization_numbers(
        &self,
        organization_id: OrganizationId,
    ) -> Result<Vec<NumberDetails>, AppError> {
        let org = self.active_organization(organization_id).await?;
        let mut numbers = Vec::with_capacity(org.numbers().len());
        for phone_number in org.numbers() {
            let number = self.phone_number(phone_number).await?;
            numbers.extend(NumberDetails::from_aggregate(phone_number, &number));
        }
        Ok(numbers)
    }

    /// Re-applies our webhook URLs at the provider and records `WebhooksConfigured`.
    ///
    /// # Errors
    /// [`AppError::NumberNotHeld`]; provider refusals (20404 when the provider lost the number).
    #[tracing::instrument(skip(self, context))]
    pub async fn reconfigure_webhooks(
        &self,
        organization_id: OrganizationId,
        phone_number: &E164,
        context: &RequestContext,
    ) -> Result<NumberDetails, AppError> {
        self.active_organization(organization_id).await?;
        let number = self.phone_number(phone_number).await?;
        let ownership = number
            .ownership()
            .filter(|o| o.organization_id == organization_id)
            .ok_or_else(|| AppError::NumberNotHeld(phone_number.to_string()))?;
        self.provider
            .configure_webhooks(&ownership.provider_sid, &self.webhooks)
            .await?;
        let configure = PhoneNumberCommand::ConfigureWebhooks {
            organization_id,
            webhooks: WebhookUrls {
                sms_url: self.webhooks.sms_url.clone(),
                status_callback: self.webhooks.call_status_callback.clone(),
            },
            configured_at: self.clock.now(),
        };
        let number = self.run_number(phone_number, configure, context).await?;
        NumberDetails::from_aggregate(phone_number, &number)
            .ok_or_else(|| AppError::NumberNotHeld(phone_number.to_string()))
    }

    pub(crate) async fn phone_number(&self, phone_number: &E164) -> Result<PhoneNumber, AppError> {
        self.state(&self.numbers, phone_number.as_str()).await
    }

    pub(crate) async fn run_number(
        &self,
        phone_number: &E164,
        command: PhoneNumberCommand,
        context: &RequestContext,
    ) -> Result<PhoneNumber, AppError> {
        self.run(&self.numbers, phone_number.as_str(), command, context)
            .await
    }

    async fn fail_request(
        &self,
        organization_id: OrganizationId,
        request_id: RequestId,
        reason: &str,
        context: &RequestContext,
    ) -> Result<(), AppError> {
        let fail = OrganizationCommand::FailNumberRequest {
            request_id,
            reason: reason.to_string(),
            failed_at: self.clock.now(),
        };
        self.run_organization(organization_id, fail, context)
            .await?;
        Ok(())
    }
}
