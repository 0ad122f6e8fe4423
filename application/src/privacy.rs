//! Privacy use cases: recording a customer's erasure, and what the aggregates know of a customer. Deleting the customer's data key is the
//! event store's part (an adapter), blanking the read models the projector's.

use chrono::{DateTime, Utc};
use cqrs_es::persist::PersistedEventRepository;
use switchboard_domain::conversation::{conversation_id, Conversation};
use switchboard_domain::organization::{Organization, OrganizationError};
use switchboard_domain::privacy::{CustomerPrivacy, PrivacyCommand};
use switchboard_domain::shared_number::SharedNumberMember;
use switchboard_domain::OrganizationId;

use crate::{AppError, RequestContext, Switchboard};

/// A recorded erasure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Erasure {
    /// When it was recorded.
    pub erased_at: DateTime<Utc>,
    /// How many erasures of this customer were recorded so far (1 for the first).
    pub erasures: u32,
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Records that `customer`'s personal data at `organization_id` is erased (`CustomerErased`):
    /// the projector then blanks it in every read model, on replay too. An organization that was
    /// deleted can still erase its customers.
    ///
    /// # Errors
    /// `OrganizationError::NotFound`; [`AppError::Store`].
    #[tracing::instrument(skip(self, customer, context))]
    pub async fn erase_customer(
        &self,
        organization_id: OrganizationId,
        customer: &str,
        context: &RequestContext,
    ) -> Result<Erasure, AppError> {
        self.organization_ever_existed(organization_id).await?;
        let erased_at = self.clock.now();
        let command = PrivacyCommand::Erase {
            organization_id,
            customer: customer.to_string(),
            at: erased_at,
        };
        let id = conversation_id(organization_id, customer);
        let state = self.run(&self.privacy, &id, command, context).await?;
        Ok(Erasure {
            erased_at,
            erasures: state.erasures(),
        })
    }
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Whether the organization was ever created (deleted ones included: their customers can
    /// still be erased).
    ///
    /// # Errors
    /// `OrganizationError::NotFound`; [`AppError::Store`].
    pub async fn organization_ever_existed(
        &self,
        organization_id: OrganizationId,
    ) -> Result<(), AppError> {
        let org: Organization = self
            .state(&self.organizations, &organization_id.to_string())
            .await?;
        match org.id() {
            Some(_) => Ok(()),
            None => Err(OrganizationError::NotFound.into()),
        }
    }
}

/// What the aggregates know about a customer of an organization (the read models hold the rest).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerState {
    /// Whether the customer opted out (STOP, or the provider's 21610).
    pub opted_out: bool,
    /// When the customer last wrote, if ever.
    pub last_inbound_at: Option<DateTime<Utc>>,
    /// Whether the customer's messages to the shared number route to this organization.
    pub joined_shared_number: bool,
    /// When the customer was last erased, if ever.
    pub last_erased_at: Option<DateTime<Utc>>,
}

impl CustomerState {
    /// Whether the aggregates know nothing of the customer.
    pub fn is_unknown(&self) -> bool {
        !self.opted_out
            && self.last_inbound_at.is_none()
            && !self.joined_shared_number
            && self.last_erased_at.is_none()
    }
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// The opt-out, 24 h window, shared-number and erasure state of `customer` at
    /// `organization_id`.
    ///
    /// # Errors
    /// [`AppError::Store`].
    pub async fn customer_state(
        &self,
        organization_id: OrganizationId,
        customer: &str,
    ) -> Result<CustomerState, AppError> {
        let id = conversation_id(organization_id, customer);
        let conversation: Conversation = self.state(&self.conversations, &id).await?;
        let member: SharedNumberMember = self.state(&self.members, customer).await?;
        let privacy: CustomerPrivacy = self.state(&self.privacy, &id).await?;
        Ok(CustomerState {
            opted_out: conversation.is_opted_out(),
            last_inbound_at: conversation.last_inbound_at(),
            joined_shared_number: member.organization_id() == Some(organization_id),
            last_erased_at: privacy.last_erased_at(),
        })
    }
}
