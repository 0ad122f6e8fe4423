use sqlx::{AnyConnection, AnyPool, Row};
use switchboard_application::ports::LogPosition;

/// Makes sure a checkpoint row exists (at the start of the log).
pub(crate) async fn ensure(pool: &AnyPool, projection: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO projection_checkpoints (projection, transaction_id, position) VALUES ($1, 0, 0)
         ON CONFLICT (projection) DO NOTHING",
    )
    .bind(projection)
    .execute(pool)
    .await?;
    Ok(())
}

/// The position a projection has applied.
pub(crate) async fn read(pool: &AnyPool, projection: &str) -> Result<LogPosition, sqlx::Error> {
    let row = sqlx::query(
        "SELECT transaction_id, position FROM projection_checkpoints WHERE projection = $1",
    )
    .bind(projection)
    .fetch_optional(pool)
    .await?;
    Ok(match row {
        Some(row) => LogPosition {
            transaction_id: row.try_get("transaction_id")?,
            position: row.try_get("position")?,
        },
        None => LogPosition::START,
    })
}

/// Moves the checkpoint from `from` to `to` if nobody moved it since; returns whether it did. The
/// first statement of the projector's transaction, so on PostgreSQL it also locks the row until
/// commit and a concurrent projector waits, then finds the checkpoint moved and backs off.
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

/// Resets a projection to the start of the log.
pub(crate) async fn reset(tx: &mut AnyConnection, projection: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE projection_checkpoints SET transaction_id = 0, position = 0 WHERE projection = $1",
    )
    .bind(projection)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
