//! `replay --verify`'s diff: each live table against its scratch rebuild, row by row, every
//! column compared as text.

use sqlx::{AnyConnection, Row};

use super::scratch::Scratch;

/// How many differing rows a report shows per table and side.
const SAMPLES: i64 = 3;

/// How one table differs from its replay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableDifference {
    /// The table.
    pub table: &'static str,
    /// Rows the live table holds that the replay does not.
    pub only_live: u64,
    /// Rows the replay yields that the live table lacks.
    pub only_replay: u64,
    /// A few of those rows, as `live: col=value, …` or `replay: col=value, …`.
    pub samples: Vec<String>,
}

/// Compares the live `table` with its scratch copy on `conn`; `None` when they hold the same
/// rows.
pub(crate) async fn compare(
    conn: &mut AnyConnection,
    scratch: &Scratch,
    table: &'static str,
) -> Result<Option<TableDifference>, sqlx::Error> {
    let columns = scratch.columns(conn, table).await?;
    let select = columns
        .iter()
        .map(|c| format!("CAST(\"{c}\" AS TEXT) AS \"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let minus =
        |a: &str, b: &str| format!("SELECT {select} FROM {a} EXCEPT SELECT {select} FROM {b}");
    let live_minus_replay = minus(&scratch.live(table), &scratch.scratch(table));
    let replay_minus_live = minus(&scratch.scratch(table), &scratch.live(table));
    let only_live = count(conn, &live_minus_replay).await?;
    let only_replay = count(conn, &replay_minus_live).await?;
    if only_live == 0 && only_replay == 0 {
        return Ok(None);
    }
    let mut samples = Vec::new();
    for (side, sql) in [("live", live_minus_replay), ("replay", replay_minus_live)] {
        let rows = sqlx::query(&format!("{sql} LIMIT {SAMPLES}"))
            .fetch_all(&mut *conn)
            .await?;
        for row in &rows {
            let cells = columns
                .iter()
                .map(|c| {
                    let value: Option<String> = row.try_get(c.as_str()).unwrap_or(None);
                    format!("{c}={}", value.as_deref().unwrap_or("NULL"))
                })
                .collect::<Vec<_>>()
                .join(", ");
            samples.push(format!("{side}: {cells}"));
        }
    }
    Ok(Some(TableDifference {
        table,
        only_live,
        only_replay,
        samples,
    }))
}

async fn count(conn: &mut AnyConnection, sql: &str) -> Result<u64, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT COUNT(*) AS n FROM ({sql}) AS d"))
        .fetch_one(&mut *conn)
        .await?;
    Ok(u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0))
}
