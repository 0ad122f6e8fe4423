//! Sending a message through Twilio's Messages API: `POST /2010-04-01/Accounts/{AccountSid}/
//! Messages.json` (OAI operationId `CreateMessage`, REFERENCE §1.4). The `TelephonyProvider`
//! method in `provider.rs` delegates here.

use reqwest::{Method, StatusCode};
use switchboard_application::ports::{OutboundRequest, ProviderError, SentMessage};
use switchboard_domain::MessageSid;

use super::client::TwilioClient;
use super::wire::MessageItem;

/// The status Twilio gives a message sent without a Messaging Service (REFERENCE §1.4); assumed
/// when a provider's answer omits `status`.
const INITIAL_STATUS: &str = "queued";

impl TwilioClient {
    /// `POST …/Messages.json`, expecting 201 and an `api.v2010.account.message` resource.
    ///
    /// # Errors
    /// Refusals as [`super::errors::from_status`] maps them (21610, 21211, 21612, 21408, 21614,
    /// 21606, 21212, 63016… are `Rejected` with Twilio's fault intact); transport failures and
    /// 5xx as `Unavailable`; `InvalidResponse` when the answer has no usable `sid` (the message
    /// may then have been sent: do not blindly retry).
    pub(crate) async fn create_message(
        &self,
        request: &OutboundRequest,
    ) -> Result<SentMessage, ProviderError> {
        let url = self.account_url(&[&self.flavor().resource("Messages")]);
        let http = self.request(Method::POST, url).form(&message_form(request));
        let item: MessageItem = self.call_json(http, StatusCode::CREATED).await?;
        sent(item)
    }
}

/// The form fields of a send: `To`, `From`, `Body` (when given), one `MediaUrl` per URL,
/// `ContentSid` and `ContentVariables` (when given), `StatusCallback` (when not empty).
fn message_form(request: &OutboundRequest) -> Vec<(&'static str, String)> {
    let mut form = vec![("To", request.to.clone()), ("From", request.from.clone())];
    if let Some(body) = &request.body {
        form.push(("Body", body.clone()));
    }
    form.extend(
        request
            .media_urls
            .iter()
            .map(|url| ("MediaUrl", url.clone())),
    );
    if let Some(content_sid) = &request.content_sid {
        form.push(("ContentSid", content_sid.clone()));
    }
    if let Some(variables) = &request.content_variables {
        form.push(("ContentVariables", variables.clone()));
    }
    if !request.status_callback.is_empty() {
        form.push(("StatusCallback", request.status_callback.clone()));
    }
    form
}

/// The port's view of the created resource.
///
/// # Errors
/// `InvalidResponse` when `sid` is missing or not a MessageSid.
fn sent(item: MessageItem) -> Result<SentMessage, ProviderError> {
    let raw = item.sid.ok_or_else(|| {
        ProviderError::InvalidResponse("the created message has no `sid`".to_string())
    })?;
    let sid = MessageSid::parse(&raw)
        .map_err(|e| ProviderError::InvalidResponse(format!("unusable message sid: {e}")))?;
    let status = item.status.unwrap_or_else(|| {
        tracing::debug!(message_sid = %sid, "created message has no status; assuming queued");
        INITIAL_STATUS.to_string()
    });
    Ok(SentMessage {
        message_sid: sid.as_str().to_string(),
        status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> OutboundRequest {
        OutboundRequest {
            from: "whatsapp:+14155550100".into(),
            to: "whatsapp:+15551230000".into(),
            body: None,
            media_urls: vec![
                "https://cdn.example/a.png".into(),
                "https://cdn.example/b.pdf".into(),
            ],
            content_sid: Some("HXaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into()),
            content_variables: Some(r#"{"1":"Ana"}"#.into()),
            status_callback: "https://switchboard.example/webhooks/twilio/status".into(),
        }
    }

    #[test]
    fn the_form_repeats_media_urls_and_leaves_out_what_is_absent() {
        let form = message_form(&request());
        let keys: Vec<&str> = form.iter().map(|(key, _)| *key).collect();
        assert_eq!(
            keys,
            [
                "To",
                "From",
                "MediaUrl",
                "MediaUrl",
                "ContentSid",
                "ContentVariables",
                "StatusCallback"
            ]
        );
        let encoded = serde_urlencoded::to_string(&form).unwrap();
        assert!(
            encoded.contains("To=whatsapp%3A%2B15551230000"),
            "{encoded}"
        );
        assert!(
            encoded.contains("ContentVariables=%7B%221%22%3A%22Ana%22%7D"),
            "{encoded}"
        );

        let plain = OutboundRequest {
            body: Some("Hi & bye".into()),
            media_urls: Vec::new(),
            content_sid: None,
            content_variables: None,
            status_callback: String::new(),
            ..request()
        };
        let keys: Vec<&str> = message_form(&plain).iter().map(|(key, _)| *key).collect();
        assert_eq!(keys, ["To", "From", "Body"]);
    }

    #[test]
    fn an_answer_without_a_usable_sid_is_invalid_and_a_missing_status_is_queued() {
        assert!(matches!(
            sent(MessageItem::default()),
            Err(ProviderError::InvalidResponse(_))
        ));
        let odd = MessageItem {
            sid: Some("SM 1".into()),
            status: Some("queued".into()),
        };
        assert!(matches!(sent(odd), Err(ProviderError::InvalidResponse(_))));
        let bare = MessageItem {
            sid: Some("SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into()),
            status: None,
        };
        assert_eq!(
            sent(bare).unwrap(),
            SentMessage {
                message_sid: "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
                status: "queued".into(),
            }
        );
    }
}
