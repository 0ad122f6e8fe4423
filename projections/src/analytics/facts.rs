//! The `message_analytics` projection: one fact per message of an organization, its customers
//! and its conversations, written a batch at a time. A fact is inserted once (its MessageSid is
//! the key); customers and conversations change only for facts that were new, so applying an
//! event twice changes nothing.

use async_trait::async_trait;
use sqlx::AnyConnection;
use switchboard_application::ports::RecordedEvent;
use switchboard_domain::message::Message;

use super::conversation_writes::add_to_conversations;
use super::fact_events::Writes;
use super::fact_rows::{insert_customers, insert_facts, update_outcomes, update_statuses};
use crate::projection::Projection;

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
    /// The log position of its event (of the `Joined` outcome, for a message that joined its
    /// customer to the organization on the shared number).
    pub position: i64,
    /// Inbound: the outcome, when decided in the same batch.
    pub outcome: Option<String>,
    /// Inbound: whether it opted the customer out (decided in the same batch).
    pub opt_out: bool,
}

#[async_trait]
impl Projection for MessageAnalytics {
    fn name(&self) -> &'static str {
        "message_analytics"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["message_facts", "customers", "conversations"]
    }

    /// Each batch reads the latest conversation of its customers.
    fn lookup_indexes(&self) -> &'static [&'static str] {
        &["conversations_by_customer"]
    }

    fn background(&self) -> bool {
        true
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
        // A customer with a stored conversation is stored too (both come from the same facts).
        let unseen = add_to_conversations(tx, &new).await?;
        insert_customers(tx, &new, &unseen).await?;
        update_outcomes(tx, &writes.outcomes).await?;
        update_statuses(tx, &writes.statuses).await
    }
}
