//! The shared number's own answers: `join <code>` binds the customer to an organization (the
//! confirmation and welcome are that organization's automatic reply), and a customer who joined
//! none gets the join help, at most once per auto-reply window (recorded on the customer's
//! `SharedNumberMember` stream).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use cqrs_es::persist::PersistedEventRepository;
use switchboard_domain::conversation::Conversation;
use switchboard_domain::message::{AutoReply, InboundDecision, InboundMessage, InboundOutcome};
use switchboard_domain::organization::Organization;
use switchboard_domain::shared_number::{SharedNumberCommand, SharedNumberMember};
use switchboard_domain::OrganizationId;

use crate::inbound_rules::record_auto_reply;
use crate::unit::{Pending, Unit};
use crate::{AppError, Switchboard};

/// The help for a customer who joined no organization.
const JOIN_HELP: &str = "To reach a business on this number, send: join <code>";
/// The answer to `join <code>` with a code no organization has.
const UNKNOWN_CODE: &str =
    "Sorry, that code doesn't match any business. Check it and send: join <code>";

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// A message on the shared number from a customer bound to no organization (`join` with an
    /// unknown code, or anything else): the join help, unless it went within the window.
    pub(crate) async fn answer_unjoined(
        &self,
        message: &InboundMessage,
        join: bool,
        now: DateTime<Utc>,
        unit: &mut Unit,
        metadata: &HashMap<String, String>,
    ) -> Result<InboundDecision, AppError> {
        let (outcome, text) = if join {
            (InboundOutcome::UnknownJoinCode, UNKNOWN_CODE)
        } else {
            (InboundOutcome::Unrouted, JOIN_HELP)
        };
        let customer = message.from.trim();
        let mut member: Pending<SharedNumberMember> =
            Pending::load(&self.members, customer, None).await?;
        if !member.state().may_auto_reply(now, self.auto_reply_window) {
            return Ok(InboundDecision {
                outcome,
                replies: vec![],
                auto_reply: AutoReply::Suppressed,
            });
        }
        member
            .handle(SharedNumberCommand::RecordAutoReply {
                message_sid: message.message_sid.to_string(),
                at: now,
                window: self.auto_reply_window,
            })
            .await?;
        unit.add(member, metadata)?;
        Ok(InboundDecision {
            outcome,
            replies: vec![text.to_string()],
            auto_reply: AutoReply::Sent,
        })
    }

    /// `join <code>` on the shared number: binds the customer to `organization_id` and answers
    /// with the confirmation (and, on first contact, the welcome), unless the organization's
    /// automatic reply went to the customer within the window.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn join(
        &self,
        organization_id: OrganizationId,
        org: &Organization,
        name: &str,
        mut conversation: Pending<Conversation>,
        message: &InboundMessage,
        now: DateTime<Utc>,
        unit: &mut Unit,
        metadata: &HashMap<String, String>,
    ) -> Result<InboundDecision, AppError> {
        let customer = message.from.trim();
        let mut member: Pending<SharedNumberMember> =
            Pending::load(&self.members, customer, None).await?;
        member
            .handle(SharedNumberCommand::Join {
                organization_id,
                message_sid: message.message_sid.to_string(),
                at: now,
            })
            .await?;
        unit.add(member, metadata)?;
        let sid = message.message_sid.as_str();
        let mut decision = InboundDecision {
            outcome: InboundOutcome::Joined { organization_id },
            replies: vec![],
            auto_reply: AutoReply::Suppressed,
        };
        if conversation
            .state()
            .may_auto_reply(now, self.auto_reply_window)
        {
            decision.auto_reply = AutoReply::Sent;
            decision.replies.push(format!(
                "You're now connected to {name}. Reply here to message them."
            ));
            if conversation.state().is_first_message(sid) {
                decision.replies.push(org.settings().welcome(name));
            }
        }
        record_auto_reply(
            &mut conversation,
            &decision,
            sid,
            now,
            self.auto_reply_window,
        )
        .await?;
        unit.add(conversation, metadata)?;
        Ok(decision)
    }
}
