//! Turning a provider's refusal or failure into a typed [`ProviderError`].
//!
//! Error bodies come in three shapes (REFERENCE §1.5 and §6): Twilio's legacy
//! `{code, message, more_info, status}`, the RFC 9457 shape newer Twilio APIs use
//! (`{type, title, status, code, detail}`, recognised by twilio-python `twilio/base/version.py`),
//! and SignalWire's `{"errors":[{code, message, more_info}]}` (or `{"errors":["…"]}`).

use reqwest::StatusCode;
use serde_json::Value;
use switchboard_application::ports::{ProviderError, ProviderFault};

/// Twilio error 21422: the number is not available (error page 21422).
pub const NUMBER_UNAVAILABLE: u32 = 21422;
/// Twilio error 21421: the phone number is invalid (error page 21421).
pub const INVALID_NUMBER: u32 = 21421;
/// Twilio error 21452: no phone numbers found in that area code ("Test Credentials" page).
pub const NO_NUMBERS_IN_AREA_CODE: u32 = 21452;
/// Twilio error 20003: authentication failed / permission denied (error page 20003).
pub const AUTHENTICATION_FAILED: u32 = 20003;
/// Twilio error 20404: the requested resource was not found (error page 20404).
pub const NOT_FOUND: u32 = 20404;

// Refusals of `POST …/Messages.json` (REFERENCE §1.4, §1.5, §5). None has a typed
// `ProviderError` variant: they all arrive as `ProviderError::Rejected` with the fault intact,
// so callers match on `fault.code` against these.

/// Twilio error 21211: the `To` number is not a valid phone number (error page 21211).
pub const INVALID_TO_NUMBER: u32 = 21211;
/// Twilio error 21212: the `From` number is not a valid phone number, short code or
/// alphanumeric sender ID ("Test Credentials" page).
pub const INVALID_FROM_NUMBER: u32 = 21212;
/// Twilio error 21408: sending to the `To` number's region is not enabled ("Test Credentials").
pub const REGION_NOT_PERMITTED: u32 = 21408;
/// Twilio error 21603: a `From` (or `MessagingServiceSid`) is required (Twilio's error
/// catalogue; not in REFERENCE's table).
pub const FROM_REQUIRED: u32 = 21603;
/// Twilio error 21604: a `To` number is required (Twilio's error catalogue; not in REFERENCE's
/// table).
pub const TO_REQUIRED: u32 = 21604;
/// Twilio error 21606: `From` is not a valid, SMS-capable number of the account (error page
/// 21606).
pub const FROM_NOT_OWNED: u32 = 21606;
/// Twilio error 21610: the recipient replied STOP and is unsubscribed (error page 21610).
pub const RECIPIENT_UNSUBSCRIBED: u32 = 21610;
/// Twilio error 21611: the `From` number's queue of outbound messages is full ("Test
/// Credentials").
pub const QUEUE_FULL: u32 = 21611;
/// Twilio error 21612: Twilio cannot route to the `To` number ("Test Credentials").
pub const UNROUTABLE_TO: u32 = 21612;
/// Twilio error 21614: the `To` number cannot receive SMS ("Test Credentials").
pub const TO_NOT_SMS_CAPABLE: u32 = 21614;
/// Twilio error 21617: the body exceeds 1600 characters (Twilio's error catalogue; not in
/// REFERENCE's table).
pub const BODY_TOO_LONG: u32 = 21617;
/// Twilio error 21619: one of `Body`, `MediaUrl` or `ContentSid` is required (error page 21619).
pub const CONTENT_REQUIRED: u32 = 21619;
/// Twilio error 63016: outside the WhatsApp 24-hour customer-service window; only an approved
/// template (`ContentSid`) may be sent (error page 63016).
pub const WHATSAPP_WINDOW_CLOSED: u32 = 63016;

/// The documentation link Twilio puts in `more_info` for `code`.
pub fn more_info_url(code: u32) -> String {
    format!("https://www.twilio.com/docs/errors/{code}")
}

