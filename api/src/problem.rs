//! RFC 9457 (formerly 7807) problem details: every error the API answers is
//! `application/problem+json` with a stable machine `code` and, where one is at fault, the `field`.

use poem::http::StatusCode;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};
use switchboard_application::ports::ProviderError;
use switchboard_application::AppError;
use switchboard_domain::conversation::ConversationError;
use switchboard_domain::endpoint::EndpointError;
use switchboard_domain::organization::OrganizationError;
use switchboard_domain::phone_number::PhoneNumberError;
use switchboard_domain::quota::QuotaError;

/// A problem detail (RFC 9457 §3) with Switchboard's extensions.
#[derive(Clone, Debug, PartialEq, Object)]
pub struct Problem {
    /// A URI naming the problem type: `https://switchboard.dev/problems/{code}`.
    #[oai(rename = "type")]
    pub problem_type: String,
    /// Short human summary of the type.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong in this case.
    pub detail: String,
    /// Stable machine code, e.g. `number_limit_reached`.
    pub code: String,
    /// The request field at fault (body field, path or query parameter name), when one is.
    #[oai(skip_serializing_if_is_none)]
    pub field: Option<String>,
    /// The provider's error code (Twilio's, e.g. 21422), for provider refusals.
    #[oai(skip_serializing_if_is_none)]
    pub provider_code: Option<u32>,
    /// The provider's message, for provider refusals.
    #[oai(skip_serializing_if_is_none)]
    pub provider_message: Option<String>,
    /// The provider's documentation link, for provider refusals.
    #[oai(skip_serializing_if_is_none)]
    pub provider_more_info: Option<String>,
}

impl Problem {
    /// A problem with `status`, `code` and `detail`.
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Self {
            problem_type: format!("https://switchboard.dev/problems/{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.to_string(),
            field: None,
            provider_code: None,
            provider_message: None,
            provider_more_info: None,
        }
    }

    /// Renders the problem as an `application/problem+json` response with its status.
    pub fn into_response(self) -> poem::Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        let body =
            serde_json::to_string(&poem_openapi::types::ToJSON::to_json(&self)).unwrap_or_default();
        poem::Response::builder()
            .status(status)
            .content_type("application/problem+json")
            .body(body)
    }

    /// Names the field at fault.
    pub fn with_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }
}

/// Every error response of the API.
#[derive(Debug, ApiResponse)]
pub enum ApiError {
    /// A malformed path or query parameter or body.
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// Missing or wrong bearer token.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>),
    /// The organization or number does not exist (for this organization).
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// A business rule refused the request (limit reached, number taken, …).
    #[oai(status = 409, content_type = "application/problem+json")]
    Conflict(Json<Problem>),
    /// A field's value is invalid, or the provider refused (its code and message passed through).
    #[oai(status = 422, content_type = "application/problem+json")]
    Unprocessable(Json<Problem>),
    /// The provider or the database is unavailable, or contention persisted; retry later.
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(
        Json<Problem>,
        /// Seconds to wait before retrying.
        #[oai(header = "Retry-After")]
        u32,
    ),
}

impl ApiError {
    /// Wraps a problem in the variant of its status.
    pub fn from_problem(problem: Problem) -> Self {
        match problem.status {
            400 => ApiError::BadRequest(Json(problem)),
            401 => ApiError::Unauthorized(Json(problem)),
            404 => ApiError::NotFound(Json(problem)),
            409 => ApiError::Conflict(Json(problem)),
            422 => ApiError::Unprocessable(Json(problem)),
            _ => ApiError::Unavailable(Json(problem), 1),
        }
    }

    /// 400 for a path or query parameter.
    pub fn bad_parameter(field: &str, code: &str, detail: impl Into<String>) -> Self {
        Self::from_problem(Problem::new(StatusCode::BAD_REQUEST, code, detail).with_field(field))
    }

    /// 422 for a body field.
    pub fn invalid_field(field: &str, code: &str, detail: impl Into<String>) -> Self {
        Self::from_problem(
            Problem::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail).with_field(field),
        )
    }
}

