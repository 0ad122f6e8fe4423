use serde::{Deserialize, Serialize};

use crate::{Channel, Keyword, OrganizationId, Settings};

/// What became of an inbound message (ARCHITECTURE invariant 3: durable before the 2xx).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InboundOutcome {
    /// Counted against the quota and delivered to the organization.
    Accepted,
    /// Recorded but refused: the period's quota is used up.
    RefusedQuota,
    /// Recorded from a customer who opted out; not counted, not answered.
    OptedOut,
    /// A compliance keyword (STOP/START/HELP…), handled, not counted.
    Keyword {
        /// Which.
        keyword: Keyword,
    },
    /// `join <code>` on the shared number bound the customer to an organization.
    Joined {
        /// The organization joined.
        organization_id: OrganizationId,
    },
    /// `join <code>` with a code no organization has.
    UnknownJoinCode,
    /// No organization holds the `To` number (or, on the shared number, the customer joined
    /// none).
    Unrouted,
}

impl InboundOutcome {
    /// The wire name, e.g. `refused_quota`.
    pub fn as_str(&self) -> &'static str {
        match self {
            InboundOutcome::Accepted => "accepted",
            InboundOutcome::RefusedQuota => "refused_quota",
            InboundOutcome::OptedOut => "opted_out",
            InboundOutcome::Keyword { .. } => "keyword",
            InboundOutcome::Joined { .. } => "joined",
            InboundOutcome::UnknownJoinCode => "unknown_join_code",
            InboundOutcome::Unrouted => "unrouted",
        }
    }
}

/// How a routed message is handled, before the quota is asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handling {
    /// A compliance keyword: handled, never counted.
    Keyword(Keyword),
    /// From a customer who opted out: recorded only.
    FromOptedOut,
    /// A message that counts against the quota.
    Counted,
}

impl Handling {
    /// Classifies a message: keywords first, then opted-out senders, then the rest.
    pub fn of(keyword: Option<Keyword>, opted_out: bool) -> Self {
        match keyword {
            Some(keyword) => Handling::Keyword(keyword),
            None if opted_out => Handling::FromOptedOut,
            None => Handling::Counted,
        }
    }
}

/// What the rules know about a routed message when deciding.
#[derive(Clone, Debug)]
pub struct InboundFacts<'a> {
    /// How it is handled.
    pub handling: Handling,
    /// For counted messages: whether the quota accepted it.
    pub within_quota: bool,
    /// Whether it is the customer's first message to the organization.
    pub first_contact: bool,
    /// Whether the organization is open now (always, without business hours).
    pub open_now: bool,
    /// The channel (SMS keyword replies are Twilio's own, so ours are skipped there).
    pub channel: Channel,
    /// The organization's settings.
    pub settings: &'a Settings,
    /// The organization's name, for `{organization}` in texts.
    pub organization_name: &'a str,
    /// Whether an automatic reply may go now (none went to the customer within the window).
    pub auto_reply_allowed: bool,
}

/// Whether a decision carries an automatic reply (welcome, away, quota-exhausted), bounded to
/// one per customer per organization per [`crate::AutoReplyWindow`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AutoReply {
    /// The rules call for none.
    None,
    /// One goes out: record it on the conversation.
    Sent,
    /// One was called for within the window: left out of the replies.
    Suppressed,
}

/// What the rules decided for a routed message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboundDecision {
    /// The outcome.
    pub outcome: InboundOutcome,
    /// The replies for the TwiML answer, in order.
    pub replies: Vec<String>,
    /// Whether an automatic reply goes, or was suppressed.
    pub auto_reply: AutoReply,
}

/// The outcome and the replies, in order: the welcome (first contact) before anything else,
/// then the away, quota-exhausted or help text. Opted-out senders get nothing; on SMS, STOP and
/// START get nothing from us either, since Twilio answers those itself on long codes and blocks
/// our messages to an unsubscribed number (error 21610). The automatic replies (welcome, away,
/// quota-exhausted) are left out unless `facts.auto_reply_allowed`; the compliance replies
/// (HELP, and STOP/START on WhatsApp) always go.
pub fn decide(facts: &InboundFacts<'_>) -> InboundDecision {
    let (outcome, replies) = replies(facts);
    let automatic = replies.iter().any(|(_, automatic)| *automatic);
    let auto_reply = match (automatic, facts.auto_reply_allowed) {
        (false, _) => AutoReply::None,
        (true, true) => AutoReply::Sent,
        (true, false) => AutoReply::Suppressed,
    };
    let replies = replies
        .into_iter()
        .filter(|(_, automatic)| !automatic || auto_reply == AutoReply::Sent)
        .map(|(text, _)| text)
        .collect();
    InboundDecision {
        outcome,
        replies,
        auto_reply,
    }
}

/// Every reply the rules call for, each marked whether it is automatic.
fn replies(facts: &InboundFacts<'_>) -> (InboundOutcome, Vec<(String, bool)>) {
    let name = facts.organization_name;
    let settings = facts.settings;
    let mut replies = Vec::new();
    let welcome = facts.first_contact;
    let outcome = match facts.handling {
        Handling::FromOptedOut => return (InboundOutcome::OptedOut, replies),
        Handling::Keyword(Keyword::OptOut) => {
            if facts.channel == Channel::Whatsapp {
                replies.push((
                    format!("You're unsubscribed from {name}. Reply START to resubscribe."),
                    false,
                ));
            }
            return (
                InboundOutcome::Keyword {
                    keyword: Keyword::OptOut,
                },
                replies,
            );
        }
        Handling::Keyword(Keyword::OptIn) => {
            if facts.channel == Channel::Whatsapp {
                replies.push((format!("You're resubscribed to {name}."), false));
            }
            return (
                InboundOutcome::Keyword {
                    keyword: Keyword::OptIn,
                },
                replies,
            );
        }
        Handling::Keyword(Keyword::Help) => {
            if welcome {
                replies.push((settings.welcome(name), true));
            }
            replies.push((settings.help(name), false));
            return (
                InboundOutcome::Keyword {
                    keyword: Keyword::Help,
                },
                replies,
            );
        }
        Handling::Counted if !facts.within_quota => InboundOutcome::RefusedQuota,
        Handling::Counted => InboundOutcome::Accepted,
    };
    if welcome {
        replies.push((settings.welcome(name), true));
    }
    match outcome {
        InboundOutcome::RefusedQuota => replies.push((settings.quota_exhausted(name), true)),
        _ if !facts.open_now => replies.push((settings.away(name), true)),
        _ => {}
    }
    (outcome, replies)
}
