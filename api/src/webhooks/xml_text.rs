//! Text placed in TwiML: characters XML 1.0 cannot carry dropped, markup escaped.

/// Whether XML 1.0 can carry `c` (its `Char` production: tab, line feed, carriage return and
/// U+0020 upwards, without surrogates, U+FFFE and U+FFFF; W3C XML 1.0 §2.2).
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `text` for an XML element or a double-quoted attribute value: control characters XML cannot
/// carry are dropped (an organization's endpoint or settings could hold one, and Twilio would
/// refuse the whole document, error 12100), `& < > " '` are escaped.
pub fn xml_text(text: &str) -> String {
    let kept: String = text.chars().filter(|c| allowed(*c)).collect();
    quick_xml::escape::escape(&kept).into_owned()
}
