//! Status callbacks for sent messages, posted the way Twilio posts them (REFERENCE §2.2): a
//! signed form POST to the message's `StatusCallback` with `MessageSid`, `SmsSid`, `AccountSid`,
//! `From`, `To`, `MessageStatus`, `SmsStatus`, `ApiVersion`, plus `ErrorCode` when one is given,
//! `ChannelPrefix=whatsapp` (and `EventType=READ` for `read`) on WhatsApp, and `RawDlrDoneDate`
//! (`YYMMDDhhmm`, UTC) for SMS `delivered`/`undelivered`. Failures are logged, never retried.

use chrono::{DateTime, Utc};
use tracing::Instrument as _;

use super::sent::SentRecord;
use super::webhook::{deliver, WebhookAnswer, WebhookFailure};
use super::Sandbox;
use crate::twilio::API_VERSION;

/// The automatic statuses after `queued`, in order (no callback is sent for the initial
/// `queued`, REFERENCE §1.4).
const LIFECYCLE: [&str; 2] = ["sent", "delivered"];

/// What became of one status change.
#[derive(Debug)]
pub(crate) enum Notified {
    /// The callback was delivered; this is what the receiver answered.
    Answered(WebhookAnswer),
    /// The message has no `StatusCallback`; only the log changed.
    NoCallback,
}

/// Why a status change could not be announced.
#[derive(Debug, thiserror::Error)]
pub(crate) enum NotifyError {
    /// No sent message has that sid.
    #[error("no sent message {0}")]
    UnknownMessage(String),
    /// The callback URL could not be reached (the log changed anyway, as at Twilio).
    #[error("status callback to {url} failed: {failure}")]
    Unreachable {
        url: String,
        failure: WebhookFailure,
    },
}

/// Starts the background lifecycle of a just-sent message: after the configured delay a `sent`
/// callback, after another a `delivered` one. Failures are logged (warn), not retried.
pub(crate) fn spawn_lifecycle(sandbox: Sandbox, sid: String) {
    let span = tracing::info_span!("sandbox_status_callbacks", message_sid = %sid);
    let lifecycle = async move {
        for status in LIFECYCLE {
            let delay = sandbox.state().status_callback_delay;
            tokio::time::sleep(delay).await;
            match notify(&sandbox, &sid, status, None).await {
                Ok(Notified::Answered(answer)) => {
                    tracing::debug!(status, http_status = answer.status, "status callback sent");
                }
                Ok(Notified::NoCallback) => {}
                Err(error) => tracing::warn!(%error, status, "status callback failed"),
            }
        }
    };
    tokio::spawn(lifecycle.instrument(span));
}

/// Announces `status` (with `error_code`) for the sent message `sid` to its `StatusCallback`,
/// then records it as the message's latest status in the log — after the attempt, so a test
/// that sees the status in the log knows the callback has been tried.
///
/// # Errors
/// [`NotifyError::UnknownMessage`] for an unknown sid (nothing changes);
/// [`NotifyError::Unreachable`] when the callback fails (the status is still recorded).
pub(crate) async fn notify(
    sandbox: &Sandbox,
    sid: &str,
    status: &str,
    error_code: Option<u32>,
) -> Result<Notified, NotifyError> {
    let record = sandbox.state().sent.get(sid).cloned();
    let record = record.ok_or_else(|| NotifyError::UnknownMessage(sid.to_string()))?;
    let outcome = match &record.draft.status_callback {
        None => Ok(Notified::NoCallback),
        Some(url) => {
            let params = callback_params(
                sandbox.account_sid(),
                &record,
                status,
                error_code,
                Utc::now(),
            );
            deliver(sandbox, url, "POST", &params)
                .await
                .map(Notified::Answered)
                .map_err(|failure| NotifyError::Unreachable {
                    url: url.clone(),
                    failure,
                })
        }
    };
    sandbox
        .state()
        .sent
        .set_status(sid, status, error_code, Utc::now());
    outcome
}

/// The form parameters of one status callback.
fn callback_params(
    account_sid: &str,
    record: &SentRecord,
    status: &str,
    error_code: Option<u32>,
    now: DateTime<Utc>,
) -> Vec<(String, String)> {
    let from = record.draft.from.to_string();
    let to = record.draft.to.to_string();
    let mut params: Vec<(String, String)> = [
        ("ApiVersion", API_VERSION),
        ("MessageStatus", status),
        ("SmsSid", &record.sid),
        ("SmsStatus", status),
        ("To", &to),
        ("MessageSid", &record.sid),
        ("AccountSid", account_sid),
        ("From", &from),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    if let Some(code) = error_code {
        params.push(("ErrorCode".into(), code.to_string()));
    }
    if record.is_whatsapp() {
        params.push(("ChannelPrefix".into(), "whatsapp".into()));
        if status == "read" {
            params.push(("EventType".into(), "READ".into()));
        }
    } else if matches!(status, "delivered" | "undelivered") {
        params.push((
            "RawDlrDoneDate".into(),
            now.format("%y%m%d%H%M").to_string(),
        ));
    }
    params
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::sent::OutboundDraft;
    use chrono::TimeZone;
    use switchboard_domain::ChannelAddress;

    fn record(from: &str, to: &str) -> SentRecord {
        let draft = OutboundDraft {
            from: ChannelAddress::parse(from).unwrap(),
            to: ChannelAddress::parse(to).unwrap(),
            body: Some("secret body".into()),
            media_urls: Vec::new(),
            content_sid: None,
            content_variables: None,
            status_callback: Some("https://x.example/status".into()),
        };
        SentRecord::new(draft, crate::twilio::Flavor::Twilio, Utc::now())
    }

    fn get<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn sms_callbacks_carry_the_standard_fields_and_a_dlr_date_when_delivered() {
        let r = record("+14155550100", "+15551230000");
        let now = Utc.with_ymd_and_hms(2025, 3, 4, 5, 6, 7).unwrap();
        let p = callback_params("AC1", &r, "delivered", None, now);
        assert_eq!(get(&p, "MessageSid"), Some(r.sid.as_str()));
        assert_eq!(get(&p, "SmsSid"), Some(r.sid.as_str()));
        assert_eq!(get(&p, "MessageStatus"), Some("delivered"));
        assert_eq!(get(&p, "SmsStatus"), Some("delivered"));
        assert_eq!(get(&p, "RawDlrDoneDate"), Some("2503040506"));
        assert_eq!(get(&p, "ChannelPrefix"), None);
        assert_eq!(get(&p, "ErrorCode"), None);
        assert_eq!(get(&p, "Body"), None);
        let sent = callback_params("AC1", &r, "sent", None, now);
        assert_eq!(get(&sent, "RawDlrDoneDate"), None);
    }

    #[test]
    fn whatsapp_callbacks_name_the_channel_and_read_receipts() {
        let r = record("whatsapp:+14155550100", "whatsapp:+15551230000");
        let p = callback_params("AC1", &r, "read", Some(63016), Utc::now());
        assert_eq!(get(&p, "From"), Some("whatsapp:+14155550100"));
        assert_eq!(get(&p, "To"), Some("whatsapp:+15551230000"));
        assert_eq!(get(&p, "ChannelPrefix"), Some("whatsapp"));
        assert_eq!(get(&p, "EventType"), Some("READ"));
        assert_eq!(get(&p, "ErrorCode"), Some("63016"));
        assert_eq!(get(&p, "RawDlrDoneDate"), None);
    }
}
