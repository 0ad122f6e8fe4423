//! Parsing of path parameters into value objects, with problems naming the parameter.

use std::sync::Arc;
use std::time::Duration;

use switchboard_domain::{OrganizationId, E164};

use crate::problem::ApiError;
use crate::state::AppState;

/// Parses the `{id}` path parameter.
pub fn organization_id(raw: &str) -> Result<OrganizationId, ApiError> {
    raw.parse()
        .map_err(|e: switchboard_domain::InvalidOrganizationId| {
            ApiError::bad_parameter("id", "invalid_organization_id", e.to_string())
        })
}

/// Parses a `{phone_number}` path parameter.
pub fn phone_number(raw: &str) -> Result<E164, ApiError> {
    E164::parse(raw)
        .map_err(|e| ApiError::bad_parameter("phone_number", "invalid_phone_number", e.to_string()))
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

/// Validates a `limit` query parameter: 1 to 200, default 50.
pub fn page_limit(limit: Option<u32>) -> Result<u32, ApiError> {
    let limit = limit.unwrap_or(50);
    if (1..=200).contains(&limit) {
        Ok(limit)
    } else {
        Err(ApiError::bad_parameter(
            "limit",
            "invalid_limit",
            "limit must be 1 to 200",
        ))
    }
}

/// Parses a `cursor` query parameter (a `next_cursor` from a previous page).
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
