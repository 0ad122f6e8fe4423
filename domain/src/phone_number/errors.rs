use crate::{OrganizationId, E164};

/// The rules of the `PhoneNumber` aggregate.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhoneNumberError {
    /// Another organization owns the number (one owner at a time).
    #[error("{phone_number} is held by another organization")]
    NumberTaken {
        /// The number.
        phone_number: E164,
        /// Its owner.
        owner: OrganizationId,
    },
    /// The command names a different number than the aggregate's id.
    #[error("command for {command} sent to the stream of {stream}")]
    WrongNumber {
        /// The number in the command.
        command: E164,
        /// The stream's number.
        stream: E164,
    },
    /// Configuring or releasing a number nobody owns.
    #[error("the number is not provisioned")]
    NotProvisioned,
    /// Configuring or releasing a number another organization owns.
    #[error("the number is held by {owner}, not by {requested_by}")]
    NotOwner {
        /// The owner.
        owner: OrganizationId,
        /// Who asked.
        requested_by: OrganizationId,
    },
    /// Marking lost a number under another provider SID than the one it holds.
    #[error("the number is held under {held}, not {given}")]
    OtherProviderSid {
        /// The SID of the current ownership.
        held: String,
        /// The SID given.
        given: String,
    },
    /// Marking lost a number whose release was requested: it is being released, not lost.
    #[error("the number's release is under way")]
    ReleaseUnderWay,
}
