use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An organization's subscription plan: how many messages a billing period it may accept and how
/// many dedicated numbers it may hold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    /// 50 messages a month, 1 number. The default for a new organization.
    #[default]
    Trial,
    /// 500 messages a month, 1 number.
    Starter,
    /// 2,000 messages a month, 1 number.
    Business,
    /// 10,000 messages a month, 5 numbers.
    Enterprise,
}

/// The text names no plan.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a plan (expected trial, starter, business or enterprise)")]
pub struct UnknownPlan {
    /// What was given.
    pub input: String,
}

impl Plan {
    /// Every plan, cheapest first.
    pub const ALL: [Plan; 4] = [Plan::Trial, Plan::Starter, Plan::Business, Plan::Enterprise];

    /// Messages the plan allows in one billing period.
    pub fn monthly_message_limit(self) -> u32 {
        match self {
            Plan::Trial => 50,
            Plan::Starter => 500,
            Plan::Business => 2_000,
            Plan::Enterprise => 10_000,
        }
    }

    /// Dedicated numbers the plan allows at once (held plus being provisioned).
    pub fn number_limit(self) -> u32 {
        match self {
            Plan::Trial | Plan::Starter | Plan::Business => 1,
            Plan::Enterprise => 5,
        }
    }

    /// The wire name, e.g. `trial`.
    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Trial => "trial",
            Plan::Starter => "starter",
            Plan::Business => "business",
            Plan::Enterprise => "enterprise",
        }
    }
}

impl FromStr for Plan {
    type Err = UnknownPlan;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Plan::ALL
            .into_iter()
            .find(|plan| plan.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownPlan {
                input: s.to_string(),
            })
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_carry_the_published_limits() {
        let limits: Vec<_> = Plan::ALL
            .iter()
            .map(|p| (p.monthly_message_limit(), p.number_limit()))
            .collect();
        assert_eq!(limits, vec![(50, 1), (500, 1), (2000, 1), (10000, 5)]);
    }

    #[test]
    fn unknown_plans_are_refused() {
        assert_eq!("Starter".parse::<Plan>().unwrap(), Plan::Starter);
        assert!("platinum".parse::<Plan>().is_err());
    }
}
