//! Property tests of the webhook signature (Twilio's HMAC-SHA1 over the URL and the sorted
//! parameters): any input signs without a panic, a signature validates for exactly what was
//! signed, and any header text is checked without a panic.

use proptest::prelude::*;
use switchboard_adapters::twilio::{compute_signature, validate_signature};

fn params() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec((any::<String>(), any::<String>()), 0..8)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn a_signature_validates_what_was_signed(
        key in proptest::collection::vec(any::<u8>(), 1..64),
        // The URL as requested: a `#fragment` is never sent, so never signed.
        url in "[^#]*",
        params in params(),
    ) {
        let signature = compute_signature(&key, &url, &params);
        prop_assert!(validate_signature(&key, &url, &params, &signature));
    }

    #[test]
    fn a_changed_value_or_url_fails(
        key in proptest::collection::vec(any::<u8>(), 1..64),
        url in "https://[a-z]{1,12}\\.example/[a-z/]{0,20}",
        params in proptest::collection::vec(("[A-Za-z]{1,10}", any::<String>()), 1..6),
        extra in "[a-z]{1,5}",
    ) {
        let signature = compute_signature(&key, &url, &params);
        let mut changed = params.clone();
        changed[0].1.push_str(&extra);
        prop_assert!(!validate_signature(&key, &url, &changed, &signature));
        let other_url = format!("{}x", url);
        prop_assert!(!validate_signature(&key, &other_url, &params, &signature));
    }

    #[test]
    fn any_header_text_is_checked_without_a_panic(
        header in any::<String>(),
        url in any::<String>(),
        params in params(),
    ) {
        let _ = validate_signature(b"token", &url, &params, &header);
    }
}
