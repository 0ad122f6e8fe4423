//! How many SMS segments a text takes, as carriers count them (and Twilio bills them): 160 GSM-7
//! septets in one segment, 153 a segment when concatenated; 70 UCS-2 code units, or 67 a segment,
//! as soon as one character is outside GSM-7.

/// GSM 03.38 basic character set (one septet each).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
                          ¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// GSM 03.38 extension characters (an escape and a septet: two each).
const GSM7_EXTENDED: &str = "^{}\\[~]|€\u{c}";

/// The SMS segments `body` takes (at least 1: a media-only message is still one message).
pub fn sms_segments(body: &str) -> u32 {
    let septets: Option<usize> = body
        .chars()
        .map(|c| {
            if GSM7_BASIC.contains(c) {
                Some(1)
            } else if GSM7_EXTENDED.contains(c) {
                Some(2)
            } else {
                None
            }
        })
        .sum();
    let (units, single, multi) = match septets {
        Some(septets) => (septets, 160, 153),
        None => (body.encode_utf16().count(), 70, 67),
    };
    let segments = if units <= single {
        1
    } else {
        units.div_ceil(multi)
    };
    u32::try_from(segments).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::sms_segments;

    #[test]
    fn gsm7_texts_take_160_then_153_septets_a_segment() {
        assert_eq!(sms_segments(""), 1);
        assert_eq!(sms_segments(&"a".repeat(160)), 1);
        assert_eq!(sms_segments(&"a".repeat(161)), 2);
        assert_eq!(sms_segments(&"a".repeat(306)), 2);
        assert_eq!(sms_segments(&"a".repeat(307)), 3);
        assert_eq!(
            sms_segments(&"€".repeat(80)),
            1,
            "extension characters take two"
        );
        assert_eq!(sms_segments(&"€".repeat(81)), 2);
    }

    #[test]
    fn one_character_outside_gsm7_makes_it_ucs2() {
        assert_eq!(sms_segments(&format!("{}ł", "a".repeat(69))), 1);
        assert_eq!(sms_segments(&format!("{}ł", "a".repeat(70))), 2);
        assert_eq!(sms_segments(&"😀".repeat(35)), 1, "two UTF-16 units each");
        assert_eq!(sms_segments(&"😀".repeat(36)), 2);
    }
}
