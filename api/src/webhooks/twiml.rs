//! TwiML rendering ("TwiML for Programmable Messaging" doc page).

use poem::http::StatusCode;
use poem::Response;
use switchboard_domain::message::ResponderReply;

/// `<Response>` with one `<Message>` per reply, text XML-escaped (see [`super::xml_text`]), then the responder's reply as
/// `<Message><Body>…</Body><Media>…</Media></Message>` when there is one.
pub fn render(replies: &[String], responder: Option<&ResponderReply>) -> String {
    let escape = super::xml_text::xml_text;
    let mut xml = String::from(r#"<?xml version="1.0" encoding="UTF-8"?><Response>"#);
    for reply in replies {
        xml.push_str("<Message>");
        xml.push_str(&escape(reply));
        xml.push_str("</Message>");
    }
    if let Some(reply) = responder {
        xml.push_str("<Message>");
        if !reply.body.is_empty() {
            xml.push_str("<Body>");
            xml.push_str(&escape(&reply.body));
            xml.push_str("</Body>");
        }
        for url in &reply.media_urls {
            xml.push_str("<Media>");
            xml.push_str(&escape(url));
            xml.push_str("</Media>");
        }
        xml.push_str("</Message>");
    }
    xml.push_str("</Response>");
    xml
}

/// A `200 text/xml` TwiML response.
pub fn response(replies: &[String], responder: Option<&ResponderReply>) -> Response {
    Response::builder()
        .status(StatusCode::OK)
        .content_type("text/xml; charset=utf-8")
        .body(render(replies, responder))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_reply_is_an_empty_response() {
        assert_eq!(
            render(&[], None),
            r#"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#
        );
    }

    #[test]
    fn replies_are_escaped() {
        assert!(render(&["Thanks & <soon>".into()], None)
            .contains("<Message>Thanks &amp; &lt;soon&gt;</Message>"));
    }

    #[test]
    fn the_responder_s_reply_comes_last_with_its_media() {
        let reply = ResponderReply {
            body: "Size 42 & 43".into(),
            media_urls: vec!["https://x.example/a.jpg?s=1&t=2".into()],
        };
        assert!(render(&["Welcome".into()], Some(&reply)).ends_with(
            "<Message>Welcome</Message><Message><Body>Size 42 &amp; 43</Body>\
             <Media>https://x.example/a.jpg?s=1&amp;t=2</Media></Message></Response>"
        ));
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;
    use quick_xml::events::Event;
    use quick_xml::Reader;
    use switchboard_domain::message::ResponderReply;

    use super::render;

    /// The text of every element named `tag`, unescaped, in document order.
    fn texts(xml: &str, tag: &[u8]) -> Vec<String> {
        let mut reader = Reader::from_str(xml);
        let mut found = Vec::new();
        let mut inside = false;
        loop {
            match reader.read_event().expect("well-formed TwiML") {
                Event::Start(e) if e.name().as_ref() == tag => {
                    inside = true;
                    found.push(String::new());
                }
                Event::End(e) if e.name().as_ref() == tag => inside = false,
                Event::Text(t) if inside => {
                    let text = t.unescape().expect("escaped text");
                    if let Some(last) = found.last_mut() {
                        last.push_str(&text);
                    }
                }
                Event::Eof => return found,
                _ => {}
            }
        }
    }

    fn xml_chars(text: &str) -> String {
        text.chars()
            .filter(|c| matches!(*c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn any_replies_render_as_well_formed_twiml_that_reads_back(
            replies in proptest::collection::vec(any::<String>(), 0..4),
            body in any::<String>(),
            media in proptest::collection::vec(any::<String>(), 0..3),
        ) {
            let responder = ResponderReply { body: body.clone(), media_urls: media.clone() };
            let xml = render(&replies, Some(&responder));
            let messages = texts(&xml, b"Message");
            prop_assert_eq!(messages.len(), replies.len() + 1);
            for (rendered, reply) in messages.iter().zip(&replies) {
                prop_assert_eq!(rendered, &xml_chars(reply));
            }
            let bodies = texts(&xml, b"Body");
            let expected_body = xml_chars(&body);
            if body.is_empty() {
                prop_assert!(bodies.is_empty());
            } else {
                prop_assert_eq!(bodies, vec![expected_body]);
            }
            prop_assert_eq!(texts(&xml, b"Media"), media.iter().map(|m| xml_chars(m)).collect::<Vec<_>>());
        }
    }
}
