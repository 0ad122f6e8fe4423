//! The sandbox's start-up inventory: which numbers exist, where, and what they can do.
//! Deterministic, so tests can name numbers.

use switchboard_domain::{Capabilities, NumberType, E164};

use super::inventory::{InventoryEntry, MAGIC_AVAILABLE};

/// A block of similar numbers: country, type, area code, place, how many.
struct Block {
    iso_country: &'static str,
    number_type: NumberType,
    /// E.164 digits before the four-digit line number, e.g. `1415555` or `44770090`.
    stem: &'static str,
    area_code: Option<u16>,
    place: Option<Place>,
    count: u16,
}

/// Where a block of local numbers is.
struct Place {
    locality: &'static str,
    region: &'static str,
    postal_code: &'static str,
    latitude: &'static str,
    longitude: &'static str,
}

const fn place(
    locality: &'static str,
    region: &'static str,
    postal_code: &'static str,
    latitude: &'static str,
    longitude: &'static str,
) -> Option<Place> {
    Some(Place {
        locality,
        region,
        postal_code,
        latitude,
        longitude,
    })
}

const fn us(
    number_type: NumberType,
    stem: &'static str,
    area_code: u16,
    place: Option<Place>,
    count: u16,
) -> Block {
    Block {
        iso_country: "US",
        number_type,
        stem,
        area_code: Some(area_code),
        place,
        count,
    }
}

/// The generated inventory: 20 local numbers in each of six US area codes, 10 toll-free in each
/// of 833/844/855, 10 US mobile in each of 628/917 and 20 UK mobile numbers in Ofcom's drama
/// range `+447700900xxx`. Line numbers start at `0100`; every fifth number is voice-only, so
/// `SmsEnabled` filtering is observable.
const BLOCKS: [Block; 12] = [
    us(
        NumberType::Local,
        "1415555",
        415,
        place("San Francisco", "CA", "94105", "37.780000", "-122.400000"),
        20,
    ),
    us(
        NumberType::Local,
        "1212555",
        212,
        place("New York", "NY", "10001", "40.750000", "-73.990000"),
        20,
    ),
    us(
        NumberType::Local,
        "1312555",
        312,
        place("Chicago", "IL", "60601", "41.880000", "-87.630000"),
        20,
    ),
    us(
        NumberType::Local,
        "1512555",
        512,
        place("Austin", "TX", "78701", "30.270000", "-97.740000"),
        20,
    ),
    us(
        NumberType::Local,
        "1206555",
        206,
        place("Seattle", "WA", "98101", "47.610000", "-122.330000"),
        20,
    ),
    us(
        NumberType::Local,
        "1303555",
        303,
        place("Denver", "CO", "80202", "39.750000", "-104.990000"),
        20,
    ),
    us(NumberType::TollFree, "1833555", 833, None, 10),
    us(NumberType::TollFree, "1844555", 844, None, 10),
    us(NumberType::TollFree, "1855555", 855, None, 10),
    us(
        NumberType::Mobile,
        "1628555",
        628,
        place("San Francisco", "CA", "94103", "37.770000", "-122.410000"),
        10,
    ),
    us(
        NumberType::Mobile,
        "1917555",
        917,
        place("New York", "NY", "10013", "40.720000", "-74.000000"),
        10,
    ),
    Block {
        iso_country: "GB",
        number_type: NumberType::Mobile,
        stem: "44770090",
        area_code: None,
        place: None,
        count: 20,
    },
];

/// Every entry of [`BLOCKS`] in order, then the hidden magic test number `+15005550006`
/// (area code 500, never listed by searches).
pub(crate) fn generate() -> Vec<InventoryEntry> {
    let mut entries = Vec::new();
    for block in &BLOCKS {
        for line in 0..block.count {
            let digits = format!("{}{:04}", block.stem, 100 + line);
            // Every fifth number is voice-only.
            let text = line % 5 != 4;
            let capabilities = Capabilities {
                sms: text,
                mms: text,
                voice: true,
            };
            entries.push(entry(entries.len(), block, &digits, capabilities, true));
        }
    }
    let magic = us(NumberType::Local, "1500555", 500, None, 1);
    let all = Capabilities {
        sms: true,
        mms: true,
        voice: true,
    };
    entries.push(entry(
        entries.len(),
        &magic,
        &MAGIC_AVAILABLE[1..],
        all,
        false,
    ));
    entries
}

fn entry(
    rank: usize,
    block: &Block,
    digits: &str,
    capabilities: Capabilities,
    searchable: bool,
) -> InventoryEntry {
    let phone_number = E164::parse(&format!("+{digits}")).expect("generated numbers are E.164");
    let friendly_name = match digits.strip_prefix('1') {
        Some(national) if block.iso_country == "US" => format!(
            "({}) {}-{}",
            &national[..3],
            &national[3..6],
            &national[6..]
        ),
        _ => phone_number.to_string(),
    };
    InventoryEntry {
        rank,
        phone_number,
        friendly_name,
        number_type: block.number_type,
        iso_country: block.iso_country,
        area_code: block.area_code,
        locality: block.place.as_ref().map(|p| p.locality),
        region: block.place.as_ref().map(|p| p.region),
        postal_code: block.place.as_ref().map(|p| p.postal_code),
        latitude: block.place.as_ref().map(|p| p.latitude),
        longitude: block.place.as_ref().map(|p| p.longitude),
        capabilities,
        searchable,
    }
}
