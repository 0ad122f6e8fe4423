//! The organization's rules applied to an inbound message, staged in the message's unit of
//! work: the shared-number join, the conversation's record, the quota's count, and the bound on
//! automatic replies (recorded on the conversation, so the stream's sequence check serializes
//! concurrent messages of one customer and the bound holds across processes).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use cqrs_es::persist::PersistedEventRepository;
use switchboard_domain::conversation::{conversation_id, Conversation, ConversationCommand};
use switchboard_domain::message::{
    decide, AutoReply, Handling, InboundDecision, InboundFacts, InboundMessage, Routing,
};
use switchboard_domain::organization::Organization;
use switchboard_domain::quota::{quota_id, QuotaCommand};
use switchboard_domain::{
    AutoReplyWindow, BillingPeriod, Channel, JoinCode, Keyword, OrganizationId,
};

use crate::unit::{Pending, Unit};
use crate::{AppError, Switchboard, SNAPSHOT_EVERY};

/// What the rules decided, with the other streams' events to commit with the message.
pub(crate) enum Decision {
    /// Decided without counting the message.
    Decided {
        /// The outcome, the replies and whether an automatic reply was suppressed.
        decision: InboundDecision,
        /// The conversation's and the join's events.
        unit: Unit,
    },
    /// A counted message, decided once its quota batch says whether it is within quota.
    Counted(Box<Counted>),
}

/// A counted message waiting for its quota: what the rules need besides `within_quota`.
pub(crate) struct Counted {
    /// The quota stream (organization and period).
    pub(crate) quota_stream: String,
    /// `ConsumeQuota` for the message.
    pub(crate) command: QuotaCommand,
    /// The guarded reads (number, organization); the conversation's events join once decided.
    pub(crate) unit: Unit,
    conversation: Pending<Conversation>,
    org: Organization,
    name: String,
    first_contact: bool,
    channel: Channel,
    message_sid: String,
    now: DateTime<Utc>,
    window: AutoReplyWindow,
}

impl Counted {
    /// The outcome and replies, given whether the message is within quota, and the unit with
    /// the conversation's events (its automatic reply included).
    pub(crate) async fn decide(
        self,
        within_quota: bool,
        metadata: &HashMap<String, String>,
    ) -> Result<(InboundDecision, Unit), AppError> {
        let Counted {
            mut conversation,
            mut unit,
            ..
        } = self;
        let decision = decide(&InboundFacts {
            handling: Handling::Counted,
            within_quota,
            first_contact: self.first_contact,
            open_now: self.org.settings().is_open(self.now),
            channel: self.channel,
            settings: self.org.settings(),
            organization_name: &self.name,
            auto_reply_allowed: conversation.state().may_auto_reply(self.now, self.window),
        });
        record_auto_reply(
            &mut conversation,
            &decision,
            &self.message_sid,
            self.now,
            self.window,
        )
        .await?;
        unit.add(conversation, metadata)?;
        Ok((decision, unit))
    }
}

