//! The counted figures of many ranges of one organization at once, aggregated by the database:
//! the ranges are the rows of a `VALUES` list joined with the analytics tables and grouped, so
//! what is read back is a few rows per range, whatever the number of messages in it.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyPool, Row};

use super::Figures;
use crate::bulk::{placeholders, value_columns};

/// A range `[from_ms, to_ms)`, ms since the epoch.
pub(super) type Range = (i64, i64);

/// Messages by direction, outcome and delivery status, and distinct customers.
const MESSAGES: &str = "
SELECT r.i AS i,
       SUM(CASE WHEN f.direction = 'inbound' THEN 1 ELSE 0 END) AS inbound,
       SUM(CASE WHEN f.direction = 'inbound' AND f.outcome = 'refused_quota' THEN 1 ELSE 0 END)
           AS refused,
       SUM(CASE WHEN f.direction = 'inbound' AND f.opt_out = 1 THEN 1 ELSE 0 END) AS opt_outs,
       SUM(CASE WHEN f.direction <> 'inbound' THEN 1 ELSE 0 END) AS outbound,
       SUM(CASE WHEN f.direction <> 'inbound' AND f.template = 1 THEN 1 ELSE 0 END) AS templates,
       SUM(CASE WHEN f.direction <> 'inbound' AND f.status = 'delivered' THEN 1 ELSE 0 END)
           AS delivered,
       SUM(CASE WHEN f.direction <> 'inbound' AND f.status = 'read' THEN 1 ELSE 0 END) AS read,
       SUM(CASE WHEN f.direction <> 'inbound' AND f.status IN ('failed', 'undelivered')
                THEN 1 ELSE 0 END) AS failed,
       COUNT(DISTINCT f.customer) AS customers
  FROM ranges AS r
  JOIN message_facts AS f
    ON f.organization_id = {org} AND f.at_ms >= r.s AND f.at_ms < r.e
 GROUP BY r.i";

/// Customers first seen.
const NEW_CUSTOMERS: &str = "
SELECT r.i AS i, COUNT(*) AS n
  FROM ranges AS r
  JOIN customers AS c ON c.organization_id = {org} AND c.first_ms >= r.s AND c.first_ms < r.e
 GROUP BY r.i";

/// Conversations started.
const CONVERSATIONS: &str = "
SELECT r.i AS i, COUNT(*) AS n
  FROM ranges AS r
  JOIN conversations AS c
    ON c.organization_id = {org} AND c.started_ms >= r.s AND c.started_ms < r.e
 GROUP BY r.i";

/// The middle first-reply time (ms) of each range's answered conversations: one row for an odd
/// count, the two middle ones for an even count (window functions, which PostgreSQL and SQLite
/// both have; the database sorts, not this process).
const MIDDLE_FIRST_REPLIES: &str = "
SELECT i, d FROM (
    SELECT r.i AS i, c.first_reply_ms - c.started_ms AS d,
           ROW_NUMBER() OVER (PARTITION BY r.i ORDER BY c.first_reply_ms - c.started_ms) AS k,
           COUNT(*) OVER (PARTITION BY r.i) AS n
      FROM ranges AS r
      JOIN conversations AS c
        ON c.organization_id = {org} AND c.started_ms >= r.s AND c.started_ms < r.e
     WHERE c.first_reply_ms IS NOT NULL
) AS ranked
 WHERE k = (n + 1) / 2 OR k = (n + 2) / 2
 ORDER BY i, k";

