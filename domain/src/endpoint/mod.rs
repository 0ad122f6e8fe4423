//! The `Endpoint` aggregate: an organization's URL that receives signed deliveries of what was
//! routed to it (Standard Webhooks), optionally answering `message.received` synchronously as
//! the organization's responder. Its own stream, so the organization's stays short.

mod commands;
mod errors;
mod events;
#[cfg(test)]
mod tests;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

pub use commands::{EndpointChanges, EndpointCommand};
pub use errors::EndpointError;
pub use events::EndpointEvent;

use crate::{EndpointUrl, EventType, OrganizationId};

/// The longest description.
pub const MAX_DESCRIPTION: usize = 500;

/// An endpoint's configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EndpointConfig {
    /// Its organization.
    pub organization_id: OrganizationId,
    /// Where deliveries go.
    pub url: EndpointUrl,
    /// Free text.
    pub description: Option<String>,
    /// The types delivered; `None` for all.
    pub event_types: Option<Vec<EventType>>,
    /// Whether it answers `message.received` synchronously.
    pub responder: bool,
}

/// State rebuilt from an endpoint's events.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Endpoint {
    config: Option<EndpointConfig>,
    secret: String,
    disabled_reason: Option<String>,
    deleted: bool,
}

impl Endpoint {
    /// The configuration, while the endpoint exists.
    pub fn config(&self) -> Option<&EndpointConfig> {
        self.config.as_ref().filter(|_| !self.deleted)
    }

    /// Why deliveries are stopped, when they are.
    pub fn disabled_reason(&self) -> Option<&str> {
        self.disabled_reason.as_deref()
    }

    fn owned_by(&self, organization_id: OrganizationId) -> Result<&EndpointConfig, EndpointError> {
        self.config()
            .filter(|c| c.organization_id == organization_id)
            .ok_or(EndpointError::NotFound)
    }

    fn handle_command(
        &self,
        command: EndpointCommand,
    ) -> Result<Vec<EndpointEvent>, EndpointError> {
        use EndpointCommand as C;
        use EndpointEvent as E;
        match command {
            C::CreateEndpoint {
                endpoint_id,
                organization_id,
                url,
                description,
                event_types,
                responder,
                secret,
                at,
            } => {
                if self.config.is_some() {
                    return Err(EndpointError::AlreadyExists);
                }
                check_description(description.as_deref())?;
                Ok(vec![E::EndpointCreated {
                    endpoint_id,
                    organization_id,
                    url,
                    description,
                    event_types,
                    responder,
                    secret,
                    created_at: at,
                }])
            }
            C::UpdateEndpoint {
                organization_id,
                changes:
                    EndpointChanges {
                        url,
                        description,
                        event_types,
                        responder,
                        enabled,
                    },
                at,
            } => {
                let current = self.owned_by(organization_id)?;
                let next = EndpointConfig {
                    organization_id,
                    url: url.unwrap_or_else(|| current.url.clone()),
                    description: description.unwrap_or_else(|| current.description.clone()),
                    event_types: event_types.unwrap_or_else(|| current.event_types.clone()),
                    responder: responder.unwrap_or(current.responder),
                };
                check_description(next.description.as_deref())?;
                let mut events = Vec::new();
                if next != *current {
                    events.push(E::EndpointUpdated {
                        url: next.url,
                        description: next.description,
                        event_types: next.event_types,
                        responder: next.responder,
                        updated_at: at,
                    });
                }
                match (enabled, &self.disabled_reason) {
                    (Some(true), Some(_)) => events.push(E::EndpointEnabled { enabled_at: at }),
                    (Some(false), None) => events.push(E::EndpointDisabled {
                        reason: "disabled by the organization".into(),
                        disabled_at: at,
                    }),
                    _ => {}
                }
                Ok(events)
            }
            C::RotateSecret {
                organization_id,
                secret,
                previous_valid_until,
                at,
            } => {
                self.owned_by(organization_id)?;
                Ok(vec![E::EndpointSecretRotated {
                    secret,
                    previous_secret: self.secret.clone(),
                    previous_valid_until,
                    rotated_at: at,
                }])
            }
            C::DisableEndpoint {
                organization_id,
                reason,
                at,
            } => {
                self.owned_by(organization_id)?;
                if self.disabled_reason.is_some() {
                    return Ok(vec![]);
                }
                Ok(vec![E::EndpointDisabled {
                    reason,
                    disabled_at: at,
                }])
            }
            C::DeleteEndpoint {
                organization_id,
                at,
            } => {
                self.owned_by(organization_id)?;
                Ok(vec![E::EndpointDeleted { deleted_at: at }])
            }
        }
    }
}

fn check_description(description: Option<&str>) -> Result<(), EndpointError> {
    match description {
        Some(d) if d.chars().count() > MAX_DESCRIPTION => Err(EndpointError::DescriptionTooLong),
        _ => Ok(()),
    }
}

impl Aggregate for Endpoint {
    const TYPE: &'static str = "Endpoint";
    type Command = EndpointCommand;
    type Event = EndpointEvent;
    type Error = EndpointError;
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
        use EndpointEvent as E;
        match event {
            E::EndpointCreated {
                organization_id,
                url,
                description,
                event_types,
                responder,
                secret,
                ..
            } => {
                self.config = Some(EndpointConfig {
                    organization_id,
                    url,
                    description,
                    event_types,
                    responder,
                });
                self.secret = secret;
            }
            E::EndpointUpdated {
                url,
                description,
                event_types,
                responder,
                ..
            } => {
                if let Some(config) = self.config.as_mut() {
                    config.url = url;
                    config.description = description;
                    config.event_types = event_types;
                    config.responder = responder;
                }
            }
            E::EndpointSecretRotated { secret, .. } => self.secret = secret,
            E::EndpointDisabled { reason, .. } => self.disabled_reason = Some(reason),
            E::EndpointEnabled { .. } => self.disabled_reason = None,
            E::EndpointDeleted { .. } => self.deleted = true,
        }
    }
}
