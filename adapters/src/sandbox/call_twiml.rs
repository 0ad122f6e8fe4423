//! What the caller simulator reads in a voice TwiML answer: the verbs that decide what happens
//! next (`<Dial action>`, `<Record action recordingStatusCallback>`, `<Hangup/>`).

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// The next steps a voice TwiML document asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct VoiceVerbs {
    /// `<Dial>` with its `action` (where `DialCallStatus` goes), if the call is put through.
    pub dial: Option<Option<String>>,
    /// `<Record>` with its `action` and `recordingStatusCallback`, if a voicemail is taken.
    pub record: Option<(Option<String>, Option<String>)>,
    /// Whether `<Hangup/>` ends it.
    pub hangup: bool,
}

fn attribute(element: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.unescape_value().ok())
        .map(|v| v.into_owned())
}

/// Reads the verbs of `twiml`.
///
/// # Errors
/// The XML error text when `twiml` is not well-formed XML.
pub(crate) fn read(twiml: &str) -> Result<VoiceVerbs, String> {
    let mut reader = Reader::from_str(twiml);
    let mut verbs = VoiceVerbs::default();
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"Dial" => verbs.dial = Some(attribute(&e, b"action")),
                b"Record" => {
                    verbs.record = Some((
                        attribute(&e, b"action"),
                        attribute(&e, b"recordingStatusCallback"),
                    ))
                }
                b"Hangup" => verbs.hangup = true,
                _ => {}
            },
            Event::Eof => return Ok(verbs),
            _ => {}
        }
    }
}

/// `target` resolved against the document's URL (`/webhooks/twilio/voice/dial-status` against
/// `https://sb.example/webhooks/twilio/voice` → `https://sb.example/webhooks/twilio/voice/dial-status`).
pub(crate) fn resolve(base: &str, target: &str) -> String {
    url::Url::parse(base)
        .and_then(|b| b.join(target))
        .map(|u| u.to_string())
        .unwrap_or_else(|_| target.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verbs_and_their_callbacks_are_read() {
        let verbs = read(
            r#"<?xml version="1.0"?><Response><Say>Hi &amp; bye</Say><Dial action="/d">+15550100</Dial><Record action="/r" recordingStatusCallback="/r"/><Hangup/></Response>"#,
        )
        .unwrap();
        assert_eq!(verbs.dial, Some(Some("/d".into())));
        assert_eq!(verbs.record, Some((Some("/r".into()), Some("/r".into()))));
        assert!(verbs.hangup);
        assert_eq!(
            resolve("http://127.0.0.1:1/webhooks/twilio/voice", "/webhooks/x"),
            "http://127.0.0.1:1/webhooks/x"
        );
    }
}
