//! `X-Twilio-Signature`: computing and checking the signature Twilio puts on every webhook.
//!
//! Source: REFERENCE §3 (twilio-python `twilio/request_validator.py`, twilio-node
//! `src/webhooks/webhooks.ts`). The string to sign is the full URL Twilio requested (without the
//! `#fragment`), then, for form-encoded POSTs, every parameter as `key + value` with keys sorted
//! (plain byte order) and a repeated key's distinct values sorted. The signature is
//! `base64(HMAC-SHA1(auth token, string))`, or HMAC-SHA256 for a SharedKey whose
//! `X-Twilio-Webhooks-Signature-Settings` header says `algorithm=HMAC_SHA256`.

use std::collections::{BTreeMap, BTreeSet};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// The HMAC a signature uses (`algorithm=` in `X-Twilio-Webhooks-Signature-Settings`,
/// REFERENCE §3.1 item 7; an auth-token signature is always [`SignatureAlgorithm::HmacSha1`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureAlgorithm {
    /// `HMAC_SHA1`: the classic `X-Twilio-Signature` (20-byte MAC, 28 base64 characters).
    HmacSha1,
    /// `HMAC_SHA256`: SharedKey signatures only (32-byte MAC, 44 base64 characters).
    HmacSha256,
}

impl SignatureAlgorithm {
    /// Parses Twilio's name (`HMAC_SHA1` or `HMAC_SHA256`, case-insensitive); any other name is
    /// `None`, and the webhook must then be refused.
    pub fn from_name(name: &str) -> Option<Self> {
        if name.eq_ignore_ascii_case("HMAC_SHA1") {
            Some(Self::HmacSha1)
        } else if name.eq_ignore_ascii_case("HMAC_SHA256") {
            Some(Self::HmacSha256)
        } else {
            None
        }
    }
}

/// The `X-Twilio-Webhooks-Signature-Settings` header of a SharedKey-signed webhook:
/// `key=<sharedKeyId>,algorithm=<HMAC_SHA1|HMAC_SHA256>` (REFERENCE §3.1 item 7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureSettings {
    /// The SharedKey's id, to look its secret up with.
    pub key_id: String,
    /// The HMAC to check the signature with.
    pub algorithm: SignatureAlgorithm,
}

impl SignatureSettings {
    /// Parses the header value. `None` when `key` or `algorithm` is missing or the algorithm is
    /// unknown (such a webhook fails validation).
    pub fn parse(header: &str) -> Option<Self> {
        let mut key_id = None;
        let mut algorithm = None;
        for part in header.split(',') {
            let (name, value) = part.split_once('=')?;
            match name.trim() {
                "key" => key_id = Some(value.trim().to_string()),
                "algorithm" => algorithm = Some(SignatureAlgorithm::from_name(value.trim())?),
                _ => {}
            }
        }
        Some(Self {
            key_id: key_id.filter(|k| !k.is_empty())?,
            algorithm: algorithm?,
        })
    }
}

/// The base64 HMAC-SHA1 signature of `url` plus `params` under `key` (the account's auth token
/// as UTF-8 bytes): exactly what Twilio sends in `X-Twilio-Signature`. `url` is signed as given;
/// `params` are the decoded form fields in any order, repeats allowed.
pub fn compute_signature(key: &[u8], url: &str, params: &[(String, String)]) -> String {
    compute_signature_with(SignatureAlgorithm::HmacSha1, key, url, params)
}

/// Like [`compute_signature`] but with HMAC-SHA256, the SharedKey `HMAC_SHA256` algorithm.
pub fn compute_signature_sha256(key: &[u8], url: &str, params: &[(String, String)]) -> String {
    compute_signature_with(SignatureAlgorithm::HmacSha256, key, url, params)
}

/// The base64 signature of `url` plus `params` under `key` with `algorithm`.
pub fn compute_signature_with(
    algorithm: SignatureAlgorithm,
    key: &[u8],
    url: &str,
    params: &[(String, String)],
) -> String {
    let data = string_to_sign(url, params);
    match algorithm {
        SignatureAlgorithm::HmacSha1 => {
            // HMAC accepts keys of any length, so this cannot fail.
            let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC takes any key length");
            mac.update(data.as_bytes());
            BASE64.encode(mac.finalize().into_bytes())
        }
        SignatureAlgorithm::HmacSha256 => {
            let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
            mac.update(data.as_bytes());
            BASE64.encode(mac.finalize().into_bytes())
        }
    }
}

/// Whether `signature` (the `X-Twilio-Signature` header) is the HMAC-SHA1 signature of a
/// form-encoded (or GET, with empty `params`) webhook to `url` under `key`.
///
/// `url` must be the public URL Twilio was given (not the proxy-rewritten one). Like the official
/// validators it is tried without its port and with it (`:443`/`:80` added when absent), because
/// Twilio signs inconsistently; the `#fragment` is never signed. The comparison is constant-time.
pub fn validate_signature(
    key: &[u8],
    url: &str,
    params: &[(String, String)],
    signature: &str,
) -> bool {
    validate_signature_with(SignatureAlgorithm::HmacSha1, key, url, params, signature)
}

