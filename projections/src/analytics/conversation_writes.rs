//! Conversations kept a batch at a time: the latest conversation of every customer the batch's
//! new facts concern is read in one query, the facts are added in memory in log order (a message
//! more than 24 h after the last one starts a new conversation), and the result is written back
//! in one insert and one update, each batch's rows as one JSON parameter (`bulk::json_rows`).

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use sqlx::{AnyConnection, Row};

use super::conversations::CONVERSATION_GAP_MS;
use super::facts::Fact;
use crate::bulk::{insert_new, json_array, json_rows, update_rows, JsonType};

use JsonType::{Integer, Text};

/// A conversation as the batch leaves it (serialized as a `conversations` row).
#[derive(Clone, Debug, Serialize)]
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
    #[serde(skip)]
    new: bool,
    #[serde(skip)]
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

/// An `(organization, customer)` key.
#[derive(Serialize)]
struct Key<'a> {
    organization_id: &'a str,
    customer: &'a str,
}

/// The stored latest conversation of each `(organization, customer)` in `keys`: for each key,
/// one descent of `conversations_by_customer` to the latest start (two started in the same
/// millisecond: the later in the log), then its row by primary key.
async fn latest(
    tx: &mut AnyConnection,
    keys: &[(String, String)],
) -> Result<HashMap<(String, String), Conversation>, sqlx::Error> {
    let keys: Vec<Key<'_>> = keys
        .iter()
        .map(|(organization_id, customer)| Key {
            organization_id,
            customer,
        })
        .collect();
    let sql = format!(
        "SELECT c.position, c.organization_id, c.customer, c.channel, c.started_by,
                c.started_ms, c.last_ms, c.messages, c.first_reply_ms
           FROM (SELECT (SELECT l.position FROM conversations AS l
                          WHERE l.organization_id = k.organization_id AND l.customer = k.customer
                          ORDER BY l.started_ms DESC, l.position DESC LIMIT 1) AS position
                   FROM {}) AS latest
           JOIN conversations AS c ON c.position = latest.position",
        json_rows(tx, 1, "k", &[("organization_id", Text), ("customer", Text)])
    );
    let mut found: HashMap<(String, String), Conversation> = HashMap::new();
    for row in sqlx::query(&sql)
        .persistent(false)
        .bind(json_array(&keys)?)
        .fetch_all(&mut *tx)
        .await?
    {
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
        found.insert(
            (
                conversation.organization_id.clone(),
                conversation.customer.clone(),
            ),
            conversation,
        );
    }
    Ok(found)
}

/// Adds new `facts` (in log order) to their conversations; returns the `(organization,
/// customer)` keys that had none stored (customers new to the organization, unless this batch is
/// replayed).
pub(crate) async fn add_to_conversations(
    tx: &mut AnyConnection,
    facts: &[Fact],
) -> Result<HashSet<(String, String)>, sqlx::Error> {
    if facts.is_empty() {
        return Ok(HashSet::new());
    }
    let mut keys: Vec<(String, String)> = facts
        .iter()
        .map(|f| (f.organization_id.clone(), f.customer.clone()))
        .collect();
    keys.sort();
    keys.dedup();
    let mut current = latest(tx, &keys).await?;
    let unseen: HashSet<(String, String)> = keys
        .into_iter()
        .filter(|key| !current.contains_key(key))
        .collect();
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
    update(tx, changed.into_iter().filter(|c| c.dirty).collect()).await?;
    Ok(unseen)
}

/// Conversation columns as [`Conversation`] serializes them.
const COLUMNS: &[(&str, JsonType)] = &[
    ("position", Integer),
    ("organization_id", Text),
    ("customer", Text),
    ("channel", Text),
    ("started_by", Text),
    ("started_ms", Integer),
    ("last_ms", Integer),
    ("messages", Integer),
    ("first_reply_ms", Integer),
];

async fn insert(tx: &mut AnyConnection, conversations: &[Conversation]) -> Result<(), sqlx::Error> {
    insert_new(tx, "conversations", COLUMNS, "position", conversations).await
}

async fn update(
    tx: &mut AnyConnection,
    conversations: Vec<Conversation>,
) -> Result<(), sqlx::Error> {
    update_rows(
        tx,
        "conversations",
        ("position", Integer),
        &[
            ("last_ms", Integer),
            ("messages", Integer),
            ("first_reply_ms", Integer),
        ],
        &conversations,
    )
    .await
}
