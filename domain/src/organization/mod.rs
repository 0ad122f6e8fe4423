//! The `Organization` aggregate: a tenant's profile, plan, the numbers it holds and the
//! provisioning requests in flight. Its stream stays short: messages are not recorded here.

mod commands;
mod errors;
mod events;
#[cfg(test)]
mod tests;
pub mod upcasters;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

pub use commands::{NumberTarget, OrganizationCommand};
pub use errors::OrganizationError;
pub use events::OrganizationEvent;

use crate::{JoinCode, OrganizationId, OrganizationName, Plan, RequestId, Settings, E164};

/// The organization's profile as last recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Display name.
    pub name: OrganizationName,
    /// Free text.
    pub description: Option<String>,
    /// Free text.
    pub industry: Option<String>,
}

/// State rebuilt from an organization's events.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    id: Option<OrganizationId>,
    profile: Option<Profile>,
    plan: Plan,
    numbers: BTreeSet<E164>,
    in_flight: BTreeMap<RequestId, NumberTarget>,
    settings: Settings,
    join_code: Option<JoinCode>,
    created_at: Option<DateTime<Utc>>,
    updated_at: Option<DateTime<Utc>>,
    deleted: bool,
}

impl Organization {
    /// The id, once created.
    pub fn id(&self) -> Option<OrganizationId> {
        self.id
    }

    /// The profile, once created.
    pub fn profile(&self) -> Option<&Profile> {
        self.profile.as_ref()
    }

    /// The current plan.
    pub fn plan(&self) -> Plan {
        self.plan
    }

    /// The messaging settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The code for the shared number.
    pub fn join_code(&self) -> Option<&JoinCode> {
        self.join_code.as_ref()
    }

    /// Numbers held, in E.164 order.
    pub fn numbers(&self) -> &BTreeSet<E164> {
        &self.numbers
    }

    /// Provisioning requests in flight.
    pub fn requests_in_flight(&self) -> &BTreeMap<RequestId, NumberTarget> {
        &self.in_flight
    }

    /// Creation time.
    pub fn created_at(&self) -> Option<DateTime<Utc>> {
        self.created_at
    }

