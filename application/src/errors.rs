use cqrs_es::AggregateError;
use switchboard_domain::api_keys::ApiKeyError;
use switchboard_domain::call::CallError;
use switchboard_domain::conversation::ConversationError;
use switchboard_domain::endpoint::EndpointError;
use switchboard_domain::message::MessageError;
use switchboard_domain::organization::OrganizationError;
use switchboard_domain::phone_number::PhoneNumberError;
use switchboard_domain::quota::QuotaError;
use switchboard_domain::shared_number::SharedNumberError;

use crate::ports::{ProviderError, StoreError};

/// What a use case can fail with: a business refusal of one aggregate, a provider refusal, or an
/// operational failure. The API maps each to one HTTP status and a stable `code`.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The organization's rules refused the command.
    #[error(transparent)]
    Organization(#[from] OrganizationError),
    /// The number's rules refused the command.
    #[error(transparent)]
    PhoneNumber(#[from] PhoneNumberError),
    /// The message's rules refused the command.
    #[error(transparent)]
    Message(#[from] MessageError),
    /// The call's rules refused the command.
    #[error(transparent)]
    Call(#[from] CallError),
    /// The quota refused (outbound sends beyond the plan).
    #[error(transparent)]
    Quota(#[from] QuotaError),
    /// The conversation's rules refused an outbound send.
    #[error(transparent)]
    Conversation(#[from] ConversationError),
    /// The API keys' rules refused the command.
    #[error(transparent)]
    ApiKey(#[from] ApiKeyError),
    /// The endpoint's rules refused the command.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// The organization has no number to send from (no dedicated number, no shared number).
    #[error("the organization has no number to send from")]
    NoSendingNumber,
    /// The organization has only the shared number, and the recipient has not joined it there.
    #[error("{0} has not joined this organization on the shared number")]
    RecipientNotJoined(String),
    /// The organization does not hold that number.
    #[error("the organization does not hold {0}")]
    NumberNotHeld(String),
    /// The telephony provider refused or failed.
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// Optimistic concurrency kept failing after every retry.
    #[error("too much contention on {0}; retry")]
    Contention(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AppError {
    /// Maps a cqrs-es error: user errors become the aggregate's refusal, conflicts `Contention`,
    /// the rest `Store`.
    pub fn from_aggregate<E>(error: AggregateError<E>, aggregate: &str) -> Self
    where
        E: std::error::Error + Into<AppError>,
    {
        match error {
            AggregateError::UserError(e) => e.into(),
            AggregateError::AggregateConflict => AppError::Contention(aggregate.to_string()),
            AggregateError::DatabaseConnectionError(e)
            | AggregateError::DeserializationError(e)
            | AggregateError::UnexpectedError(e) => AppError::Store(StoreError::from_error(e)),
        }
    }
}

impl From<switchboard_domain::privacy::PrivacyError> for AppError {
    fn from(error: switchboard_domain::privacy::PrivacyError) -> Self {
        match error {}
    }
}

impl From<SharedNumberError> for AppError {
    fn from(error: SharedNumberError) -> Self {
        match error {}
    }
}
