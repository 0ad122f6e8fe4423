//! Inbound calls: record each CallSid once, route it by `To` like messages, and answer what the
//! organization's voice settings decide (the decision is the domain's, `call/answer.rs`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use switchboard_domain::call::{
    after_dial, answer_call, answer_unrouted, Call, CallCommand, CallError, CallFacts, CallSid,
    CallStatus, DialStatus, InboundCall, VoiceAnswer,
};
use switchboard_domain::message::Routing;
use switchboard_domain::organization::Organization;
use switchboard_domain::shared_number::SharedNumberMember;
use switchboard_domain::E164;

use cqrs_es::persist::PersistedEventRepository;
use cqrs_es::Aggregate;

use crate::unit::{retrying, Attempt, Pending, Unit};
use crate::{AppError, RequestContext, Switchboard};

/// An inbound call webhook (Twilio's voice request), parsed at the edge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboundCallWebhook {
    /// `CallSid`.
    pub call_sid: CallSid,
    /// `AccountSid`.
    pub account_sid: String,
    /// `From`, as sent.
    pub from: String,
    /// `To`.
    pub to: E164,
    /// `CallStatus` (`ringing` when absent).
    pub status: CallStatus,
    /// `Direction` (`inbound` when absent).
    pub direction: String,
    /// `CallerName`.
    pub caller_name: Option<String>,
}

