//! The audit log (platform admin only): `GET /v1/events` pages the global log in commit order;
//! `/v1/organizations/{id}/events` and `/v1/numbers/{phone_number}/events` read one stream.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use switchboard_application::AppError;
use switchboard_domain::organization::{Organization, OrganizationError};
use switchboard_domain::phone_number::PhoneNumber;
use switchboard_projections::audit::{AuditEntry, AuditLog};

use super::event_dtos::AuditEventPage;
use super::params::page_cursor;
use super::types::{OrganizationIdParam, PhoneNumber as PhoneNumberParam};
use super::ApiTags;
use crate::auth::ApiKey;
use crate::problem::ApiError;
use crate::state::AppState;

#[derive(ApiResponse)]
enum PageResponse {
    /// A page of events.
    #[oai(status = 200)]
    Ok(Json<AuditEventPage>),
}

fn default_limit() -> u32 {
    50
}

/// The audit log.
pub struct EventsApi;

fn audit_log(state: &AppState) -> AuditLog {
    AuditLog::new(state.projector.pool().clone(), state.log.clone())
}

/// A page whose `next_cursor` is `cursor_of` its last item, when the page is full.
fn page(entries: Vec<AuditEntry>, limit: u32, cursor_of: fn(&AuditEntry) -> i64) -> AuditEventPage {
    let next_cursor = (entries.len() == limit as usize)
        .then(|| entries.last().map(|e| cursor_of(e).to_string()))
        .flatten();
    AuditEventPage {
        items: entries.into_iter().map(Into::into).collect(),
        next_cursor,
    }
}

/// One stream's page, or `not_found` when the stream has no event at all.
async fn stream_page(
    state: &AppState,
    aggregate_type: &str,
    aggregate_id: &str,
    limit: u32,
    cursor: Option<String>,
    not_found: AppError,
) -> Result<PageResponse, ApiError> {
    let after = page_cursor(cursor)?.unwrap_or(0);
    let entries = audit_log(state)
        .stream(aggregate_type, aggregate_id, after, limit)
        .await
        .map_err(AppError::Store)?;
    if entries.is_empty() && after == 0 {
        return Err(not_found.into());
    }
    Ok(PageResponse::Ok(Json(page(entries, limit, |e| {
        e.event.sequence
    }))))
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Audit")]
impl EventsApi {
    /// Page the global event log in commit order
    #[oai(path = "/events", method = "get", operation_id = "listEvents")]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        /// Return the events after this global position (0, the default, for the first).
        #[oai(validator(minimum(value = "0")))]
        after: Query<Option<i64>>,
        /// Page size, 1 to 200.
        #[oai(
            default = "default_limit",
            validator(minimum(value = "1"), maximum(value = "200"))
        )]
        limit: Query<u32>,
    ) -> Result<PageResponse, ApiError> {
        let log = audit_log(&state);
        let start = log
            .start_after(after.0.unwrap_or(0))
            .await
            .map_err(AppError::Store)?
            .ok_or_else(|| {
                ApiError::bad_parameter(
                    "after",
                    "unknown_position",
                    "no event has this position: pass 0 or a position the log returned",
                )
            })?;
        let entries = log.read(start, limit.0).await.map_err(AppError::Store)?;
        Ok(PageResponse::Ok(Json(page(entries, limit.0, |e| {
            e.event.log_position.position
        }))))
    }

    /// Page an organization's own event stream, by sequence
    #[oai(
        path = "/organizations/:id/events",
        method = "get",
        operation_id = "listOrganizationEvents"
    )]
    async fn organization(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        id: Path<OrganizationIdParam>,
        /// Page size, 1 to 200.
        #[oai(
            default = "default_limit",
            validator(minimum(value = "1"), maximum(value = "200"))
        )]
        limit: Query<u32>,
        /// A `next_cursor` from the previous page.
        #[oai(validator(pattern = "^[0-9]{1,18}$"))]
        cursor: Query<Option<String>>,
    ) -> Result<PageResponse, ApiError> {
        let id = id.0 .0;
        stream_page(
            &state,
            <Organization as cqrs_es::Aggregate>::TYPE,
            &id.to_string(),
            limit.0,
            cursor.0,
            AppError::Organization(OrganizationError::NotFound),
        )
        .await
    }

    /// Page a number's own event stream (its ownership history), by sequence
    #[oai(
        path = "/numbers/:phone_number/events",
        method = "get",
        operation_id = "listNumberEvents"
    )]
    async fn number(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: ApiKey,
        phone_number: Path<PhoneNumberParam>,
        /// Page size, 1 to 200.
        #[oai(
            default = "default_limit",
            validator(minimum(value = "1"), maximum(value = "200"))
        )]
        limit: Query<u32>,
        /// A `next_cursor` from the previous page.
        #[oai(validator(pattern = "^[0-9]{1,18}$"))]
        cursor: Query<Option<String>>,
    ) -> Result<PageResponse, ApiError> {
        let number = phone_number.0 .0.clone();
        stream_page(
            &state,
            <PhoneNumber as cqrs_es::Aggregate>::TYPE,
            number.as_str(),
            limit.0,
            cursor.0,
            AppError::NumberNotHeld(number.to_string()),
        )
        .await
    }
}
