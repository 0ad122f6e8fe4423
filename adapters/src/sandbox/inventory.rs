//! The numbers the sandbox offers for sale: generated deterministically at start, taken out when
//! bought and put back (in their original place) when released.

use switchboard_domain::{Capabilities, NumberType, E164};

use super::catalog;
use super::contains::ContainsPattern;

/// Twilio's test-credential number that is always valid and available ("Test Credentials" doc
/// page, REFERENCE §5). It is never listed by searches, only bought by `PhoneNumber` or by
/// `AreaCode=500`.
pub(crate) const MAGIC_AVAILABLE: &str = "+15005550006";
/// The test-credential number that is always invalid (21421).
pub(crate) const MAGIC_INVALID: &str = "+15005550001";

/// A number on sale.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct InventoryEntry {
    /// Position in the generated inventory, so a released number returns to its place.
    pub rank: usize,
    pub phone_number: E164,
    /// Twilio's display form: `(415) 555-0100` for US numbers, E.164 elsewhere.
    pub friendly_name: String,
    pub number_type: NumberType,
    /// ISO 3166-1 alpha-2.
    pub iso_country: &'static str,
    /// The three-digit area code of US numbers.
    pub area_code: Option<u16>,
    pub locality: Option<&'static str>,
    pub region: Option<&'static str>,
    pub postal_code: Option<&'static str>,
    /// Degrees, as Twilio's strings (`"37.780000"`).
    pub latitude: Option<&'static str>,
    pub longitude: Option<&'static str>,
    pub capabilities: Capabilities,
    /// Whether searches list it (false for the magic test number).
    pub searchable: bool,
}

/// What a search asks for (Twilio's `AvailablePhoneNumbers` query, REFERENCE §1.2).
#[derive(Debug, Default)]
pub(crate) struct SearchFilter {
    pub iso_country: String,
    pub number_type: NumberType,
    pub area_code: Option<u16>,
    pub contains: Option<ContainsPattern>,
    pub sms_enabled: Option<bool>,
    pub mms_enabled: Option<bool>,
    pub voice_enabled: Option<bool>,
}

/// The numbers on sale, in generation order.
#[derive(Debug)]
pub(crate) struct Inventory {
    entries: Vec<InventoryEntry>,
}

impl Inventory {
    /// The deterministic start-up inventory ([`catalog::generate`]): what a fresh sandbox offers.
    pub fn generate() -> Self {
        Self {
            entries: catalog::generate(),
        }
    }

    /// The searchable numbers matching `filter`, in inventory order, at most `limit`.
    pub fn search(&self, filter: &SearchFilter, limit: usize) -> Vec<&InventoryEntry> {
        let wants = |want: Option<bool>, has: bool| want.is_none_or(|w| w == has);
        self.entries
            .iter()
            .filter(|e| e.searchable)
            .filter(|e| e.iso_country == filter.iso_country && e.number_type == filter.number_type)
            .filter(|e| filter.area_code.is_none_or(|a| e.area_code == Some(a)))
            .filter(|e| wants(filter.sms_enabled, e.capabilities.sms))
            .filter(|e| wants(filter.mms_enabled, e.capabilities.mms))
            .filter(|e| wants(filter.voice_enabled, e.capabilities.voice))
            .filter(|e| {
                filter
                    .contains
                    .as_ref()
                    .is_none_or(|p| p.matches(e.phone_number.as_str()))
            })
            .take(limit)
            .collect()
    }

    /// Takes `number` off sale.
    pub fn take_number(&mut self, number: &E164) -> Option<InventoryEntry> {
        let index = self
            .entries
            .iter()
            .position(|e| &e.phone_number == number)?;
        Some(self.entries.remove(index))
    }

    /// Takes the first number on sale in `area_code` off sale.
    pub fn take_in_area_code(&mut self, area_code: u16) -> Option<InventoryEntry> {
        let index = self
            .entries
            .iter()
            .position(|e| e.area_code == Some(area_code))?;
        Some(self.entries.remove(index))
    }

    /// Puts a released number back in its original place.
    pub fn restore(&mut self, entry: InventoryEntry) {
        let index = self.entries.partition_point(|e| e.rank < entry.rank);
        self.entries.insert(index, entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(number_type: NumberType) -> SearchFilter {
        SearchFilter {
            iso_country: "US".into(),
            number_type,
            ..Default::default()
        }
    }

    #[test]
    fn the_inventory_is_deterministic_and_well_formed() {
        let inventory = Inventory::generate();
        assert_eq!(inventory.entries, Inventory::generate().entries);
        assert_eq!(inventory.entries.len(), 6 * 20 + 3 * 10 + 2 * 10 + 20 + 1);
        let first = &inventory.entries[0];
        assert_eq!(first.phone_number.as_str(), "+14155550100");
        assert_eq!(first.friendly_name, "(415) 555-0100");
        let gb = SearchFilter {
            iso_country: "GB".into(),
            number_type: NumberType::Mobile,
            ..Default::default()
        };
        assert_eq!(
            inventory.search(&gb, 100)[0].phone_number.as_str(),
            "+447700900100"
        );
    }

    #[test]
    fn searches_filter_by_area_code_and_sms_and_hide_the_magic_number() {
        let inventory = Inventory::generate();
        let mut f = filter(NumberType::Local);
        f.area_code = Some(415);
        assert_eq!(inventory.search(&f, 100).len(), 20);
        f.sms_enabled = Some(true);
        assert_eq!(inventory.search(&f, 100).len(), 16);
        f.sms_enabled = Some(false);
        assert_eq!(inventory.search(&f, 100).len(), 4);
        f.area_code = Some(500);
        f.sms_enabled = None;
        assert!(inventory.search(&f, 100).is_empty());
    }

    #[test]
    fn bought_numbers_leave_and_released_ones_return_to_their_place() {
        let mut inventory = Inventory::generate();
        let number = E164::parse("+14155550103").unwrap();
        let entry = inventory.take_number(&number).unwrap();
        assert!(inventory.take_number(&number).is_none());
        inventory.restore(entry);
        assert_eq!(inventory.entries, Inventory::generate().entries);
        let magic = inventory.take_in_area_code(500).unwrap();
        assert_eq!(magic.phone_number.as_str(), MAGIC_AVAILABLE);
        assert_eq!(magic.friendly_name, "(500) 555-0006");
        assert!(inventory.take_in_area_code(500).is_none());
    }
}
