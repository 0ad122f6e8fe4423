//! Conversations kept a batch at a time: the latest conversation of every customer the batch's
//! new facts concern is read in one query, the facts are added in memory in log order (a message
//! more than 24 h after the last one starts a new conversation), and the result is written back
//! in one insert and one update.

use std::collections::HashMap;

use sqlx::{AnyConnection, Row};

use super::conversations::CONVERSATION_GAP_MS;
use super::facts::Fact;
use crate::bulk::{placeholders, rows_per_statement, value_columns};

/// A conversation as the batch leaves it.
#[derive(Clone, Debug)]
struct Conversation {
    position: i64,
    organization_id: String,
    customer: String,
    channel: String,
    started_by: &'static str,
    started_ms: i64,
    last_ms: i64,
    messages: i64,
    first_reply_ms: Option<i64>,
    /// Not stored yet (else: stored, and changed when `dirty`).
    new: bool,
    dirty: bool,
}

impl Conversation {
    fn started_by(fact: &Fact) -> &'static str {
        if fact.inbound {
            "customer"
        } else {
            "business"
        }
    }

    fn start(fact: &Fact) -> Self {
        Self {
            position: fact.position,
            organization_id: fact.organization_id.clone(),
            customer: fact.customer.clone(),
            channel: fact.channel.clone(),
            started_by: Self::started_by(fact),
            started_ms: fact.at_ms,
            last_ms: fact.at_ms,
            messages: 1,
            first_reply_ms: None,
            new: true,
            dirty: false,
        }
    }

    fn add(&mut self, fact: &Fact) {
        self.last_ms = self.last_ms.max(fact.at_ms);
        self.messages += 1;
        if self.first_reply_ms.is_none() && self.started_by == "customer" && !fact.inbound {
            self.first_reply_ms = Some(fact.at_ms);
        }
        self.dirty = true;
    }
}

/// The stored latest conversation of each `(organization, customer)` in `keys`.
async fn latest(
    tx: &mut AnyConnection,
    keys: &[(String, String)],
) -> Result<HashMap<(String, String), Conversation>, sqlx::Error> {
    let mut found: HashMap<(String, String), Conversation> = HashMap::new();
    for chunk in keys.chunks(rows_per_statement(2)) {
        let sql = format!(
            "SELECT c.position, c.organization_id, c.customer, c.channel, c.started_by,
                    c.started_ms, c.last_ms, c.messages, c.first_reply_ms
               FROM conversations AS c
               JOIN (SELECT {} FROM (VALUES {}) AS x) AS k
                 ON c.organization_id = k.organization_id AND c.customer = k.customer
              WHERE c.started_ms = (SELECT MAX(l.started_ms) FROM conversations AS l
                                     WHERE l.organization_id = c.organization_id
                                       AND l.customer = c.customer)",
            value_columns(&["organization_id", "customer"]),
            placeholders(chunk.len(), 2)
        );
        let mut query = sqlx::query(&sql).persistent(false);
        for (organization_id, customer) in chunk {
            query = query.bind(organization_id).bind(customer);
        }
        for row in query.fetch_all(&mut *tx).await? {
            let started_by: String = row.try_get("started_by")?;
            let conversation = Conversation {
                position: row.try_get("position")?,
                organization_id: row.try_get("organization_id")?,
                customer: row.try_get("customer")?,
                channel: row.try_get("channel")?,
                started_by: if started_by == "business" {
                    "business"
                } else {
                    "customer"
                },
                started_ms: row.try_get("started_ms")?,
                last_ms: row.try_get("last_ms")?,
                messages: row.try_get("messages")?,
                first_reply_ms: row.try_get("first_reply_ms")?,
                new: false,
                dirty: false,
            };
            let key = (
                conversation.organization_id.clone(),
                conversation.customer.clone(),
            );
            // Two started in the same millisecond: the later in the log is the latest.
            if found
                .get(&key)
                .is_none_or(|known| known.position < conversation.position)
            {
                found.insert(key, conversation);
            }
        }
    }
    Ok(found)
}

/// Adds new `facts` (in log order) to their conversations.
pub(crate) async fn add_to_conversations(
    tx: &mut AnyConnection,
    facts: &[Fact],
) -> Result<(), sqlx::Error> {
    if facts.is_empty() {
        return Ok(());
    }
    let mut keys: Vec<(String, String)> = facts
        .iter()
        .map(|f| (f.organization_id.clone(), f.customer.clone()))
        .collect();
    keys.sort();
    keys.dedup();
    let mut current = latest(tx, &keys).await?;
    let mut finished: Vec<Conversation> = Vec::new();
    for fact in facts {
        let key = (fact.organization_id.clone(), fact.customer.clone());
        match current.get_mut(&key) {
            Some(conversation) if fact.at_ms - conversation.last_ms <= CONVERSATION_GAP_MS => {
                conversation.add(fact);
            }
            _ => {
                if let Some(previous) = current.insert(key, Conversation::start(fact)) {
                    finished.push(previous);
                }
            }
        }
    }
    finished.extend(current.into_values());
    let (new, changed): (Vec<Conversation>, Vec<Conversation>) =
        finished.into_iter().partition(|c| c.new);
    insert(tx, &new).await?;
    update(tx, changed.into_iter().filter(|c| c.dirty).collect()).await
}

async fn insert(tx: &mut AnyConnection, conversations: &[Conversation]) -> Result<(), sqlx::Error> {
    for chunk in conversations.chunks(rows_per_statement(9)) {
        let sql = format!(
            "INSERT INTO conversations (position, organization_id, customer, channel, started_by,
                 started_ms, last_ms, messages, first_reply_ms)
             VALUES {} ON CONFLICT (position) DO NOTHING",
            placeholders(chunk.len(), 9)
        );
        let mut query = sqlx::query(&sql).persistent(false);
        for c in chunk {
            query = query
                .bind(c.position)
                .bind(&c.organization_id)
                .bind(&c.customer)
                .bind(&c.channel)
                .bind(c.started_by)
                .bind(c.started_ms)
                .bind(c.last_ms)
                .bind(c.messages)
                .bind(c.first_reply_ms);
        }
        query.execute(&mut *tx).await?;
    }
    Ok(())
}

async fn update(
    tx: &mut AnyConnection,
    conversations: Vec<Conversation>,
) -> Result<(), sqlx::Error> {
    for chunk in conversations.chunks(rows_per_statement(4)) {
        let sql = format!(
            "UPDATE conversations AS c
                SET last_ms = v.last_ms, messages = v.messages, first_reply_ms = v.first_reply_ms
               FROM (SELECT {} FROM (VALUES {}) AS x) AS v
              WHERE c.position = v.position",
            value_columns(&["position", "last_ms", "messages", "first_reply_ms"]),
            placeholders(chunk.len(), 4)
        );
        let mut query = sqlx::query(&sql).persistent(false);
        for c in chunk {
            query = query
                .bind(c.position)
                .bind(c.last_ms)
                .bind(c.messages)
                .bind(c.first_reply_ms);
        }
        query.execute(&mut *tx).await?;
    }
    Ok(())
}
