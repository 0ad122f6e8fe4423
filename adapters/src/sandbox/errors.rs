//! The sandbox's error answers: Twilio's JSON error body for the REST API, and a small JSON
//! problem for the customer simulator (which is not part of Twilio).

use poem::error::ResponseError;
use poem::http::StatusCode;
use poem::web::Json;
use poem::{IntoResponse, Response};
use serde_json::json;
use switchboard_domain::AreaCode;

use crate::twilio::errors::{
    more_info_url, AUTHENTICATION_FAILED, INVALID_NUMBER, NOT_FOUND, NO_NUMBERS_IN_AREA_CODE,
    NUMBER_UNAVAILABLE,
};

/// Twilio error 21451: invalid area code (error page 21451).
pub(crate) const INVALID_AREA_CODE: u32 = 21451;
/// The code the sandbox uses for a missing or malformed parameter that REFERENCE names no
/// specific code for (Twilio's 20001, "invalid parameter"; the exact code Twilio uses in each
/// such case is not verified).
pub(crate) const INVALID_PARAMETER: u32 = 20001;

/// A Twilio REST refusal, answered as
/// `{"code", "message", "more_info": "https://www.twilio.com/docs/errors/{code}", "status"}`
/// (REFERENCE §1.5).
#[derive(Debug, thiserror::Error)]
#[error("{message} (Twilio error {code}, HTTP {status})")]
pub(crate) struct ApiError {
    status: StatusCode,
    code: u32,
    message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: u32, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    /// 401 / 20003, exactly as Twilio answers bad credentials.
    pub fn authenticate() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            AUTHENTICATION_FAILED,
            "Authenticate",
        )
    }

    /// 404 / 20404 for `path`.
    pub fn not_found(path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            NOT_FOUND,
            format!("The requested resource {path} was not found"),
        )
    }

    /// 400 / 21422.
    pub fn number_unavailable(number: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            NUMBER_UNAVAILABLE,
            format!("Phone number {number} is not available"),
        )
    }

    /// 400 / 21421.
    pub fn invalid_number(number: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            INVALID_NUMBER,
            format!("PhoneNumber {number} is invalid"),
        )
    }

    /// 400 / 21452.
    pub fn no_numbers_in_area_code(area_code: &AreaCode) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            NO_NUMBERS_IN_AREA_CODE,
            format!("No phone numbers found in area code {area_code}"),
        )
    }

    /// 400 / 20001 for a missing or malformed parameter.
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, INVALID_PARAMETER, message)
    }
}

impl ResponseError for ApiError {
    fn status(&self) -> StatusCode {
        self.status
    }

    fn as_response(&self) -> Response {
        let body = json!({
            "code": self.code,
            "message": self.message,
            "more_info": more_info_url(self.code),
            "status": self.status.as_u16(),
        });
        Json(body).with_status(self.status).into_response()
    }
}

/// A refusal in SignalWire's list shape, `{"errors": [{"code", "message", "more_info"}]}`,
/// which some of its Compatibility API endpoints answer with (REFERENCE §6).
#[derive(Debug, thiserror::Error)]
#[error("{message} (SignalWire {code}, HTTP {status})")]
pub(crate) struct SignalWireErrors {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl SignalWireErrors {
    /// 422 for an `IncomingPhoneNumbers` create without `PhoneNumber` (SignalWire has no
    /// `AreaCode` there). The code string is the sandbox's choice; SignalWire's is not documented.
    pub fn phone_number_required() -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "missing_required_parameter",
            message: "PhoneNumber is required (AreaCode is not supported; search \
                      AvailablePhoneNumbers, then buy by PhoneNumber)"
                .into(),
        }
    }
}

impl ResponseError for SignalWireErrors {
    fn status(&self) -> StatusCode {
        self.status
    }

    fn as_response(&self) -> Response {
        let body = json!({
            "errors": [{
                "code": self.code,
                "message": self.message,
                "more_info": "https://developer.signalwire.com/compatibility-api/rest/",
            }],
        });
        Json(body).with_status(self.status).into_response()
    }
}

/// A refusal of the customer simulator (`POST /sandbox/messages`), answered as
/// `{"code": "<snake_case>", "message", "status"}` plus optional details.
#[derive(Debug, thiserror::Error)]
#[error("{message} ({code}, HTTP {status})")]
pub(crate) struct SimulatorProblem {
    status: StatusCode,
    code: &'static str,
    message: String,
    webhook_url: Option<String>,
}

impl SimulatorProblem {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            webhook_url: None,
        }
    }

    /// Adds the webhook URL the problem concerns.
    pub fn at(mut self, webhook_url: &str) -> Self {
        self.webhook_url = Some(webhook_url.to_string());
        self
    }
}

impl ResponseError for SimulatorProblem {
    fn status(&self) -> StatusCode {
        self.status
    }

    fn as_response(&self) -> Response {
        let mut body = json!({
            "code": self.code,
            "message": self.message,
            "status": self.status.as_u16(),
        });
        if let Some(url) = &self.webhook_url {
            body["webhook_url"] = json!(url);
        }
        Json(body).with_status(self.status).into_response()
    }
}
