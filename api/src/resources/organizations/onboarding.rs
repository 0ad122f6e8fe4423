//! One-call onboarding: `POST /v1/organizations` with `number` creates the organization and
//! provisions its number through the recorded provisioning process (request → purchase →
//! assign, reconciled after a crash). A refusal never fails the sign-up: the organization is
//! created, on the shared number when `SHARED_NUMBER` is set, and `number_status` says why.

use poem_openapi::{Enum, Object};
use switchboard_application::ports::ProviderError;
use switchboard_application::{AppError, ProvisionTarget, RequestContext};
use switchboard_domain::organization::OrganizationError;
use switchboard_domain::phone_number::PhoneNumberError;
use switchboard_domain::{OrganizationId, E164};

use super::super::types::{Described, PhoneNumber};
use super::OrganizationView;
use crate::state::AppState;

/// What became of the number asked for at sign-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum OnboardingNumberStatus {
    /// A dedicated number was bought and assigned.
    Provisioned,
    /// No dedicated number (see `number_error`): the organization is on the platform's shared
    /// number, reached with `join <join_code>`.
    SharedNumber,
    /// No dedicated number (see `number_error`) and no shared number configured.
    Failed,
}

/// Why no dedicated number was provisioned.
#[derive(Clone, Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct OnboardingNumberError {
    /// Stable code: `number_limit_reached` (the plan allows no more), `number_taken`,
    /// `provider_refused` (with the provider's code) or `provider_unavailable`.
    pub code: String,
    /// The provider's error code, e.g. 21452 (no numbers in that area code).
    pub provider_code: Option<u32>,
    /// What went wrong (the provider's message for a refusal).
    pub message: String,
}

/// The organization created by `POST /v1/organizations`, with the number asked for, if any.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CreatedOrganizationView {
    /// The organization (its `numbers` include one just provisioned).
    #[oai(flatten)]
    pub organization: OrganizationView,
    /// With `number` in the request: what became of it.
    pub number_status: Option<Described<OnboardingNumberStatus>>,
    /// With `number`: the number the organization is reached on (dedicated or shared).
    pub phone_number: Option<PhoneNumber>,
    /// With `number`, when no dedicated number was provisioned: why.
    pub number_error: Option<OnboardingNumberError>,
}

/// The number part of an onboarding: its status, the number reached on, and why not dedicated.
pub struct Onboarded {
    status: OnboardingNumberStatus,
    phone_number: Option<E164>,
    error: Option<OnboardingNumberError>,
}

impl Onboarded {
    /// The view of `organization` with this outcome.
    pub fn view(self, organization: OrganizationView) -> CreatedOrganizationView {
        CreatedOrganizationView {
            organization,
            number_status: Some(self.status.into()),
            phone_number: self.phone_number.map(PhoneNumber),
            number_error: self.error,
        }
    }
}

fn refusal(error: &AppError) -> Option<OnboardingNumberError> {
    let (code, provider_code) = match error {
        AppError::Provider(ProviderError::Unavailable(_) | ProviderError::InvalidResponse(_)) => {
            ("provider_unavailable", None)
        }
        AppError::Provider(ProviderError::Authentication(_)) => ("provider_unavailable", None),
        AppError::Provider(provider) => ("provider_refused", provider.fault().map(|f| f.code)),
        AppError::Organization(OrganizationError::NumberLimitReached { .. }) => {
            ("number_limit_reached", None)
        }
        AppError::PhoneNumber(PhoneNumberError::NumberTaken { .. }) => ("number_taken", None),
        _ => return None,
    };
    let message = match error {
        AppError::Provider(provider) => provider
            .fault()
            .map(|f| f.message.clone())
            .unwrap_or_else(|| "the telephony provider is unavailable".into()),
        other => other.to_string(),
    };
    Some(OnboardingNumberError {
        code: code.into(),
        provider_code,
        message,
    })
}

/// Provisions `target` for the new organization `id`; a plan limit or a provider refusal falls
/// back to the shared number (or `failed` without one).
///
/// # Errors
/// Operational failures of the store (the organization exists; the caller may retry the
/// number with `POST /v1/organizations/{id}/numbers`).
pub async fn provision(
    state: &AppState,
    id: OrganizationId,
    target: ProvisionTarget,
    context: &RequestContext,
) -> Result<Onboarded, AppError> {
    match state.app.provision_number(id, target, context).await {
        Ok(number) => Ok(Onboarded {
            status: OnboardingNumberStatus::Provisioned,
            phone_number: Some(number.phone_number),
            error: None,
        }),
        Err(error) => {
            let Some(why) = refusal(&error) else {
                return Err(error);
            };
            tracing::warn!(organization_id = %id, code = %why.code, "onboarding without a dedicated number");
            let shared = state.app.shared_number().cloned();
            Ok(Onboarded {
                status: if shared.is_some() {
                    OnboardingNumberStatus::SharedNumber
                } else {
                    OnboardingNumberStatus::Failed
                },
                phone_number: shared,
                error: Some(why),
            })
        }
    }
}