/// What the caller hears, and whether this delivery recorded the call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnsweredCall {
    /// The answer (the first delivery's, for a duplicate).
    pub answer: VoiceAnswer,
    /// Whether this delivery recorded the call (false for a redelivered CallSid).
    pub newly_recorded: bool,
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Records an inbound call once per CallSid, routes it (the `To` number's owner; on the
    /// shared number, the organization the caller joined by message) and records the answer
    /// before it is sent. A redelivery gets the first delivery's answer.
    ///
    /// # Errors
    /// [`AppError::Store`] or [`AppError::Contention`]; nothing is answered unless recorded.
    #[tracing::instrument(skip(self, webhook, context), fields(call_sid = %webhook.call_sid, to = %webhook.to))]
    pub async fn receive_call(
        &self,
        webhook: InboundCallWebhook,
        context: &RequestContext,
    ) -> Result<AnsweredCall, AppError> {
        let metadata = context.metadata();
        retrying(Call::TYPE, || self.receive_call_once(&webhook, &metadata)).await
    }

    /// One attempt: the call and its answer in one commit (a conflict re-runs it whole).
    async fn receive_call_once(
        &self,
        webhook: &InboundCallWebhook,
        metadata: &HashMap<String, String>,
    ) -> Result<Attempt<AnsweredCall>, AppError> {
        let now = self.clock.now();
        let mut call: Pending<Call> =
            Pending::load(&self.calls, webhook.call_sid.as_str(), None).await?;
        if let Some(answer) = call.state().answer() {
            return Ok(Attempt::Done(AnsweredCall {
                answer: answer.clone(),
                newly_recorded: false,
            }));
        }
        let mut unit = Unit::default();
        let newly_recorded = call.state().received().is_none();
        if newly_recorded {
            let routing = self
                .route_call(&webhook.to, &webhook.from, &mut unit)
                .await?;
            let command = CallCommand::ReceiveCall {
                call: inbound_call(webhook.clone(), routing),
                received_at: now,
            };
            call.handle(command).await?;
        }
        let routing = &call
            .state()
            .received()
            .ok_or(CallError::NotReceived)?
            .routing;
        let our_number = &call.state().received().ok_or(CallError::NotReceived)?.to;
        let answer = match self.routed_organization(routing, &mut unit).await? {
            Some(org) => decide_with(&org, our_number, now, answer_call),
            None => answer_unrouted(),
        };
        let command = CallCommand::Answer {
            answer,
            answered_at: self.clock.now(),
        };
        call.handle(command).await?;
        let state = unit.add(call, metadata)?;
        if !self.commit_unit(&unit).await? {
            self.cache.forget_guarded(&unit.guards);
            return Ok(Attempt::Conflict);
        }
        let answer = state.answer().cloned().ok_or(CallError::NotReceived)?;
        Ok(Attempt::Done(AnsweredCall {
            answer,
            newly_recorded,
        }))
    }

    /// A forwarded call's `<Dial>` ended (the `action` request): records how, once, and returns
    /// what the caller hears next (nothing when answered, else the away text and a voicemail).
    /// A repeated request gets the first answer.
    ///
    /// # Errors
    /// [`CallError::NotReceived`] for an unknown CallSid, [`CallError::NotForwarded`] for a
    /// call that was not put through; [`AppError::Store`].
    #[tracing::instrument(skip(self, context))]
    pub async fn end_dial(
        &self,
        call_sid: &CallSid,
        dial_status: DialStatus,
        dial_duration_secs: Option<u32>,
        context: &RequestContext,
    ) -> Result<VoiceAnswer, AppError> {
        let metadata = context.metadata();
        retrying(Call::TYPE, || async {
            let mut call: Pending<Call> =
                Pending::load(&self.calls, call_sid.as_str(), None).await?;
            if let Some((_, answer)) = call.state().dial() {
                return Ok(Attempt::Done(answer.clone()));
            }
            let received = call.state().received().ok_or(CallError::NotReceived)?;
            let now = self.clock.now();
            let mut unit = Unit::default();
            let answer = match self
                .routed_organization(&received.routing, &mut unit)
                .await?
            {
                Some(org) => decide_with(&org, &received.to, now, |facts| {
                    after_dial(facts, dial_status)
                }),
                None => answer_unrouted(),
            };
            let command = CallCommand::EndDial {
                dial_status,
                dial_duration_secs,
                answer,
                ended_at: now,
            };
            call.handle(command).await?;
            let state = unit.add(call, &metadata)?;
            if !self.commit_unit(&unit).await? {
                self.cache.forget_guarded(&unit.guards);
                return Ok(Attempt::Conflict);
            }
            let (_, answer) = state.dial().cloned().ok_or(CallError::NotForwarded)?;
            Ok(Attempt::Done(answer))
        })
        .await
    }

    /// The organization a call is for: the `To` number's owner (from the read cache, guarded
    /// in `reads`), or on the shared number the one the caller joined by message.
    async fn route_call(
        &self,
        to: &E164,
        from: &str,
        reads: &mut Unit,
    ) -> Result<Routing, AppError> {
        let organization_id = if self.shared_number.as_ref() == Some(to) {
            let member: SharedNumberMember = self.state(&self.members, from.trim()).await?;
            member.organization_id()
        } else {
            self.cached(&self.cache.numbers, &self.numbers, to.as_str(), reads)
                .await?
                .owner()
        };
        Ok(match organization_id {
            Some(organization_id) => Routing::Routed { organization_id },
            None => Routing::Unrouted,
        })
    }

    /// The active organization a call was routed to; `None` when unrouted or since deleted.
    async fn routed_organization(
        &self,
        routing: &Routing,
        reads: &mut Unit,
    ) -> Result<Option<Organization>, AppError> {
        let Routing::Routed { organization_id } = routing else {
            return Ok(None);
        };
        let id = organization_id.to_string();
        let org = self
            .cached(&self.cache.organizations, &self.organizations, &id, reads)
            .await?;
        Ok((org.id().is_some() && org.is_active()).then_some(org))
    }
}

fn inbound_call(webhook: InboundCallWebhook, routing: Routing) -> InboundCall {
    InboundCall {
        call_sid: webhook.call_sid,
        account_sid: webhook.account_sid,
        from: webhook.from,
        to: webhook.to,
        status: webhook.status,
        direction: webhook.direction,
        caller_name: webhook.caller_name,
        routing,
    }
}

/// Gathers an organization's facts and applies `decide` to them.
fn decide_with(
    org: &Organization,
    our_number: &E164,
    now: DateTime<Utc>,
    decide: impl FnOnce(&CallFacts<'_>) -> VoiceAnswer,
) -> VoiceAnswer {
    let name = org
        .profile()
        .map(|p| p.name.to_string())
        .unwrap_or_default();
    let settings = org.settings();
    decide(&CallFacts {
        settings,
        organization_name: &name,
        open_now: settings.is_open(now),
        our_number,
    })
}
