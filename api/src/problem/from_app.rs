//! The one mapping of application errors to problems (statuses and stable codes).

use poem::http::StatusCode;
use switchboard_application::ports::ProviderError;
use switchboard_application::AppError;
use switchboard_domain::api_keys::ApiKeyError;
use switchboard_domain::call::CallError;
use switchboard_domain::conversation::ConversationError;
use switchboard_domain::endpoint::EndpointError;
use switchboard_domain::organization::OrganizationError;
use switchboard_domain::phone_number::PhoneNumberError;
use switchboard_domain::quota::QuotaError;

use super::{ApiError, Problem};

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
            AppError::Call(CallError::NotReceived) => status_code(
                StatusCode::NOT_FOUND,
                "call_not_found",
                "no call was received with this CallSid".into(),
            )
            .with_field("CallSid"),
            AppError::Call(_) => status_code(StatusCode::CONFLICT, "conflict", error.to_string()),
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
            AppError::ApiKey(ApiKeyError::NotFound) => status_code(
                StatusCode::NOT_FOUND,
                "api_key_not_found",
                "this organization has no such API key".into(),
            )
            .with_field("key_id"),
            AppError::ApiKey(ApiKeyError::TooManyKeys { .. }) => status_code(
                StatusCode::CONFLICT,
                "api_key_limit_reached",
                error.to_string(),
            ),
            AppError::ApiKey(ApiKeyError::DuplicateKey) => {
                status_code(StatusCode::CONFLICT, "conflict", error.to_string())
            }
            AppError::ApiKey(ApiKeyError::InvalidName) => status_code(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_name",
                error.to_string(),
            )
            .with_field("name"),
            AppError::Endpoint(EndpointError::AlreadyExists) => {
                status_code(StatusCode::CONFLICT, "conflict", error.to_string())
            }
            AppError::Endpoint(EndpointError::DescriptionTooLong) => status_code(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_description",
                error.to_string(),
            )
            .with_field("description"),
            AppError::RecipientNotJoined(_) => status_code(
                StatusCode::CONFLICT,
                "recipient_not_joined",
                format!("{error}: on the shared number an organization reaches only customers who sent it `join <code>`"),
            )
            .with_field("to"),
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
