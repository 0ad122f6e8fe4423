use crate::MessageSid;

/// The rules of the `Message` aggregate.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    /// The command's MessageSid is not the stream's.
    #[error("message {command} sent to the stream of {stream}")]
    WrongMessage {
        /// The MessageSid in the command.
        command: MessageSid,
        /// The stream's MessageSid.
        stream: MessageSid,
    },
    /// Deciding the outcome of a message that was never received.
    #[error("no inbound message was received with this MessageSid")]
    NotReceived,
    /// A responder reply to a message that was not accepted (refused, opted out, a keyword…).
    #[error("the message was not accepted, so it gets no responder reply")]
    NotAccepted,
}
