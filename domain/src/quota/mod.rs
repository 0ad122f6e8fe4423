//! The `Quota` aggregate: one stream per organization and billing period (id
//! `{organization_id}/{period key}`), counting the messages accepted in it. A new period is a new
//! stream whose first event is `QuotaReset`, so the event store's uniqueness makes the reset
//! happen exactly once per period, however many processes try. The state is two numbers, so
//! with snapshots a command's cost does not grow with the period's traffic.

mod commands;
mod errors;
mod events;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

pub use commands::QuotaCommand;
pub use errors::QuotaError;
pub use events::QuotaEvent;

use crate::{BillingPeriod, OrganizationId};

/// The stream id of an organization's quota in a period.
pub fn quota_id(organization_id: OrganizationId, period: &BillingPeriod) -> String {
    format!("{organization_id}/{}", period.key())
}

/// How many recently counted references a quota remembers, so a retried delivery is not
/// counted twice while the state stays small (the cost of a command does not grow with the
/// period's traffic).
pub const RECENT_REFERENCES: usize = 64;

/// State of one organization's quota in one period.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Quota {
    organization_id: Option<OrganizationId>,
    period: Option<BillingPeriod>,
    used: u32,
    recent: VecDeque<String>,
}

impl Quota {
    /// Messages counted so far.
    pub fn used(&self) -> u32 {
        self.used
    }

    /// The period, once reset.
    pub fn period(&self) -> Option<BillingPeriod> {
        self.period
    }

    fn reset_events(
        &self,
        organization_id: OrganizationId,
        period: BillingPeriod,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<QuotaEvent>, QuotaError> {
        match self.period {
            Some(current) if current != period => Err(QuotaError::WrongPeriod {
                stream: current,
                command: period,
            }),
            Some(_) => Ok(vec![]),
            None => Ok(vec![QuotaEvent::QuotaReset {
                organization_id,
                period,
                reset_at: at,
            }]),
        }
    }
}

impl Aggregate for Quota {
    const TYPE: &'static str = "Quota";
    type Command = QuotaCommand;
    type Event = QuotaEvent;
    type Error = QuotaError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let events = match command {
            QuotaCommand::ResetQuota {
                organization_id,
                period,
                at,
            } => self.reset_events(organization_id, period, at)?,
            QuotaCommand::ConsumeQuota {
                organization_id,
                period,
                limit,
                reference,
                at,
            } => {
                let mut events = self.reset_events(organization_id, period, at)?;
                if self.recent.contains(&reference) {
                    return Ok(());
                }
                if self.used >= limit {
                    return Err(QuotaError::QuotaExhausted {
                        limit,
                        used: self.used,
                    });
                }
                events.push(QuotaEvent::QuotaConsumed { reference, at });
                events
            }
            QuotaCommand::ReleaseQuota { reference, at } => {
                if !self.recent.contains(&reference) {
                    return Ok(());
                }
                vec![QuotaEvent::QuotaReleased { reference, at }]
            }
        };
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            QuotaEvent::QuotaReset {
                organization_id,
                period,
                ..
            } => {
                self.organization_id = Some(organization_id);
                self.period = Some(period);
                self.used = 0;
            }
            QuotaEvent::QuotaConsumed { reference, .. } => {
                self.used += 1;
                self.recent.push_back(reference);
                if self.recent.len() > RECENT_REFERENCES {
                    self.recent.pop_front();
                }
            }
            QuotaEvent::QuotaReleased { reference, .. } => {
                self.used = self.used.saturating_sub(1);
                self.recent.retain(|r| *r != reference);
            }
        }
    }
}
