use std::collections::HashMap;

use chrono::{DateTime, Utc};
use cqrs_es::persist::PersistedEventRepository;
use cqrs_es::Aggregate;
use switchboard_domain::message::{
    AutoReply, InboundDecision, InboundMessage, InboundOutcome, Media, Message, MessageCommand,
    ResponderReply, Routing,
};
use switchboard_domain::shared_number::SharedNumberMember;
use switchboard_domain::{InboundAddress, JoinCode, MessageSid};
use tokio::sync::oneshot;

use crate::group_commit::Finish;
use crate::inbound_rules::Decision;
use crate::unit::{retrying, Attempt, Pending, Unit};
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
    /// `To`: parsed (channel from the `whatsapp:` prefix) when we route such addresses, else as
    /// sent (a short code, `messenger:`, `rcs:`), recorded unrouted.
    pub to: InboundAddress,
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
    /// Whether an automatic reply was left out because one went to the customer within the
    /// auto-reply window.
    pub auto_reply_suppressed: bool,
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Records an inbound message once per MessageSid, routes it (the `To` number's owner, read
    /// from the number's own stream so a release is seen at once; on the shared number, the
    /// organization the customer joined), applies the organization's rules (keywords, opt-out,
    /// quota, welcome, business hours) and records the message, its outcome with the replies,
    /// the conversation's and the quota's events in one commit before answering. A redelivery,
    /// concurrent or later, gets the first delivery's replies.
    ///
    /// # Errors
    /// [`AppError::Store`] or [`AppError::Contention`]; nothing is answered 2xx unless recorded.
    #[tracing::instrument(skip(self, webhook, context), fields(message_sid = %webhook.message_sid, to = %webhook.to))]
    pub async fn receive_message(
        &self,
        webhook: InboundWebhook,
        context: &RequestContext,
    ) -> Result<ReceivedMessage, AppError> {
        let metadata = context.metadata();
        // One customer's messages to one number take turns in this process: they share the
        // conversation's stream, so together they would only conflict and retry.
        let customer = format!("{}|{}", webhook.to, webhook.from.trim());
        let _turn = self.customers.lock(&customer).await;
        // Almost every delivery is a MessageSid's first: the first attempt takes it as new
        // without reading its stream, and a redelivery's commit conflicts on the stream's first
        // sequence, so the next attempt loads what was recorded and answers from it.
        let mut first = true;
        retrying(Message::TYPE, || {
            let assume_new = std::mem::take(&mut first);
            self.receive_once(&webhook, &metadata, assume_new)
        })
        .await
    }

    /// One attempt: load (unless `assume_new`), decide, commit everything at once (a conflict
    /// re-runs it whole).
    async fn receive_once(
        &self,
        webhook: &InboundWebhook,
        metadata: &HashMap<String, String>,
        assume_new: bool,
    ) -> Result<Attempt<ReceivedMessage>, AppError> {
        let now = self.clock.now();
        let sid = webhook.message_sid.as_str();
        let mut message: Pending<Message> = match assume_new {
            true => Pending::assumed_new(sid, None),
            false => Pending::load(&self.messages, sid, None).await?,
        };
        if message.state().outcome().is_some() {
            return received(message.state().clone(), false).map(Attempt::Done);
        }
        // A message recorded without an outcome (by a version that committed them apart) is
        // decided now, as first recorded.
        let newly_recorded = message.state().received().is_none();
        let mut reads = Unit::default();
        if newly_recorded {
            let routing = self.route(webhook, &mut reads).await?;
            let command = MessageCommand::ReceiveMessage {
                message: inbound_message(webhook.clone(), routing),
                received_at: now,
            };
            message.handle(command).await?;
        }
        let recorded = message
            .state()
            .received()
            .cloned()
            .ok_or(AppError::Message(
                switchboard_domain::message::MessageError::NotReceived,
            ))?;
        let decided_at = self.clock.now();
        let counted = match self.decide_inbound(&recorded, now, reads, metadata).await? {
            Decision::Decided { decision, mut unit } => {
                message
                    .handle(outcome_command(decision, decided_at))
                    .await?;
                let state = unit.add(message, metadata)?;
                if !self.commit_unit(&unit).await? {
                    self.cache.forget_guarded(&unit.guards);
                    return Ok(Attempt::Conflict);
                }
                return received(state, newly_recorded).map(Attempt::Done);
            }
            Decision::Counted(counted) => counted,
        };
        let stream = counted.quota_stream.clone();
        let guards = counted.unit.guards.clone();
        let command = counted.command.clone();
        let (decided, state) = oneshot::channel();
        let own = metadata.clone();
        let finish: Finish = Box::new(move |within_quota| {
            Box::pin(async move {
                let (decision, mut unit) = counted.decide(within_quota, &own).await?;
                message
                    .handle(outcome_command(decision, decided_at))
                    .await?;
                let _ = decided.send(unit.add(message, &own)?);
                Ok(unit)
            })
        });
        if !self
            .commit_counted(&stream, command, metadata.clone(), finish)
            .await?
        {
            self.cache.forget_guarded(&guards);
            return Ok(Attempt::Conflict);
        }
        let state = state
            .await
            .map_err(|_| AppError::Contention(Message::TYPE.into()))?;
        received(state, newly_recorded).map(Attempt::Done)
    }

    /// The organization the message is for: the `To` number's owner (from the read cache,
    /// guarded in `reads`), or on the shared number the one the customer joins or joined.
    async fn route(&self, webhook: &InboundWebhook, reads: &mut Unit) -> Result<Routing, AppError> {
        let Some(to) = webhook.to.number() else {
            return Ok(Routing::Unrouted);
        };
        if self.shared_number.as_ref() == Some(to) {
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
        let number = self
            .cached(&self.cache.numbers, &self.numbers, to.as_str(), reads)
            .await?;
        Ok(match number.owner() {
            Some(organization_id) => Routing::Routed { organization_id },
            None => Routing::Unrouted,
        })
    }
}

fn inbound_message(webhook: InboundWebhook, routing: Routing) -> InboundMessage {
    InboundMessage {
        message_sid: webhook.message_sid,
        account_sid: webhook.account_sid,
        channel: webhook.to.channel(),
        from: webhook.from,
        to: webhook.to,
        body: webhook.body,
        media: webhook.media,
        profile_name: webhook.profile_name,
        wa_id: webhook.wa_id,
        routing,
    }
}

/// Records what the rules decided on the message.
fn outcome_command(decision: InboundDecision, decided_at: DateTime<Utc>) -> MessageCommand {
    MessageCommand::DecideOutcome {
        auto_reply_suppressed: decision.auto_reply == AutoReply::Suppressed,
        outcome: decision.outcome,
        replies: decision.replies,
        decided_at,
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
        auto_reply_suppressed: state.auto_reply_suppressed(),
    })
}
