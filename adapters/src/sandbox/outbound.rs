//! Validating a `POST …/Messages.json` form the way Twilio does (REFERENCE §1.4, §5): the OAI
//! `x-twilio.conditional` rules, the body limit and the test-credential magic numbers. Whether
//! `From` belongs to the account is checked against the state in `SandboxState::send`.
//!
//! Checks, in order (the first failure answers, HTTP 400):
//! `To` missing → 21604; `From` missing → 21603 (`MessagingServiceSid` is not supported);
//! none of `Body`/`MediaUrl`/`ContentSid` → 21619; `Body` over 1600 characters → 21617;
//! `From` not E.164 (optionally `whatsapp:`) → 21212, magic `From` → its code; `To` not E.164
//! (optionally `whatsapp:`) → 21211, magic `To` → its code; then 20001 (REFERENCE names no code)
//! for more than 10 `MediaUrl`s, a non-http(s) `MediaUrl` or `StatusCallback`, a `ContentSid`
//! that is not `HX` + 32 hex, `ContentVariables` that are not a JSON object, or `From` and `To`
//! on different channels.

use poem::http::StatusCode;
use switchboard_domain::{ChannelAddress, E164};

use super::errors::ApiError;
use super::routes::Params;
use super::sent::OutboundDraft;
use crate::twilio::errors::{
    BODY_TOO_LONG, CONTENT_REQUIRED, FROM_NOT_OWNED, FROM_REQUIRED, INVALID_FROM_NUMBER,
    INVALID_TO_NUMBER, QUEUE_FULL, RECIPIENT_UNSUBSCRIBED, REGION_NOT_PERMITTED,
    TO_NOT_SMS_CAPABLE, TO_REQUIRED, UNROUTABLE_TO,
};

/// Twilio's body limit, in characters (REFERENCE §1.4).
const MAX_BODY_CHARS: usize = 1600;
/// Twilio's `MediaUrl` limit per message (REFERENCE §1.4).
const MAX_MEDIA: usize = 10;

/// Test-credential `From` numbers and the refusal each gives (REFERENCE §5).
const MAGIC_FROM: [(&str, u32); 3] = [
    ("+15005550001", INVALID_FROM_NUMBER),
    ("+15005550007", FROM_NOT_OWNED),
    ("+15005550008", QUEUE_FULL),
];

/// Test-credential `To` numbers and the refusal each gives (REFERENCE §5).
const MAGIC_TO: [(&str, u32); 5] = [
    ("+15005550001", INVALID_TO_NUMBER),
    ("+15005550002", UNROUTABLE_TO),
    ("+15005550003", REGION_NOT_PERMITTED),
    ("+15005550004", RECIPIENT_UNSUBSCRIBED),
    ("+15005550009", TO_NOT_SMS_CAPABLE),
];

/// The send `params` describe.
///
/// # Errors
/// The first failed check of the module's list, as Twilio's error body.
pub(crate) fn parse(params: &Params) -> Result<OutboundDraft, ApiError> {
    let to_raw = present(params.get("To"))
        .ok_or_else(|| refuse(TO_REQUIRED, "A 'To' phone number is required."))?;
    let from_raw = present(params.get("From")).ok_or_else(|| {
        let message = if params.get("MessagingServiceSid").is_some() {
            "A 'From' phone number is required (the sandbox does not support MessagingServiceSid)."
        } else {
            "A 'From' phone number is required."
        };
        refuse(FROM_REQUIRED, message)
    })?;
    let body = present(params.raw("Body")).map(str::to_string);
    let media_urls: Vec<String> = params
        .all("MediaUrl")
        .into_iter()
        .filter(|url| !url.is_empty())
        .map(str::to_string)
        .collect();
    let content_sid = present(params.get("ContentSid")).map(str::to_string);
    if body.is_none() && media_urls.is_empty() && content_sid.is_none() {
        return Err(refuse(
            CONTENT_REQUIRED,
            "A text message body, media URL or Content SID must be specified.",
        ));
    }
    if body
        .as_deref()
        .is_some_and(|b| b.chars().count() > MAX_BODY_CHARS)
    {
        return Err(refuse(
            BODY_TOO_LONG,
            "The concatenated message body exceeds the 1600 character limit.",
        ));
    }
    let from = from_address(from_raw)?;
    let to = to_address(to_raw)?;
    if from.channel != to.channel {
        return Err(ApiError::invalid_parameter(format!(
            "'From' ({}) and 'To' ({}) must use the same channel",
            from.channel, to.channel
        )));
    }
    check_media(&media_urls)?;
    let content_variables = present(params.get("ContentVariables")).map(str::to_string);
    check_content(content_sid.as_deref(), content_variables.as_deref())?;
    let status_callback = present(params.get("StatusCallback")).map(str::to_string);
    if let Some(url) = &status_callback {
        if !is_http_url(url) {
            return Err(ApiError::invalid_parameter(format!(
                "StatusCallback `{url}` is not an absolute http(s) URL"
            )));
        }
    }
    Ok(OutboundDraft {
        from,
        to,
        body,
        media_urls,
        content_sid,
        content_variables,
        status_callback,
    })
}

/// The refusal of a `From` number that is neither owned nor the magic valid one: 21606.
pub(crate) fn not_owned(from: &E164) -> ApiError {
    refuse(
        FROM_NOT_OWNED,
        format!(
            "The From phone number {from} is not a valid, SMS-capable inbound phone number or \
             short code for your account."
        ),
    )
}

