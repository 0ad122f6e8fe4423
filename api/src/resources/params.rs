//! What handlers share about parameters: paging and read-your-writes.

use std::sync::Arc;
use std::time::Duration;

use crate::problem::ApiError;
use crate::state::AppState;

/// The default page size of `/v1` lists (`limit`, 1 to 200).
pub fn default_page_size() -> u32 {
    50
}

/// After a write, waits (up to 2 s) until the read models have applied the aggregate's latest
/// event, so a list read right after sees the change. Lag beyond that is logged, not an error.
pub async fn settle(state: &Arc<AppState>, aggregate_type: &str, aggregate_id: &str) {
    match state
        .log
        .last_position_of(aggregate_type, aggregate_id)
        .await
    {
        Ok(Some(position)) => {
            match state
                .projector
                .wait_for(position, Duration::from_secs(2))
                .await
            {
                Ok(true) => {}
                Ok(false) => tracing::warn!(aggregate_type, aggregate_id, "read models lag"),
                Err(error) => tracing::warn!(%error, "cannot read projection checkpoints"),
            }
        }
        Ok(None) => {}
        Err(error) => tracing::warn!(%error, "cannot read the global log"),
    }
}

/// Reads a `cursor` query parameter (a `next_cursor` from a previous page: the spec's pattern
/// `^[0-9]{1,18}$` already holds).
///
/// # Errors
/// 400 `invalid_cursor`.
pub fn page_cursor(cursor: Option<String>) -> Result<Option<i64>, ApiError> {
    cursor
        .map(|c| {
            c.parse::<i64>().map_err(|_| {
                ApiError::bad_parameter(
                    "cursor",
                    "invalid_cursor",
                    "not a cursor from a previous page",
                )
            })
        })
        .transpose()
}