/// [`validate_signature`] with a chosen algorithm (SharedKey webhooks: the algorithm from
/// [`SignatureSettings`], the key the SharedKey secret).
pub fn validate_signature_with(
    algorithm: SignatureAlgorithm,
    key: &[u8],
    url: &str,
    params: &[(String, String)],
    signature: &str,
) -> bool {
    let signature = signature.trim();
    url_candidates(url).iter().fold(false, |valid, candidate| {
        let expected = compute_signature_with(algorithm, key, candidate, params);
        constant_time_eq(expected.as_bytes(), signature.as_bytes()) | valid
    })
}

/// Whether a JSON-body webhook is authentic (REFERENCE §3.1 item 4): `url` carries
/// `bodySHA256=<hex SHA-256 of the raw body>` in its query, that hash matches `raw_body`, and
/// `signature` is the HMAC-SHA1 signature of the URL alone (no params). False when the query has
/// no `bodySHA256`.
pub fn validate_json_body_signature(
    key: &[u8],
    url: &str,
    raw_body: &[u8],
    signature: &str,
) -> bool {
    let without_fragment = url.split('#').next().unwrap_or(url);
    let Some((_, query)) = without_fragment.split_once('?') else {
        return false;
    };
    let Some(claimed) = url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "bodySHA256")
        .map(|(_, value)| value.to_ascii_lowercase())
    else {
        return false;
    };
    let actual = hex(&Sha256::digest(raw_body));
    let body_ok = constant_time_eq(actual.as_bytes(), claimed.as_bytes());
    let signature_ok = validate_signature(key, url, &[], signature);
    body_ok & signature_ok
}

/// Twilio's string to sign: `url` then `key + value` for each key in sorted order and, within a
/// key, each distinct value in sorted order.
fn string_to_sign(url: &str, params: &[(String, String)]) -> String {
    let mut grouped: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (name, value) in params {
        grouped.entry(name).or_default().insert(value);
    }
    let mut data = String::from(url);
    for (name, values) in grouped {
        for value in values {
            data.push_str(name);
            data.push_str(value);
        }
    }
    data
}

/// The URL without its fragment, in its "without port" and "with port" forms (twilio-python's
/// `remove_port` / `add_port`: the default port of the scheme is added when none is given).
fn url_candidates(url: &str) -> Vec<String> {
    let url = url.split('#').next().unwrap_or(url);
    let Some(parts) = UrlParts::split(url) else {
        return vec![url.to_string()];
    };
    let without = format!("{}{}{}", parts.prefix, parts.host, parts.rest);
    let port = parts.port.map(str::to_string).unwrap_or_else(|| {
        let default = if parts.prefix.to_ascii_lowercase().starts_with("https:") {
            "443"
        } else {
            "80"
        };
        default.to_string()
    });
    let with = format!("{}{}:{}{}", parts.prefix, parts.host, port, parts.rest);
    vec![without, with]
}

/// A URL cut around its host and port, so both can be rewritten without re-encoding the rest
/// (a parser such as `url::Url` would normalise the path and drop default ports, changing the
/// bytes Twilio signed).
struct UrlParts<'a> {
    /// `scheme://` plus any `userinfo@`.
    prefix: &'a str,
    /// The host, brackets included for IPv6.
    host: &'a str,
    /// The port digits, when given.
    port: Option<&'a str>,
    /// Path, query and the rest.
    rest: &'a str,
}

impl<'a> UrlParts<'a> {
    fn split(url: &'a str) -> Option<Self> {
        let authority_start = url.find("://")? + 3;
        let authority_len = url[authority_start..]
            .find(['/', '?', '#'])
            .unwrap_or(url.len() - authority_start);
        let authority_end = authority_start + authority_len;
        let authority = &url[authority_start..authority_end];
        let host_start = authority.rfind('@').map_or(0, |at| at + 1);
        let host_and_port = &authority[host_start..];
        let bracket_end = host_and_port.rfind(']').map_or(0, |b| b + 1);
        let (host, port) = match host_and_port[bracket_end..].rfind(':') {
            Some(colon) => {
                let colon = bracket_end + colon;
                let port = &host_and_port[colon + 1..];
                (
                    &host_and_port[..colon],
                    Some(port).filter(|p| !p.is_empty()),
                )
            }
            None => (host_and_port, None),
        };
        Some(Self {
            prefix: &url[..authority_start + host_start],
            host,
            port,
            rest: &url[authority_end..],
        })
    }
}

/// Byte equality whose running time depends only on the lengths (signature lengths are public).
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a
        .iter()
        .zip(b)
        .fold(0u8, |acc, (x, y)| acc | std::hint::black_box(x ^ y));
    std::hint::black_box(diff) == 0
}

/// Lower-case hex.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
#[path = "signature_tests.rs"]
mod tests;
