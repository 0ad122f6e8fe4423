//! Inbound calls: record each CallSid once, route it by `To` like messages, and answer what the
//! organization's voice settings decide (the decision is the domain's, `call/answer.rs`).

use std::time::Duration;

use chrono::{DateTime, Utc};
use switchboard_domain::call::{
    after_dial, answer_call, answer_unrouted, Call, CallCommand, CallError, CallFacts, CallSid,
    CallStatus, DialStatus, InboundCall, VoiceAnswer,
};
use switchboard_domain::message::Routing;
use switchboard_domain::organization::{Organization, OrganizationError};
use switchboard_domain::shared_number::SharedNumberMember;
use switchboard_domain::E164;

use cqrs_es::persist::PersistedEventRepository;

use crate::execute::execute;
use crate::{AppError, RequestContext, Switchboard};

/// How long a concurrent duplicate delivery waits for the first delivery's answer before
/// deciding itself (the first may have died).
const DUPLICATE_WAIT: Duration = Duration::from_secs(3);

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
        let now = self.clock.now();
        let sid = webhook.call_sid.clone();
        let routing = self.route_call(&webhook.to, &webhook.from).await?;
        let call = InboundCall {
            call_sid: webhook.call_sid,
            account_sid: webhook.account_sid,
            from: webhook.from,
            to: webhook.to,
            status: webhook.status,
            direction: webhook.direction,
            caller_name: webhook.caller_name,
            routing,
        };
        let command = CallCommand::ReceiveCall {
            call,
            received_at: now,
        };
        let (mut state, committed) =
            execute(&self.calls, &(), sid.as_str(), command, context.metadata())
                .await
                .map_err(|e| AppError::from_aggregate(e, "call"))?;
        let newly_recorded = committed > 0;
        if newly_recorded {
            self.log.notify_append();
        } else if state.answer().is_none() {
            state = self.wait_for_answer(&sid, state).await?;
        }
        if state.answer().is_none() {
            let call = state.received().cloned().ok_or(CallError::NotReceived)?;
            let answer = match self.routed_organization(&call.routing).await? {
                Some(org) => decide_with(&org, &call.to, now, answer_call),
                None => answer_unrouted(),
            };
            let command = CallCommand::Answer {
                answer,
                answered_at: self.clock.now(),
            };
            state = self
                .run(&self.calls, sid.as_str(), command, context)
                .await?;
        }
        let answer = state.answer().cloned().ok_or(CallError::NotReceived)?;
        Ok(AnsweredCall {
            answer,
            newly_recorded,
        })
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
        let state: Call = self.state(&self.calls, call_sid.as_str()).await?;
        if let Some((_, answer)) = state.dial() {
            return Ok(answer.clone());
        }
        let call = state.received().ok_or(CallError::NotReceived)?;
        let now = self.clock.now();
        let answer = match self.routed_organization(&call.routing).await? {
            Some(org) => decide_with(&org, &call.to, now, |facts| after_dial(facts, dial_status)),
            None => answer_unrouted(),
        };
        let command = CallCommand::EndDial {
            dial_status,
            dial_duration_secs,
            answer,
            ended_at: now,
        };
        let state = self
            .run(&self.calls, call_sid.as_str(), command, context)
            .await?;
        let (_, answer) = state.dial().cloned().ok_or(CallError::NotForwarded)?;
        Ok(answer)
    }

    async fn wait_for_answer(&self, sid: &CallSid, mut state: Call) -> Result<Call, AppError> {
        let deadline = tokio::time::Instant::now() + DUPLICATE_WAIT;
        while state.answer().is_none() && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(25)).await;
            state = self.state(&self.calls, sid.as_str()).await?;
        }
        Ok(state)
    }

    async fn route_call(&self, to: &E164, from: &str) -> Result<Routing, AppError> {
        let organization_id = if self.shared_number.as_ref() == Some(to) {
            let member: SharedNumberMember = self.state(&self.members, from.trim()).await?;
            member.organization_id()
        } else {
            self.phone_number(to).await?.owner()
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
    ) -> Result<Option<Organization>, AppError> {
        let Routing::Routed { organization_id } = routing else {
            return Ok(None);
        };
        match self.active_organization(*organization_id).await {
            Ok(org) => Ok(Some(org)),
            Err(AppError::Organization(
                OrganizationError::NotFound | OrganizationError::Deleted { .. },
            )) => Ok(None),
            Err(error) => Err(error),
        }
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
