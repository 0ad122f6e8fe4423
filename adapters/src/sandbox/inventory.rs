//! The numbers the sandbox offers for sale: generated deterministically at start, taken out when
//! bought and put back (in their original place) when released.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use switchboard_domain::{AreaCode, Capabilities, NumberType, E164};

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
    /// The three-digit area code of US and Canadian numbers.
    pub area_code: Option<AreaCode>,
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
    pub area_code: Option<AreaCode>,
    pub contains: Option<ContainsPattern>,
    pub sms_enabled: Option<bool>,
    pub mms_enabled: Option<bool>,
    pub voice_enabled: Option<bool>,
}

/// The numbers on sale, in generation order, indexed so that a search or a purchase touches
/// only the numbers of its country and type (or its area code), never the whole inventory.
#[derive(Debug)]
pub(crate) struct Inventory {
    /// Every number on sale, by rank.
    entries: BTreeMap<usize, InventoryEntry>,
    /// The ranks on sale per (country, type).
    shelves: HashMap<(String, NumberType), BTreeSet<usize>>,
    /// The ranks on sale per area code (US/CA numbers).
    area_codes: HashMap<AreaCode, BTreeSet<usize>>,
    /// The rank of each number on sale.
    numbers: HashMap<E164, usize>,
}

impl Inventory {
    /// The deterministic start-up inventory ([`catalog::generate`]): what a fresh sandbox offers.
    pub fn generate() -> Self {
        let mut inventory = Self {
            entries: BTreeMap::new(),
            shelves: HashMap::new(),
            area_codes: HashMap::new(),
            numbers: HashMap::new(),
        };
        for entry in catalog::generate() {
            inventory.restore(entry);
        }
        inventory
    }

    /// How many numbers are on sale (the magic test number included).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The searchable numbers matching `filter`, in inventory order, at most `limit`.
    pub fn search(&self, filter: &SearchFilter, limit: usize) -> Vec<&InventoryEntry> {
        let wants = |want: Option<bool>, has: bool| want.is_none_or(|w| w == has);
        let ranks = match &filter.area_code {
            Some(area_code) => self.area_codes.get(area_code),
            None => self
                .shelves
                .get(&(filter.iso_country.clone(), filter.number_type)),
        };
        ranks
            .into_iter()
            .flatten()
            .filter_map(|rank| self.entries.get(rank))
            .filter(|e| e.searchable)
            .filter(|e| e.iso_country == filter.iso_country && e.number_type == filter.number_type)
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
        let rank = *self.numbers.get(number)?;
        self.take(rank)
    }

    /// Takes the first number on sale in `area_code` (any country or type) off sale.
    pub fn take_in_area_code(&mut self, area_code: &AreaCode) -> Option<InventoryEntry> {
        let rank = *self.area_codes.get(area_code)?.first()?;
        self.take(rank)
    }

    /// Puts a number (back) on sale, in its original place.
    pub fn restore(&mut self, entry: InventoryEntry) {
        let rank = entry.rank;
        self.shelves
            .entry((entry.iso_country.to_string(), entry.number_type))
            .or_default()
            .insert(rank);
        if let Some(area_code) = &entry.area_code {
            self.area_codes
                .entry(area_code.clone())
                .or_default()
                .insert(rank);
        }
        self.numbers.insert(entry.phone_number.clone(), rank);
        self.entries.insert(rank, entry);
    }

