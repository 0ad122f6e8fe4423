use std::time::Duration;

use chrono::{DateTime, Utc};
use cqrs_es::persist::PersistedEventRepository;
use switchboard_domain::conversation::{conversation_id, Conversation, ConversationCommand};
use switchboard_domain::message::{
    decide, Handling, InboundFacts, InboundMessage, InboundOutcome, Media, Message, MessageCommand,
    ResponderReply, Routing,
};
use switchboard_domain::organization::OrganizationError;
use switchboard_domain::shared_number::{SharedNumberCommand, SharedNumberMember};
use switchboard_domain::{ChannelAddress, JoinCode, Keyword, MessageSid, OrganizationId};

use crate::execute::execute;
use crate::{AppError, RequestContext, Switchboard};

/// How long a concurrent duplicate delivery waits for the first delivery's outcome before
/// deciding itself (the first may have died).
const DUPLICATE_WAIT: Duration = Duration::from_secs(3);

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
    /// What the rules decided.
    pub outcome: InboundOutcome,
    /// The replies for the TwiML answer, in order (the same for every delivery).
    pub replies: Vec<String>,
    /// Whether this delivery recorded it (false for a duplicate of a MessageSid already recorded).
    pub newly_recorded: bool,
    /// When it was first recorded.
    pub received_at: DateTime<Utc>,
    /// The organization's responder's reply, once recorded (a redelivery answers it again).
    pub responder_reply: Option<ResponderReply>,
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Records an inbound message once per MessageSid, routes it (the `To` number's owner, read
    /// from the number's own stream so a release is seen at once; on the shared number, the
    /// organization the customer joined), applies the organization's rules (keywords, opt-out,
    /// quota, welcome, business hours) and records the outcome with its replies before answering.
    /// A redelivery gets the first delivery's replies.
    ///
    /// # Errors
    /// [`AppError::Store`] or [`AppError::Contention`]; nothing is answered 2xx unless recorded.
    #[tracing::instrument(skip(self, webhook, context), fields(message_sid = %webhook.message_sid, to = %webhook.to))]
    pub async fn receive_message(
        &self,
        webhook: InboundWebhook,
        context: &RequestContext,
    ) -> Result<ReceivedMessage, AppError> {
        let now = self.clock.now();
        let sid = webhook.message_sid.clone();
        let routing = self.route(&webhook).await?;
        let message = InboundMessage {
            message_sid: webhook.message_sid,
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
            received_at: now,
        };
        let (mut state, committed) = execute(
            &self.messages,
            &(),
            sid.as_str(),
            command,
            context.metadata(),
        )
        .await
        .map_err(|e| AppError::from_aggregate(e, "message"))?;
        let newly_recorded = committed > 0;
        if newly_recorded {
            self.log.notify_append();
        } else if state.outcome().is_none() {
            state = self.wait_for_outcome(&sid, state).await?;
        }
        if state.outcome().is_none() {
            let recorded = state.received().cloned().ok_or(AppError::Message(
                switchboard_domain::message::MessageError::NotReceived,
            ))?;
            let (outcome, replies) = self.decide_inbound(&recorded, now, context).await?;
            let decision = MessageCommand::DecideOutcome {
                outcome,
                replies,
                decided_at: self.clock.now(),
            };
            state = self
                .run(&self.messages, sid.as_str(), decision, context)
                .await?;
        }
        received(state, newly_recorded)
    }

    async fn wait_for_outcome(
        &self,
        sid: &MessageSid,
        mut state: Message,
    ) -> Result<Message, AppError> {
        let deadline = tokio::time::Instant::now() + DUPLICATE_WAIT;
        while state.outcome().is_none() && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(25)).await;
            state = self.state(&self.messages, sid.as_str()).await?;
        }
        Ok(state)
    }

    async fn route(&self, webhook: &InboundWebhook) -> Result<Routing, AppError> {
        if self.shared_number.as_ref() == Some(&webhook.to.number) {
            let organization_id = match JoinCode::from_join_message(&webhook.body) {
                Some(Ok(code)) => self.directory.by_join_code(&code).await?,
                Some(Err(_)) => None,
                None => {
                    let member: SharedNumberMember =
                        self.state(&self.members, webhook.from.trim()).await?;
                    member.organization_id()
                }
            };
            return Ok(match organization_id {
                Some(organization_id) => Routing::Routed { organization_id },
                None => Routing::Unrouted,
            });
        }
        let number = self.phone_number(&webhook.to.number).await?;
        Ok(match number.owner() {
            Some(organization_id) => Routing::Routed { organization_id },
            None => Routing::Unrouted,
        })
    }

    async fn decide_inbound(
        &self,
        message: &InboundMessage,
        now: DateTime<Utc>,
        context: &RequestContext,
    ) -> Result<(InboundOutcome, Vec<String>), AppError> {
        let on_shared = self.shared_number.as_ref() == Some(&message.to.number);
        let join = if on_shared {
            JoinCode::from_join_message(&message.body)
        } else {
            None
        };
        let organization_id = match (&message.routing, &join) {
            (Routing::Unrouted, Some(_)) => {
                return Ok((
                    InboundOutcome::UnknownJoinCode,
                    vec![
                    "Sorry, that code doesn't match any business. Check it and send: join <code>"
                        .into(),
                ],
                ))
            }
            (Routing::Unrouted, None) if on_shared => {
                return Ok((
                    InboundOutcome::Unrouted,
                    vec!["To reach a business on this number, send: join <code>".into()],
                ))
            }
            (Routing::Unrouted, None) => return Ok((InboundOutcome::Unrouted, vec![])),
            (Routing::Routed { organization_id }, _) => *organization_id,
        };
        let org = match self.active_organization(organization_id).await {
            Ok(org) => org,
            Err(AppError::Organization(
                OrganizationError::NotFound | OrganizationError::Deleted { .. },
            )) => return Ok((InboundOutcome::Unrouted, vec![])),
            Err(error) => return Err(error),
        };
        let name = org
            .profile()
            .map(|p| p.name.to_string())
            .unwrap_or_default();
        let customer = message.from.trim().to_string();
        if join.is_some() {
            let command = SharedNumberCommand::Join {
                organization_id,
                message_sid: message.message_sid.to_string(),
                at: now,
            };
            self.run(&self.members, &customer, command, context).await?;
            let mut replies = vec![format!(
                "You're now connected to {name}. Reply here to message them."
            )];
            let conversation = self
                .record_inbound(organization_id, &customer, message, None, now, context)
                .await?;
            if conversation.is_first_message(message.message_sid.as_str()) {
                replies.push(org.settings().welcome(&name));
            }
            return Ok((InboundOutcome::Joined { organization_id }, replies));
        }
        let keyword = Keyword::classify(&message.body);
        let conversation = self
            .record_inbound(organization_id, &customer, message, keyword, now, context)
            .await?;
        let handling = Handling::of(keyword, conversation.is_opted_out());
        let within_quota = match handling {
            Handling::Counted => {
                self.consume_quota(&org, message.message_sid.as_str(), now, context)
                    .await?
            }
            _ => true,
        };
        let facts = InboundFacts {
            handling,
            within_quota,
            first_contact: conversation.is_first_message(message.message_sid.as_str()),
            open_now: org.settings().is_open(now),
            channel: message.channel,
            settings: org.settings(),
            organization_name: &name,
        };
        Ok(decide(&facts))
    }

    async fn record_inbound(
        &self,
        organization_id: OrganizationId,
        customer: &str,
        message: &InboundMessage,
        keyword: Option<Keyword>,
        now: DateTime<Utc>,
        context: &RequestContext,
    ) -> Result<Conversation, AppError> {
        let command = ConversationCommand::RecordInbound {
            organization_id,
            customer: customer.to_string(),
            message_sid: message.message_sid.to_string(),
            keyword,
            at: now,
        };
        let id = conversation_id(organization_id, customer);
        self.run(&self.conversations, &id, command, context).await
    }
}

fn received(state: Message, newly_recorded: bool) -> Result<ReceivedMessage, AppError> {
    let message = state.received().cloned().ok_or(AppError::Message(
        switchboard_domain::message::MessageError::NotReceived,
    ))?;
    let outcome = state.outcome().cloned().ok_or(AppError::Message(
        switchboard_domain::message::MessageError::NotReceived,
    ))?;
    Ok(ReceivedMessage {
        message,
        outcome,
        replies: state.replies().to_vec(),
        newly_recorded,
        received_at: state.received_at().unwrap_or_default(),
        responder_reply: state.responder_reply().cloned(),
    })
}
