//! Read models keep text columns; these read them as the typed wire values. A value the API does
//! not know means the read model and this server disagree: 503 `storage_unavailable`, the cause
//! logged once.

use chrono::{DateTime, Utc};
use poem_openapi::types::ParseFromParameter;
use switchboard_application::ports::StoreError;
use switchboard_application::AppError;
use uuid::Uuid;

use super::PhoneNumber;
use crate::problem::ApiError;

fn unreadable(column: &'static str, text: &str) -> ApiError {
    ApiError::from(AppError::Store(StoreError(format!(
        "a read model's {column} holds `{text}`, which the API cannot read"
    ))))
}

/// A column holding one of the wire enum `E`'s values.
///
/// # Errors
/// 503 `storage_unavailable` for any other text.
pub fn enum_column<E: ParseFromParameter>(column: &'static str, text: &str) -> Result<E, ApiError> {
    E::parse_from_parameter(text).map_err(|_| unreadable(column, text))
}

/// A column holding a UUID.
///
/// # Errors
/// 503 `storage_unavailable` for any other text.
pub fn uuid_column(column: &'static str, text: &str) -> Result<Uuid, ApiError> {
    text.parse().map_err(|_| unreadable(column, text))
}

/// A column holding an RFC 3339 time.
///
/// # Errors
/// 503 `storage_unavailable` for any other text.
pub fn time_column(column: &'static str, text: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(text)
        .map(|time| time.with_timezone(&Utc))
        .map_err(|_| unreadable(column, text))
}

/// A column holding milliseconds since the Unix epoch.
///
/// # Errors
/// 503 `storage_unavailable` for a time out of range.
pub fn millis_column(column: &'static str, ms: i64) -> Result<DateTime<Utc>, ApiError> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| unreadable(column, &ms.to_string()))
}

/// A column holding JSON text.
///
/// # Errors
/// 503 `storage_unavailable` for text that is not JSON.
pub fn json_column(column: &'static str, text: &str) -> Result<serde_json::Value, ApiError> {
    serde_json::from_str(text).map_err(|_| unreadable(column, text))
}

/// A column holding a canonical E.164 number.
///
/// # Errors
/// 503 `storage_unavailable` for any other text.
pub fn phone_column(column: &'static str, text: &str) -> Result<PhoneNumber, ApiError> {
    PhoneNumber::parse_from_parameter(text).map_err(|_| unreadable(column, text))
}
