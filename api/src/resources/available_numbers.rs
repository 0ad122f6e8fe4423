//! `/v1/available-numbers`: search the provider's inventory.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use switchboard_application::ports::{AvailableNumber, AvailableNumberQuery};
use switchboard_domain::{AreaCode, Capabilities};

use super::numbers::area_code_in;
use super::types::{Choice, Described, NumberType, PhoneNumber};
use super::ApiTags;
use crate::auth::ApiKey;
use crate::problem::status::{AUTHENTICATED, BAD_REQUEST, UNPROCESSABLE};
use crate::problem::{ApiError, Problems};
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

/// A number the provider offers. Members the provider does not give are omitted.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AvailableNumberView {
    /// The number.
    pub phone_number: PhoneNumber,
    /// The provider's display form.
    pub friendly_name: Option<String>,
    /// City.
    pub locality: Option<String>,
    /// State or province.
    pub region: Option<String>,
    /// ISO country.
    pub iso_country: Option<String>,
    /// What it can do.
    pub capabilities: Described<CapabilitiesView>,
}

impl From<AvailableNumber> for AvailableNumberView {
    fn from(n: AvailableNumber) -> Self {
        Self {
            phone_number: n.phone_number.into(),
            friendly_name: n.friendly_name,
            locality: n.locality,
            region: n.region,
            iso_country: n.iso_country,
            capabilities: CapabilitiesView::from(n.capabilities).into(),
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

/// The default number of search results.
fn default_search_size() -> u32 {
    20
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
        _auth: ApiKey,
        /// ISO 3166-1 alpha-2 country, any case (default `US`).
        #[oai(validator(pattern = "^[A-Za-z]{2}$"))]
        country: Query<Option<String>>,
        /// The kind of number (default `local`).
        #[oai(name = "type")]
        number_type: Query<Option<Choice<NumberType>>>,
        /// An area code as written at home, 2 to 5 digits with any leading zero (`415`, GB
        /// `020`); in the US and Canada three digits, 200 to 999. Outside the US and Canada it
        /// cannot be combined with `contains`.
        #[oai(validator(pattern = "^[0-9]{2,5}$"))]
        area_code: Query<Option<String>>,
        /// Digits (or letters, read as keypad digits) the number must contain, 2 to 16 of them;
        /// `*` matches any one digit, `%` any run of digits, a leading `+` anchors at the start
        /// and a trailing `$` at the end.
        #[oai(validator(pattern = "^\\+?[0-9A-Za-z*%]{2,16}\\$?$"))]
        contains: Query<Option<String>>,
        /// Only SMS-capable numbers (default true).
        sms_enabled: Query<Option<bool>>,
        /// At most this many, 1 to 100.
        #[oai(
            default = "default_search_size",
            validator(minimum(value = "1"), maximum(value = "100"))
        )]
        limit: Query<u32>,
    ) -> Result<SearchResponse, Problems<{ AUTHENTICATED | BAD_REQUEST | UNPROCESSABLE }>> {
        let number_type = number_type
            .0
            .map(|t| {
                t.known(|text| {
                    ApiError::bad_parameter(
                        "type",
                        "unknown_number_type",
                        format!("`{text}` is not a number type: local, toll-free or mobile"),
                    )
                })
            })
            .transpose()?
            .map(Into::into)
            .unwrap_or_default();
        let country = country
            .0
            .map(|c| c.to_ascii_uppercase())
            .unwrap_or_else(|| "US".into());
        let area_code = area_code
            .0
            .map(|raw| {
                area_code_in(&raw, &country).map_err(|reason| {
                    ApiError::bad_parameter("area_code", "invalid_area_code", reason)
                })
            })
            .transpose()?;
        if area_code.is_some()
            && contains.0.is_some()
            && !AreaCode::is_north_american_country(&country)
        {
            return Err(ApiError::bad_parameter(
                "area_code",
                "invalid_area_code",
                "outside the US and Canada an area code is searched as a number pattern: give \
                 area_code or contains, not both",
            )
            .into());
        }
        let query = AvailableNumberQuery {
            country,
            number_type,
            area_code,
            contains: contains.0,
            sms_enabled: Some(sms_enabled.0.unwrap_or(true)),
            limit: limit.0,
        };
        let numbers = state.app.search_available_numbers(&query).await?;
        Ok(SearchResponse::Ok(Json(AvailableNumberList {
            items: numbers.into_iter().map(Into::into).collect(),
        })))
    }
}
