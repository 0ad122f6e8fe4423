//! `numbers` and `webhooks`: every number the account owns points the URLs we configure at us.
//!
//! What is compared is the table [`FIELDS`]: one line per setting of an `IncomingPhoneNumber`
//! that Switchboard sets (`SmsUrl`, `SmsMethod`, `StatusCallback`, `VoiceUrl`, `VoiceMethod`,
//! `VoiceFallbackUrl`). A new setting is one more line there (and a field on `WebhookConfig` and
//! `OwnedNumber`).

use std::collections::HashMap;

use switchboard_application::ports::{OwnedNumber, WebhookConfig};
use switchboard_projections::RoutingEntry;

use super::report::Report;
use crate::progress::Progress;

/// One webhook setting: Twilio's parameter name, our value, the number's value.
pub struct WebhookField {
    /// Twilio's name of the setting, e.g. `SmsUrl`.
    pub name: &'static str,
    /// What we configure.
    pub expected: fn(&WebhookConfig) -> &str,
    /// What the provider holds (`None`: empty).
    pub found: fn(&OwnedNumber) -> Option<&str>,
    /// Whether case is irrelevant (HTTP methods).
    pub ignore_case: bool,
}

/// The settings checked on every number.
pub const FIELDS: &[WebhookField] = &[
    WebhookField {
        name: "SmsUrl",
        expected: |w| w.sms_url.as_str(),
        found: |n| n.sms_url.as_deref(),
        ignore_case: false,
    },
    WebhookField {
        name: "SmsMethod",
        expected: |w| w.sms_method.as_str(),
        found: |n| n.sms_method.as_deref(),
        ignore_case: true,
    },
    WebhookField {
        name: "StatusCallback",
        expected: |w| w.call_status_callback.as_str(),
        found: |n| n.status_callback.as_deref(),
        ignore_case: false,
    },
    WebhookField {
        name: "VoiceUrl",
        expected: |w| w.voice_url.as_str(),
        found: |n| n.voice_url.as_deref(),
        ignore_case: false,
    },
    WebhookField {
        name: "VoiceMethod",
        expected: |w| w.voice_method.as_str(),
        found: |n| n.voice_method.as_deref(),
        ignore_case: true,
    },
    WebhookField {
        name: "VoiceFallbackUrl",
        expected: |w| w.voice_fallback_url.as_str(),
        found: |n| n.voice_fallback_url.as_deref(),
        ignore_case: false,
    },
];

/// A setting of a number that differs from ours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// Which setting.
    pub field: &'static str,
    /// What the provider holds; `None` when empty.
    pub found: Option<String>,
    /// What we configure.
    pub expected: String,
}

/// The settings of `number` that differ from `expected`, in [`FIELDS`] order.
pub fn mismatches(number: &OwnedNumber, expected: &WebhookConfig) -> Vec<Mismatch> {
    FIELDS
        .iter()
        .filter_map(|field| {
            let want = (field.expected)(expected);
            let have = (field.found)(number);
            let same = match have {
                Some(have) if field.ignore_case => have.eq_ignore_ascii_case(want),
                Some(have) => have == want,
                None => want.is_empty(),
            };
            (!same).then(|| Mismatch {
                field: field.name,
                found: have.map(str::to_string),
                expected: want.to_string(),
            })
        })
        .collect()
}

/// A number that needs our webhooks re-applied, and the organization it routes to (none for a
/// number the provider lists but no organization holds).
pub struct ToFix {
    /// The number as the provider lists it.
    pub number: OwnedNumber,
    /// Its owner in the routing table (`organization_id` as stored there).
    pub organization_id: Option<String>,
}

