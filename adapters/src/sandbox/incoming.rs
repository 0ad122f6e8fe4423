//! `…/IncomingPhoneNumbers.json` and `…/IncomingPhoneNumbers/{Sid}.json`: buy, list, fetch,
//! update and release the account's numbers (REFERENCE §1.3). Form fields honoured:
//! `PhoneNumber` or `AreaCode` (create only), `FriendlyName`, `SmsUrl`, `SmsMethod`,
//! `StatusCallback`, `StatusCallbackMethod`, `VoiceUrl`, `VoiceMethod`, `VoiceFallbackUrl`,
//! `VoiceFallbackMethod`; others are accepted and ignored.

use chrono::Utc;
use poem::http::StatusCode;
use poem::web::{Data, Json, Path};
use poem::{handler, IntoResponse, Request, Response};
use serde_json::{json, Value};

use super::auth::authorize;
use super::errors::{ApiError, SignalWireErrors};
use super::owned::NumberSettings;
use super::resources::{incoming_number, Uris};
use super::routes::Params;
use super::state::Target;
use super::Sandbox;
use crate::twilio::Flavor;

/// Twilio's default and maximum page sizes (REFERENCE §1.1).
const DEFAULT_PAGE_SIZE: u32 = 50;
const MAX_PAGE_SIZE: u32 = 1000;

/// `GET …/IncomingPhoneNumbers.json?PageSize=&Page=&PhoneNumber=`: one page, oldest purchase
/// first, with relative `first_page_uri`/`next_page_uri`/`previous_page_uri` under the mount
/// prefix (`next_page_uri` null on the last page). `PhoneNumber` filters by substring.
#[handler]
pub(crate) async fn list(
    request: &Request,
    Data(sandbox): Data<&Sandbox>,
    Path(account_sid): Path<String>,
) -> poem::Result<Response> {
    authorize(request, sandbox, &account_sid)?;
    let params = Params::query(request);
    let page_size = params
        .number("PageSize", 1..=MAX_PAGE_SIZE)?
        .unwrap_or(DEFAULT_PAGE_SIZE) as usize;
    let page = params.number("Page", 0..=u32::MAX)?.unwrap_or(0) as usize;
    let filter = params.get("PhoneNumber").filter(|f| !f.is_empty());
    let uris = Uris::of(request, sandbox, &account_sid);
    let (items, more) = {
        let state = sandbox.state();
        let mut matching = state
            .owned
            .matching(filter)
            .skip(page.saturating_mul(page_size));
        let items: Vec<Value> = matching
            .by_ref()
            .take(page_size)
            .map(|record| incoming_number(record, &uris))
            .collect();
        (items, matching.next().is_some())
    };
    let base = uris.resource("", "IncomingPhoneNumbers");
    let page_uri = |page: usize| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        if let Some(filter) = filter {
            query.append_pair("PhoneNumber", filter);
        }
        query.append_pair("PageSize", &page_size.to_string());
        query.append_pair("Page", &page.to_string());
        format!("{base}?{}", query.finish())
    };
    let start = page * page_size;
    let body = json!({
        "first_page_uri": page_uri(0),
        "next_page_uri": more.then(|| page_uri(page + 1)),
        "previous_page_uri": (page > 0).then(|| page_uri(page - 1)),
        "page": page,
        "page_size": page_size,
        "start": start,
        "end": (start + items.len()).saturating_sub(1),
        "uri": page_uri(page),
        "incoming_phone_numbers": items,
    });
    Ok(Json(body).into_response())
}

/// `POST …/IncomingPhoneNumbers.json`: buys `PhoneNumber` or the first number in `AreaCode`
/// (201 with the resource). Errors: 21421, 21422, 21452 (see `SandboxState::purchase`), 21451
/// for a malformed area code, 20001 when neither is given or a setting is malformed. The
/// SignalWire flavor requires `PhoneNumber` (no `AreaCode`): 422 in SignalWire's
/// `{"errors": [...]}` shape otherwise.
#[handler]
pub(crate) async fn create(
    request: &Request,
    Data(sandbox): Data<&Sandbox>,
    Path(account_sid): Path<String>,
    body: Vec<u8>,
) -> poem::Result<Response> {
    authorize(request, sandbox, &account_sid)?;
    let params = Params::parse(&body);
    if sandbox.flavor() == Flavor::SignalWire && params.get("PhoneNumber").is_none() {
        return Err(SignalWireErrors::phone_number_required().into());
    }
    let area_code = params.area_code()?;
    let target = match (params.get("PhoneNumber"), area_code) {
        (Some(number), _) => Target::Number(number),
        (None, Some(area_code)) => Target::AreaCode(area_code),
        (None, None) => {
            return Err(ApiError::invalid_parameter(
                "A 'PhoneNumber' or 'AreaCode' parameter is required",
            )
            .into())
        }
    };
    let settings = settings(&params)?;
    let mut state = sandbox.state();
    let record = state.purchase(&target, settings, Utc::now())?;
    tracing::info!(sid = %record.sid, number = %record.entry.phone_number, "sandbox number bought");
    let body = incoming_number(record, &Uris::of(request, sandbox, &account_sid));
    Ok(Json(body).with_status(StatusCode::CREATED).into_response())
}

