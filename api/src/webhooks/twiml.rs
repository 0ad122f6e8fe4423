//! TwiML rendering ("TwiML for Programmable Messaging" doc page).

use poem::http::StatusCode;
use poem::Response;

/// `<Response>` with one `<Message>` per reply, text XML-escaped.
pub fn render(replies: &[String]) -> String {
    let mut xml = String::from(r#"<?xml version="1.0" encoding="UTF-8"?><Response>"#);
    for reply in replies {
        xml.push_str("<Message>");
        xml.push_str(&quick_xml::escape::partial_escape(reply.as_str()));
        xml.push_str("</Message>");
    }
    xml.push_str("</Response>");
    xml
}

/// A `200 text/xml` TwiML response.
pub fn response(replies: &[String]) -> Response {
    Response::builder()
        .status(StatusCode::OK)
        .content_type("text/xml; charset=utf-8")
        .body(render(replies))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_reply_is_an_empty_response() {
        assert_eq!(
            render(&[]),
            r#"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#
        );
    }

    #[test]
    fn replies_are_escaped() {
        assert!(render(&["Thanks & <soon>".into()])
            .contains("<Message>Thanks &amp; &lt;soon&gt;</Message>"));
    }
}
