//! Optional request members are omitted when not given; `null` is refused (400 `invalid_body`),
//! as the spec does not declare them nullable. Use as
//! `#[oai(deserialize_with = "not_null")]` on an `Option<T>` member.

use poem_openapi::types::{ParseError, ParseFromJSON, ParseResult};
use serde_json::Value;

/// Reads an optional member, refusing an explicit `null`.
///
/// # Errors
/// `null`, or whatever `T` refuses.
pub fn not_null<T: ParseFromJSON>(value: Option<Value>) -> ParseResult<Option<T>> {
    match value {
        Some(Value::Null) => Err(ParseError::custom(
            "null is not allowed here: omit the member instead",
        )),
        other => Option::<T>::parse_from_json(other),
    }
}
