//! JSON renderings of the sandbox's resources, in Twilio's shapes (OAI schemas
//! `api.v2010.account.available_phone_number_country.available_phone_number_local`,
//! `api.v2010.account.incoming_phone_number` and `api.v2010.account.message`). Capabilities use the live API's casing
//! (`voice`, `SMS`, `MMS`, `fax`; REFERENCE §1.2), coordinates are strings and dates RFC 2822,
//! as Twilio sends them.

use serde_json::{json, Value};
use switchboard_domain::{Capabilities, NumberType};

use super::inventory::InventoryEntry;
use super::owned::OwnedRecord;
use super::sent::SentRecord;
use crate::twilio::API_VERSION;

/// `{prefix}/2010-04-01/Accounts/{account_sid}`: the start of every resource URI.
pub(crate) fn account_uri(prefix: &str, account_sid: &str) -> String {
    format!("{prefix}/{API_VERSION}/Accounts/{account_sid}")
}

/// One item of `available_phone_numbers`.
pub(crate) fn available_number(entry: &InventoryEntry) -> Value {
    json!({
        "friendly_name": entry.friendly_name,
        "phone_number": entry.phone_number.as_str(),
        "lata": null,
        "rate_center": entry.locality.map(str::to_uppercase),
        "locality": entry.locality,
        "region": entry.region,
        "postal_code": entry.postal_code,
        "latitude": entry.latitude,
        "longitude": entry.longitude,
        "iso_country": entry.iso_country,
        "address_requirements": "none",
        "beta": false,
        "capabilities": capabilities(entry.capabilities),
    })
}

/// One `incoming_phone_number` resource of the account `account_sid`, with URIs under `prefix`.
pub(crate) fn incoming_number(record: &OwnedRecord, prefix: &str, account_sid: &str) -> Value {
    let uri = format!(
        "{}/IncomingPhoneNumbers/{}.json",
        account_uri(prefix, account_sid),
        record.sid
    );
    json!({
        "sid": record.sid,
        "account_sid": account_sid,
        "phone_number": record.entry.phone_number.as_str(),
        "friendly_name": record.friendly_name,
        "date_created": record.date_created.to_rfc2822(),
        "date_updated": record.date_updated.to_rfc2822(),
        "sms_url": record.sms_url.as_deref().unwrap_or(""),
        "sms_method": record.sms_method,
        "sms_fallback_url": "",
        "sms_fallback_method": "POST",
        "sms_application_sid": "",
        "status_callback": record.status_callback.as_deref().unwrap_or(""),
        "status_callback_method": record.status_callback_method,
        "voice_url": null,
        "voice_method": "POST",
        "voice_fallback_url": null,
        "voice_fallback_method": "POST",
        "voice_application_sid": null,
        "voice_caller_id_lookup": false,
        "voice_receive_mode": "voice",
        "trunk_sid": null,
        "capabilities": capabilities(record.entry.capabilities),
        "address_requirements": "none",
        "address_sid": null,
        "identity_sid": null,
        "bundle_sid": null,
        "emergency_status": "Inactive",
        "emergency_address_sid": null,
        "emergency_address_status": "unregistered",
        "beta": false,
        "origin": "twilio",
        "api_version": API_VERSION,
        "status": "in-use",
        "type": number_type(record.entry.number_type),
        "uri": uri,
    })
}

/// One `message` resource of the account `account_sid`, with URIs under `prefix`, as the OAI
/// `CreateMessage` 201 example shows it: counts as strings, `direction` `outbound-api`, no
/// Messaging Service, no price yet, `date_sent` null until sent. `num_segments` is always `"1"`
/// (the sandbox does not split bodies); `body` is `""` for a template or media-only send.
pub(crate) fn message(record: &SentRecord, prefix: &str, account_sid: &str) -> Value {
    let base = format!(
        "{}/Messages/{}",
        account_uri(prefix, account_sid),
        record.sid
    );
    let draft = &record.draft;
    let sent = !matches!(record.status.as_str(), "queued" | "accepted" | "scheduled");
    json!({
        "account_sid": account_sid,
        "api_version": API_VERSION,
        "body": draft.body.as_deref().unwrap_or(""),
        "date_created": record.date_created.to_rfc2822(),
        "date_sent": sent.then(|| record.date_updated.to_rfc2822()),
        "date_updated": record.date_updated.to_rfc2822(),
        "direction": "outbound-api",
        "error_code": record.error_code,
        "error_message": null,
        "from": draft.from.to_string(),
        "messaging_service_sid": null,
        "num_media": draft.media_urls.len().to_string(),
        "num_segments": "1",
        "price": null,
        "price_unit": "USD",
        "sid": record.sid,
        "status": record.status,
        "subresource_uris": {"media": format!("{base}/Media.json")},
        "to": draft.to.to_string(),
        "uri": format!("{base}.json"),
    })
}

/// Twilio's capability object with the live API's key casing; fax is never offered.
fn capabilities(capabilities: Capabilities) -> Value {
    json!({
        "voice": capabilities.voice,
        "SMS": capabilities.sms,
        "MMS": capabilities.mms,
        "fax": false,
    })
}

/// The `type` field of an incoming number. OAI examples only show `local`; `tollfree` and
/// `mobile` are the sandbox's assumption (Switchboard never reads this field).
fn number_type(number_type: NumberType) -> &'static str {
    match number_type {
        NumberType::Local => "local",
        NumberType::TollFree => "tollfree",
        NumberType::Mobile => "mobile",
    }
}
