//! JSON renderings of the sandbox's resources, in Twilio's shapes (OAI schemas
//! `api.v2010.account.available_phone_number_country.available_phone_number_local`,
//! `api.v2010.account.incoming_phone_number` and `api.v2010.account.message`). Capabilities use the live API's casing
//! (`voice`, `SMS`, `MMS`, `fax`; REFERENCE §1.2), coordinates are strings and dates RFC 2822,
//! as Twilio sends them. The SignalWire flavor follows REFERENCE §6 where it differs: available
//! numbers without locality, coordinates or postal code; message counts and price as numbers.

use poem::Request;
use serde_json::{json, Value};
use switchboard_domain::{Capabilities, NumberType};

use super::inventory::InventoryEntry;
use super::owned::OwnedRecord;
use super::routes::mount_prefix;
use super::sent::SentRecord;
use super::Sandbox;
use crate::twilio::{Flavor, API_VERSION};

/// Where a request's resources live, for their `uri` fields: the account's URI and the dialect.
pub(crate) struct Uris {
    /// `{mount}{api_path}/2010-04-01/Accounts/{AccountSid}`.
    account: String,
    account_sid: String,
    flavor: Flavor,
}

impl Uris {
    /// The URIs of `account_sid`'s resources as `request` reached the sandbox.
    pub fn of(request: &Request, sandbox: &Sandbox, account_sid: &str) -> Self {
        let flavor = sandbox.flavor();
        Self {
            account: format!(
                "{}{}/{API_VERSION}/Accounts/{account_sid}",
                mount_prefix(request),
                flavor.api_path()
            ),
            account_sid: account_sid.to_string(),
            flavor,
        }
    }

    /// `{account}/{path}/{name}` with the dialect's suffix on `name` (`.json` at Twilio).
    pub fn resource(&self, path: &str, name: &str) -> String {
        let name = self.flavor.resource(name);
        if path.is_empty() {
            format!("{}/{name}", self.account)
        } else {
            format!("{}/{path}/{name}", self.account)
        }
    }

    pub fn flavor(&self) -> Flavor {
        self.flavor
    }
}

/// One item of `available_phone_numbers`.
pub(crate) fn available_number(entry: &InventoryEntry, flavor: Flavor) -> Value {
    let place = flavor == Flavor::Twilio;
    json!({
        "friendly_name": entry.friendly_name,
        "phone_number": entry.phone_number.as_str(),
        "lata": null,
        "rate_center": entry.locality.map(str::to_uppercase),
        "locality": entry.locality.filter(|_| place),
        "region": entry.region,
        "postal_code": entry.postal_code.filter(|_| place),
        "latitude": entry.latitude.filter(|_| place),
        "longitude": entry.longitude.filter(|_| place),
        "iso_country": entry.iso_country,
        "address_requirements": "none",
        "beta": false,
        "capabilities": capabilities(entry.capabilities),
    })
}

/// One `incoming_phone_number` resource.
pub(crate) fn incoming_number(record: &OwnedRecord, uris: &Uris) -> Value {
    let uri = uris.resource("IncomingPhoneNumbers", &record.sid);
    json!({
        "sid": record.sid,
        "account_sid": uris.account_sid,
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
        "voice_url": record.voice_url.as_deref().unwrap_or(""),
        "voice_method": record.voice_method,
        "voice_fallback_url": record.voice_fallback_url.as_deref().unwrap_or(""),
        "voice_fallback_method": record.voice_fallback_method,
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
        "origin": uris.flavor().name(),
        "api_version": API_VERSION,
        "status": "in-use",
        "type": number_type(record.entry.number_type),
        "uri": uri,
    })
}

/// One `message` resource, as the OAI `CreateMessage` 201 example shows it: counts as strings,
/// `direction` `outbound-api`, no Messaging Service, no price yet, `date_sent` null until sent.
/// `num_segments` is always 1 (the sandbox does not split bodies); `body` is `""` for a template
/// or media-only send. SignalWire flavor: `num_segments`/`num_media` integers, `price` a number
/// and `error_code` a string (REFERENCE §6).
pub(crate) fn message(record: &SentRecord, uris: &Uris) -> Value {
    let draft = &record.draft;
    let sent = !matches!(record.status.as_str(), "queued" | "accepted" | "scheduled");
    let (num_media, num_segments, price, error_code) = match uris.flavor() {
        Flavor::Twilio => (
            json!(draft.media_urls.len().to_string()),
            json!("1"),
            Value::Null,
            json!(record.error_code),
        ),
        Flavor::SignalWire => (
            json!(draft.media_urls.len()),
            json!(1),
            json!(0.0),
            json!(record.error_code.map(|c| c.to_string())),
        ),
    };
    let uri = uris.resource("Messages", &record.sid);
    let media = uris.resource(&format!("Messages/{}", record.sid), "Media");
    json!({
        "account_sid": uris.account_sid,
        "api_version": API_VERSION,
        "body": draft.body.as_deref().unwrap_or(""),
        "date_created": record.date_created.to_rfc2822(),
        "date_sent": sent.then(|| record.date_updated.to_rfc2822()),
        "date_updated": record.date_updated.to_rfc2822(),
        "direction": "outbound-api",
        "error_code": error_code,
        "error_message": null,
        "from": draft.from.to_string(),
        "messaging_service_sid": null,
        "num_media": num_media,
        "num_segments": num_segments,
        "price": price,
        "price_unit": "USD",
        "sid": record.sid,
        "status": record.status,
        "subresource_uris": {"media": media},
        "to": draft.to.to_string(),
        "uri": uri,
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
