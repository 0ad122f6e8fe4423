//! A call's lifecycle after its answer: status callbacks (forward only) and the voicemail.

use cqrs_es::persist::PersistedEventRepository;
use switchboard_domain::call::{CallCommand, CallSid, CallStatus, Voicemail};

use crate::{AppError, RequestContext, Switchboard};

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// A call status callback: moves the call's status forward (a late or repeated callback
    /// changes nothing); a final status records `CallCompleted` with `duration_secs`.
    ///
    /// # Errors
    /// [`AppError::Store`] or [`AppError::Contention`].
    #[tracing::instrument(skip(self, context))]
    pub async fn change_call_status(
        &self,
        call_sid: &CallSid,
        status: CallStatus,
        duration_secs: Option<u32>,
        context: &RequestContext,
    ) -> Result<(), AppError> {
        let command = CallCommand::ChangeStatus {
            status,
            duration_secs,
            changed_at: self.clock.now(),
        };
        self.run(&self.calls, call_sid.as_str(), command, context)
            .await?;
        Ok(())
    }

    /// A recording callback: records the voicemail once.
    ///
    /// # Errors
    /// `CallError::NotReceived` for a CallSid never received; [`AppError::Store`].
    #[tracing::instrument(skip(self, context))]
    pub async fn record_voicemail(
        &self,
        call_sid: &CallSid,
        voicemail: Voicemail,
        context: &RequestContext,
    ) -> Result<(), AppError> {
        let command = CallCommand::RecordVoicemail {
            voicemail,
            recorded_at: self.clock.now(),
        };
        self.run(&self.calls, call_sid.as_str(), command, context)
            .await?;
        Ok(())
    }
}
