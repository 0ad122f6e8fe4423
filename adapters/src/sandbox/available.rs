//! `GET /2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers/{Country}/{Type}.json`: search
//! the inventory (REFERENCE §1.2). Honoured: `AreaCode`, `Contains`, `SmsEnabled`, `MmsEnabled`,
//! `VoiceEnabled`, `PageSize` (default 50, max 1000); other parameters are ignored. `{Type}` is
//! `Local`, `TollFree` or `Mobile` (anything else: 404 / 20404); a country with no numbers of
//! that type gives an empty list. The SignalWire flavor has no `Mobile` (404), accepts and
//! ignores the capability filters, and has no paging: it ignores `PageSize` and answers at most
//! 50 numbers (SignalWire's own cap is not documented;
//! 50 is the sandbox's choice).

use poem::web::{Data, Json, Path};
use poem::{handler, IntoResponse, Request, Response};
use serde_json::json;
use switchboard_domain::NumberType;

use super::auth::authorize;
use super::contains::ContainsPattern;
use super::errors::ApiError;
use super::inventory::SearchFilter;
use super::resources::{available_number, Uris};
use super::routes::Params;
use super::Sandbox;

/// Twilio's default page size (REFERENCE §1.1).
const DEFAULT_PAGE_SIZE: u32 = 50;

#[handler]
pub(crate) async fn search(
    request: &Request,
    Data(sandbox): Data<&Sandbox>,
    Path((account_sid, country, resource)): Path<(String, String, String)>,
) -> poem::Result<Response> {
    authorize(request, sandbox, &account_sid)?;
    let not_found = || ApiError::not_found(request.original_uri().path());
    let flavor = sandbox.flavor();
    let number_type = match flavor.resource_name(&resource) {
        Some("Local") => NumberType::Local,
        Some("TollFree") => NumberType::TollFree,
        Some("Mobile") => NumberType::Mobile,
        _ => return Err(not_found().into()),
    };
    if !flavor.sells(number_type) {
        return Err(not_found().into());
    }
    if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(not_found().into());
    }
    let params = Params::query(request);
    let contains = params
        .get("Contains")
        .map(|raw| {
            ContainsPattern::parse(raw).ok_or_else(|| {
                ApiError::invalid_parameter(format!("Contains `{raw}` is not a valid pattern"))
            })
        })
        .transpose()?;
    let filter = SearchFilter {
        iso_country: country.clone(),
        number_type,
        area_code: params.area_code()?,
        contains,
        sms_enabled: params.flag("SmsEnabled")?,
        mms_enabled: params.flag("MmsEnabled")?,
        voice_enabled: params.flag("VoiceEnabled")?,
    };
    let filter = if flavor.filters_capabilities() {
        filter
    } else {
        SearchFilter {
            sms_enabled: None,
            mms_enabled: None,
            voice_enabled: None,
            ..filter
        }
    };
    let page_size = if flavor.pages_searches() {
        params
            .number("PageSize", 1..=1000)?
            .unwrap_or(DEFAULT_PAGE_SIZE)
    } else {
        DEFAULT_PAGE_SIZE
    };
    let numbers: Vec<_> = sandbox
        .state()
        .inventory
        .search(&filter, page_size as usize)
        .into_iter()
        .map(|entry| available_number(entry, flavor))
        .collect();
    let uri = Uris::of(request, sandbox, &account_sid).resource(
        &format!("AvailablePhoneNumbers/{country}"),
        number_type.twilio_resource(),
    );
    Ok(Json(json!({ "uri": uri, "available_phone_numbers": numbers })).into_response())
}