/// The counted figures (all but number-months and cost) of each of `ranges`, in order.
pub(super) async fn count(
    pool: &AnyPool,
    organization_id: &str,
    ranges: &[Range],
) -> Result<Vec<Figures>, sqlx::Error> {
    let mut figures = vec![Figures::default(); ranges.len()];
    if ranges.is_empty() {
        return Ok(figures);
    }
    let sql = |select: &str| {
        format!(
            "WITH ranges AS (SELECT {} FROM (VALUES {}) AS v) {}",
            value_columns(&["i", "s", "e"]),
            placeholders(ranges.len(), 3),
            select.replace("{org}", &format!("${}", ranges.len() * 3 + 1))
        )
    };
    for row in rows(pool, &sql(MESSAGES), ranges, organization_id).await? {
        let f = at(&mut figures, &row)?;
        f.inbound = count_of(&row, "inbound")?;
        f.refused = count_of(&row, "refused")?;
        f.opt_outs = count_of(&row, "opt_outs")?;
        f.outbound = count_of(&row, "outbound")?;
        f.whatsapp_templates = count_of(&row, "templates")?;
        f.delivered = count_of(&row, "delivered")?;
        f.read = count_of(&row, "read")?;
        f.failed = count_of(&row, "failed")?;
        f.unique_customers = count_of(&row, "customers")?;
    }
    for row in rows(pool, &sql(NEW_CUSTOMERS), ranges, organization_id).await? {
        at(&mut figures, &row)?.new_customers = count_of(&row, "n")?;
    }
    for row in rows(pool, &sql(CONVERSATIONS), ranges, organization_id).await? {
        at(&mut figures, &row)?.conversations = count_of(&row, "n")?;
    }
    let mut middles: Vec<Vec<i64>> = vec![Vec::new(); ranges.len()];
    for row in rows(pool, &sql(MIDDLE_FIRST_REPLIES), ranges, organization_id).await? {
        if let Some(values) = usize::try_from(row.try_get::<i64, _>("i")?)
            .ok()
            .and_then(|i| middles.get_mut(i))
        {
            values.push(row.try_get("d")?);
        }
    }
    for (f, values) in figures.iter_mut().zip(middles) {
        f.median_first_reply_seconds = median_of_middles(&values);
    }
    Ok(figures)
}

/// The median from the middle value (odd count) or the two middle values (even count), in ms,
/// as seconds.
fn median_of_middles(middles: &[i64]) -> Option<f64> {
    let seconds = |ms: i64| ms as f64 / 1000.0;
    match middles {
        [one] => Some(seconds(*one)),
        [lower, upper] => Some((seconds(*lower) + seconds(*upper)) / 2.0),
        _ => None,
    }
}

async fn rows(
    pool: &AnyPool,
    sql: &str,
    ranges: &[Range],
    organization_id: &str,
) -> Result<Vec<AnyRow>, sqlx::Error> {
    bound(sql, ranges, organization_id).fetch_all(pool).await
}

fn bound<'q>(
    sql: &'q str,
    ranges: &[Range],
    organization_id: &'q str,
) -> Query<'q, Any, AnyArguments<'q>> {
    // The text varies with the number of ranges: not worth a prepared statement each.
    let mut query = sqlx::query(sql).persistent(false);
    for (i, (from_ms, to_ms)) in ranges.iter().enumerate() {
        query = query.bind(i as i64).bind(*from_ms).bind(*to_ms);
    }
    query.bind(organization_id)
}

fn at<'f>(figures: &'f mut [Figures], row: &AnyRow) -> Result<&'f mut Figures, sqlx::Error> {
    let i: i64 = row.try_get("i")?;
    usize::try_from(i)
        .ok()
        .and_then(|i| figures.get_mut(i))
        .ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "i".into(),
            source: format!("no range {i}").into(),
        })
}

fn count_of(row: &AnyRow, column: &str) -> Result<u64, sqlx::Error> {
    Ok(u64::try_from(row.try_get::<i64, _>(column)?).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::median_of_middles;

    #[test]
    fn the_median_is_the_middle_or_the_mean_of_the_two_middles() {
        assert_eq!(median_of_middles(&[]), None);
        assert_eq!(median_of_middles(&[50_000]), Some(50.0));
        assert_eq!(median_of_middles(&[30_000, 70_000]), Some(50.0));
    }
}
