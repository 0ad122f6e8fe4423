//! TwiML rendering ("TwiML for Programmable Messaging" doc page).

use poem::http::StatusCode;
use poem::Response;
use switchboard_domain::message::ResponderReply;

/// `<Response>` with one `<Message>` per reply, text XML-escaped, then the responder's reply as
/// `<Message><Body>…</Body><Media>…</Media></Message>` when there is one.
pub fn render(replies: &[String], responder: Option<&ResponderReply>) -> String {
    let escape = |text: &str| quick_xml::escape::partial_escape(text).into_owned();
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
