//! The `message_analytics` projection's multi-row writes: new facts (reporting which were new),
//! the customers they reveal, and the outcome and status changes of facts already recorded.

use std::collections::{HashMap, HashSet};

use sqlx::{AnyConnection, Row};

use super::facts::Fact;
use crate::bulk::{placeholders, rows_per_statement, value_columns};

/// Inserts the facts not recorded yet; returns those that were new, in order.
pub(super) async fn insert_facts(
    tx: &mut AnyConnection,
    facts: Vec<Fact>,
) -> Result<Vec<Fact>, sqlx::Error> {
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
pub(super) async fn insert_customers(
    tx: &mut AnyConnection,
    facts: &[Fact],
) -> Result<(), sqlx::Error> {
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

/// Sets the outcome (and opt-out) of facts recorded by an earlier batch.
pub(super) async fn update_outcomes(
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

/// Sets the delivery status of facts recorded by an earlier batch.
pub(super) async fn update_statuses(
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
