//! Since when each held number has been missing from the provider's list, as this process saw
//! it: a number is lost only once it stays missing for the grace period, so a provider list
//! that briefly lags behind a purchase never costs a number.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use switchboard_domain::E164;

/// First time each number was seen missing; forgotten when seen present again.
#[derive(Debug, Default)]
pub(crate) struct MissingNumbers {
    since: Mutex<HashMap<E164, DateTime<Utc>>>,
}

impl MissingNumbers {
    /// Notes `number` missing at `now`; since when it has been missing.
    pub(crate) fn missing(&self, number: &E164, now: DateTime<Utc>) -> DateTime<Utc> {
        *self
            .since
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(number.clone())
            .or_insert(now)
    }

    /// Forgets `number` (present again, or settled).
    pub(crate) fn forget(&self, number: &E164) {
        self.since
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(number);
    }
}