    /// Last change time.
    pub fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.updated_at
    }

    /// Whether it was created and not deleted.
    pub fn is_active(&self) -> bool {
        self.id.is_some() && !self.deleted
    }

    fn active_id(&self) -> Result<OrganizationId, OrganizationError> {
        match self.id {
            None => Err(OrganizationError::NotFound),
            Some(organization_id) if self.deleted => {
                Err(OrganizationError::Deleted { organization_id })
            }
            Some(id) => Ok(id),
        }
    }

    fn slots_used(&self) -> u32 {
        (self.numbers.len() + self.in_flight.len()) as u32
    }

    fn handle_command(
        &self,
        command: OrganizationCommand,
    ) -> Result<Vec<OrganizationEvent>, OrganizationError> {
        use OrganizationCommand as C;
        use OrganizationEvent as E;
        if let C::CreateOrganization {
            organization_id,
            name,
            description,
            industry,
            plan,
            join_code,
            created_at,
        } = command
        {
            if self.id.is_some() {
                return Err(OrganizationError::AlreadyExists { organization_id });
            }
            return Ok(vec![
                E::OrganizationCreated {
                    organization_id,
                    name,
                    description,
                    industry,
                    plan,
                    created_at,
                },
                E::JoinCodeAssigned { join_code },
            ]);
        }
        self.active_id()?;
        match command {
            C::CreateOrganization { .. } => unreachable!("handled above"),
            C::UpdateOrganization {
                name,
                description,
                industry,
                plan,
                updated_at,
            } => {
                if let Some(plan) = plan {
                    if plan.number_limit() < self.slots_used() {
                        return Err(OrganizationError::PlanTooSmall {
                            plan,
                            limit: plan.number_limit(),
                            held: self.slots_used(),
                        });
                    }
                }
                Ok(vec![E::OrganizationUpdated {
                    name,
                    description,
                    industry,
                    plan,
                    updated_at,
                }])
            }
            C::UpdateSettings {
                settings,
                updated_at,
            } => {
                if *settings == self.settings {
                    return Ok(vec![]);
                }
                Ok(vec![E::SettingsUpdated {
                    settings,
                    updated_at,
                }])
            }
            C::DeleteOrganization { deleted_at } => {
                if self.slots_used() > 0 {
                    return Err(OrganizationError::StillHoldsNumbers {
                        held: self.numbers.len() as u32,
                        in_flight: self.in_flight.len() as u32,
                    });
                }
                Ok(vec![E::OrganizationDeleted { deleted_at }])
            }
            C::RequestNumber {
                request_id,
                target,
                requested_at,
            } => {
                if self.in_flight.contains_key(&request_id) {
                    return Ok(vec![]);
                }
                if let NumberTarget::Number { phone_number } = &target {
                    if self.numbers.contains(phone_number) {
                        return Err(OrganizationError::NumberAlreadyHeld {
                            phone_number: phone_number.clone(),
                        });
                    }
                }
                let limit = self.plan.number_limit();
                if self.slots_used() >= limit {
                    return Err(OrganizationError::NumberLimitReached {
                        plan: self.plan,
                        limit,
                        held: self.numbers.len() as u32,
                        in_flight: self.in_flight.len() as u32,
                    });
                }
                Ok(vec![E::NumberRequested {
                    request_id,
                    target,
                    requested_at,
                }])
            }
            C::AttachNumber {
                request_id,
                phone_number,
                attached_at,
            } => {
                if !self.in_flight.contains_key(&request_id) {
                    return Err(OrganizationError::UnknownRequest { request_id });
                }
                Ok(vec![E::NumberAttached {
                    request_id,
                    phone_number,
                    attached_at,
                }])
            }
            C::FailNumberRequest {
                request_id,
                reason,
                failed_at,
            } => {
                if !self.in_flight.contains_key(&request_id) {
                    return Err(OrganizationError::UnknownRequest { request_id });
                }
                Ok(vec![E::NumberRequestFailed {
                    request_id,
                    reason,
                    failed_at,
                }])
            }
            C::DetachNumber {
                phone_number,
                detached_at,
            } => {
                if !self.numbers.contains(&phone_number) {
                    return Err(OrganizationError::NumberNotHeld { phone_number });
                }
                Ok(vec![E::NumberDetached {
                    phone_number,
                    detached_at,
                }])
            }
        }
    }
}

impl Aggregate for Organization {
    const TYPE: &'static str = "Organization";
    type Command = OrganizationCommand;
    type Event = OrganizationEvent;
    type Error = OrganizationError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.handle_command(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        use OrganizationEvent as E;
        match event {
            E::OrganizationCreated {
                organization_id,
                name,
                description,
                industry,
                plan,
                created_at,
            } => {
                self.id = Some(organization_id);
                self.profile = Some(Profile {
                    name,
                    description,
                    industry,
                });
                self.plan = plan;
                self.created_at = Some(created_at);
                self.updated_at = Some(created_at);
            }
            E::OrganizationUpdated {
                name,
                description,
                industry,
                plan,
                updated_at,
            } => {
                if let Some(profile) = self.profile.as_mut() {
                    if let Some(name) = name {
                        profile.name = name;
                    }
                    if description.is_some() {
                        profile.description = description;
                    }
                    if industry.is_some() {
                        profile.industry = industry;
                    }
                }
                if let Some(plan) = plan {
                    self.plan = plan;
                }
                self.updated_at = Some(updated_at);
            }
            E::JoinCodeAssigned { join_code } => {
                self.join_code = Some(join_code);
            }
            E::SettingsUpdated {
                settings,
                updated_at,
            } => {
                self.settings = *settings;
                self.updated_at = Some(updated_at);
            }
            E::OrganizationDeleted { deleted_at } => {
                self.deleted = true;
                self.updated_at = Some(deleted_at);
            }
            E::NumberRequested {
                request_id, target, ..
            } => {
                self.in_flight.insert(request_id, target);
            }
            E::NumberAttached {
                request_id,
                phone_number,
                ..
            } => {
                self.in_flight.remove(&request_id);
                self.numbers.insert(phone_number);
            }
            E::NumberRequestFailed { request_id, .. } => {
                self.in_flight.remove(&request_id);
            }
            E::NumberDetached { phone_number, .. } => {
                self.numbers.remove(&phone_number);
            }
        }
    }
}
