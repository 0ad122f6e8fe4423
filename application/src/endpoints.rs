//! Endpoint use cases: register, change, rotate the secret of, disable and remove an
//! organization's endpoints, and record what its responder answered.

use chrono::Duration;
use cqrs_es::persist::PersistedEventRepository;
use switchboard_domain::endpoint::{Endpoint, EndpointChanges, EndpointCommand};
use switchboard_domain::message::{MessageCommand, ResponderReply};
use switchboard_domain::{EndpointId, EndpointUrl, EventType, MessageSid, OrganizationId};

use crate::{AppError, RequestContext, Switchboard};

/// How long a rotated-out secret keeps signing beside the new one.
pub const SECRET_OVERLAP_HOURS: i64 = 24;

/// A validated request to register an endpoint.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEndpoint {
    /// Where deliveries go.
    pub url: EndpointUrl,
    /// Free text (≤ 500 characters).
    pub description: Option<String>,
    /// The types delivered; `None` for all.
    pub event_types: Option<Vec<EventType>>,
    /// Whether it answers `message.received` synchronously.
    pub responder: bool,
    /// A fresh signing secret (`whsec_…`), made by the caller's secret generator.
    pub secret: String,
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Registers an endpoint for an active organization; returns its id.
    ///
    /// # Errors
    /// `OrganizationError::{NotFound, Deleted}`, `EndpointError::DescriptionTooLong`, storage.
    #[tracing::instrument(skip(self, new, context))]
    pub async fn create_endpoint(
        &self,
        organization_id: OrganizationId,
        new: NewEndpoint,
        context: &RequestContext,
    ) -> Result<EndpointId, AppError> {
        self.active_organization(organization_id).await?;
        let endpoint_id = EndpointId::new_random();
        let command = EndpointCommand::CreateEndpoint {
            endpoint_id,
            organization_id,
            url: new.url,
            description: new.description,
            event_types: new.event_types,
            responder: new.responder,
            secret: new.secret,
            at: self.clock.now(),
        };
        self.run(&self.endpoints, &endpoint_id.to_string(), command, context)
            .await?;
        Ok(endpoint_id)
    }

    /// Applies `changes` to one of the organization's endpoints.
    ///
    /// # Errors
    /// `EndpointError::{NotFound, DescriptionTooLong}`, storage.
    #[tracing::instrument(skip(self, changes, context))]
    pub async fn update_endpoint(
        &self,
        organization_id: OrganizationId,
        endpoint_id: EndpointId,
        changes: EndpointChanges,
        context: &RequestContext,
    ) -> Result<Endpoint, AppError> {
        let command = EndpointCommand::UpdateEndpoint {
            organization_id,
            changes,
            at: self.clock.now(),
        };
        self.run(&self.endpoints, &endpoint_id.to_string(), command, context)
            .await
    }

    /// Replaces an endpoint's signing secret; the old one signs beside it for
    /// [`SECRET_OVERLAP_HOURS`].
    ///
    /// # Errors
    /// `EndpointError::NotFound`, storage.
    #[tracing::instrument(skip(self, secret, context))]
    pub async fn rotate_endpoint_secret(
        &self,
        organization_id: OrganizationId,
        endpoint_id: EndpointId,
        secret: String,
        context: &RequestContext,
    ) -> Result<Endpoint, AppError> {
        let now = self.clock.now();
        let command = EndpointCommand::RotateSecret {
            organization_id,
            secret,
            previous_valid_until: now + Duration::hours(SECRET_OVERLAP_HOURS),
            at: now,
        };
        self.run(&self.endpoints, &endpoint_id.to_string(), command, context)
            .await
    }

    /// Stops deliveries to an endpoint (the dispatcher, after 24 h of failures).
    ///
    /// # Errors
    /// `EndpointError::NotFound`, storage.
    #[tracing::instrument(skip(self, context))]
    pub async fn disable_endpoint(
        &self,
        organization_id: OrganizationId,
        endpoint_id: EndpointId,
        reason: String,
        context: &RequestContext,
    ) -> Result<(), AppError> {
        let command = EndpointCommand::DisableEndpoint {
            organization_id,
            reason,
            at: self.clock.now(),
        };
        self.run(&self.endpoints, &endpoint_id.to_string(), command, context)
            .await
            .map(|_| ())
    }

    /// Removes an endpoint.
    ///
    /// # Errors
    /// `EndpointError::NotFound`, storage.
    #[tracing::instrument(skip(self, context))]
    pub async fn delete_endpoint(
        &self,
        organization_id: OrganizationId,
        endpoint_id: EndpointId,
        context: &RequestContext,
    ) -> Result<(), AppError> {
        let command = EndpointCommand::DeleteEndpoint {
            organization_id,
            at: self.clock.now(),
        };
        self.run(&self.endpoints, &endpoint_id.to_string(), command, context)
            .await
            .map(|_| ())
    }

    /// Records the reply an organization's responder gave to an accepted inbound message, after
    /// counting it against the quota like any outbound message. Returns `false`, recording
    /// nothing, when the quota is used up.
    ///
    /// # Errors
    /// `MessageError::{NotReceived, NotAccepted}`, the organization's refusals, storage.
    #[tracing::instrument(skip(self, reply, context))]
    pub async fn record_responder_reply(
        &self,
        organization_id: OrganizationId,
        message_sid: &MessageSid,
        endpoint_id: EndpointId,
        reply: ResponderReply,
        context: &RequestContext,
    ) -> Result<bool, AppError> {
        let org = self.active_organization(organization_id).await?;
        let now = self.clock.now();
        let reference = format!("responder:{message_sid}");
        if !self.consume_quota(&org, &reference, now, context).await? {
            return Ok(false);
        }
        let command = MessageCommand::RecordResponderReply {
            endpoint_id,
            reply,
            replied_at: now,
        };
        match self
            .run(&self.messages, message_sid.as_str(), command, context)
            .await
        {
            Ok(_) => Ok(true),
            Err(error) => {
                self.release_quota(&org, &reference, now, context).await?;
                Err(error)
            }
        }
    }
}
