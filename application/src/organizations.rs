use chrono::{DateTime, Utc};
use cqrs_es::persist::PersistedEventRepository;
use switchboard_domain::organization::{Organization, OrganizationCommand, OrganizationError};
use switchboard_domain::{JoinCode, OrganizationId, OrganizationName, Plan, Settings, E164};

use crate::{AppError, RequestContext, Switchboard};

/// A validated request to create an organization.
#[derive(Clone, Debug, PartialEq)]
pub struct NewOrganization {
    /// Display name.
    pub name: OrganizationName,
    /// Free text.
    pub description: Option<String>,
    /// Free text.
    pub industry: Option<String>,
    /// Plan (default trial).
    pub plan: Plan,
}

/// A validated partial update; `None` leaves a field unchanged.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrganizationChanges {
    /// New name.
    pub name: Option<OrganizationName>,
    /// New description.
    pub description: Option<String>,
    /// New industry.
    pub industry: Option<String>,
    /// New plan.
    pub plan: Option<Plan>,
}

/// An organization as the aggregate holds it now.
#[derive(Clone, Debug, PartialEq)]
pub struct OrganizationDetails {
    /// Id.
    pub id: OrganizationId,
    /// Display name.
    pub name: OrganizationName,
    /// Free text.
    pub description: Option<String>,
    /// Free text.
    pub industry: Option<String>,
    /// Plan.
    pub plan: Plan,
    /// Numbers held.
    pub numbers: Vec<E164>,
    /// Messaging settings.
    pub settings: Settings,
    /// The code for the shared number.
    pub join_code: Option<JoinCode>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl OrganizationDetails {
    pub(crate) fn from_aggregate(org: &Organization) -> Result<Self, AppError> {
        let (Some(id), Some(profile), Some(created_at)) =
            (org.id(), org.profile(), org.created_at())
        else {
            return Err(OrganizationError::NotFound.into());
        };
        Ok(Self {
            id,
            name: profile.name.clone(),
            description: profile.description.clone(),
            industry: profile.industry.clone(),
            plan: org.plan(),
            numbers: org.numbers().iter().cloned().collect(),
            settings: org.settings().clone(),
            join_code: org.join_code().cloned(),
            created_at,
            updated_at: org.updated_at().unwrap_or(created_at),
        })
    }
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Creates an organization with a fresh id.
    ///
    /// # Errors
    /// [`AppError::Store`] on storage failure.
    #[tracing::instrument(skip(self, context))]
    pub async fn create_organization(
        &self,
        new: NewOrganization,
        context: &RequestContext,
    ) -> Result<OrganizationDetails, AppError> {
        let id = OrganizationId::new_random();
        let command = OrganizationCommand::CreateOrganization {
            organization_id: id,
            name: new.name,
            description: new.description,
            industry: new.industry,
            plan: new.plan,
            join_code: JoinCode::generate(uuid::Uuid::new_v4()),
            created_at: self.clock.now(),
        };
        let org = self.run_organization(id, command, context).await?;
        OrganizationDetails::from_aggregate(&org)
    }

    /// The organization as it is now; deleted ones are not found.
    ///
    /// # Errors
    /// `OrganizationError::NotFound` or `Deleted`; [`AppError::Store`].
    pub async fn organization(&self, id: OrganizationId) -> Result<OrganizationDetails, AppError> {
        let org = self.active_organization(id).await?;
        OrganizationDetails::from_aggregate(&org)
    }

    /// Applies a partial update.
    ///
    /// # Errors
    /// `NotFound`, `Deleted`, `PlanTooSmall`; [`AppError::Store`].
    #[tracing::instrument(skip(self, context))]
    pub async fn update_organization(
        &self,
        id: OrganizationId,
        changes: OrganizationChanges,
        context: &RequestContext,
    ) -> Result<OrganizationDetails, AppError> {
        let command = OrganizationCommand::UpdateOrganization {
            name: changes.name,
            description: changes.description,
            industry: changes.industry,
            plan: changes.plan,
            updated_at: self.clock.now(),
        };
        let org = self.run_organization(id, command, context).await?;
        OrganizationDetails::from_aggregate(&org)
    }

    /// Releases every number the organization holds at the provider, then deletes it.
    ///
    /// # Errors
    /// `NotFound`, `Deleted`, `StillHoldsNumbers` (a provisioning request is in flight), a
    /// provider failure while releasing (nothing is deleted then; retrying is safe).
    #[tracing::instrument(skip(self, context))]
    pub async fn delete_organization(
        &self,
        id: OrganizationId,
        context: &RequestContext,
    ) -> Result<(), AppError> {
        let org = self.active_organization(id).await?;
        for number in org.numbers() {
            self.release_number(id, number, context).await?;
        }
        let command = OrganizationCommand::DeleteOrganization {
            deleted_at: self.clock.now(),
        };
        self.run_organization(id, command, context).await?;
        Ok(())
    }

    pub(crate) async fn active_organization(
        &self,
        id: OrganizationId,
    ) -> Result<Organization, AppError> {
        let org: Organization = self.state(&self.organizations, &id.to_string()).await?;
        match (org.id(), org.is_active()) {
            (None, _) => Err(OrganizationError::NotFound.into()),
            (Some(organization_id), false) => {
                Err(OrganizationError::Deleted { organization_id }.into())
            }
            (Some(_), true) => Ok(org),
        }
    }

    pub(crate) async fn run_organization(
        &self,
        id: OrganizationId,
        command: OrganizationCommand,
        context: &RequestContext,
    ) -> Result<Organization, AppError> {
        self.run(&self.organizations, &id.to_string(), command, context)
            .await
    }
}
