//! `/v1/available-numbers`: search the provider's inventory.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use switchboard_application::ports::{AvailableNumber, AvailableNumberQuery};
use switchboard_domain::{Capabilities, NumberType};

use super::ApiTags;
use crate::auth::AdminKey;
use crate::problem::ApiError;
use crate::state::AppState;

/// What a number can do.
#[derive(Debug, Object)]
pub struct CapabilitiesView {
    /// SMS.
    pub sms: bool,
    /// MMS.
    pub mms: bool,
    /// Voice.
    pub voice: bool,
}

impl From<Capabilities> for CapabilitiesView {
    fn from(c: Capabilities) -> Self {
        Self {
            sms: c.sms,
            mms: c.mms,
            voice: c.voice,
        }
    }
}

/// A number the provider offers.
#[derive(Debug, Object)]
pub struct AvailableNumberView {
    /// E.164.
    pub phone_number: String,
    /// The provider's display form.
    pub friendly_name: Option<String>,
    /// City.
    pub locality: Option<String>,
    /// State or province.
    pub region: Option<String>,
    /// ISO country.
    pub iso_country: Option<String>,
    /// What it can do.
    pub capabilities: CapabilitiesView,
}

impl From<AvailableNumber> for AvailableNumberView {
    fn from(n: AvailableNumber) -> Self {
        Self {
            phone_number: n.phone_number.to_string(),
            friendly_name: n.friendly_name,
            locality: n.locality,
            region: n.region,
            iso_country: n.iso_country,
            capabilities: n.capabilities.into(),
        }
    }
}

/// Search results.
#[derive(Debug, Object)]
pub struct AvailableNumberList {
    /// The numbers.
    pub items: Vec<AvailableNumberView>,
}

#[derive(ApiResponse)]
enum SearchResponse {
    /// Matching numbers (possibly none).
    #[oai(status = 200)]
    Ok(Json<AvailableNumberList>),
}

/// Parses an ISO 3166-1 alpha-2 country (default `US`), upper-cased.
pub(crate) fn country(
    raw: Option<&str>,
    error: fn(&str, &str, &'static str) -> ApiError,
) -> Result<String, ApiError> {
    let country = raw.unwrap_or("US").trim().to_ascii_uppercase();
    if country.len() == 2 && country.chars().all(|c| c.is_ascii_alphabetic()) {
        Ok(country)
    } else {
        Err(error(
            "country",
            "invalid_country",
            "a country is an ISO 3166-1 alpha-2 code, e.g. US",
        ))
    }
}

/// The provider's inventory.
pub struct AvailableNumbersApi;

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Numbers")]
impl AvailableNumbersApi {
    /// Search the provider's inventory of numbers
    #[oai(
        path = "/available-numbers",
        method = "get",
        operation_id = "searchAvailableNumbers"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn search(
        &self,
        state: Data<&Arc<AppState>>,
        _auth: AdminKey,
        /// ISO 3166-1 alpha-2 (default `US`).
        country: Query<Option<String>>,
        /// `local` (default), `toll-free` or `mobile`.
        #[oai(name = "type")]
        number_type: Query<Option<String>>,
        /// Three-digit area code (US/CA).
        area_code: Query<Option<String>>,
        /// Digits (or letters) the number must contain; `*` matches any one character.
        contains: Query<Option<String>>,
        /// Only SMS-capable numbers (default true).
        sms_enabled: Query<Option<bool>>,
        /// At most this many, 1 to 100 (default 20).
        limit: Query<Option<u32>>,
    ) -> Result<SearchResponse, ApiError> {
        let bad = |field: &str, code: &str, detail: &'static str| {
            ApiError::bad_parameter(field, code, detail)
        };
        let country = self::country(country.0.as_deref(), bad)?;
        let number_type = number_type
            .0
            .as_deref()
            .map(|t| t.parse::<NumberType>())
            .transpose()
            .map_err(|e| ApiError::bad_parameter("type", "unknown_number_type", e.to_string()))?
            .unwrap_or_default();
        let area_code = match area_code.0 {
            Some(code) => Some(
                code.trim()
                    .parse::<u16>()
                    .ok()
                    .filter(|_| code.trim().len() == 3)
                    .ok_or_else(|| {
                        bad(
                            "area_code",
                            "invalid_area_code",
                            "an area code is three digits",
                        )
                    })?,
            ),
            None => None,
        };
        let contains = contains.0.filter(|c| !c.is_empty());
        if let Some(pattern) = &contains {
            let ok = (2..=16).contains(&pattern.len())
                && pattern
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "*%+$".contains(c));
            if !ok {
                return Err(bad(
                    "contains",
                    "invalid_pattern",
                    "2 to 16 of 0-9, A-Z, *, %, +, $",
                ));
            }
        }
        let limit = limit.0.unwrap_or(20);
        if !(1..=100).contains(&limit) {
            return Err(bad("limit", "invalid_limit", "limit must be 1 to 100"));
        }
        let query = AvailableNumberQuery {
            country,
            number_type,
            area_code,
            contains,
            sms_enabled: Some(sms_enabled.0.unwrap_or(true)),
            limit,
        };
        let numbers = state.app.search_available_numbers(&query).await?;
        Ok(SearchResponse::Ok(Json(AvailableNumberList {
            items: numbers.into_iter().map(Into::into).collect(),
        })))
    }
}
