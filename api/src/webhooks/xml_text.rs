//! Text placed in TwiML: characters XML 1.0 cannot carry dropped, markup escaped.

/// Whether XML 1.0 can carry `c` (its `Char` production: tab, line feed, carriage return and
/// U+0020 upwards, without surrogates, U+FFFE and U+FFFF; W3C XML 1.0 §2.2).
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// What XML 1.0 can carry of `text`: control characters an organization's endpoint or settings
/// could hold are dropped, since Twilio refuses a whole document that has one (error 12100).
fn carried(text: &str) -> String {
    text.chars().filter(|c| allowed(*c)).collect()
}

/// `text` as element content: `& < >` escaped, quotes kept as they are.
pub fn xml_text(text: &str) -> String {
    quick_xml::escape::partial_escape(carried(text)).into_owned()
}

/// `text` as a double- or single-quoted attribute value: `& < > " '` escaped.
pub fn xml_attribute(text: &str) -> String {
    quick_xml::escape::escape(carried(text)).into_owned()
}
