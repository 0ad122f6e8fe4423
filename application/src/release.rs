//! Releasing a number as a recorded process: `NumberReleaseRequested` is committed before the
//! provider is called, then `NumberReleased` and `NumberDetached` once the provider has let the
//! number go. A crash in between leaves a requested release that the reconciler finishes.

use cqrs_es::persist::PersistedEventRepository;
use switchboard_domain::organization::{OrganizationCommand, OrganizationError};
use switchboard_domain::phone_number::{PhoneNumber, PhoneNumberCommand, PhoneNumberError};
use switchboard_domain::{OrganizationId, E164};
use tokio::time::Instant;

use crate::ports::ProviderError;
use crate::{AppError, RequestContext, Switchboard};

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Releases a number the organization holds: records the request, releases it at the
    /// provider (a number the provider no longer knows, 20404, counts as released), then
    /// `NumberReleased` and `NumberDetached`.
    ///
    /// # Errors
    /// [`AppError::NumberNotHeld`] when the organization does not hold it; provider failures
    /// (the release stays requested and the reconciler finishes it).
    #[tracing::instrument(skip(self, context))]
    pub async fn release_number(
        &self,
        organization_id: OrganizationId,
        phone_number: &E164,
        context: &RequestContext,
    ) -> Result<(), AppError> {
        self.active_organization(organization_id).await?;
        let number = self.phone_number(phone_number).await?;
        number
            .ownership()
            .filter(|o| o.organization_id == organization_id)
            .ok_or_else(|| AppError::NumberNotHeld(phone_number.to_string()))?;
        self.release_held(
            phone_number,
            organization_id,
            "released by the organization",
            context,
            None,
        )
        .await
    }

    /// Records that `organization_id`'s number is to be released (`reason` goes in the event),
    /// then finishes the release (the provider call gives up at `deadline`, if any).
    pub(crate) async fn release_held(
        &self,
        phone_number: &E164,
        organization_id: OrganizationId,
        reason: &str,
        context: &RequestContext,
        deadline: Option<Instant>,
    ) -> Result<(), AppError> {
        let request = PhoneNumberCommand::RequestRelease {
            organization_id,
            reason: reason.to_string(),
            requested_at: self.clock.now(),
        };
        let number = self.run_number(phone_number, request, context).await?;
        self.finish_release(phone_number, &number, context, deadline)
            .await
    }

    /// Finishes the requested release of `number` (its state as loaded): releases it at the
    /// provider (20404, not found, means already released), then records `NumberReleased` and
    /// detaches it from its owner. The provider call gives up at `deadline`, if any. Safe to run
    /// again, and by several processes at once.
    ///
    /// # Errors
    /// [`AppError::NumberNotHeld`] when nobody holds it; provider and store failures.
    pub(crate) async fn finish_release(
        &self,
        phone_number: &E164,
        number: &PhoneNumber,
        context: &RequestContext,
        deadline: Option<Instant>,
    ) -> Result<(), AppError> {
        let ownership = number
            .ownership()
            .ok_or_else(|| AppError::NumberNotHeld(phone_number.to_string()))?;
        let organization_id = ownership.organization_id;
        self.release_at_provider(&ownership.provider_sid, deadline)
            .await?;
        let release = PhoneNumberCommand::ReleaseNumber {
            organization_id,
            released_at: self.clock.now(),
        };
        match self.run_number(phone_number, release, context).await {
            // Another process finished it meanwhile.
            Ok(_) | Err(AppError::PhoneNumber(PhoneNumberError::NotProvisioned)) => {}
            Err(error) => return Err(error),
        }
        self.detach(organization_id, phone_number, context).await
    }

    /// Detaches `phone_number` from the organization's numbers, if it is still there.
    pub(crate) async fn detach(
        &self,
        organization_id: OrganizationId,
        phone_number: &E164,
        context: &RequestContext,
    ) -> Result<(), AppError> {
        let detach = OrganizationCommand::DetachNumber {
            phone_number: phone_number.clone(),
            detached_at: self.clock.now(),
        };
        match self
            .run_organization(organization_id, detach, context)
            .await
        {
            Ok(_) | Err(AppError::Organization(OrganizationError::NumberNotHeld { .. })) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// Releases `provider_sid` at the provider; a SID it no longer knows (20404 / HTTP 404)
    /// counts as released. Gives up at `deadline`, if any.
    pub(crate) async fn release_at_provider(
        &self,
        provider_sid: &str,
        deadline: Option<Instant>,
    ) -> Result<(), AppError> {
        let call = self.provider.release(provider_sid);
        let outcome = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, call)
                .await
                .unwrap_or_else(|_| Err(deadline_reached())),
            None => call.await,
        };
        match outcome {
            Ok(()) | Err(ProviderError::NotFound(_)) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }
}

/// The error of a provider call cut short by a pass's deadline.
pub(crate) fn deadline_reached() -> ProviderError {
    ProviderError::Unavailable("the reconciliation pass's deadline was reached".into())
}
