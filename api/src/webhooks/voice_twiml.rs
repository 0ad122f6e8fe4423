//! Voice TwiML rendering ("TwiML for Programmable Voice": `<Say>`, `<Dial>`, `<Record>`,
//! `<Hangup>`). Text and attribute values are XML-escaped; callback URLs are relative, so Twilio
//! resolves them against the voice webhook's URL (`PUBLIC_BASE_URL`).

use poem::http::StatusCode;
use poem::Response;
use switchboard_domain::call::{VoiceAction, VoiceAnswer};

/// Where a forwarded call's `<Dial>` reports how it ended.
pub const DIAL_STATUS_PATH: &str = "/webhooks/twilio/voice/dial-status";
/// Where a voicemail is reported (the `<Record>` `recordingStatusCallback` and `action`).
pub const RECORDING_PATH: &str = "/webhooks/twilio/voice/recording";
/// Seconds a forwarded call rings before `DialCallStatus=no-answer`.
pub const DIAL_TIMEOUT_SECS: u32 = 20;
/// The longest voicemail, seconds.
pub const VOICEMAIL_MAX_SECS: u32 = 120;

use super::xml_text::xml_attribute as escape;

/// `<Response>` with one `<Say language voice>` per spoken text, then `<Dial>`, `<Record>` or
/// `<Hangup/>`.
pub fn render(answer: &VoiceAnswer) -> String {
    let mut xml = String::from(r#"<?xml version="1.0" encoding="UTF-8"?><Response>"#);
    for spoken in &answer.say {
        xml.push_str(&format!(r#"<Say language="{}""#, escape(&spoken.language)));
        if let Some(voice) = &spoken.voice {
            xml.push_str(&format!(r#" voice="{}""#, escape(voice)));
        }
        xml.push('>');
        xml.push_str(&escape(&spoken.text));
        xml.push_str("</Say>");
    }
    match &answer.then {
        VoiceAction::Forward { to, caller_id } => xml.push_str(&format!(
            r#"<Dial callerId="{}" timeout="{DIAL_TIMEOUT_SECS}" action="{DIAL_STATUS_PATH}">{}</Dial>"#,
            escape(caller_id.as_str()),
            escape(to.as_str())
        )),
        VoiceAction::Voicemail => xml.push_str(&format!(
            r#"<Record maxLength="{VOICEMAIL_MAX_SECS}" playBeep="true" recordingStatusCallback="{RECORDING_PATH}" action="{RECORDING_PATH}"/>"#
        )),
        VoiceAction::Hangup => xml.push_str("<Hangup/>"),
    }
    xml.push_str("</Response>");
    xml
}

/// A `200 text/xml` TwiML response.
pub fn response(answer: &VoiceAnswer) -> Response {
    Response::builder()
        .status(StatusCode::OK)
        .content_type("text/xml; charset=utf-8")
        .body(render(answer))
}

#[cfg(test)]
mod tests {
    use switchboard_domain::call::Spoken;
    use switchboard_domain::E164;

    use super::*;

    #[test]
    fn spoken_text_and_attributes_are_escaped() {
        let answer = VoiceAnswer {
            say: vec![Spoken {
                text: "Thank you for calling Ben & Jerry's <shop>.".into(),
                language: "en-US".into(),
                voice: Some("Polly.\"Joanna\"".into()),
            }],
            then: VoiceAction::Forward {
                to: E164::parse("+15559870000").unwrap(),
                caller_id: E164::parse("+14155550100").unwrap(),
            },
        };
        assert_eq!(
            render(&answer),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>\
             <Say language=\"en-US\" voice=\"Polly.&quot;Joanna&quot;\">Thank you for calling \
             Ben &amp; Jerry&apos;s &lt;shop&gt;.</Say><Dial callerId=\"+14155550100\" \
             timeout=\"20\" action=\"/webhooks/twilio/voice/dial-status\">+15559870000</Dial>\
             </Response>"
        );
    }

    #[test]
    fn a_voicemail_records_with_a_beep() {
        let answer = VoiceAnswer {
            say: vec![],
            then: VoiceAction::Voicemail,
        };
        assert!(render(&answer).contains(
            "<Record maxLength=\"120\" playBeep=\"true\" \
             recordingStatusCallback=\"/webhooks/twilio/voice/recording\""
        ));
    }
}