    fn take(&mut self, rank: usize) -> Option<InventoryEntry> {
        let entry = self.entries.remove(&rank)?;
        if let Some(shelf) = self
            .shelves
            .get_mut(&(entry.iso_country.to_string(), entry.number_type))
        {
            shelf.remove(&rank);
        }
        if let Some(area_code) = &entry.area_code {
            if let Some(ranks) = self.area_codes.get_mut(area_code) {
                ranks.remove(&rank);
            }
        }
        self.numbers.remove(&entry.phone_number);
        Some(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(digits: &str) -> AreaCode {
        AreaCode::parse(digits).unwrap()
    }

    fn filter(iso_country: &str, number_type: NumberType) -> SearchFilter {
        SearchFilter {
            iso_country: iso_country.into(),
            number_type,
            ..Default::default()
        }
    }

    fn numbers(entries: &[&InventoryEntry]) -> Vec<String> {
        entries.iter().map(|e| e.phone_number.to_string()).collect()
    }

    #[test]
    fn the_inventory_is_deterministic_and_large_enough_for_hundreds_of_organizations() {
        let inventory = Inventory::generate();
        assert_eq!(inventory.entries, Inventory::generate().entries);
        let us_local = 30 * 100;
        let toll_free = 7 * 100;
        let us_mobile = 4 * 100;
        let ca = 5 * 100 + 100;
        let gb = 1000 + 900;
        assert_eq!(
            inventory.len(),
            us_local + toll_free + us_mobile + ca + gb + 1
        );
        let first = &inventory.entries[&0];
        assert_eq!(first.phone_number.as_str(), "+14155550100");
        assert_eq!(first.friendly_name, "(415) 555-0100");
        let all = |country, kind| inventory.search(&filter(country, kind), usize::MAX);
        assert_eq!(all("US", NumberType::Local).len(), us_local);
        assert_eq!(all("US", NumberType::TollFree).len(), toll_free);
        assert_eq!(all("CA", NumberType::Local).len(), 500);
        let gb_local = all("GB", NumberType::Local);
        assert_eq!(
            numbers(&gb_local[..1]),
            ["+442079460000"],
            "Ofcom's London drama range"
        );
        let gb_mobile = all("GB", NumberType::Mobile);
        assert_eq!(gb_mobile[0].phone_number.as_str(), "+447700900100");
        assert_eq!(
            gb_mobile.last().unwrap().phone_number.as_str(),
            "+447700900999"
        );
        let toronto = all("CA", NumberType::Local)[0];
        assert_eq!(toronto.friendly_name, "(416) 555-0100");
        assert_eq!(toronto.locality, Some("Toronto"));
    }

    #[test]
    fn every_nanp_number_is_a_fictional_555_01xx_line() {
        let inventory = Inventory::generate();
        for entry in inventory.entries.values().filter(|e| e.searchable) {
            let number = entry.phone_number.as_str();
            if let Some(national) = number.strip_prefix("+1") {
                assert_eq!(&national[3..7], "5550", "{number}");
                assert_eq!(&national[7..8], "1", "{number}");
            } else {
                assert!(
                    number.starts_with("+44207946") || number.starts_with("+447700900"),
                    "{number}"
                );
            }
        }
    }

    #[test]
    fn searches_filter_by_area_code_type_and_sms_and_hide_the_magic_number() {
        let inventory = Inventory::generate();
        let mut f = filter("US", NumberType::Local);
        f.area_code = Some(code("415"));
        assert_eq!(inventory.search(&f, 1000).len(), 100);
        assert_eq!(inventory.search(&f, 20).len(), 20);
        f.sms_enabled = Some(true);
        assert_eq!(inventory.search(&f, 1000).len(), 80);
        f.sms_enabled = Some(false);
        assert_eq!(inventory.search(&f, 1000).len(), 20);
        f.area_code = Some(code("500"));
        f.sms_enabled = None;
        assert!(inventory.search(&f, 100).is_empty());
        let mut toronto_as_us = filter("US", NumberType::Local);
        toronto_as_us.area_code = Some(code("416"));
        assert!(inventory.search(&toronto_as_us, 100).is_empty());
        let mut contains = filter("US", NumberType::TollFree);
        contains.contains = ContainsPattern::parse("800%0142");
        assert_eq!(numbers(&inventory.search(&contains, 100)), ["+18005550142"]);
    }

    #[test]
    fn a_pattern_search_scans_the_whole_large_inventory() {
        let inventory = Inventory::generate();
        let mut f = filter("US", NumberType::Local);
        f.contains = ContainsPattern::parse("%9$");
        let found = inventory.search(&f, 1000);
        assert_eq!(found.len(), 300);
        assert!(numbers(&found).iter().all(|n| n.ends_with('9')));
    }

    #[test]
    fn bought_numbers_leave_and_released_ones_return_to_their_place() {
        let mut inventory = Inventory::generate();
        let number = E164::parse("+14155550103").unwrap();
        let entry = inventory.take_number(&number).unwrap();
        assert!(inventory.take_number(&number).is_none());
        let mut f = filter("US", NumberType::Local);
        f.area_code = Some(code("415"));
        assert_eq!(inventory.search(&f, 1000).len(), 99);
        inventory.restore(entry);
        assert_eq!(inventory.entries, Inventory::generate().entries);
        assert_eq!(inventory.search(&f, 4)[3].phone_number, number);
        let magic = inventory.take_in_area_code(&code("500")).unwrap();
        assert_eq!(magic.phone_number.as_str(), MAGIC_AVAILABLE);
        assert_eq!(magic.friendly_name, "(500) 555-0006");
        assert!(inventory.take_in_area_code(&code("500")).is_none());
        let first_toll_free = inventory.take_in_area_code(&code("833")).unwrap();
        assert_eq!(first_toll_free.phone_number.as_str(), "+18335550100");
    }
}