/// The typed error for a non-2xx answer with status `status` and raw body `body`.
///
/// 5xx → `Unavailable`; 4xx → a fault (from the body, or the HTTP status as code and the body
/// text as message when it has none) classified by Twilio code first (21422, 21421, 21452, 20003,
/// 20404), then by status (401 → `Authentication`, 404 → `NotFound`), else `Rejected`; any other
/// status (1xx/3xx) → `InvalidResponse`.
pub(crate) fn from_status(status: StatusCode, body: &[u8]) -> ProviderError {
    if status.is_server_error() {
        let detail = parse_fault(status, body)
            .map(|fault| format!("{} (code {})", fault.message, fault.code))
            .unwrap_or_else(|| snippet(body));
        return ProviderError::Unavailable(format!("HTTP {status}: {detail}"));
    }
    if !status.is_client_error() {
        return ProviderError::InvalidResponse(format!("unexpected HTTP {status}"));
    }
    let fault = parse_fault(status, body).unwrap_or_else(|| ProviderFault {
        code: u32::from(status.as_u16()),
        message: non_empty(snippet(body))
            .or_else(|| status.canonical_reason().map(str::to_string))
            .unwrap_or_default(),
        more_info: None,
        http_status: status.as_u16(),
    });
    classify(status, fault)
}

/// The typed error for a transport failure (connection refused, TLS, timeout…): always
/// `Unavailable`, since retrying may help. The message never contains credentials (reqwest's
/// errors name the URL, which holds only the account SID).
pub(crate) fn from_transport(error: &reqwest::Error) -> ProviderError {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    ProviderError::Unavailable(format!("{kind}: {error}"))
}

fn classify(status: StatusCode, fault: ProviderFault) -> ProviderError {
    match fault.code {
        NUMBER_UNAVAILABLE => ProviderError::NumberUnavailable(fault),
        INVALID_NUMBER => ProviderError::InvalidNumber(fault),
        NO_NUMBERS_IN_AREA_CODE => ProviderError::NoNumbersInAreaCode(fault),
        AUTHENTICATION_FAILED => ProviderError::Authentication(fault),
        NOT_FOUND => ProviderError::NotFound(fault),
        _ if status == StatusCode::UNAUTHORIZED => ProviderError::Authentication(fault),
        _ if status == StatusCode::NOT_FOUND => ProviderError::NotFound(fault),
        _ => ProviderError::Rejected(fault),
    }
}

/// The fault in `body`, in any of the three shapes; `None` when the body is not a JSON object
/// with at least a code or a message.
fn parse_fault(status: StatusCode, body: &[u8]) -> Option<ProviderFault> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let object = match value.get("errors").and_then(Value::as_array) {
        Some(errors) => errors.first()?,
        None => &value,
    };
    if let Value::String(message) = object {
        return Some(fault(status, None, Some(message.clone()), None));
    }
    let code = object.get("code").and_then(as_code);
    let message = ["message", "detail", "title"]
        .iter()
        .find_map(|key| object.get(*key).and_then(as_text));
    if code.is_none() && message.is_none() {
        return None;
    }
    let more_info = ["more_info", "type"]
        .iter()
        .find_map(|key| object.get(*key).and_then(as_text))
        .filter(|link| link.starts_with("http"));
    Some(fault(status, code, message, more_info))
}

fn fault(
    status: StatusCode,
    code: Option<u32>,
    message: Option<String>,
    more_info: Option<String>,
) -> ProviderFault {
    ProviderFault {
        code: code.unwrap_or(u32::from(status.as_u16())),
        message: message.unwrap_or_default(),
        more_info,
        http_status: status.as_u16(),
    }
}

/// A Twilio code given as a number or a numeric string.
fn as_code(value: &Value) -> Option<u32> {
    match value {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn as_text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_string).and_then(non_empty)
}

fn non_empty(s: String) -> Option<String> {
    (!s.trim().is_empty()).then_some(s)
}