/// Runs `numbers` (every routed number is at the provider) and `webhooks` (each owned number's
/// [`FIELDS`] equal `expected`, one FAIL line per difference naming the number, the field, what
/// was found and what was expected). Returns the numbers to fix.
pub fn inspect(
    report: &mut Report<'_>,
    owned: &[OwnedNumber],
    routed: &[RoutingEntry],
    expected: &WebhookConfig,
) -> Vec<ToFix> {
    let at_provider: HashMap<&str, &OwnedNumber> =
        owned.iter().map(|n| (n.phone_number.as_str(), n)).collect();
    let owners: HashMap<&str, &str> = routed
        .iter()
        .map(|e| (e.phone_number.as_str(), e.organization_id.as_str()))
        .collect();
    let missing: Vec<&RoutingEntry> = routed
        .iter()
        .filter(|e| !at_provider.contains_key(e.phone_number.as_str()))
        .collect();
    for entry in &missing {
        report.fail(
            "numbers",
            format!(
                "{} routes to organization {} but the provider does not list it",
                entry.phone_number, entry.organization_id
            ),
        );
    }
    let unrouted = owned
        .iter()
        .filter(|n| !owners.contains_key(n.phone_number.as_str()))
        .count();
    if missing.is_empty() {
        report.ok(
            "numbers",
            format!(
                "{} at the provider, {} routed to organizations, {unrouted} not routed",
                owned.len(),
                routed.len()
            ),
        );
    }

    let mut progress = Progress::new("checking webhooks", Some(owned.len() as u64));
    let mut found = Vec::new();
    for number in owned {
        let differences = mismatches(number, expected);
        if !differences.is_empty() {
            found.push((number, differences));
        }
        progress.inc(1);
    }
    progress.finish();
    let names: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
    if found.is_empty() {
        report.ok(
            "webhooks",
            format!(
                "{} numbers have {} as configured ({})",
                owned.len(),
                names.join(", "),
                expected.sms_url
            ),
        );
    }
    let show = |value: &Option<String>| match value {
        Some(value) => format!("`{value}`"),
        None => "nothing".to_string(),
    };
    found
        .into_iter()
        .map(|(number, differences)| {
            for difference in &differences {
                report.fail(
                    "webhooks",
                    format!(
                        "{} {}: found {}, expected `{}`",
                        number.phone_number,
                        difference.field,
                        show(&difference.found),
                        difference.expected
                    ),
                );
            }
            ToFix {
                number: number.clone(),
                organization_id: owners
                    .get(number.phone_number.as_str())
                    .map(|o| o.to_string()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use switchboard_domain::{Capabilities, E164};

    use super::*;

    fn number(sms_url: Option<&str>, sms_method: Option<&str>) -> OwnedNumber {
        let ours = WebhookConfig::under("https://sb.example");
        OwnedNumber {
            provider_sid: "PN1".into(),
            phone_number: E164::parse("+14155550100").unwrap(),
            friendly_name: None,
            capabilities: Capabilities::default(),
            sms_url: sms_url.map(str::to_string),
            sms_method: sms_method.map(str::to_string),
            status_callback: Some(ours.call_status_callback),
            voice_url: Some(ours.voice_url),
            voice_method: Some("POST".into()),
            voice_fallback_url: Some(ours.voice_fallback_url),
        }
    }

    #[test]
    fn each_differing_field_is_named_with_what_was_found_and_expected() {
        let ours = WebhookConfig::under("https://sb.example/");
        let good = number(
            Some("https://sb.example/webhooks/twilio/messages#rc=3&rp=5xx,ct,rt"),
            Some("post"),
        );
        assert!(mismatches(&good, &ours).is_empty(), "methods ignore case");
        let bad = number(Some("https://evil.example/x"), None);
        assert_eq!(
            mismatches(&bad, &ours),
            vec![
                Mismatch {
                    field: "SmsUrl",
                    found: Some("https://evil.example/x".into()),
                    expected: "https://sb.example/webhooks/twilio/messages#rc=3&rp=5xx,ct,rt"
                        .into(),
                },
                Mismatch {
                    field: "SmsMethod",
                    found: None,
                    expected: "POST".into(),
                },
            ]
        );
    }

    #[test]
    fn a_number_without_our_voice_url_is_named() {
        let ours = WebhookConfig::under("https://sb.example");
        let mut silent = number(Some(ours.sms_url.as_str()), Some("POST"));
        silent.voice_url = None;
        assert_eq!(
            mismatches(&silent, &ours),
            vec![Mismatch {
                field: "VoiceUrl",
                found: None,
                expected: "https://sb.example/webhooks/twilio/voice".into(),
            }]
        );
    }
}