/// `GET …/IncomingPhoneNumbers/{Sid}.json` (200; 404 / 20404 for an unknown SID).
#[handler]
pub(crate) async fn fetch(
    request: &Request,
    Data(sandbox): Data<&Sandbox>,
    Path((account_sid, resource)): Path<(String, String)>,
) -> poem::Result<Response> {
    authorize(request, sandbox, &account_sid)?;
    let state = sandbox.state();
    let record = sandbox
        .flavor()
        .resource_name(&resource)
        .and_then(|sid| state.owned.get(sid))
        .ok_or_else(|| ApiError::not_found(request.original_uri().path()))?;
    let body = incoming_number(record, &Uris::of(request, sandbox, &account_sid));
    Ok(Json(body).into_response())
}

/// `POST …/IncomingPhoneNumbers/{Sid}.json`: applies the given settings (200 with the resource;
/// 404 / 20404 for an unknown SID; 20001 for a malformed setting; 500 / 20500 for a number a
/// test made fail, `faults.rs`).
#[handler]
pub(crate) async fn update(
    request: &Request,
    Data(sandbox): Data<&Sandbox>,
    Path((account_sid, resource)): Path<(String, String)>,
    body: Vec<u8>,
) -> poem::Result<Response> {
    authorize(request, sandbox, &account_sid)?;
    let settings = settings(&Params::parse(&body))?;
    let not_found = || ApiError::not_found(request.original_uri().path());
    let mut state = sandbox.state();
    let sid = sandbox
        .flavor()
        .resource_name(&resource)
        .filter(|sid| state.owned.get(sid).is_some())
        .ok_or_else(not_found)?;
    if let Some(owned) = state.owned.get(sid) {
        state.faults.check(&owned.entry.phone_number)?;
    }
    let record = state.owned.get_mut(sid).ok_or_else(not_found)?;
    record.apply(settings, Utc::now());
    let body = incoming_number(record, &Uris::of(request, sandbox, &account_sid));
    Ok(Json(body).into_response())
}

/// `DELETE …/IncomingPhoneNumbers/{Sid}.json`: releases the number back into the inventory (204;
/// 404 / 20404 for an unknown SID; 500 / 20500 for a number a test made fail, `faults.rs`).
#[handler]
pub(crate) async fn release(
    request: &Request,
    Data(sandbox): Data<&Sandbox>,
    Path((account_sid, resource)): Path<(String, String)>,
) -> poem::Result<Response> {
    authorize(request, sandbox, &account_sid)?;
    let released = {
        let mut state = sandbox.state();
        let sid = sandbox.flavor().resource_name(&resource);
        if let Some(record) = sid.and_then(|sid| state.owned.get(sid)) {
            state.faults.check(&record.entry.phone_number)?;
        }
        sid.is_some_and(|sid| state.release(sid))
    };
    if !released {
        return Err(ApiError::not_found(request.original_uri().path()).into());
    }
    tracing::info!(resource = %resource, "sandbox number released");
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The create/update settings in a form.
///
/// # Errors
/// 20001 when a method is not `GET`/`POST` or a URL is not absolute http(s).
fn settings(params: &Params) -> Result<NumberSettings, ApiError> {
    Ok(NumberSettings {
        friendly_name: params.get("FriendlyName").map(str::to_string),
        sms_url: url(params, "SmsUrl")?,
        sms_method: method(params, "SmsMethod")?,
        status_callback: url(params, "StatusCallback")?,
        status_callback_method: method(params, "StatusCallbackMethod")?,
        voice_url: url(params, "VoiceUrl")?,
        voice_method: method(params, "VoiceMethod")?,
        voice_fallback_url: url(params, "VoiceFallbackUrl")?,
        voice_fallback_method: method(params, "VoiceFallbackMethod")?,
    })
}

fn method(params: &Params, name: &str) -> Result<Option<String>, ApiError> {
    params
        .get(name)
        .map(|value| match value.to_ascii_uppercase().as_str() {
            method @ ("GET" | "POST") => Ok(method.to_string()),
            _ => Err(ApiError::invalid_parameter(format!(
                "{name} must be GET or POST, not `{value}`"
            ))),
        })
        .transpose()
}

/// A URL setting: empty (clears it) or an absolute http(s) URL.
fn url(params: &Params, name: &str) -> Result<Option<String>, ApiError> {
    params
        .get(name)
        .map(|value| {
            let ok = value.is_empty()
                || url::Url::parse(value).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
            if ok {
                Ok(value.to_string())
            } else {
                Err(ApiError::invalid_parameter(format!(
                    "{name} `{value}` is not an absolute http(s) URL"
                )))
            }
        })
        .transpose()
}