/// At most 200 characters of a body, for messages.
fn snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(body).chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_twilio_bodies_become_typed_refusals() {
        let body = br#"{"code":21422,"message":"PhoneNumber not available","more_info":"https://www.twilio.com/docs/errors/21422","status":400}"#;
        let ProviderError::NumberUnavailable(fault) = from_status(StatusCode::BAD_REQUEST, body)
        else {
            panic!("expected NumberUnavailable")
        };
        assert_eq!(fault.code, 21422);
        assert_eq!(fault.message, "PhoneNumber not available");
        assert_eq!(
            fault.more_info.as_deref(),
            Some(more_info_url(21422).as_str())
        );
        assert_eq!(fault.http_status, 400);
    }

    #[test]
    fn rfc_9457_and_signalwire_bodies_are_understood() {
        let problem = br#"{"type":"https://www.twilio.com/docs/errors/21421","title":"Invalid","status":400,"code":21421,"detail":"bad number"}"#;
        let error = from_status(StatusCode::BAD_REQUEST, problem);
        assert!(matches!(&error, ProviderError::InvalidNumber(f) if f.message == "bad number"));
        let signalwire = br#"{"errors":[{"code":"21452","message":"none left","more_info":"https://developer.signalwire.com/x"}]}"#;
        let error = from_status(StatusCode::UNPROCESSABLE_ENTITY, signalwire);
        assert!(matches!(error, ProviderError::NoNumbersInAreaCode(f) if f.http_status == 422));
        let strings = br#"{"errors":["PhoneNumber is required"]}"#;
        let error = from_status(StatusCode::UNPROCESSABLE_ENTITY, strings);
        assert!(
            matches!(error, ProviderError::Rejected(f) if f.code == 422 && f.message == "PhoneNumber is required")
        );
    }

    #[test]
    fn bare_401_and_404_fall_back_to_their_status() {
        assert!(matches!(
            from_status(StatusCode::UNAUTHORIZED, b""),
            ProviderError::Authentication(f) if f.code == 401 && f.message == "Unauthorized"
        ));
        assert!(matches!(
            from_status(StatusCode::NOT_FOUND, b"<html>nope</html>"),
            ProviderError::NotFound(f) if f.code == 404 && f.message == "<html>nope</html>"
        ));
        assert!(matches!(
            from_status(StatusCode::BAD_REQUEST, br#"{"code":21211,"message":"bad To"}"#),
            ProviderError::Rejected(f) if f.code == 21211 && f.more_info.is_none()
        ));
    }

    #[test]
    fn message_refusals_stay_rejected_with_the_fault_intact() {
        for code in [
            RECIPIENT_UNSUBSCRIBED,
            INVALID_TO_NUMBER,
            UNROUTABLE_TO,
            REGION_NOT_PERMITTED,
            TO_NOT_SMS_CAPABLE,
            FROM_NOT_OWNED,
            INVALID_FROM_NUMBER,
            WHATSAPP_WINDOW_CLOSED,
        ] {
            let body = serde_json::json!({
                "code": code,
                "message": format!("refused with {code}"),
                "more_info": more_info_url(code),
                "status": 400,
            });
            let error = from_status(StatusCode::BAD_REQUEST, body.to_string().as_bytes());
            let expected = ProviderFault {
                code,
                message: format!("refused with {code}"),
                more_info: Some(more_info_url(code)),
                http_status: 400,
            };
            assert_eq!(error, ProviderError::Rejected(expected), "{code}");
        }
    }

    #[test]
    fn server_errors_are_unavailable_and_redirects_invalid() {
        assert!(matches!(
            from_status(StatusCode::SERVICE_UNAVAILABLE, b"busy"),
            ProviderError::Unavailable(m) if m.contains("503") && m.contains("busy")
        ));
        assert!(matches!(
            from_status(StatusCode::FOUND, b""),
            ProviderError::InvalidResponse(_)
        ));
    }
}
