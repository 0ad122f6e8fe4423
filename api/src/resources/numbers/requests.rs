//! The body of `POST /v1/organizations/{id}/numbers`, read into a provisioning target.

use poem_openapi::Object;
use switchboard_application::ProvisionTarget;
use switchboard_domain::{AreaCode, E164};

use super::super::types::{not_null, Choice, NumberType, PresenceRule, Text};
use crate::problem::ApiError;

/// Body of `POST /v1/organizations/{id}/numbers`: exactly one of `phone_number` (buy that
/// number) or `area_code` (buy the first available one there, with `country` and `type`).
#[derive(Debug, Object)]
pub struct ProvisionNumber {
    /// The number to buy, E.164 (e.g. from `GET /v1/available-numbers`).
    #[oai(
        deserialize_with = "not_null",
        validator(pattern = "^\\+[1-9][0-9]{7,14}$")
    )]
    pub phone_number: Option<Text>,
    /// An area code as written at home, 2 to 5 digits with any leading zero (`415`, GB `020`);
    /// in the US and Canada three digits, 200 to 999.
    #[oai(deserialize_with = "not_null", validator(pattern = "^[0-9]{2,5}$"))]
    pub area_code: Option<Text>,
    /// With `area_code`: ISO 3166-1 alpha-2 country, any case (default `US`).
    #[oai(deserialize_with = "not_null", validator(pattern = "^[A-Za-z]{2}$"))]
    pub country: Option<Text>,
    /// With `area_code`: the kind of number (default `local`).
    #[oai(rename = "type", deserialize_with = "not_null")]
    pub number_type: Option<Choice<NumberType>>,
}

/// `phone_number` or `area_code`, exactly one.
pub struct OneTarget;

impl PresenceRule for OneTarget {
    const EXACTLY_ONE: bool = true;
    const MEMBERS: &'static [&'static str] = &["phone_number", "area_code"];
}

/// The provisioning target the body names.
///
/// # Errors
/// 422 `ambiguous_target` (both), `missing_target` (neither), `invalid_phone_number`,
/// `invalid_area_code`, `unknown_number_type`, naming the field.
pub fn provision_target(body: ProvisionNumber) -> Result<ProvisionTarget, ApiError> {
    match (body.phone_number, body.area_code) {
        (Some(number), None) => E164::parse_canonical(number.as_ref())
            .map(ProvisionTarget::Number)
            .map_err(|e| {
                ApiError::invalid_field("phone_number", "invalid_phone_number", e.to_string())
            }),
        (None, Some(area_code)) => {
            let country = body
                .country
                .map(|c| c.as_ref().to_ascii_uppercase())
                .unwrap_or_else(|| "US".into());
            let area_code = area_code_in(area_code.as_ref(), &country).map_err(|reason| {
                ApiError::invalid_field("area_code", "invalid_area_code", reason)
            })?;
            let number_type = body
                .number_type
                .map(|t| {
                    t.known(|text| {
                        ApiError::invalid_field(
                            "type",
                            "unknown_number_type",
                            format!("`{text}` is not a number type: local, toll-free or mobile"),
                        )
                    })
                })
                .transpose()?
                .map(Into::into)
                .unwrap_or_default();
            Ok(ProvisionTarget::AreaCode {
                country,
                area_code,
                number_type,
            })
        }
        (Some(_), Some(_)) => Err(ApiError::invalid_field(
            "area_code",
            "ambiguous_target",
            "give either phone_number or area_code, not both",
        )),
        (None, None) => Err(ApiError::invalid_field(
            "phone_number",
            "missing_target",
            "give phone_number, or area_code for the first available number",
        )),
    }
}

/// `raw` as an area code of `country` (ISO 3166-1 alpha-2, upper case): 2 to 5 digits, leading
/// zeros kept; in the US and Canada a North American code, three digits 200 to 999.
///
/// # Errors
/// Why it is none, for the problem's detail.
pub fn area_code_in(raw: &str, country: &str) -> Result<AreaCode, String> {
    let code = AreaCode::parse(raw).map_err(|e| e.to_string())?;
    if AreaCode::is_north_american_country(country) && !code.is_nanp() {
        return Err(format!(
            "`{raw}` is no {country} area code: three digits, 200 to 999"
        ));
    }
    Ok(code)
}
