//! Property tests of E.164 parsing: any text parses or is refused without a panic, and whatever
//! parses is canonical and parses back to itself.

use proptest::prelude::*;
use switchboard_domain::E164;

fn canonical(text: &str) -> bool {
    let digits = text.strip_prefix('+').unwrap_or("");
    (8..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_text_parses_to_canonical_e164_or_is_refused(input in any::<String>()) {
        if let Ok(number) = E164::parse(&input) {
            prop_assert!(canonical(number.as_str()), "{:?} -> {}", input, number);
            prop_assert_eq!(E164::parse(number.as_str()), Ok(number.clone()));
            prop_assert_eq!(E164::parse_canonical(number.as_str()), Ok(number));
        }
    }

    #[test]
    fn phone_shaped_text_never_panics_and_round_trips(
        input in r"\+?[0-9 ()\-.]{0,24}",
    ) {
        if let Ok(number) = E164::parse(&input) {
            prop_assert!(canonical(number.as_str()));
            prop_assert_eq!(E164::parse(number.as_str()), Ok(number));
        }
    }

    #[test]
    fn canonical_numbers_are_taken_as_they_are(digits in "[1-9][0-9]{7,14}") {
        let text = format!("+{digits}");
        prop_assert_eq!(E164::parse(&text).map(|n| n.as_str().to_string()), Ok(text));
    }
}
