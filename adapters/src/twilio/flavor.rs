//! Which dialect of Twilio's REST API 2010-04-01 a server speaks: Twilio's own, or SignalWire's
//! Compatibility ("LaML"/cXML) API. One client and one sandbox serve both; this type holds every
//! difference they care about (REFERENCE §6):
//!
//! | | Twilio | SignalWire |
//! |---|---|---|
//! | base | `https://api.twilio.com` | `https://{space}.signalwire.com/api/laml` |
//! | AccountSid, SIDs | `AC…`, `PN…`, `SM…` (34 chars) | UUIDs |
//! | path suffix | `.json` on every resource | none in the documented routes (SDKs add `.json`) |
//! | `AvailablePhoneNumbers` | Local, TollFree, Mobile…; `PageSize`; `SmsEnabled`… | Local, TollFree; no paging; `SmsEnabled`… ignored |
//! | create `IncomingPhoneNumbers` | `PhoneNumber` or `AreaCode` | `PhoneNumber` only |
//! | webhook signature | `X-Twilio-Signature`, key = auth token | `X-SignalWire-Signature` (SDKs also accept `X-Twilio-Signature`), key = the project's Signing Key |

use std::fmt;
use std::str::FromStr;

use switchboard_domain::NumberType;

/// The dialect. `Twilio` unless said otherwise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Flavor {
    /// Twilio's REST API (and the default local sandbox).
    #[default]
    Twilio,
    /// SignalWire's Compatibility API.
    SignalWire,
}

/// Twilio's webhook signature header (REFERENCE §3).
pub const TWILIO_SIGNATURE_HEADER: &str = "X-Twilio-Signature";
/// SignalWire's webhook signature header (REFERENCE §6).
pub const SIGNALWIRE_SIGNATURE_HEADER: &str = "X-SignalWire-Signature";

/// The path SignalWire's Compatibility API lives under, below the Space URL.
pub const SIGNALWIRE_API_PATH: &str = "/api/laml";

/// The text names no flavor.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a provider flavor (expected twilio or signalwire)")]
pub struct UnknownFlavor(pub String);

impl Flavor {
    /// `twilio` or `signalwire`: the provider name recorded on `NumberProvisioned`.
    pub fn name(self) -> &'static str {
        match self {
            Flavor::Twilio => "twilio",
            Flavor::SignalWire => "signalwire",
        }
    }

    /// The path segment of the resource `name` (`IncomingPhoneNumbers`, a SID, `Local`…):
    /// `name.json` at Twilio, `name` at SignalWire (its documented routes have no suffix).
    pub fn resource(self, name: &str) -> String {
        match self {
            Flavor::Twilio => format!("{name}.json"),
            Flavor::SignalWire => name.to_string(),
        }
    }

    /// The resource name in a path segment, or `None` when the segment is not one this dialect
    /// accepts: Twilio requires the `.json` suffix; SignalWire is lenient and takes the segment
    /// with or without it (its SDKs send `.json`, its reference omits it).
    pub fn resource_name(self, segment: &str) -> Option<&str> {
        let name = match self {
            Flavor::Twilio => segment.strip_suffix(".json")?,
            Flavor::SignalWire => segment.strip_suffix(".json").unwrap_or(segment),
        };
        (!name.is_empty()).then_some(name)
    }

    /// The path between the API origin (or Space URL) and `/2010-04-01`: empty at Twilio,
    /// `/api/laml` at SignalWire.
    pub fn api_path(self) -> &'static str {
        match self {
            Flavor::Twilio => "",
            Flavor::SignalWire => SIGNALWIRE_API_PATH,
        }
    }

    /// Whether `AvailablePhoneNumbers/{country}/{type}` exists: SignalWire has no `Mobile`.
    pub fn sells(self, number_type: NumberType) -> bool {
        self == Flavor::Twilio || number_type != NumberType::Mobile
    }

    /// Whether searches take `PageSize` (SignalWire's `AvailablePhoneNumbers` takes no paging
    /// parameters).
    pub fn pages_searches(self) -> bool {
        self == Flavor::Twilio
    }

    /// Whether searches honour `SmsEnabled`/`MmsEnabled`/`VoiceEnabled` (SignalWire accepts and
    /// ignores them, so a client must filter the answer itself).
    pub fn filters_capabilities(self) -> bool {
        self == Flavor::Twilio
    }

    /// Whether `IncomingPhoneNumbers` create takes `AreaCode` (SignalWire requires
    /// `PhoneNumber`).
    pub fn buys_by_area_code(self) -> bool {
        self == Flavor::Twilio
    }

    /// The header the provider signs webhooks with.
    pub fn signature_header(self) -> &'static str {
        match self {
            Flavor::Twilio => TWILIO_SIGNATURE_HEADER,
            Flavor::SignalWire => SIGNALWIRE_SIGNATURE_HEADER,
        }
    }

    /// The headers a webhook signature is read from, in order: `X-Twilio-Signature` at Twilio;
    /// `X-SignalWire-Signature`, then `X-Twilio-Signature` as an alias (as SignalWire's SDKs
    /// accept it) at SignalWire.
    pub fn accepted_signature_headers(self) -> &'static [&'static str] {
        match self {
            Flavor::Twilio => &[TWILIO_SIGNATURE_HEADER],
            Flavor::SignalWire => &[SIGNALWIRE_SIGNATURE_HEADER, TWILIO_SIGNATURE_HEADER],
        }
    }

    /// A fresh resource SID: `prefix` + 32 hex digits at Twilio (`PN…`, `SM…`), a hyphenated
    /// UUID v4 at SignalWire.
    pub fn new_sid(self, prefix: &str) -> String {
        let id = uuid::Uuid::new_v4();
        match self {
            Flavor::Twilio => format!("{prefix}{}", id.simple()),
            Flavor::SignalWire => id.hyphenated().to_string(),
        }
    }
}

