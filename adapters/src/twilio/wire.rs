//! Lenient wire types for Twilio's (and SignalWire's) JSON resources.
//!
//! Every field is optional and unknown fields are ignored (Twilio adds fields without notice).
//! Strings may arrive as numbers, booleans as strings, coordinates as strings or numbers, and
//! capability keys as `SMS`/`sms`, `MMS`/`mms`, `voice`/`Voice` (REFERENCE §1.2 and §8: OAI
//! examples use lower case, the live API and twilio-java `PhoneNumberCapabilities` use `SMS`,
//! `MMS`, `voice`; SignalWire returns numbers where Twilio returns strings).

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};
use switchboard_application::ports::{AvailableNumber, OwnedNumber};
use switchboard_domain::{Capabilities, E164};

/// `GET …/AvailablePhoneNumbers/{Country}/{Type}.json` (OAI `ListAvailablePhoneNumberLocal`
/// response: `uri`, `available_phone_numbers`, optional paging fields).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AvailablePhoneNumbersPage {
    /// The numbers; a missing or null list is empty.
    #[serde(default, deserialize_with = "list")]
    pub available_phone_numbers: Vec<AvailablePhoneNumberItem>,
}

/// One `available_phone_number` item (OAI `api.v2010.account.available_phone_number_country.
/// available_phone_number_local`). Fields Switchboard does not use (lata, rate_center,
/// postal_code, address_requirements, beta, and `latitude`/`longitude`, which arrive as strings or
/// numbers) are not read, so their shape can never fail a page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AvailablePhoneNumberItem {
    #[serde(default, deserialize_with = "text")]
    pub phone_number: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub friendly_name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub locality: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub region: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub iso_country: Option<String>,
    #[serde(default, deserialize_with = "capabilities")]
    pub capabilities: Capabilities,
}

/// `GET …/IncomingPhoneNumbers.json`: one page of owned numbers and the relative URI of the next
/// page (`null` on the last), REFERENCE §1.1/§1.3.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct IncomingPhoneNumbersPage {
    #[serde(default, deserialize_with = "list")]
    pub incoming_phone_numbers: Vec<IncomingPhoneNumberItem>,
    #[serde(default, deserialize_with = "text")]
    pub next_page_uri: Option<String>,
}

/// One `api.v2010.account.incoming_phone_number` resource (the fields Switchboard keeps).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct IncomingPhoneNumberItem {
    #[serde(default, deserialize_with = "text")]
    pub sid: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub phone_number: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub friendly_name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub sms_url: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub sms_method: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub status_callback: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub voice_url: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub voice_method: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub voice_fallback_url: Option<String>,
    #[serde(default, deserialize_with = "capabilities")]
    pub capabilities: Capabilities,
}

/// One `api.v2010.account.message` resource, as `POST …/Messages.json` answers it (REFERENCE
/// §1.4). Only `sid` and `status` are read: `num_segments`, `num_media`, `error_code` and `price`
/// (strings at Twilio, numbers at SignalWire) are ignored, so neither shape can fail the answer.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct MessageItem {
    #[serde(default, deserialize_with = "text")]
    pub sid: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub status: Option<String>,
}

/// Why an item could not become a domain value.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ItemError {
    #[error("item has no `{0}`")]
    Missing(&'static str),
    #[error(transparent)]
    Number(#[from] switchboard_domain::InvalidE164),
}

impl TryFrom<AvailablePhoneNumberItem> for AvailableNumber {
    type Error = ItemError;
    fn try_from(item: AvailablePhoneNumberItem) -> Result<Self, Self::Error> {
        let raw = item
            .phone_number
            .ok_or(ItemError::Missing("phone_number"))?;
        Ok(AvailableNumber {
            phone_number: E164::parse(&raw)?,
            friendly_name: item.friendly_name,
            locality: item.locality,
            region: item.region,
            iso_country: item.iso_country,
            capabilities: item.capabilities,
        })
    }
}

impl TryFrom<IncomingPhoneNumberItem> for OwnedNumber {
    type Error = ItemError;
    fn try_from(item: IncomingPhoneNumberItem) -> Result<Self, Self::Error> {
        let sid = item.sid.ok_or(ItemError::Missing("sid"))?;
        let raw = item
            .phone_number
            .ok_or(ItemError::Missing("phone_number"))?;
        Ok(OwnedNumber {
            provider_sid: sid,
            phone_number: E164::parse(&raw)?,
            friendly_name: item.friendly_name,
            capabilities: item.capabilities,
            sms_url: item.sms_url,
            sms_method: item.sms_method,
            status_callback: item.status_callback,
            voice_url: item.voice_url,
            voice_method: item.voice_method,
            voice_fallback_url: item.voice_fallback_url,
        })
    }
}

/// A string field that may arrive as a string, number or boolean; null, empty and other shapes
/// are `None`.
fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    })
}

/// A list that may be null; a non-list is an error (the page is not what we asked for).
fn list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

