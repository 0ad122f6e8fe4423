//! The `message_analytics` projection's batch writes: new facts (reporting which were new), the
//! customers they reveal, and the outcome and status changes of facts already recorded. Each is
//! one statement whose rows travel as one JSON parameter (`bulk::json_rows`).

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use sqlx::{AnyConnection, Row};

use super::facts::Fact;
use crate::bulk::{insert_new, insert_new_sql, json_array, update_rows, JsonType};

use JsonType::{Integer, Text};

/// A `message_facts` row.
#[derive(Serialize)]
struct FactRow<'a> {
    message_sid: &'a str,
    organization_id: &'a str,
    direction: &'static str,
    channel: &'a str,
    customer: &'a str,
    at_ms: i64,
    status: Option<&'a str>,
    template: i64,
    opt_out: i64,
    outcome: Option<&'a str>,
}

const FACT_COLUMNS: &[(&str, JsonType)] = &[
    ("message_sid", Text),
    ("organization_id", Text),
    ("direction", Text),
    ("channel", Text),
    ("customer", Text),
    ("at_ms", Integer),
    ("status", Text),
    ("template", Integer),
    ("opt_out", Integer),
    ("outcome", Text),
];

/// Inserts the facts not recorded yet; returns those that were new, in order.
pub(super) async fn insert_facts(
    tx: &mut AnyConnection,
    facts: Vec<Fact>,
) -> Result<Vec<Fact>, sqlx::Error> {
    if facts.is_empty() {
        return Ok(facts);
    }
    let rows: Vec<FactRow<'_>> = facts
        .iter()
        .map(|fact| FactRow {
            message_sid: &fact.message_sid,
            organization_id: &fact.organization_id,
            direction: if fact.inbound { "inbound" } else { "outbound" },
            channel: &fact.channel,
            customer: &fact.customer,
            at_ms: fact.at_ms,
            status: fact.status.as_deref(),
            template: i64::from(fact.template),
            opt_out: i64::from(fact.opt_out),
            outcome: fact.outcome.as_deref(),
        })
        .collect();
    let sql = format!(
        "{} RETURNING message_sid",
        insert_new_sql(tx, "message_facts", FACT_COLUMNS, "message_sid")
    );
    let inserted: HashSet<String> = sqlx::query(&sql)
        .persistent(false)
        .bind(json_array(&rows)?)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| row.try_get::<String, _>("message_sid"))
        .collect::<Result<_, _>>()?;
    Ok(facts
        .into_iter()
        .filter(|f| inserted.contains(&f.message_sid))
        .collect())
}

/// A `customers` row.
#[derive(Serialize)]
struct CustomerRow<'a> {
    organization_id: &'a str,
    customer: &'a str,
    first_ms: i64,
}

const CUSTOMER_COLUMNS: &[(&str, JsonType)] = &[
    ("organization_id", Text),
    ("customer", Text),
    ("first_ms", Integer),
];

/// Records the customers of `facts` not seen before, with the time of their first fact; only
/// those of `unseen` (`(organization, customer)` keys with no stored conversation) can be.
pub(super) async fn insert_customers(
    tx: &mut AnyConnection,
    facts: &[Fact],
    unseen: &HashSet<(String, String)>,
) -> Result<(), sqlx::Error> {
    let mut seen = HashSet::new();
    let firsts: Vec<CustomerRow<'_>> = facts
        .iter()
        .filter(|f| seen.insert((f.organization_id.as_str(), f.customer.as_str())))
        .filter(|f| unseen.contains(&(f.organization_id.clone(), f.customer.clone())))
        .map(|f| CustomerRow {
            organization_id: &f.organization_id,
            customer: &f.customer,
            first_ms: f.at_ms,
        })
        .collect();
    insert_new(
        tx,
        "customers",
        CUSTOMER_COLUMNS,
        "organization_id, customer",
        &firsts,
    )
    .await
}

/// An outcome change.
#[derive(Serialize)]
struct OutcomeRow<'a> {
    message_sid: &'a str,
    outcome: &'a str,
    opt_out: i64,
}

/// Sets the outcome (and opt-out) of facts recorded by an earlier batch.
pub(super) async fn update_outcomes(
    tx: &mut AnyConnection,
    outcomes: &HashMap<String, (String, bool)>,
) -> Result<(), sqlx::Error> {
    let rows: Vec<OutcomeRow<'_>> = outcomes
        .iter()
        .map(|(message_sid, (outcome, opt_out))| OutcomeRow {
            message_sid,
            outcome,
            opt_out: i64::from(*opt_out),
        })
        .collect();
    update_rows(
        tx,
        "message_facts",
        ("message_sid", Text),
        &[("outcome", Text), ("opt_out", Integer)],
        &rows,
    )
    .await
}

/// A status change.
#[derive(Serialize)]
struct StatusRow<'a> {
    message_sid: &'a str,
    status: &'a str,
}

/// Sets the delivery status of facts recorded by an earlier batch.
pub(super) async fn update_statuses(
    tx: &mut AnyConnection,
    statuses: &HashMap<String, String>,
) -> Result<(), sqlx::Error> {
    let rows: Vec<StatusRow<'_>> = statuses
        .iter()
        .map(|(message_sid, status)| StatusRow {
            message_sid,
            status,
        })
        .collect();
    update_rows(
        tx,
        "message_facts",
        ("message_sid", Text),
        &[("status", Text)],
        &rows,
    )
    .await
}