fn from_address(raw: &str) -> Result<ChannelAddress, ApiError> {
    let address = ChannelAddress::parse(raw).map_err(|_| invalid_from(raw))?;
    match magic(&MAGIC_FROM, &address.number) {
        None => Ok(address),
        Some(FROM_NOT_OWNED) => Err(not_owned(&address.number)),
        Some(QUEUE_FULL) => Err(refuse(
            QUEUE_FULL,
            format!(
                "The 'From' number {} has exceeded the maximum number of queued messages.",
                address.number
            ),
        )),
        Some(_) => Err(invalid_from(raw)),
    }
}

fn to_address(raw: &str) -> Result<ChannelAddress, ApiError> {
    let invalid = || {
        refuse(
            INVALID_TO_NUMBER,
            format!("The 'To' number {raw} is not a valid phone number."),
        )
    };
    let address = ChannelAddress::parse(raw).map_err(|_| invalid())?;
    let number = &address.number;
    let Some(code) = magic(&MAGIC_TO, number) else {
        return Ok(address);
    };
    let message = match code {
        UNROUTABLE_TO => format!(
            "The 'To' phone number: {number}, is not currently reachable using the 'From' phone \
             number via SMS."
        ),
        REGION_NOT_PERMITTED => format!(
            "Permission to send an SMS has not been enabled for the region indicated by the 'To' \
             number: {number}."
        ),
        RECIPIENT_UNSUBSCRIBED => "Attempt to send to unsubscribed recipient".to_string(),
        TO_NOT_SMS_CAPABLE => format!("The 'To' number {number} is not a valid mobile number."),
        _ => return Err(invalid()),
    };
    Err(refuse(code, message))
}

fn invalid_from(raw: &str) -> ApiError {
    refuse(
        INVALID_FROM_NUMBER,
        format!(
            "The 'From' number {raw} is not a valid phone number, shortcode, or alphanumeric \
             sender ID."
        ),
    )
}

fn check_media(media_urls: &[String]) -> Result<(), ApiError> {
    if media_urls.len() > MAX_MEDIA {
        return Err(ApiError::invalid_parameter(format!(
            "At most {MAX_MEDIA} MediaUrl values are allowed, not {}",
            media_urls.len()
        )));
    }
    match media_urls.iter().find(|url| !is_http_url(url)) {
        Some(url) => Err(ApiError::invalid_parameter(format!(
            "MediaUrl `{url}` is not an absolute http(s) URL"
        ))),
        None => Ok(()),
    }
}

fn check_content(sid: Option<&str>, variables: Option<&str>) -> Result<(), ApiError> {
    if let Some(sid) = sid {
        let hex = sid.strip_prefix("HX").unwrap_or_default();
        if hex.len() != 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(ApiError::invalid_parameter(format!(
                "ContentSid `{sid}` is not HX followed by 32 hex digits"
            )));
        }
    }
    if let Some(variables) = variables {
        let object = serde_json::from_str::<serde_json::Value>(variables)
            .is_ok_and(|value| value.is_object());
        if !object {
            return Err(ApiError::invalid_parameter(
                "ContentVariables must be a JSON object such as {\"1\":\"Ana\"}",
            ));
        }
    }
    Ok(())
}

/// The code `table` gives `number`, if it is magic.
fn magic(table: &[(&str, u32)], number: &E164) -> Option<u32> {
    table
        .iter()
        .find(|(magic, _)| *magic == number.as_str())
        .map(|(_, code)| *code)
}

fn present(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.is_empty())
}

fn is_http_url(value: &str) -> bool {
    url::Url::parse(value).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

fn refuse(code: u32, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Params {
        Params::parse(serde_urlencoded::to_string(pairs).unwrap().as_bytes())
    }

    fn code(pairs: &[(&str, &str)]) -> String {
        parse(&form(pairs)).unwrap_err().to_string()
    }

    #[test]
    fn conditional_parameters_are_required_in_twilio_order() {
        assert!(code(&[("From", "+15005550006"), ("Body", "x")]).contains("21604"));
        assert!(code(&[("To", "+15551230000"), ("Body", "x")]).contains("21603"));
        let missing = code(&[
            ("To", "+15551230000"),
            ("From", "+15005550006"),
            ("Body", ""),
        ]);
        assert!(missing.contains("21619"), "{missing}");
        let long = "x".repeat(1601);
        let too_long = code(&[
            ("To", "+15551230000"),
            ("From", "+15005550006"),
            ("Body", &long),
        ]);
        assert!(too_long.contains("21617"), "{too_long}");
    }

    #[test]
    fn a_valid_whatsapp_template_keeps_everything_as_sent() {
        let draft = parse(&form(&[
            ("To", "whatsapp:+15551230000"),
            ("From", "whatsapp:+15005550006"),
            ("ContentSid", "HXaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            ("ContentVariables", r#"{"1":"Ana"}"#),
            ("MediaUrl", "https://cdn.example/a.png"),
            ("StatusCallback", ""),
        ]))
        .unwrap();
        assert_eq!(draft.to.to_string(), "whatsapp:+15551230000");
        assert_eq!(draft.body, None);
        assert_eq!(draft.media_urls, ["https://cdn.example/a.png"]);
        assert_eq!(draft.status_callback, None);
    }

    #[test]
    fn malformed_extras_and_mixed_channels_are_20001() {
        let base = [("To", "+15551230000"), ("From", "+15005550006")];
        for extra in [
            ("MediaUrl", "ftp://x/a.png"),
            ("ContentSid", "HX12"),
            ("StatusCallback", "not a url"),
        ] {
            let pairs = [base[0], base[1], ("Body", "x"), extra];
            assert!(code(&pairs).contains("20001"), "{extra:?}");
        }
        let bad_variables = [base[0], base[1], ("Body", "x"), ("ContentVariables", "[1]")];
        assert!(code(&bad_variables).contains("20001"));
        let mixed = [("To", "whatsapp:+15551230000"), base[1], ("Body", "x")];
        assert!(code(&mixed).contains("20001"));
    }
}
