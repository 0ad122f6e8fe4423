//! Multi-row statements for projections that write a batch at once: a batch as one JSON
//! parameter read as rows (`json_rows`), or placeholders for short `VALUES` lists. Such
//! statements run unprepared (`persistent(false)`): a plan PostgreSQL cached while a table was
//! small (a sequential scan) would stay in use as it grows.

use sqlx::AnyConnection;

/// `($1, $2, …), (…), …`: `rows` tuples of `columns` numbered parameters.
pub(crate) fn placeholders(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| {
            let cells = (1..=columns)
                .map(|column| format!("${}", row * columns + column))
                .collect::<Vec<_>>()
                .join(", ");
            format!("({cells})")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `column1 AS a, column2 AS b, …`: names for the columns of a `VALUES` list (which both
/// PostgreSQL and SQLite call `column1`, `column2`, …).
pub(crate) fn value_columns(names: &[&str]) -> String {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| format!("column{} AS {name}", i + 1))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The SQL type of a column read from JSON rows: what PostgreSQL's `json_to_recordset` casts it
/// to (SQLite's `json_extract` keeps the JSON value's own type).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JsonType {
    /// `text`; JSON strings.
    Text,
    /// `bigint`; JSON integers.
    Integer,
}

/// A `FROM` item named `alias` whose rows are the objects of the JSON array bound as parameter
/// `$parameter`, with `columns` as its columns (each object's keys of the same names; a missing
/// key or `null` reads as NULL).
///
/// A whole batch then travels as one text parameter in one statement whose text never changes,
/// instead of a `VALUES` list of tens of thousands of parameters that PostgreSQL parses and
/// plans on every call. PostgreSQL reads it with `json_to_recordset`
/// (<https://www.postgresql.org/docs/current/functions-json.html>), SQLite with `json_each` and
/// `json_extract` (<https://www.sqlite.org/json1.html>).
pub(crate) fn json_rows(
    conn: &AnyConnection,
    parameter: usize,
    alias: &str,
    columns: &[(&str, JsonType)],
) -> String {
    if conn.backend_name().eq_ignore_ascii_case("sqlite") {
        let cells = columns
            .iter()
            .map(|(name, _)| format!("json_extract(value, '$.{name}') AS {name}"))
            .collect::<Vec<_>>()
            .join(", ");
        format!("(SELECT {cells} FROM json_each(${parameter})) AS {alias}")
    } else {
        let cells = columns
            .iter()
            .map(|(name, kind)| {
                let kind = match kind {
                    JsonType::Text => "text",
                    JsonType::Integer => "bigint",
                };
                format!("{name} {kind}")
            })
            .collect::<Vec<_>>()
            .join(", ");
        format!("json_to_recordset(${parameter}::json) AS {alias}({cells})")
    }
}

/// `a, b, …`: the names of `columns`, for an `INSERT`'s column list and its `SELECT`.
pub(crate) fn names(columns: &[(&str, JsonType)]) -> String {
    columns
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `rows` as the JSON array [`json_rows`] reads.
///
/// # Errors
/// A row that does not serialize (none of ours: plain strings and numbers), as a
/// [`sqlx::Error::Encode`].
pub(crate) fn json_array<T: serde::Serialize>(rows: &[T]) -> Result<String, sqlx::Error> {
    serde_json::to_string(rows).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// Runs `sql` with `rows` as its one JSON parameter (`$1`), unless there are none.
///
/// # Errors
/// The database's.
pub(crate) async fn execute_rows<T: serde::Serialize>(
    conn: &mut AnyConnection,
    sql: &str,
    rows: &[T],
) -> Result<(), sqlx::Error> {
    if !rows.is_empty() {
        sqlx::query(sql)
            .persistent(false)
            .bind(json_array(rows)?)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// `INSERT INTO table (columns) SELECT columns FROM <JSON rows $1> … ON CONFLICT (key) DO
/// NOTHING`: inserts the rows whose `key` is not stored yet. Append `RETURNING …` to learn which.
pub(crate) fn insert_new_sql(
    conn: &AnyConnection,
    table: &str,
    columns: &[(&str, JsonType)],
    key: &str,
) -> String {
    // `WHERE true`: SQLite's parser needs a WHERE before an upsert's ON CONFLICT.
    format!(
        "INSERT INTO {table} ({names}) SELECT {names} FROM {rows} WHERE true
         ON CONFLICT ({key}) DO NOTHING",
        names = names(columns),
        rows = json_rows(conn, 1, "v", columns),
    )
}

/// Inserts `rows` (objects with `columns` as keys) into `table`, skipping those whose `key` is
/// stored already.
///
/// # Errors
/// The database's.
pub(crate) async fn insert_new<T: serde::Serialize>(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[(&str, JsonType)],
    key: &str,
    rows: &[T],
) -> Result<(), sqlx::Error> {
    let sql = insert_new_sql(conn, table, columns, key);
    execute_rows(conn, &sql, rows).await
}

/// Sets `columns` of the rows of `table` named by `rows` (objects with `key` and `columns` as
/// keys): `UPDATE table SET c = v.c, … FROM <JSON rows> AS v WHERE table.key = v.key`. A row
/// `rows` names that is not stored changes nothing.
///
/// # Errors
/// The database's.
pub(crate) async fn update_rows<T: serde::Serialize>(
    conn: &mut AnyConnection,
    table: &str,
    key: (&str, JsonType),
    columns: &[(&str, JsonType)],
    rows: &[T],
) -> Result<(), sqlx::Error> {
    let set = columns
        .iter()
        .map(|(name, _)| format!("{name} = v.{name}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut read = vec![key];
    read.extend_from_slice(columns);
    let sql = format!(
        "UPDATE {table} AS t SET {set} FROM {} WHERE t.{key} = v.{key}",
        json_rows(conn, 1, "v", &read),
        key = key.0,
    );
    execute_rows(conn, &sql, rows).await
}

#[cfg(test)]
mod tests;