/// SignalWire's Compatibility API base for a Space URL: `{space}/api/laml`. The Space URL may
/// be given with or without scheme (`example.signalwire.com` means
/// `https://example.signalwire.com`) and with a trailing `/`.
pub fn signalwire_api_base_url(space_url: &str) -> String {
    let space = space_url.trim().trim_end_matches('/');
    let space = if space.contains("://") {
        space.to_string()
    } else {
        format!("https://{space}")
    };
    format!("{space}{SIGNALWIRE_API_PATH}")
}

impl FromStr for Flavor {
    type Err = UnknownFlavor;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "twilio" => Ok(Flavor::Twilio),
            "signalwire" => Ok(Flavor::SignalWire),
            _ => Err(UnknownFlavor(s.to_string())),
        }
    }
}

impl fmt::Display for Flavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_names_follow_each_dialect() {
        assert_eq!(Flavor::Twilio.resource("Local"), "Local.json");
        assert_eq!(Flavor::SignalWire.resource("Local"), "Local");
        assert_eq!(Flavor::Twilio.resource_name("PN1.json"), Some("PN1"));
        assert_eq!(Flavor::Twilio.resource_name("PN1"), None);
        assert_eq!(Flavor::SignalWire.resource_name("abc.json"), Some("abc"));
        assert_eq!(Flavor::SignalWire.resource_name("abc"), Some("abc"));
        assert_eq!(Flavor::SignalWire.resource_name(".json"), None);
    }

    #[test]
    fn sids_have_each_providers_shape() {
        let twilio = Flavor::Twilio.new_sid("PN");
        assert!(twilio.starts_with("PN") && twilio.len() == 34);
        let signalwire = Flavor::SignalWire.new_sid("PN");
        assert!(uuid::Uuid::parse_str(&signalwire).is_ok() && signalwire.len() == 36);
    }

    #[test]
    fn signalwire_sells_no_mobile_and_signs_with_its_own_header_first() {
        assert!(!Flavor::SignalWire.sells(NumberType::Mobile));
        assert!(Flavor::SignalWire.sells(NumberType::TollFree));
        assert!(Flavor::Twilio.sells(NumberType::Mobile));
        assert_eq!(
            Flavor::SignalWire.accepted_signature_headers(),
            ["X-SignalWire-Signature", "X-Twilio-Signature"]
        );
        assert_eq!(
            Flavor::Twilio.accepted_signature_headers(),
            ["X-Twilio-Signature"]
        );
    }

    #[test]
    fn space_urls_become_the_compatibility_api_base() {
        assert_eq!(
            signalwire_api_base_url("example.signalwire.com"),
            "https://example.signalwire.com/api/laml"
        );
        assert_eq!(
            signalwire_api_base_url("http://127.0.0.1:9000/sandbox/"),
            "http://127.0.0.1:9000/sandbox/api/laml"
        );
        assert_eq!("SignalWire".parse::<Flavor>(), Ok(Flavor::SignalWire));
        assert!("plivo".parse::<Flavor>().is_err());
    }
}
