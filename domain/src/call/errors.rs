use super::CallSid;

/// The rules of the `Call` aggregate.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// The command's CallSid is not the stream's.
    #[error("call {command} sent to the stream of {stream}")]
    WrongCall {
        /// The CallSid in the command.
        command: CallSid,
        /// The stream's CallSid.
        stream: CallSid,
    },
    /// Answering (or recording a voicemail of) a call that was never received.
    #[error("no inbound call was received with this CallSid")]
    NotReceived,
    /// A dial status for a call that was not put through.
    #[error("the call was not forwarded")]
    NotForwarded,
}
