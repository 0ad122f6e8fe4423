//! The `message_analytics` projection: one fact per message of an organization, its customers
//! and its conversations, written a batch at a time. A fact is inserted once (its MessageSid is
//! the key); customers and conversations change only for facts that were new, so applying an
//! event twice changes nothing.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use sqlx::{AnyConnection, Row};
use switchboard_application::ports::RecordedEvent;
use switchboard_domain::message::{InboundOutcome, Message, MessageEvent, Routing};
use switchboard_domain::{Channel, Keyword};

use super::conversation_writes::add_to_conversations;
use crate::bulk::{placeholders, rows_per_statement, value_columns};
use crate::projection::{payload, Projection};
use crate::reply_sid;

/// The message analytics projection.
#[derive(Clone, Copy, Debug, Default)]
pub struct MessageAnalytics;

/// A message as counted.
#[derive(Clone, Debug)]
pub(crate) struct Fact {
    pub message_sid: String,
    pub organization_id: String,
    pub inbound: bool,
    pub channel: String,
    pub customer: String,
    pub at_ms: i64,
    pub status: Option<String>,
    pub template: bool,
    /// The log position of its event.
    pub position: i64,
    /// Inbound: the outcome, when decided in the same batch.
    pub outcome: Option<String>,
    /// Inbound: whether it opted the customer out (decided in the same batch).
    pub opt_out: bool,
}

#[derive(Default)]
struct Writes {
    facts: Vec<Fact>,
    /// Where each fact of the batch is in `facts`, by MessageSid.
    fact_of: HashMap<String, usize>,
    outcomes: HashMap<String, (String, bool)>,
    statuses: HashMap<String, String>,
}

impl Writes {
    fn push(&mut self, fact: Fact) {
        self.fact_of
            .insert(fact.message_sid.clone(), self.facts.len());
        self.facts.push(fact);
    }

    async fn add(
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
                let outcome = outcome.as_str().to_string();
                match self.fact_of.get(&event.aggregate_id) {
                    Some(&at) => {
                        self.facts[at].outcome = Some(outcome);
                        self.facts[at].opt_out = opt_out;
                    }
                    None => {
                        self.outcomes
                            .insert(event.aggregate_id.clone(), (outcome, opt_out));
                    }
                }
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

/// Inserts the facts not recorded yet; returns those that were new, in order.
async fn insert_facts(tx: &mut AnyConnection, facts: Vec<Fact>) -> Result<Vec<Fact>, sqlx::Error> {
    let mut inserted = HashSet::new();
    for chunk in facts.chunks(rows_per_statement(10)) {
        let sql = format!(
            "INSERT INTO message_facts (message_sid, organization_id, direction, channel, customer,
                 at_ms, status, template, opt_out, outcome)
             VALUES {} ON CONFLICT (message_sid) DO NOTHING RETURNING message_sid",
            placeholders(chunk.len(), 10)
        );
        let mut query = sqlx::query(&sql).persistent(false);
        for fact in chunk {
            query = query
                .bind(&fact.message_sid)
                .bind(&fact.organization_id)
                .bind(if fact.inbound { "inbound" } else { "outbound" })
                .bind(&fact.channel)
                .bind(&fact.customer)
                .bind(fact.at_ms)
                .bind(&fact.status)
                .bind(i64::from(fact.template))
                .bind(i64::from(fact.opt_out))
                .bind(&fact.outcome);
        }
        for row in query.fetch_all(&mut *tx).await? {
            inserted.insert(row.try_get::<String, _>("message_sid")?);
        }
    }
    Ok(facts
        .into_iter()
        .filter(|f| inserted.contains(&f.message_sid))
        .collect())
}

/// Records the customers of `facts` not seen before, with the time of their first fact.
async fn insert_customers(tx: &mut AnyConnection, facts: &[Fact]) -> Result<(), sqlx::Error> {
    let mut seen = HashSet::new();
    let firsts: Vec<&Fact> = facts
        .iter()
        .filter(|f| seen.insert((f.organization_id.as_str(), f.customer.as_str())))
        .collect();
    for chunk in firsts.chunks(rows_per_statement(3)) {
        let sql = format!(
            "INSERT INTO customers (organization_id, customer, first_ms) VALUES {}
             ON CONFLICT (organization_id, customer) DO NOTHING",
            placeholders(chunk.len(), 3)
        );
        let mut query = sqlx::query(&sql).persistent(false);
        for fact in chunk {
            query = query
                .bind(&fact.organization_id)
                .bind(&fact.customer)
                .bind(fact.at_ms);
        }
        query.execute(&mut *tx).await?;
    }
    Ok(())
}

async fn update_outcomes(
    tx: &mut AnyConnection,
    outcomes: &HashMap<String, (String, bool)>,
) -> Result<(), sqlx::Error> {
    let outcomes: Vec<_> = outcomes.iter().collect();
    for chunk in outcomes.chunks(rows_per_statement(3)) {
        let sql = format!(
            "UPDATE message_facts AS f SET outcome = v.outcome, opt_out = v.opt_out
               FROM (SELECT {} FROM (VALUES {}) AS x) AS v
              WHERE f.message_sid = v.sid",
            value_columns(&["sid", "outcome", "opt_out"]),
            placeholders(chunk.len(), 3)
        );
        let mut query = sqlx::query(&sql).persistent(false);
        for (sid, (outcome, opt_out)) in chunk {
            query = query.bind(*sid).bind(outcome).bind(i64::from(*opt_out));
        }
        query.execute(&mut *tx).await?;
    }
    Ok(())
}

async fn update_statuses(
    tx: &mut AnyConnection,
    statuses: &HashMap<String, String>,
) -> Result<(), sqlx::Error> {
    let statuses: Vec<_> = statuses.iter().collect();
    for chunk in statuses.chunks(rows_per_statement(2)) {
        let sql = format!(
            "UPDATE message_facts AS f SET status = v.status
               FROM (SELECT {} FROM (VALUES {}) AS x) AS v
              WHERE f.message_sid = v.sid",
            value_columns(&["sid", "status"]),
            placeholders(chunk.len(), 2)
        );
        let mut query = sqlx::query(&sql).persistent(false);
        for (sid, status) in chunk {
            query = query.bind(*sid).bind(*status);
        }
        query.execute(&mut *tx).await?;
    }
    Ok(())
}

#[async_trait]
impl Projection for MessageAnalytics {
    fn name(&self) -> &'static str {
        "message_analytics"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["message_facts", "customers", "conversations"]
    }

    async fn apply(
        &self,
        tx: &mut AnyConnection,
        event: &RecordedEvent,
    ) -> Result<(), sqlx::Error> {
        self.apply_batch(tx, std::slice::from_ref(event)).await
    }

    async fn apply_batch(
        &self,
        tx: &mut AnyConnection,
        events: &[RecordedEvent],
    ) -> Result<(), sqlx::Error> {
        let mut writes = Writes::default();
        for event in events
            .iter()
            .filter(|e| e.aggregate_type == <Message as cqrs_es::Aggregate>::TYPE)
        {
            writes.add(tx, event).await?;
        }
        let new = insert_facts(tx, writes.facts).await?;
        insert_customers(tx, &new).await?;
        add_to_conversations(tx, &new).await?;
        update_outcomes(tx, &writes.outcomes).await?;
        update_statuses(tx, &writes.statuses).await
    }
}
