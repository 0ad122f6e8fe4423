//! The sandbox's start-up inventory: which numbers exist, where, and what they can do.
//! Deterministic, so tests can name numbers; large enough for a demo with hundreds of
//! organizations, and made only of numbers reserved for fiction, so none of them rings anyone:
//!
//! - US and CA: every `555-0100`…`555-0199` line (NANPA reserves them for fictional use) in 30 US
//!   and 5 Canadian area codes (local), 4 US area codes (mobile), 1 Canadian area code (mobile)
//!   and the toll-free codes 833, 844, 855, 800, 866, 877, 888;
//! - GB: Ofcom's drama ranges, London `+44 20 7946 0000`…`0999` (local) and
//!   `+44 7700 900100`…`900999` (mobile).
//!
//! Every fifth number is voice-only, so `SmsEnabled` filtering is observable. Within a country
//! and type, the blocks keep the order below (the first six US local codes, the first three
//! toll-free codes, 628 and 917 mobile, and GB mobile came first in earlier versions, and tests
//! name their numbers).

use std::sync::OnceLock;

use switchboard_domain::{AreaCode, Capabilities, NumberType, E164};

use super::inventory::{InventoryEntry, MAGIC_AVAILABLE};

/// A block of similar numbers: `stem` followed by each line number of `lines`, written with
/// `width` digits.
struct Block {
    iso_country: &'static str,
    number_type: NumberType,
    /// E.164 digits before the line number, e.g. `1415555` or `44770090`.
    stem: String,
    lines: std::ops::RangeInclusive<u16>,
    area_code: Option<AreaCode>,
    place: Option<Place>,
}

/// Where a block of numbers is: `(locality, region, postal code, latitude, longitude)`, the
/// coordinates as Twilio's strings.
type Place = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// The fictional NANP lines, `555-0100`…`555-0199`.
const NANP_LINES: std::ops::RangeInclusive<u16> = 100..=199;

/// US local area codes and where they are (the first six are the original inventory).
const US_LOCAL: [(u16, Place); 30] = [
    (
        415,
        ("San Francisco", "CA", "94105", "37.780000", "-122.400000"),
    ),
    (212, ("New York", "NY", "10001", "40.750000", "-73.990000")),
    (312, ("Chicago", "IL", "60601", "41.880000", "-87.630000")),
    (512, ("Austin", "TX", "78701", "30.270000", "-97.740000")),
    (206, ("Seattle", "WA", "98101", "47.610000", "-122.330000")),
    (303, ("Denver", "CO", "80202", "39.750000", "-104.990000")),
    (
        213,
        ("Los Angeles", "CA", "90012", "34.050000", "-118.240000"),
    ),
    (617, ("Boston", "MA", "02108", "42.360000", "-71.060000")),
    (305, ("Miami", "FL", "33130", "25.770000", "-80.190000")),
    (404, ("Atlanta", "GA", "30303", "33.750000", "-84.390000")),
    (214, ("Dallas", "TX", "75201", "32.780000", "-96.800000")),
    (713, ("Houston", "TX", "77002", "29.760000", "-95.370000")),
    (602, ("Phoenix", "AZ", "85004", "33.450000", "-112.070000")),
    (
        215,
        ("Philadelphia", "PA", "19107", "39.950000", "-75.160000"),
    ),
    (
        619,
        ("San Diego", "CA", "92101", "32.720000", "-117.160000"),
    ),
    (503, ("Portland", "OR", "97204", "45.520000", "-122.680000")),
    (
        702,
        ("Las Vegas", "NV", "89101", "36.170000", "-115.140000"),
    ),
    (615, ("Nashville", "TN", "37219", "36.160000", "-86.780000")),
    (704, ("Charlotte", "NC", "28202", "35.230000", "-80.840000")),
    (
        612,
        ("Minneapolis", "MN", "55402", "44.980000", "-93.270000"),
    ),
    (313, ("Detroit", "MI", "48226", "42.330000", "-83.050000")),
    (
        202,
        ("Washington", "DC", "20001", "38.900000", "-77.040000"),
    ),
    (
        801,
        ("Salt Lake City", "UT", "84111", "40.760000", "-111.890000"),
    ),
    (
        816,
        ("Kansas City", "MO", "64106", "39.100000", "-94.580000"),
    ),
    (314, ("St. Louis", "MO", "63101", "38.630000", "-90.200000")),
    (
        412,
        ("Pittsburgh", "PA", "15222", "40.440000", "-80.000000"),
    ),
    (216, ("Cleveland", "OH", "44113", "41.500000", "-81.690000")),
    (407, ("Orlando", "FL", "32801", "28.540000", "-81.380000")),
    (808, ("Honolulu", "HI", "96813", "21.310000", "-157.860000")),
    (
        907,
        ("Anchorage", "AK", "99501", "61.220000", "-149.900000"),
    ),
];

