//! Every vector of `signature_vectors.json` (computed by the official `twilio` 9.13.0 PyPI
//! package, REFERENCE §3.2), plus edge cases of the algorithm.

use super::*;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// V1's parameters (twilio-python's own unit-test vector).
fn v1_params() -> Vec<(String, String)> {
    pairs(&[
        ("CallSid", "CA1234567890ABCDE"),
        ("Digits", "1234"),
        ("From", "+14158675309"),
        ("To", "+18005551212"),
        ("Caller", "+14158675309"),
    ])
}

const V1_URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";

#[test]
fn v1_official_vector() {
    assert_eq!(
        compute_signature(b"12345", V1_URL, &v1_params()),
        "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    );
    assert!(validate_signature(
        b"12345",
        V1_URL,
        &v1_params(),
        "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    ));
}

#[test]
fn v2_inbound_sms_with_utf8_body() {
    let params = pairs(&[
        ("ToCountry", "US"),
        ("ToState", "CA"),
        ("SmsMessageSid", "SM1f0e8ae6ade43cb3c0ce4525424e404f"),
        ("NumMedia", "0"),
        ("ToCity", "SAN FRANCISCO"),
        ("FromZip", "94105"),
        ("SmsSid", "SM1f0e8ae6ade43cb3c0ce4525424e404f"),
        ("FromState", "CA"),
        ("SmsStatus", "received"),
        ("FromCity", "SAN FRANCISCO"),
        ("Body", "Hello été 👍 & more"),
        ("FromCountry", "US"),
        ("To", "+14155550100"),
        ("ToZip", "94105"),
        ("NumSegments", "1"),
        ("MessageSid", "SM1f0e8ae6ade43cb3c0ce4525424e404f"),
        ("AccountSid", "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
        ("From", "+14155550199"),
        ("ApiVersion", "2010-04-01"),
    ]);
    let token = b"2bd9e9638872de601313dc77410d3b23";
    let url = "https://hooks.example.com/twilio/sms/inbound";
    assert_eq!(
        compute_signature(token, url, &params),
        "s+fnqr0ZGBn0bsRrOuDYgQ51D0E="
    );
    assert!(validate_signature(
        token,
        url,
        &params,
        "s+fnqr0ZGBn0bsRrOuDYgQ51D0E="
    ));
}

#[test]
fn port_variants_compute_as_twilio_python_does() {
    let cases = [
        (
            "https://mycompany.com/myapp.php?foo=1&bar=2",
            "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
        ),
        (
            "https://mycompany.com:443/myapp.php?foo=1&bar=2",
            "kvajT1Ptam85bY51eRf/AJRuM3w=",
        ),
        (
            "https://mycompany.com:1234/myapp.php?foo=1&bar=2",
            "CYn1h0gLBdNxDGkKJg6hYohgeD8=",
        ),
        (
            "http://mycompany.com:80/myapp.php?foo=1&bar=2",
            "0ZXoZLH/DfblKGATFgpif+LLRf4=",
        ),
    ];
    for (url, signature) in cases {
        assert_eq!(
            compute_signature(b"12345", url, &v1_params()),
            signature,
            "{url}"
        );
        assert!(
            validate_signature(b"12345", url, &v1_params(), signature),
            "{url}"
        );
    }
}

#[test]
fn a_signature_made_without_the_port_validates_against_a_url_with_it_and_vice_versa() {
    // "validate() accepts RSOY… for the URL with :443 or :1234, and kvaj… for the URL without
    // port" (REFERENCE §3.2).
    for url in [
        "https://mycompany.com:443/myapp.php?foo=1&bar=2",
        "https://mycompany.com:1234/myapp.php?foo=1&bar=2",
    ] {
        assert!(validate_signature(
            b"12345",
            url,
            &v1_params(),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        ));
    }
    assert!(validate_signature(
        b"12345",
        V1_URL,
        &v1_params(),
        "kvajT1Ptam85bY51eRf/AJRuM3w="
    ));
    // http without a port gets :80 added.
    assert!(validate_signature(
        b"12345",
        "http://mycompany.com/myapp.php?foo=1&bar=2",
        &v1_params(),
        "0ZXoZLH/DfblKGATFgpif+LLRf4="
    ));
}

#[test]
fn json_body_official_vector() {
    let body = br#"{"property": "value", "boolean": true}"#;
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    assert_eq!(
        hex(&sha2::Sha256::digest(body)),
        "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
    );
    assert_eq!(
        compute_signature(b"12345", url, &[]),
        "a9nBmqA0ju/hNViExpshrM61xv4="
    );
    assert!(validate_json_body_signature(
        b"12345",
        url,
        body,
        "a9nBmqA0ju/hNViExpshrM61xv4="
    ));
    // A changed body no longer matches its hash, even with the right URL signature.
    assert!(!validate_json_body_signature(
        b"12345",
        url,
        br#"{"property": "other", "boolean": true}"#,
        "a9nBmqA0ju/hNViExpshrM61xv4="
    ));
    // Without bodySHA256 in the query there is nothing to check the body against.
    assert!(!validate_json_body_signature(
        b"12345",
        V1_URL,
        body,
        &compute_signature(b"12345", V1_URL, &[])
    ));
}

#[test]
fn wrong_token_params_or_url_fail() {
    let good = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
    assert!(!validate_signature(b"54321", V1_URL, &v1_params(), good));
    let mut changed = v1_params();
    changed[1].1 = "9999".to_string();
    assert!(!validate_signature(b"12345", V1_URL, &changed, good));
    assert!(!validate_signature(
        b"12345",
        "https://mycompany.com/myapp.php?foo=1&bar=3",
        &v1_params(),
        good
    ));
    assert!(!validate_signature(b"12345", V1_URL, &v1_params(), ""));
}

#[test]
fn the_fragment_is_not_signed() {
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2#rc=2&rp=all";
    assert!(validate_signature(
        b"12345",
        url,
        &v1_params(),
        "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    ));
}

#[test]
fn repeated_keys_sign_their_distinct_values_sorted() {
    // Reference value from Python's stdlib: base64(hmac(b"12345",
    // "https://example.com/hookMediaUrlhttps://a/1.pngMediaUrlhttps://b/2.pngTo+1555", sha1)).
    let params = pairs(&[
        ("To", "+1555"),
        ("MediaUrl", "https://b/2.png"),
        ("MediaUrl", "https://a/1.png"),
        ("MediaUrl", "https://b/2.png"),
    ]);
    assert_eq!(
        compute_signature(b"12345", "https://example.com/hook", &params),
        "YGOVy1pKzuMTJm9CWXvVEOcOY/4="
    );
}

#[test]
fn shared_key_hmac_sha256_signatures() {
    // Reference values from Python's stdlib hmac/hashlib over V1's string to sign.
    let key = b"shared-key-secret";
    assert_eq!(
        compute_signature_sha256(key, V1_URL, &v1_params()),
        "E5VnwNBwyz0tCHTP5Dkbb6TefPRbPKoGqFaaypGFqwI="
    );
    assert_eq!(
        compute_signature_sha256(
            key,
            "https://mycompany.com:443/myapp.php?foo=1&bar=2",
            &v1_params()
        ),
        "LqqjlGLKMT5p/qarFgqd9DvrEaqm8Wzo8fggtvOJxRE="
    );
    let settings = SignatureSettings::parse("key=KS0123,algorithm=HMAC_SHA256").unwrap();
    assert_eq!(settings.key_id, "KS0123");
    assert!(validate_signature_with(
        settings.algorithm,
        key,
        V1_URL,
        &v1_params(),
        "E5VnwNBwyz0tCHTP5Dkbb6TefPRbPKoGqFaaypGFqwI="
    ));
    // The SHA-1 check does not accept a SHA-256 signature.
    assert!(!validate_signature(
        key,
        V1_URL,
        &v1_params(),
        "E5VnwNBwyz0tCHTP5Dkbb6TefPRbPKoGqFaaypGFqwI="
    ));
}

#[test]
fn signature_settings_refuse_unknown_algorithms_and_missing_parts() {
    assert_eq!(
        SignatureSettings::parse("key=KS1, algorithm=hmac_sha1"),
        Some(SignatureSettings {
            key_id: "KS1".into(),
            algorithm: SignatureAlgorithm::HmacSha1
        })
    );
    assert_eq!(SignatureSettings::parse("key=KS1,algorithm=HMAC_MD5"), None);
    assert_eq!(SignatureSettings::parse("algorithm=HMAC_SHA1"), None);
    assert_eq!(SignatureSettings::parse("key=KS1"), None);
}

#[test]
fn url_candidates_keep_userinfo_ipv6_and_query_bytes() {
    assert_eq!(
        url_candidates("https://u:p@[::1]/a%2Fb?x=%2B1"),
        vec![
            "https://u:p@[::1]/a%2Fb?x=%2B1".to_string(),
            "https://u:p@[::1]:443/a%2Fb?x=%2B1".to_string()
        ]
    );
    assert_eq!(
        url_candidates("http://127.0.0.1:8080?x=1"),
        vec![
            "http://127.0.0.1?x=1".to_string(),
            "http://127.0.0.1:8080?x=1".to_string()
        ]
    );
}