/// Records on the conversation the automatic reply `decision` sends, if it sends one.
pub(crate) async fn record_auto_reply(
    conversation: &mut Pending<Conversation>,
    decision: &InboundDecision,
    message_sid: &str,
    at: DateTime<Utc>,
    window: AutoReplyWindow,
) -> Result<(), AppError> {
    if decision.auto_reply == AutoReply::Sent {
        let command = ConversationCommand::RecordAutoReply {
            message_sid: message_sid.to_string(),
            at,
            window,
        };
        conversation.handle(command).await?;
    }
    Ok(())
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    pub(crate) async fn decide_inbound(
        &self,
        message: &InboundMessage,
        now: DateTime<Utc>,
        mut unit: Unit,
        metadata: &HashMap<String, String>,
    ) -> Result<Decision, AppError> {
        let on_shared =
            message.to.number().is_some() && self.shared_number.as_ref() == message.to.number();
        let join = if on_shared {
            JoinCode::from_join_message(&message.body)
        } else {
            None
        };
        let organization_id = match &message.routing {
            Routing::Unrouted if on_shared => {
                let decision = self
                    .answer_unjoined(message, join.is_some(), now, &mut unit, metadata)
                    .await?;
                return Ok(Decision::Decided { decision, unit });
            }
            Routing::Unrouted => {
                return Ok(Decision::Decided {
                    decision: unrouted(),
                    unit,
                })
            }
            Routing::Routed { organization_id } => *organization_id,
        };
        let org = self
            .cached(
                &self.cache.organizations,
                &self.organizations,
                &organization_id.to_string(),
                &mut unit,
            )
            .await?;
        if org.id().is_none() || !org.is_active() {
            return Ok(Decision::Decided {
                decision: unrouted(),
                unit,
            });
        }
        let name = org
            .profile()
            .map(|p| p.name.to_string())
            .unwrap_or_default();
        let customer = message.from.trim().to_string();
        if join.is_some() {
            let conversation = self
                .record_inbound(organization_id, &customer, message, None, now)
                .await?;
            let decision = self
                .join(
                    organization_id,
                    &org,
                    &name,
                    conversation,
                    message,
                    now,
                    &mut unit,
                    metadata,
                )
                .await?;
            return Ok(Decision::Decided { decision, unit });
        }
        let keyword = Keyword::classify(&message.body);
        let mut conversation = self
            .record_inbound(organization_id, &customer, message, keyword, now)
            .await?;
        let handling = Handling::of(keyword, conversation.state().is_opted_out());
        let first_contact = conversation
            .state()
            .is_first_message(message.message_sid.as_str());
        if handling == Handling::Counted {
            let period = BillingPeriod::containing(now, org.settings().billing_day);
            return Ok(Decision::Counted(Box::new(Counted {
                quota_stream: quota_id(organization_id, &period),
                command: QuotaCommand::ConsumeQuota {
                    organization_id,
                    period,
                    limit: org.plan().monthly_message_limit(),
                    reference: message.message_sid.to_string(),
                    at: now,
                },
                unit,
                conversation,
                org,
                name,
                first_contact,
                channel: message.channel,
                message_sid: message.message_sid.to_string(),
                now,
                window: self.auto_reply_window,
            })));
        }
        let facts = InboundFacts {
            handling,
            within_quota: true,
            first_contact,
            open_now: org.settings().is_open(now),
            channel: message.channel,
            settings: org.settings(),
            organization_name: &name,
            auto_reply_allowed: conversation
                .state()
                .may_auto_reply(now, self.auto_reply_window),
        };
        let decision = decide(&facts);
        let sid = message.message_sid.as_str();
        record_auto_reply(
            &mut conversation,
            &decision,
            sid,
            now,
            self.auto_reply_window,
        )
        .await?;
        unit.add(conversation, metadata)?;
        Ok(Decision::Decided { decision, unit })
    }

    pub(crate) async fn record_inbound(
        &self,
        organization_id: OrganizationId,
        customer: &str,
        message: &InboundMessage,
        keyword: Option<Keyword>,
        now: DateTime<Utc>,
    ) -> Result<Pending<Conversation>, AppError> {
        let command = ConversationCommand::RecordInbound {
            organization_id,
            customer: customer.to_string(),
            message_sid: message.message_sid.to_string(),
            keyword,
            at: now,
        };
        let id = conversation_id(organization_id, customer);
        let mut conversation =
            Pending::load(&self.conversations, &id, Some(SNAPSHOT_EVERY)).await?;
        conversation.handle(command).await?;
        Ok(conversation)
    }
}

/// A message no organization takes, on a dedicated number: recorded, not answered.
fn unrouted() -> InboundDecision {
    InboundDecision {
        outcome: switchboard_domain::message::InboundOutcome::Unrouted,
        replies: vec![],
        auto_reply: AutoReply::None,
    }
}
