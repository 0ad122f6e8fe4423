//! Point-in-time answers (`?as_of=`): an organization or a number as its own stream stood at a
//! moment, folded from the events recorded up to then (upcast like every other reader).

use chrono::{DateTime, Utc};
use cqrs_es::persist::PersistedEventRepository;
use cqrs_es::Aggregate;
use serde::de::DeserializeOwned;
use switchboard_domain::organization::{Organization, OrganizationError};
use switchboard_domain::phone_number::{PhoneNumber, PhoneNumberEvent, WebhookUrls};
use switchboard_domain::{OrganizationId, E164};

use crate::ports::StoreError;
use crate::{AppError, OrganizationDetails, Switchboard};

/// Events read per round trip while folding a stream.
const PAGE: u32 = 500;

/// A number as it stood at a moment.
#[derive(Clone, Debug, PartialEq)]
pub struct NumberAsOf {
    /// The number.
    pub phone_number: E164,
    /// Its owner then (its last owner, once released).
    pub organization_id: OrganizationId,
    /// Whether it routed to that owner then (`false`: released or lost).
    pub active: bool,
    /// Whether it had been found lost at the provider (`NumberLost`) by then.
    pub lost: bool,
    /// `twilio`, `signalwire` or `sandbox`.
    pub provider: String,
    /// The provider's SID.
    pub provider_sid: String,
    /// The webhooks set then.
    pub webhooks: WebhookUrls,
    /// When it last changed before the moment.
    pub updated_at: DateTime<Utc>,
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// The events of one stream recorded at or before `as_of`, upcast and deserialized, in
    /// order.
    async fn stream_until<E: DeserializeOwned>(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
        as_of: DateTime<Utc>,
    ) -> Result<Vec<E>, AppError> {
        let as_of_ms = as_of.timestamp_millis();
        let mut events = Vec::new();
        let mut after = 0;
        loop {
            let page = self
                .log
                .read_stream(aggregate_type, aggregate_id, after, PAGE)
                .await?;
            let full = page.len() == PAGE as usize;
            for recorded in page {
                if recorded.recorded_at_ms > as_of_ms {
                    return Ok(events);
                }
                after = recorded.sequence;
                let payload = switchboard_domain::upcasting::upcast(
                    &recorded.event_type,
                    &recorded.event_version,
                    recorded.payload,
                );
                events.push(serde_json::from_value(payload).map_err(StoreError::from_error)?);
            }
            if !full {
                return Ok(events);
            }
        }
    }

    /// The organization as it was at `as_of`.
    ///
    /// # Errors
    /// `OrganizationError::NotFound` (not created yet then) or `Deleted` (deleted by then);
    /// [`AppError::Store`].
    pub async fn organization_as_of(
        &self,
        id: OrganizationId,
        as_of: DateTime<Utc>,
    ) -> Result<OrganizationDetails, AppError> {
        let mut org = Organization::default();
        for event in self
            .stream_until(Organization::TYPE, &id.to_string(), as_of)
            .await?
        {
            org.apply(event);
        }
        match (org.id(), org.is_active()) {
            (Some(organization_id), false) => {
                Err(OrganizationError::Deleted { organization_id }.into())
            }
            _ => OrganizationDetails::from_aggregate(&org),
        }
    }

    /// The number as it stood at `as_of`: who owned it then.
    ///
    /// # Errors
    /// [`AppError::NumberNotHeld`] when it had never been provisioned by then;
    /// [`AppError::Store`].
    pub async fn number_as_of(
        &self,
        number: &E164,
        as_of: DateTime<Utc>,
    ) -> Result<NumberAsOf, AppError> {
        let mut state: Option<NumberAsOf> = None;
        for event in self
            .stream_until::<PhoneNumberEvent>(PhoneNumber::TYPE, number.as_str(), as_of)
            .await?
        {
            match (event, state.as_mut()) {
                (
                    PhoneNumberEvent::NumberProvisioned {
                        organization_id,
                        provider,
                        provider_sid,
                        webhooks,
                        provisioned_at,
                        ..
                    },
                    _,
                ) => {
                    state = Some(NumberAsOf {
                        phone_number: number.clone(),
                        organization_id,
                        active: true,
                        lost: false,
                        provider,
                        provider_sid,
                        webhooks,
                        updated_at: provisioned_at,
                    });
                }
                (
                    PhoneNumberEvent::WebhooksConfigured {
                        webhooks,
                        configured_at,
                        ..
                    },
                    Some(current),
                ) => {
                    current.webhooks = webhooks;
                    current.updated_at = configured_at;
                }
                (PhoneNumberEvent::NumberReleased { released_at, .. }, Some(current)) => {
                    current.active = false;
                    current.updated_at = released_at;
                }
                (PhoneNumberEvent::NumberLost { lost_at, .. }, Some(current)) => {
                    current.active = false;
                    current.lost = true;
                    current.updated_at = lost_at;
                }
                _ => {}
            }
        }
        state.ok_or_else(|| AppError::NumberNotHeld(number.to_string()))
    }
}
