use cqrs_es::persist::PersistedEventRepository;
use switchboard_domain::conversation::{
    conversation_id, Conversation, ConversationCommand, ConversationError,
};
use switchboard_domain::message::{MessageCommand, OutboundMessage};
use switchboard_domain::quota::QuotaError;
use switchboard_domain::shared_number::SharedNumberMember;
use switchboard_domain::{ChannelAddress, MessageSid, MessageStatus, OrganizationId, E164};

use crate::ports::{OutboundRequest, ProviderError};
use crate::{AppError, RequestContext, Switchboard};

/// Twilio's "Attempt to send to unsubscribed recipient" (error 21610 page).
const TWILIO_UNSUBSCRIBED: u32 = 21610;

/// A validated request to send a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendMessage {
    /// The customer and the channel.
    pub to: ChannelAddress,
    /// Free-form text.
    pub body: Option<String>,
    /// Media URLs (≤ 10).
    pub media_urls: Vec<String>,
    /// An approved WhatsApp template (`HX…`).
    pub content_sid: Option<String>,
    /// The template's variables, a JSON object as text.
    pub content_variables: Option<String>,
}

/// A message the provider accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentMessage {
    /// The provider's MessageSid.
    pub message_sid: MessageSid,
    /// What was sent.
    pub message: OutboundMessage,
    /// Its status now.
    pub status: MessageStatus,
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Sends a message from the organization's number (its first dedicated one, else the shared
    /// number) through the provider, with our status callback, and records `MessageSent`.
    /// Refused before any provider call when the customer opted out, when WhatsApp free-form
    /// text is outside the 24-hour window, or when the quota is used up (sends count too).
    ///
    /// # Errors
    /// `ConversationError::{RecipientOptedOut, WhatsappWindowClosed}`, `QuotaError::QuotaExhausted`,
    /// [`AppError::NoSendingNumber`], [`AppError::RecipientNotJoined`] (the shared number reaches
    /// only customers who joined this organization), provider refusals (21610 also opts the
    /// customer out).
    #[tracing::instrument(skip(self, send, context), fields(to = %send.to))]
    pub async fn send_message(
        &self,
        organization_id: OrganizationId,
        send: SendMessage,
        context: &RequestContext,
    ) -> Result<SentMessage, AppError> {
        let org = self.active_organization(organization_id).await?;
        let number = match org.numbers().iter().next() {
            Some(dedicated) => dedicated,
            None => self.shared_sender(organization_id, &send.to).await?,
        };
        let from = ChannelAddress {
            channel: send.to.channel,
            number: number.clone(),
        }
        .to_string();
        let customer = send.to.to_string();
        let now = self.clock.now();
        let conversation_key = conversation_id(organization_id, &customer);
        let conversation: Conversation = self.state(&self.conversations, &conversation_key).await?;
        conversation.authorize_outbound(send.to.channel, send.content_sid.is_some(), now)?;

        let reference = format!("outbound:{}", uuid::Uuid::new_v4());
        if !self.consume_quota(&org, &reference, now, context).await? {
            return Err(QuotaError::QuotaExhausted {
                limit: org.plan().monthly_message_limit(),
                used: org.plan().monthly_message_limit(),
            }
            .into());
        }
        let request = OutboundRequest {
            from: from.clone(),
            to: customer.clone(),
            body: send.body.clone(),
            media_urls: send.media_urls.clone(),
            content_sid: send.content_sid.clone(),
            content_variables: send.content_variables.clone(),
            status_callback: self.webhooks.status_callback.clone(),
        };
        let sent = match self.provider.send_message(&request).await {
            Ok(sent) => sent,
            Err(error) => {
                self.release_quota(&org, &reference, now, context).await?;
                if error.fault().is_some_and(|f| f.code == TWILIO_UNSUBSCRIBED) {
                    let command = ConversationCommand::RecordProviderOptOut {
                        organization_id,
                        customer,
                        at: now,
                    };
                    self.run(&self.conversations, &conversation_key, command, context)
                        .await?;
                    return Err(ConversationError::RecipientOptedOut.into());
                }
                return Err(error.into());
            }
        };
        let message_sid = MessageSid::parse(&sent.message_sid)
            .map_err(|e| AppError::Provider(ProviderError::InvalidResponse(e.to_string())))?;
        let status = sent.status.parse().unwrap_or(MessageStatus::Queued);
        let message = OutboundMessage {
            organization_id,
            channel: send.to.channel,
            from,
            to: send.to.to_string(),
            body: send.body,
            media_urls: send.media_urls,
            content_sid: send.content_sid,
            content_variables: send.content_variables,
        };
        let record = MessageCommand::RecordSent {
            message: message.clone(),
            status,
            sent_at: now,
        };
        let state = self
            .commit_one(
                &self.messages,
                message_sid.as_str(),
                record,
                &context.metadata(),
            )
            .await?;
        Ok(SentMessage {
            message_sid,
            message,
            status: state.status().unwrap_or(status),
        })
    }

    /// Records a status callback; the status only moves forward, so duplicates and late
    /// arrivals change nothing.
    ///
    /// # Errors
    /// [`AppError::Store`] or [`AppError::Contention`].
    #[tracing::instrument(skip(self, context))]
    pub async fn record_status(
        &self,
        message_sid: &MessageSid,
        status: MessageStatus,
        error_code: Option<u32>,
        context: &RequestContext,
    ) -> Result<(), AppError> {
        let command = MessageCommand::ChangeStatus {
            status,
            error_code,
            changed_at: self.clock.now(),
        };
        self.commit_one(
            &self.messages,
            message_sid.as_str(),
            command,
            &context.metadata(),
        )
        .await?;
        Ok(())
    }
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// The shared number, for an organization without a dedicated one, when `to` joined this
    /// organization on it (the customer's `SharedNumberMember` stream, keyed by the address as
    /// its messages come `From`): the shared number crosses no tenant.
    async fn shared_sender(
        &self,
        organization_id: OrganizationId,
        to: &ChannelAddress,
    ) -> Result<&E164, AppError> {
        let shared = self
            .shared_number
            .as_ref()
            .ok_or(AppError::NoSendingNumber)?;
        let member: SharedNumberMember = self.state(&self.members, &to.to_string()).await?;
        if member.organization_id() != Some(organization_id) {
            return Err(AppError::RecipientNotJoined(to.to_string()));
        }
        Ok(shared)
    }
}