/// Capabilities from an object whose keys may be in any case and whose values may be booleans,
/// `"true"`/`"false"` strings or 0/1; missing capabilities are false.
fn capabilities<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Capabilities, D::Error> {
    let map = match Option::<Value>::deserialize(deserializer)? {
        Some(Value::Object(map)) => map,
        _ => return Ok(Capabilities::default()),
    };
    Ok(Capabilities {
        sms: flag(&map, "sms"),
        mms: flag(&map, "mms"),
        voice: flag(&map, "voice"),
    })
}

/// The truth of the entry named `name` (ASCII case-insensitive).
fn flag(map: &Map<String, Value>, name: &str) -> bool {
    map.iter()
        .filter(|(key, _)| key.eq_ignore_ascii_case(name))
        .any(|(_, value)| match value {
            Value::Bool(b) => *b,
            Value::String(s) => s.trim().eq_ignore_ascii_case("true") || s.trim() == "1",
            Value::Number(n) => n.as_f64().is_some_and(|v| v != 0.0),
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_casing_string_booleans_and_mixed_coordinates_are_accepted() {
        let page: AvailablePhoneNumbersPage = serde_json::from_str(
            r#"{"uri":"/x","available_phone_numbers":[{"friendly_name":"(808) 925-1571",
            "phone_number":"+18089251571","latitude":"19.720000","longitude":-155.09,
            "capabilities":{"MMS":"true","SMS":false,"voice":1},"beta":false,"extra":{"a":1}}]}"#,
        )
        .unwrap();
        let item = &page.available_phone_numbers[0];
        assert_eq!(
            item.capabilities,
            Capabilities {
                sms: false,
                mms: true,
                voice: true
            }
        );
    }

    #[test]
    fn oai_lowercase_capabilities_and_nulls_are_accepted() {
        let item: IncomingPhoneNumberItem = serde_json::from_str(
            r#"{"sid":"PN1","phone_number":"+15005550006","friendly_name":null,
            "sms_url":"","capabilities":{"sms":true,"mms":null,"Voice":true}}"#,
        )
        .unwrap();
        let owned = OwnedNumber::try_from(item).unwrap();
        assert_eq!(owned.sms_url, None);
        assert!(owned.capabilities.sms && owned.capabilities.voice && !owned.capabilities.mms);
    }

    #[test]
    fn signalwire_numbers_with_uuid_sids_and_integer_fields_are_read() {
        let page: IncomingPhoneNumbersPage = serde_json::from_str(
            r#"{"page":0,"page_size":50,"next_page_uri":null,"incoming_phone_numbers":[{
            "sid":"6d4c8a1e-2b3f-4c5d-8e9f-0a1b2c3d4e5f",
            "account_sid":"446e9986-0848-4d46-a617-48793c5f5e07","phone_number":15551230100,
            "friendly_name":"(555) 123-0100","sms_url":"https://x/webhooks/twilio/messages",
            "sms_method":"POST","status_callback":null,"capabilities":{"voice":true,"SMS":1,"MMS":0}}]}"#,
        )
        .unwrap();
        let item = page.incoming_phone_numbers.into_iter().next().unwrap();
        assert_eq!(item.phone_number.as_deref(), Some("15551230100"));
        assert!(
            OwnedNumber::try_from(item).is_err(),
            "a number without + is not E.164"
        );

        let item: IncomingPhoneNumberItem = serde_json::from_str(
            r#"{"sid":"6d4c8a1e-2b3f-4c5d-8e9f-0a1b2c3d4e5f","phone_number":"+15551230100",
            "sms_method":"GET","capabilities":{"voice":true,"SMS":1,"MMS":0}}"#,
        )
        .unwrap();
        let owned = OwnedNumber::try_from(item).unwrap();
        assert_eq!(owned.provider_sid, "6d4c8a1e-2b3f-4c5d-8e9f-0a1b2c3d4e5f");
        assert_eq!(owned.sms_method.as_deref(), Some("GET"));
        assert!(owned.capabilities.sms && !owned.capabilities.mms);
    }

    #[test]
    fn a_page_without_items_or_next_uri_is_empty_and_last() {
        let page: IncomingPhoneNumbersPage =
            serde_json::from_str(r#"{"incoming_phone_numbers":null,"next_page_uri":null}"#)
                .unwrap();
        assert!(page.incoming_phone_numbers.is_empty() && page.next_page_uri.is_none());
    }

    #[test]
    fn twilio_and_signalwire_message_resources_are_both_read() {
        let twilio: MessageItem = serde_json::from_str(
            r#"{"sid":"SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","status":"queued","num_segments":"1",
            "num_media":"0","error_code":null,"price":null,"subresource_uris":{"media":"/x"}}"#,
        )
        .unwrap();
        assert_eq!(
            twilio.sid.as_deref(),
            Some("SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
        );
        let signalwire: MessageItem = serde_json::from_str(
            r#"{"sid":"3f8b1a2c-0d4e-4f6a-9b7c-1d2e3f4a5b6c","status":"queued","num_segments":1,
            "num_media":0,"error_code":"","price":0.0075}"#,
        )
        .unwrap();
        assert_eq!(signalwire.status.as_deref(), Some("queued"));
    }

    #[test]
    fn items_without_an_e164_number_are_refused() {
        let item = AvailablePhoneNumberItem {
            phone_number: Some("5551234".into()),
            ..Default::default()
        };
        assert!(AvailableNumber::try_from(item).is_err());
    }
}