/// US toll-free codes (833, 844, 855 first, as in the original inventory).
const US_TOLL_FREE: [u16; 7] = [833, 844, 855, 800, 866, 877, 888];

/// US mobile area codes (628 and 917 first, as in the original inventory).
const US_MOBILE: [(u16, Place); 4] = [
    (
        628,
        ("San Francisco", "CA", "94103", "37.770000", "-122.410000"),
    ),
    (917, ("New York", "NY", "10013", "40.720000", "-74.000000")),
    (737, ("Austin", "TX", "78702", "30.260000", "-97.720000")),
    (872, ("Chicago", "IL", "60611", "41.890000", "-87.620000")),
];

/// Canadian local area codes.
const CA_LOCAL: [(u16, Place); 5] = [
    (416, ("Toronto", "ON", "M5H", "43.650000", "-79.380000")),
    (604, ("Vancouver", "BC", "V6B", "49.280000", "-123.120000")),
    (514, ("Montreal", "QC", "H2Y", "45.500000", "-73.560000")),
    (403, ("Calgary", "AB", "T2P", "51.050000", "-114.070000")),
    (613, ("Ottawa", "ON", "K1P", "45.420000", "-75.700000")),
];

/// Canadian mobile area codes.
const CA_MOBILE: [(u16, Place); 1] = [(437, ("Toronto", "ON", "M5V", "43.640000", "-79.390000"))];

/// Every block, in inventory order.
fn blocks() -> Vec<Block> {
    let nanp = |iso_country, number_type, area_code: u16, place: Option<Place>| Block {
        iso_country,
        number_type,
        stem: format!("1{area_code}555"),
        lines: NANP_LINES,
        area_code: Some(nanp_area_code(area_code)),
        place,
    };
    let mut blocks = Vec::new();
    for (code, place) in US_LOCAL {
        blocks.push(nanp("US", NumberType::Local, code, Some(place)));
    }
    for code in US_TOLL_FREE {
        blocks.push(nanp("US", NumberType::TollFree, code, None));
    }
    for (code, place) in US_MOBILE {
        blocks.push(nanp("US", NumberType::Mobile, code, Some(place)));
    }
    for (code, place) in CA_LOCAL {
        blocks.push(nanp("CA", NumberType::Local, code, Some(place)));
    }
    for (code, place) in CA_MOBILE {
        blocks.push(nanp("CA", NumberType::Mobile, code, Some(place)));
    }
    blocks.push(Block {
        iso_country: "GB",
        number_type: NumberType::Local,
        stem: "44207946".into(),
        lines: 0..=999,
        area_code: None,
        place: Some(("London", "England", "SW1A", "51.500000", "-0.120000")),
    });
    blocks.push(Block {
        iso_country: "GB",
        number_type: NumberType::Mobile,
        stem: "44770090".into(),
        lines: 100..=999,
        area_code: None,
        place: None,
    });
    blocks
}

/// A North American area code of the tables above (three digits, 200 to 999).
fn nanp_area_code(code: u16) -> AreaCode {
    AreaCode::parse(&code.to_string()).expect("the catalog's area codes are three digits")
}

/// The catalog, built once per process (parsing thousands of numbers through libphonenumber's
/// metadata is slow in debug builds) and cloned for each sandbox.
static CATALOG: OnceLock<Vec<InventoryEntry>> = OnceLock::new();

/// Every number of every block in order, then the hidden magic test number `+15005550006`
/// (area code 500, never listed by searches).
pub(crate) fn generate() -> Vec<InventoryEntry> {
    CATALOG.get_or_init(build).clone()
}

fn build() -> Vec<InventoryEntry> {
    let mut entries = Vec::new();
    for block in blocks() {
        for (index, line) in block.lines.clone().enumerate() {
            let digits = format!("{}{line:04}", block.stem);
            // Every fifth number is voice-only.
            let text = index % 5 != 4;
            let capabilities = Capabilities {
                sms: text,
                mms: text,
                voice: true,
            };
            entries.push(entry(entries.len(), &block, &digits, capabilities, true));
        }
    }
    let magic = Block {
        iso_country: "US",
        number_type: NumberType::Local,
        stem: "1500555".into(),
        lines: 6..=6,
        area_code: Some(nanp_area_code(500)),
        place: None,
    };
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
        Some(national) if matches!(block.iso_country, "US" | "CA") => format!(
            "({}) {}-{}",
            &national[..3],
            &national[3..6],
            &national[6..]
        ),
        _ => phone_number.to_string(),
    };
    let place = block.place.as_ref();
    InventoryEntry {
        rank,
        phone_number,
        friendly_name,
        number_type: block.number_type,
        iso_country: block.iso_country,
        area_code: block.area_code.clone(),
        locality: place.map(|p| p.0),
        region: place.map(|p| p.1),
        postal_code: place.map(|p| p.2),
        latitude: place.map(|p| p.3),
        longitude: place.map(|p| p.4),
        capabilities,
        searchable,
    }
}
