//! The organization's rules applied to an inbound message, staged in the message's unit of
//! work: the shared-number join, the conversation's record, the quota's count.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use cqrs_es::persist::PersistedEventRepository;
use switchboard_domain::conversation::{conversation_id, Conversation, ConversationCommand};
use switchboard_domain::message::{
    decide, Handling, InboundFacts, InboundMessage, InboundOutcome, Routing,
};
use switchboard_domain::organization::Organization;
use switchboard_domain::quota::{quota_id, QuotaCommand};
use switchboard_domain::shared_number::{SharedNumberCommand, SharedNumberMember};
use switchboard_domain::{BillingPeriod, Channel, JoinCode, Keyword, OrganizationId};

use crate::unit::{Pending, Unit};
use crate::{AppError, Switchboard, SNAPSHOT_EVERY};

/// What the rules decided, with the other streams' events to commit with the message.
pub(crate) enum Decision {
    /// Decided without counting the message.
    Decided {
        /// The outcome to record on the message.
        outcome: InboundOutcome,
        /// The replies, in order.
        replies: Vec<String>,
        /// The conversation's and the join's events.
        unit: Unit,
    },
    /// A counted message, decided once its quota batch says whether it is within quota.
    Counted(Box<Counted>),
}

impl Decision {
    fn answer(outcome: InboundOutcome, replies: Vec<String>, unit: Unit) -> Self {
        Self::Decided {
            outcome,
            replies,
            unit,
        }
    }
}

/// A counted message waiting for its quota: what the rules need besides `within_quota`.
pub(crate) struct Counted {
    /// The quota stream (organization and period).
    pub(crate) quota_stream: String,
    /// `ConsumeQuota` for the message.
    pub(crate) command: QuotaCommand,
    /// The conversation's events.
    pub(crate) unit: Unit,
    org: Organization,
    name: String,
    first_contact: bool,
    channel: Channel,
    now: DateTime<Utc>,
}

impl Counted {
    /// The outcome and replies, given whether the message is within quota.
    pub(crate) fn decide(&self, within_quota: bool) -> (InboundOutcome, Vec<String>) {
        decide(&InboundFacts {
            handling: Handling::Counted,
            within_quota,
            first_contact: self.first_contact,
            open_now: self.org.settings().is_open(self.now),
            channel: self.channel,
            settings: self.org.settings(),
            organization_name: &self.name,
        })
    }
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
        let organization_id = match (&message.routing, &join) {
            (Routing::Unrouted, Some(_)) => {
                return Ok(Decision::answer(
                    InboundOutcome::UnknownJoinCode,
                    vec![
                    "Sorry, that code doesn't match any business. Check it and send: join <code>"
                        .into(),
                ],
                    unit,
                ))
            }
            (Routing::Unrouted, None) if on_shared => {
                return Ok(Decision::answer(
                    InboundOutcome::Unrouted,
                    vec!["To reach a business on this number, send: join <code>".into()],
                    unit,
                ))
            }
            (Routing::Unrouted, None) => {
                return Ok(Decision::answer(InboundOutcome::Unrouted, vec![], unit))
            }
            (Routing::Routed { organization_id }, _) => *organization_id,
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
            return Ok(Decision::answer(InboundOutcome::Unrouted, vec![], unit));
        }
        let name = org
            .profile()
            .map(|p| p.name.to_string())
            .unwrap_or_default();
        let customer = message.from.trim().to_string();
        if join.is_some() {
            let mut member: Pending<SharedNumberMember> =
                Pending::load(&self.members, &customer, None).await?;
            member
                .handle(SharedNumberCommand::Join {
                    organization_id,
                    message_sid: message.message_sid.to_string(),
                    at: now,
                })
                .await?;
            unit.add(member, metadata)?;
            let mut replies = vec![format!(
                "You're now connected to {name}. Reply here to message them."
            )];
            let conversation = self
                .record_inbound(organization_id, &customer, message, None, now)
                .await?;
            if conversation
                .state()
                .is_first_message(message.message_sid.as_str())
            {
                replies.push(org.settings().welcome(&name));
            }
            unit.add(conversation, metadata)?;
            return Ok(Decision::Decided {
                outcome: InboundOutcome::Joined { organization_id },
                replies,
                unit,
            });
        }
        let keyword = Keyword::classify(&message.body);
        let conversation = self
            .record_inbound(organization_id, &customer, message, keyword, now)
            .await?;
        let handling = Handling::of(keyword, conversation.state().is_opted_out());
        let first_contact = conversation
            .state()
            .is_first_message(message.message_sid.as_str());
        unit.add(conversation, metadata)?;
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
                org,
                name,
                first_contact,
                channel: message.channel,
                now,
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
        };
        let (outcome, replies) = decide(&facts);
        Ok(Decision::Decided {
            outcome,
            replies,
            unit,
        })
    }

    async fn record_inbound(
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
