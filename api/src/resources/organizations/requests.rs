//! What `/v1/organizations` reads: the bodies of create and update. Constraints are spec
//! validators; an optional member is omitted when not given (`null` is refused), except the
//! settings, where `null` resets to the default.

use poem_openapi::Object;
use switchboard_domain::OrganizationName;

use super::super::numbers::ProvisionNumber;
use super::super::settings::SettingsPatch;
use super::super::types::{not_null, Choice, Plan, Text};
use crate::problem::ApiError;

/// Body of `POST /v1/organizations`.
#[derive(Debug, Object)]
pub struct CreateOrganization {
    /// Display name: 1 to 200 characters, not only blanks (surrounding blanks are trimmed).
    #[oai(validator(
        min_length = 1,
        max_length = 200,
        pattern = "[^\\t\\n\\x0B\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]"
    ))]
    pub name: Text,
    /// Free text, at most 2000 characters.
    #[oai(deserialize_with = "not_null", validator(max_length = 2000))]
    pub description: Option<Text>,
    /// Free text, e.g. `retail`, at most 100 characters.
    #[oai(deserialize_with = "not_null", validator(max_length = 100))]
    pub industry: Option<Text>,
    /// The plan (default `trial`).
    #[oai(deserialize_with = "not_null")]
    pub plan: Option<Choice<Plan>>,
    /// A number to provision in the same request: exactly one of `phone_number` or `area_code`
    /// (with `country` and `type`), as in `POST /v1/organizations/{id}/numbers`. A refusal
    /// does not fail the sign-up: see `number_status` in the answer.
    #[oai(deserialize_with = "not_null")]
    pub number: Option<ProvisionNumber>,
}

/// Body of `PATCH /v1/organizations/{id}`: only the members given change.
#[derive(Debug, Object)]
pub struct UpdateOrganization {
    /// Reply texts, time zone, business hours, billing day.
    #[oai(flatten)]
    pub settings: SettingsPatch,
    /// New display name, as in `POST /v1/organizations`.
    #[oai(
        deserialize_with = "not_null",
        validator(
            min_length = 1,
            max_length = 200,
            pattern = "[^\\t\\n\\x0B\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]"
        )
    )]
    pub name: Option<Text>,
    /// New description, at most 2000 characters.
    #[oai(deserialize_with = "not_null", validator(max_length = 2000))]
    pub description: Option<Text>,
    /// New industry, at most 100 characters.
    #[oai(deserialize_with = "not_null", validator(max_length = 100))]
    pub industry: Option<Text>,
    /// New plan; refused with 409 `plan_too_small` below the numbers held, and with 403
    /// `platform_key_required` for an organization key (only the platform changes plans).
    #[oai(deserialize_with = "not_null")]
    pub plan: Option<Choice<Plan>>,
}

/// The name, trimmed (the spec's validators already hold).
///
/// # Errors
/// 422 `invalid_name`.
pub fn name(raw: &str) -> Result<OrganizationName, ApiError> {
    OrganizationName::parse(raw)
        .map_err(|e| ApiError::invalid_field("name", "invalid_name", e.to_string()))
}

/// The plan.
///
/// # Errors
/// 422 `unknown_plan` for a name that is none of the spec enum's.
pub fn plan(choice: Choice<Plan>) -> Result<switchboard_domain::Plan, ApiError> {
    choice
        .known(|text| {
            ApiError::invalid_field(
                "plan",
                "unknown_plan",
                format!("`{text}` is not a plan: trial, starter, business or enterprise"),
            )
        })
        .map(Into::into)
}
