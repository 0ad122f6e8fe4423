//! The `PhoneNumber` aggregate, identified by the E.164 number itself, so "one owner per number"
//! is the event store's uniqueness guarantee on `(aggregate_type, aggregate_id, sequence)`.

mod commands;
mod errors;
mod events;
#[cfg(test)]
mod release_tests;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

pub use commands::PhoneNumberCommand;
pub use errors::PhoneNumberError;
pub use events::PhoneNumberEvent;

use crate::{Capabilities, OrganizationId, RequestId, E164};

/// The webhook URLs set on a number at the provider (Twilio's `SmsUrl` and `StatusCallback`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookUrls {
    /// Where inbound messages are posted.
    pub sms_url: String,
    /// Where status callbacks are posted.
    pub status_callback: String,
}

/// The owner and provider details while a number is provisioned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ownership {
    /// The owner.
    pub organization_id: OrganizationId,
    /// The provisioning request that bought it.
    pub request_id: RequestId,
    /// `twilio`, `signalwire` or `sandbox`.
    pub provider: String,
    /// The provider's SID.
    pub provider_sid: String,
    /// What the number can do.
    pub capabilities: Capabilities,
    /// Webhooks as last applied.
    pub webhooks: WebhookUrls,
    /// When it was provisioned.
    pub provisioned_at: DateTime<Utc>,
}

/// State rebuilt from a number's events: its current ownership, if any.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PhoneNumber {
    phone_number: Option<E164>,
    ownership: Option<Ownership>,
    released_at: Option<DateTime<Utc>>,
    /// When the current owner asked for a release that is not recorded as done yet.
    #[serde(default)]
    release_requested_at: Option<DateTime<Utc>>,
    /// When the number was last found lost at the provider.
    #[serde(default)]
    lost_at: Option<DateTime<Utc>>,
}

impl PhoneNumber {
    /// The current ownership; `None` when never provisioned or released.
    pub fn ownership(&self) -> Option<&Ownership> {
        self.ownership.as_ref()
    }

    /// The owner, when provisioned.
    pub fn owner(&self) -> Option<OrganizationId> {
        self.ownership.as_ref().map(|o| o.organization_id)
    }

    /// When it was last released.
    pub fn released_at(&self) -> Option<DateTime<Utc>> {
        self.released_at
    }

    /// When the current owner asked for a release that is not recorded as done (a crash may
    /// have interrupted it; the reconciler finishes it).
    pub fn release_requested_at(&self) -> Option<DateTime<Utc>> {
        self.release_requested_at
    }

    /// When the number was last found missing at the provider (`NumberLost`).
    pub fn lost_at(&self) -> Option<DateTime<Utc>> {
        self.lost_at
    }

    fn owned_by(&self, organization_id: OrganizationId) -> Result<&Ownership, PhoneNumberError> {
        let ownership = self
            .ownership
            .as_ref()
            .ok_or(PhoneNumberError::NotProvisioned)?;
        if ownership.organization_id != organization_id {
            return Err(PhoneNumberError::NotOwner {
                owner: ownership.organization_id,
                requested_by: organization_id,
            });
        }
        Ok(ownership)
    }

    fn handle_command(
        &self,
        command: PhoneNumberCommand,
    ) -> Result<Vec<PhoneNumberEvent>, PhoneNumberError> {
        use PhoneNumberCommand as C;
        use PhoneNumberEvent as E;
        match command {
            C::ProvisionNumber {
                phone_number,
                organization_id,
                request_id,
                provider,
                provider_sid,
                capabilities,
                webhooks,
                provisioned_at,
            } => {
                if let Some(stream) = &self.phone_number {
                    if *stream != phone_number {
                        return Err(PhoneNumberError::WrongNumber {
                            command: phone_number,
                            stream: stream.clone(),
                        });
                    }
                }
                if let Some(current) = &self.ownership {
                    if current.organization_id == organization_id
                        && current.provider_sid == provider_sid
                    {
                        return Ok(vec![]);
                    }
                    return Err(PhoneNumberError::NumberTaken {
                        phone_number,
                        owner: current.organization_id,
                    });
                }
                Ok(vec![E::NumberProvisioned {
                    phone_number,
                    organization_id,
                    request_id,
                    provider,
                    provider_sid,
                    capabilities,
                    webhooks,
                    provisioned_at,
                }])
            }
            C::ConfigureWebhooks {
                organization_id,
                webhooks,
                configured_at,
            } => {
                self.owned_by(organization_id)?;
                Ok(vec![E::WebhooksConfigured {
                    organization_id,
                    webhooks,
                    configured_at,
                }])
            }
            C::ReleaseNumber {
                organization_id,
                released_at,
            } => {
                let ownership = self.owned_by(organization_id)?;
                Ok(vec![E::NumberReleased {
                    organization_id,
                    provider_sid: ownership.provider_sid.clone(),
                    released_at,
                }])
            }
            C::RequestRelease {
                organization_id,
                reason,
                requested_at,
            } => {
                let ownership = self.owned_by(organization_id)?;
                if self.release_requested_at.is_some() {
                    return Ok(vec![]);
                }
                Ok(vec![E::NumberReleaseRequested {
                    organization_id,
                    provider_sid: ownership.provider_sid.clone(),
                    reason,
                    requested_at,
                }])
            }
            C::MarkLost {
                provider_sid,
                lost_at,
            } => {
                let ownership = self
                    .ownership
                    .as_ref()
                    .ok_or(PhoneNumberError::NotProvisioned)?;
                if ownership.provider_sid != provider_sid {
                    return Err(PhoneNumberError::OtherProviderSid {
                        held: ownership.provider_sid.clone(),
                        given: provider_sid,
                    });
                }
                if self.release_requested_at.is_some() {
                    return Err(PhoneNumberError::ReleaseUnderWay);
                }
                Ok(vec![E::NumberLost {
                    organization_id: ownership.organization_id,
                    provider_sid,
                    lost_at,
                }])
            }
        }
    }
}

impl Aggregate for PhoneNumber {
    const TYPE: &'static str = "PhoneNumber";
    type Command = PhoneNumberCommand;
    type Event = PhoneNumberEvent;
    type Error = PhoneNumberError;
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
        use PhoneNumberEvent as E;
        match event {
            E::NumberProvisioned {
                phone_number,
                organization_id,
                request_id,
                provider,
                provider_sid,
                capabilities,
                webhooks,
                provisioned_at,
            } => {
                self.phone_number = Some(phone_number);
                self.ownership = Some(Ownership {
                    organization_id,
                    request_id,
                    provider,
                    provider_sid,
                    capabilities,
                    webhooks,
                    provisioned_at,
                });
            }
            E::WebhooksConfigured { webhooks, .. } => {
                if let Some(ownership) = self.ownership.as_mut() {
                    ownership.webhooks = webhooks;
                }
            }
            E::NumberReleased { released_at, .. } => {
                self.ownership = None;
                self.released_at = Some(released_at);
                self.release_requested_at = None;
            }
            E::NumberReleaseRequested { requested_at, .. } => {
                self.release_requested_at = Some(requested_at);
            }
            E::NumberLost { lost_at, .. } => {
                self.ownership = None;
                self.lost_at = Some(lost_at);
                self.release_requested_at = None;
            }
        }
    }
}
