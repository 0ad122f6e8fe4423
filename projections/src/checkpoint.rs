//! Each projection's checkpoint: the log position it has applied, in `projection_checkpoints`,
//! written in the same transaction as its rows.

use std::collections::HashMap;

use sqlx::{Any, AnyConnection, Executor, Row};
use switchboard_application::ports::LogPosition;

/// Makes sure a checkpoint row exists (at the start of the log).
pub(crate) async fn ensure<'c, E: Executor<'c, Database = Any>>(
    executor: E,
    projection: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO projection_checkpoints (projection, transaction_id, position) VALUES ($1, 0, 0)
         ON CONFLICT (projection) DO NOTHING",
    )
    .bind(projection)
    .execute(executor)
    .await?;
    Ok(())
}

/// Every projection's position, by name, in one query.
pub(crate) async fn read_all<'c, E: Executor<'c, Database = Any>>(
    executor: E,
) -> Result<HashMap<String, LogPosition>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT projection, transaction_id, position FROM projection_checkpoints")
            .fetch_all(executor)
            .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("projection")?, position_of(row)?)))
        .collect()
}

fn position_of(row: &sqlx::any::AnyRow) -> Result<LogPosition, sqlx::Error> {
    Ok(LogPosition {
        transaction_id: row.try_get("transaction_id")?,
        position: row.try_get("position")?,
    })
}

/// Moves the checkpoint from `from` to `to` if nobody moved it since; returns whether it did.
/// Called first in the projector's transaction, for every projection in name order, so on
/// PostgreSQL it also locks the rows until commit (in one order, so two writers never deadlock)
/// and a concurrent projector waits, then finds the checkpoint moved and backs off.
pub(crate) async fn advance(
    tx: &mut AnyConnection,
    projection: &str,
    from: LogPosition,
    to: LogPosition,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE projection_checkpoints SET transaction_id = $1, position = $2
          WHERE projection = $3 AND transaction_id = $4 AND position = $5",
    )
    .bind(to.transaction_id)
    .bind(to.position)
    .bind(projection)
    .bind(from.transaction_id)
    .bind(from.position)
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Locks a projection's checkpoint in `table` (a schema-qualified `projection_checkpoints`) until
/// the transaction ends, and returns it: a row lock on PostgreSQL, the write lock on SQLite. The
/// projector cannot move it meanwhile.
pub(crate) async fn lock(
    tx: &mut AnyConnection,
    table: &str,
    projection: &str,
) -> Result<LogPosition, sqlx::Error> {
    let row = sqlx::query(&format!(
        "UPDATE {table} SET position = position WHERE projection = $1
         RETURNING transaction_id, position"
    ))
    .bind(projection)
    .fetch_optional(&mut *tx)
    .await?;
    row.as_ref()
        .map(position_of)
        .transpose()
        .map(Option::unwrap_or_default)
}