fn provider_problem(error: &ProviderError) -> Problem {
    match error.fault() {
        Some(fault) if !matches!(error, ProviderError::Authentication(_)) => {
            let mut problem = Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "provider_refused",
                format!("the provider refused: {} ({})", fault.message, fault.code),
            );
            problem.provider_code = Some(fault.code);
            problem.provider_message = Some(fault.message.clone());
            problem.provider_more_info = fault.more_info.clone();
            problem
        }
        _ => {
            tracing::error!(%error, "telephony provider failure");
            Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "provider_unavailable",
                "the telephony provider is unavailable or refused our credentials; retry later",
            )
        }
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        use OrganizationError as O;
        let status_code = |status, code: &str, detail: String| Problem::new(status, code, detail);
        let problem = match &error {
            AppError::Organization(O::NotFound | O::Deleted { .. }) => status_code(
                StatusCode::NOT_FOUND,
                "organization_not_found",
                "no such organization".into(),
            )
            .with_field("id"),
            AppError::Organization(O::NumberLimitReached { .. }) => status_code(
                StatusCode::CONFLICT,
                "number_limit_reached",
                error.to_string(),
            ),
            AppError::Organization(O::PlanTooSmall { .. }) => {
                status_code(StatusCode::CONFLICT, "plan_too_small", error.to_string())
                    .with_field("plan")
            }
            AppError::Organization(O::NumberAlreadyHeld { .. }) => status_code(
                StatusCode::CONFLICT,
                "number_already_held",
                error.to_string(),
            )
            .with_field("phone_number"),
            AppError::Organization(O::StillHoldsNumbers { .. }) => status_code(
                StatusCode::CONFLICT,
                "provisioning_in_flight",
                error.to_string(),
            ),
            AppError::Organization(
                O::AlreadyExists { .. } | O::UnknownRequest { .. } | O::NumberNotHeld { .. },
            ) => status_code(StatusCode::CONFLICT, "conflict", error.to_string()),
            AppError::PhoneNumber(PhoneNumberError::NumberTaken { phone_number, .. }) => {
                status_code(
                    StatusCode::CONFLICT,
                    "number_taken",
                    format!("{phone_number} is held by another organization"),
                )
                .with_field("phone_number")
            }
            AppError::PhoneNumber(_) | AppError::NumberNotHeld(_) => status_code(
                StatusCode::NOT_FOUND,
                "number_not_found",
                "this organization holds no such number".into(),
            )
            .with_field("phone_number"),
            AppError::Message(_) => {
                status_code(StatusCode::CONFLICT, "conflict", error.to_string())
            }
            AppError::Provider(provider) => provider_problem(provider),
            AppError::Quota(QuotaError::QuotaExhausted { .. }) => status_code(
                StatusCode::CONFLICT,
                "quota_exhausted",
                "the plan's messages for this billing period are used up".into(),
            ),
            AppError::Quota(QuotaError::WrongPeriod { .. }) => {
                status_code(StatusCode::CONFLICT, "conflict", error.to_string())
            }
            AppError::Conversation(ConversationError::RecipientOptedOut) => status_code(
                StatusCode::CONFLICT,
                "recipient_opted_out",
                "the recipient opted out (STOP); they must opt back in (START) first".into(),
            )
            .with_field("to"),
            AppError::Conversation(ConversationError::WhatsappWindowClosed { .. }) => status_code(
                StatusCode::UNPROCESSABLE_ENTITY,
                "whatsapp_window_closed",
                "more than 24 hours since the customer's last message: send an approved template \
                 (content_sid)"
                    .into(),
            )
            .with_field("content_sid"),
            AppError::Endpoint(EndpointError::NotFound) => status_code(
                StatusCode::NOT_FOUND,
                "endpoint_not_found",
                "this organization has no such endpoint".into(),
            )
            .with_field("endpoint_id"),
            AppError::Endpoint(EndpointError::AlreadyExists) => {
                status_code(StatusCode::CONFLICT, "conflict", error.to_string())
            }
            AppError::Endpoint(EndpointError::DescriptionTooLong) => status_code(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_description",
                error.to_string(),
            )
            .with_field("description"),
            AppError::NoSendingNumber => status_code(
                StatusCode::CONFLICT,
                "no_sending_number",
                "the organization has no number and no shared number is configured".into(),
            ),
            AppError::Contention(what) => status_code(
                StatusCode::SERVICE_UNAVAILABLE,
                "contention",
                format!("too many concurrent changes to this {what}; retry"),
            ),
            AppError::Store(cause) => {
                tracing::error!(%cause, "storage failure");
                status_code(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage_unavailable",
                    "storage is unavailable; retry later".into(),
                )
            }
        };
        ApiError::from_problem(problem)
    }
}
