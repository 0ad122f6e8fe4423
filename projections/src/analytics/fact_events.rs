//! The facts a batch of `Message` events yields: new facts (carrying the outcome and status
//! changes that follow them in the same batch), and the outcome and status changes of facts
//! recorded by earlier batches. A message received on the shared number and then joined to an
//! organization (`Unrouted`, then `Joined`) is that organization's from its outcome on.

use std::collections::HashMap;

use sqlx::{AnyConnection, Row};
use switchboard_application::ports::RecordedEvent;
use switchboard_domain::message::{InboundOutcome, MessageEvent, Routing};
use switchboard_domain::{Channel, Keyword, OrganizationId};

use super::facts::Fact;
use crate::projection::{first_event_of, payload};
use crate::reply_sid;

/// What a batch writes.
#[derive(Default)]
pub(super) struct Writes {
    pub facts: Vec<Fact>,
    /// Where each fact of the batch is in `facts`, by MessageSid.
    fact_of: HashMap<String, usize>,
    pub outcomes: HashMap<String, (String, bool)>,
    pub statuses: HashMap<String, String>,
}

impl Writes {
    fn push(&mut self, fact: Fact) {
        self.fact_of
            .insert(fact.message_sid.clone(), self.facts.len());
        self.facts.push(fact);
    }

    /// Adds one `Message` event.
    pub(super) async fn add(
        &mut self,
        tx: &mut AnyConnection,
        event: &RecordedEvent,
    ) -> Result<(), sqlx::Error> {
        let position = event.log_position.position;
        match payload::<MessageEvent>(event)? {
            MessageEvent::MessageReceived {
                message,
                received_at,
                ..
            } => {
                if let Routing::Routed { organization_id } = message.routing {
                    self.push(Fact {
                        message_sid: message.message_sid.to_string(),
                        organization_id: organization_id.to_string(),
                        inbound: true,
                        channel: message.channel.as_str().to_string(),
                        customer: message.from.trim().to_string(),
                        at_ms: received_at.timestamp_millis(),
                        status: None,
                        template: false,
                        position,
                        outcome: None,
                        opt_out: false,
                    });
                }
            }
            MessageEvent::InboundOutcomeDecided { outcome, .. } => {
                let opt_out = matches!(
                    outcome,
                    InboundOutcome::Keyword {
                        keyword: Keyword::OptOut
                    }
                );
                let joined = match outcome {
                    InboundOutcome::Joined { organization_id } => Some(organization_id),
                    _ => None,
                };
                let outcome = outcome.as_str().to_string();
                if let Some(&at) = self.fact_of.get(&event.aggregate_id) {
                    self.facts[at].outcome = Some(outcome);
                    self.facts[at].opt_out = opt_out;
                    return Ok(());
                }
                if let Some(organization_id) = joined {
                    if let Some(fact) = joined_fact(tx, event, organization_id).await? {
                        self.push(fact);
                        return Ok(());
                    }
                }
                self.outcomes
                    .insert(event.aggregate_id.clone(), (outcome, opt_out));
            }
            MessageEvent::MessageSent {
                message,
                status,
                sent_at,
            } => self.push(Fact {
                message_sid: event.aggregate_id.clone(),
                organization_id: message.organization_id.to_string(),
                inbound: false,
                channel: message.channel.as_str().to_string(),
                customer: message.to.trim().to_string(),
                at_ms: sent_at.timestamp_millis(),
                status: Some(status.as_str().to_string()),
                template: message.channel == Channel::Whatsapp && message.content_sid.is_some(),
                position,
                outcome: None,
                opt_out: false,
            }),
            MessageEvent::ResponderReplied { replied_at, .. } => {
                if let Some(inbound) = self.inbound_fact(tx, &event.aggregate_id).await? {
                    self.push(Fact {
                        message_sid: reply_sid(&event.aggregate_id),
                        inbound: false,
                        at_ms: replied_at.timestamp_millis(),
                        status: Some("sent".into()),
                        template: false,
                        position,
                        outcome: None,
                        opt_out: false,
                        ..inbound
                    });
                }
            }
            MessageEvent::MessageStatusChanged { status, .. } => {
                let status = status.as_str().to_string();
                match self.fact_of.get(&event.aggregate_id) {
                    Some(&at) => self.facts[at].status = Some(status),
                    None => {
                        self.statuses.insert(event.aggregate_id.clone(), status);
                    }
                }
            }
        }
        Ok(())
    }

    /// The fact of the inbound message `sid`, from this batch or the table.
    async fn inbound_fact(
        &self,
        tx: &mut AnyConnection,
        sid: &str,
    ) -> Result<Option<Fact>, sqlx::Error> {
        if let Some(fact) = self.facts.iter().find(|f| f.message_sid == sid) {
            return Ok(Some(fact.clone()));
        }
        let row = sqlx::query(
            "SELECT organization_id, channel, customer FROM message_facts WHERE message_sid = $1",
        )
        .bind(sid)
        .fetch_optional(&mut *tx)
        .await?;
        row.map(|row| {
            Ok(Fact {
                message_sid: sid.to_string(),
                organization_id: row.try_get("organization_id")?,
                inbound: true,
                channel: row.try_get("channel")?,
                customer: row.try_get("customer")?,
                at_ms: 0,
                status: None,
                template: false,
                position: 0,
                outcome: None,
                opt_out: false,
            })
        })
        .transpose()
    }
}

/// The fact of a message received unrouted (on the shared number) that the customer's `join`
/// outcome gave to `organization_id`: counted from the outcome's log position. `None` when the
/// message was routed when received (its fact exists already).
async fn joined_fact(
    tx: &mut AnyConnection,
    outcome: &RecordedEvent,
    organization_id: OrganizationId,
) -> Result<Option<Fact>, sqlx::Error> {
    let received = first_event_of::<MessageEvent>(
        tx,
        &outcome.aggregate_type,
        &outcome.aggregate_id,
        "MessageReceived",
    )
    .await?;
    let Some(MessageEvent::MessageReceived {
        message,
        received_at,
        ..
    }) = received
    else {
        return Ok(None);
    };
    if message.routing != Routing::Unrouted {
        return Ok(None);
    }
    Ok(Some(Fact {
        message_sid: outcome.aggregate_id.clone(),
        organization_id: organization_id.to_string(),
        inbound: true,
        channel: message.channel.as_str().to_string(),
        customer: message.from.trim().to_string(),
        at_ms: received_at.timestamp_millis(),
        status: None,
        template: false,
        position: outcome.log_position.position,
        outcome: Some("joined".into()),
        opt_out: false,
    }))
}
