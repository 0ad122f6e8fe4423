//! The numbers the sandbox account owns (its `IncomingPhoneNumbers`), in purchase order.

use chrono::{DateTime, Utc};
use switchboard_domain::E164;

use super::inventory::InventoryEntry;

/// One owned number: the inventory entry it came from plus its configuration.
#[derive(Clone, Debug)]
pub(crate) struct OwnedRecord {
    /// `PN` + 32 hex (OAI pattern `^PN[0-9a-fA-F]{32}$`); a UUID for the SignalWire flavor.
    pub sid: String,
    pub entry: InventoryEntry,
    pub friendly_name: String,
    pub sms_url: Option<String>,
    /// `GET` or `POST`.
    pub sms_method: String,
    pub status_callback: Option<String>,
    pub status_callback_method: String,
    pub voice_url: Option<String>,
    /// `GET` or `POST`.
    pub voice_method: String,
    pub voice_fallback_url: Option<String>,
    /// `GET` or `POST`.
    pub voice_fallback_method: String,
    pub date_created: DateTime<Utc>,
    pub date_updated: DateTime<Utc>,
}

/// Settable fields of an owned number (Twilio's create/update form parameters); `None` leaves
/// a field as it is, `Some("")` clears a URL.
#[derive(Clone, Debug, Default)]
pub(crate) struct NumberSettings {
    pub friendly_name: Option<String>,
    pub sms_url: Option<String>,
    pub sms_method: Option<String>,
    pub status_callback: Option<String>,
    pub status_callback_method: Option<String>,
    pub voice_url: Option<String>,
    pub voice_method: Option<String>,
    pub voice_fallback_url: Option<String>,
    pub voice_fallback_method: Option<String>,
}

impl OwnedRecord {
    /// A freshly bought number with SID `sid` and `settings` applied over Twilio's defaults
    /// (friendly name = the number's display form, methods `POST`).
    pub fn new(
        sid: String,
        entry: InventoryEntry,
        settings: NumberSettings,
        now: DateTime<Utc>,
    ) -> Self {
        let mut record = Self {
            sid,
            friendly_name: entry.friendly_name.clone(),
            entry,
            sms_url: None,
            sms_method: "POST".into(),
            status_callback: None,
            status_callback_method: "POST".into(),
            voice_url: None,
            voice_method: "POST".into(),
            voice_fallback_url: None,
            voice_fallback_method: "POST".into(),
            date_created: now,
            date_updated: now,
        };
        record.apply(settings, now);
        record
    }

    /// Applies the given settings and stamps `date_updated`.
    pub fn apply(&mut self, settings: NumberSettings, now: DateTime<Utc>) {
        let url = |value: String| Some(value).filter(|v| !v.is_empty());
        if let Some(name) = settings.friendly_name {
            self.friendly_name = name;
        }
        if let Some(value) = settings.sms_url {
            self.sms_url = url(value);
        }
        if let Some(method) = settings.sms_method {
            self.sms_method = method;
        }
        if let Some(value) = settings.status_callback {
            self.status_callback = url(value);
        }
        if let Some(method) = settings.status_callback_method {
            self.status_callback_method = method;
        }
        if let Some(value) = settings.voice_url {
            self.voice_url = url(value);
        }
        if let Some(method) = settings.voice_method {
            self.voice_method = method;
        }
        if let Some(value) = settings.voice_fallback_url {
            self.voice_fallback_url = url(value);
        }
        if let Some(method) = settings.voice_fallback_method {
            self.voice_fallback_method = method;
        }
        self.date_updated = now;
    }
}

/// The owned numbers, oldest first.
#[derive(Debug, Default)]
pub(crate) struct OwnedNumbers {
    records: Vec<OwnedRecord>,
}

impl OwnedNumbers {
    pub fn insert(&mut self, record: OwnedRecord) {
        self.records.push(record);
    }

    pub fn get(&self, sid: &str) -> Option<&OwnedRecord> {
        self.records.iter().find(|r| r.sid == sid)
    }

    pub fn get_mut(&mut self, sid: &str) -> Option<&mut OwnedRecord> {
        self.records.iter_mut().find(|r| r.sid == sid)
    }

    pub fn by_number(&self, number: &E164) -> Option<&OwnedRecord> {
        self.records
            .iter()
            .find(|r| &r.entry.phone_number == number)
    }

    pub fn remove(&mut self, sid: &str) -> Option<OwnedRecord> {
        let index = self.records.iter().position(|r| r.sid == sid)?;
        Some(self.records.remove(index))
    }

    /// The records whose number contains `filter` (all when `None`), oldest first.
    pub fn matching<'a>(
        &'a self,
        filter: Option<&'a str>,
    ) -> impl Iterator<Item = &'a OwnedRecord> {
        self.records
            .iter()
            .filter(move |r| filter.is_none_or(|f| r.entry.phone_number.as_str().contains(f)))
    }
}
