use cqrs_es::persist::PersistedEventRepository;
use switchboard_domain::message::{InboundMessage, Media, MessageCommand, Routing};
use switchboard_domain::{ChannelAddress, MessageSid};

use crate::execute::execute;
use crate::{AppError, RequestContext, Switchboard};

/// An inbound message webhook, parsed at the edge ("Twilio's request to your incoming message
/// Webhook URL" doc page).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboundWebhook {
    /// `MessageSid`.
    pub message_sid: MessageSid,
    /// `AccountSid`.
    pub account_sid: String,
    /// `From`, as sent.
    pub from: String,
    /// `To`, parsed (channel from the `whatsapp:` prefix).
    pub to: ChannelAddress,
    /// `Body`.
    pub body: String,
    /// `MediaUrl{N}` / `MediaContentType{N}`.
    pub media: Vec<Media>,
    /// `ProfileName` (WhatsApp).
    pub profile_name: Option<String>,
    /// `WaId` (WhatsApp).
    pub wa_id: Option<String>,
}

/// What became of an inbound message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedMessage {
    /// The message as recorded (the first delivery's, for a duplicate).
    pub message: InboundMessage,
    /// Whether this delivery recorded it (false for a duplicate of a MessageSid already recorded).
    pub newly_recorded: bool,
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Records an inbound message once per MessageSid, routed to the organization that holds the
    /// `To` number now (read from the number's own stream, so a release is seen at once), or as
    /// unrouted. A redelivery returns the first delivery's record.
    ///
    /// # Errors
    /// [`AppError::Store`] or [`AppError::Contention`]; nothing is answered 2xx unless recorded.
    #[tracing::instrument(skip(self, webhook, context), fields(message_sid = %webhook.message_sid, to = %webhook.to))]
    pub async fn receive_message(
        &self,
        webhook: InboundWebhook,
        context: &RequestContext,
    ) -> Result<ReceivedMessage, AppError> {
        let number = self.phone_number(&webhook.to.number).await?;
        let routing = match number.owner() {
            Some(organization_id) => Routing::Routed { organization_id },
            None => Routing::Unrouted,
        };
        let message = InboundMessage {
            message_sid: webhook.message_sid.clone(),
            account_sid: webhook.account_sid,
            channel: webhook.to.channel,
            from: webhook.from,
            to: webhook.to,
            body: webhook.body,
            media: webhook.media,
            profile_name: webhook.profile_name,
            wa_id: webhook.wa_id,
            routing,
        };
        let command = MessageCommand::ReceiveMessage {
            message,
            received_at: self.clock.now(),
        };
        let (state, committed) = execute(
            &self.messages,
            &(),
            webhook.message_sid.as_str(),
            command,
            context.metadata(),
        )
        .await
        .map_err(|e| AppError::from_aggregate(e, "message"))?;
        if committed > 0 {
            self.log.notify_append();
        }
        let message = state.received().cloned().ok_or_else(|| {
            AppError::Store(crate::ports::StoreError("message not recorded".into()))
        })?;
        Ok(ReceivedMessage {
            message,
            newly_recorded: committed > 0,
        })
    }
}
