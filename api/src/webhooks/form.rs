//! A signed Twilio form body: the raw pairs, in order, checked against `X-Twilio-Signature`
//! (SignalWire: `X-SignalWire-Signature`, or `X-Twilio-Signature` as an alias).

use std::sync::Arc;

use poem::http::StatusCode;
use poem::Request;
use secrecy::{ExposeSecret, SecretString};

use crate::problem::Problem;
use crate::state::AppState;

/// The largest webhook body accepted (Twilio's `Body` is ≤ 1600 characters; media and geo fields
/// add little).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The decoded pairs of an `application/x-www-form-urlencoded` body, in order, repeats kept;
/// bytes that are not UTF-8 decode lossily (WHATWG URL "application/x-www-form-urlencoded").
pub fn parse_pairs(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// A verified webhook form.
pub struct SignedForm {
    pairs: Vec<(String, String)>,
}

impl SignedForm {
    /// Reads the body (at most [`MAX_BODY_BYTES`]) and verifies it: see [`SignedForm::verify`].
    ///
    /// # Errors
    /// 413 `body_too_large`, 403 `invalid_signature`.
    pub async fn read(
        state: &Arc<AppState>,
        req: &Request,
        body: poem::Body,
    ) -> Result<Self, Problem> {
        let bytes = body.into_bytes_limit(MAX_BODY_BYTES).await.map_err(|_| {
            Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "webhook body over 64 KiB",
            )
        })?;
        Self::verify(state, req, &bytes)
    }

    /// Parses the body and checks the signature against `PUBLIC_BASE_URL` + the request's path
    /// and query (the URL Twilio requested, not what a proxy rewrote it to), trying with and
    /// without the default port (REFERENCE §3.1, as twilio-python does). The signature is read
    /// from the provider's header: `X-Twilio-Signature` for Twilio; `X-SignalWire-Signature`,
    /// else `X-Twilio-Signature` as an alias, for SignalWire (REFERENCE §6, §8). The same
    /// algorithm applies to both; the key is the auth token or the SignalWire signing key. While
    /// the auth token is rotated, a signature that does not match the current token is checked
    /// with `TWILIO_AUTH_TOKEN_PREVIOUS` (logged, and counted in
    /// `switchboard_webhook_signatures_previous_key_total`).
    ///
    /// # Errors
    /// 403 `invalid_signature` when the header is missing or does not match.
    pub fn verify(state: &Arc<AppState>, req: &Request, body: &[u8]) -> Result<Self, Problem> {
        let pairs = parse_pairs(body);
        let headers = state.provider_flavor.accepted_signature_headers();
        let signature = headers
            .iter()
            .find_map(|name| req.header(name))
            .unwrap_or_default();
        let path_and_query = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let url = format!("{}{}", state.public_base_url, path_and_query);
        let signed_with = |key: &SecretString| {
            !signature.is_empty()
                && switchboard_adapters::twilio::validate_signature(
                    key.expose_secret().as_bytes(),
                    &url,
                    &pairs,
                    signature,
                )
        };
        let valid = signed_with(&state.signature_key)
            || state
                .previous_signature_key
                .as_ref()
                .is_some_and(|previous| {
                    let matched = signed_with(previous);
                    if matched {
                        tracing::info!(path = %path_and_query,
                        "webhook signed with the previous auth token (TWILIO_AUTH_TOKEN_PREVIOUS)");
                        state.metrics.previous_key_signatures.inc();
                    }
                    matched
                });
        if !valid {
            let header = state.provider_flavor.signature_header();
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                "invalid_signature",
                format!("{header} is missing or does not match this request"),
            )
            .with_field(header));
        }
        Ok(Self { pairs })
    }

    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `key`, or a 400 `missing_field` problem naming it.
    pub fn require(&self, key: &str) -> Result<&str, Problem> {
        self.get(key).filter(|v| !v.is_empty()).ok_or_else(|| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "missing_field",
                format!("`{key}` is required"),
            )
            .with_field(key)
        })
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::parse_pairs;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn any_body_parses_without_a_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_pairs(&body);
        }

        #[test]
        fn encoded_pairs_parse_back_in_order(
            pairs in proptest::collection::vec((any::<String>(), any::<String>()), 0..8),
        ) {
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&pairs)
                .finish();
            prop_assert_eq!(parse_pairs(body.as_bytes()), pairs);
        }
    }
}
