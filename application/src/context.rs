use std::collections::HashMap;

use chrono::{DateTime, Utc};

/// Where "now" comes from, so use cases put deterministic timestamps in commands.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
}

/// The system's UTC clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Request context recorded in event metadata (never in payloads): the request id and who acted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestContext {
    /// The HTTP request's id (`X-Request-Id`, or one we generated).
    pub request_id: String,
    /// `admin` for the operator API key, `twilio` for webhooks.
    pub actor: String,
}

impl RequestContext {
    /// The context as cqrs-es metadata.
    pub fn metadata(&self) -> HashMap<String, String> {
        HashMap::from([
            ("request_id".to_string(), self.request_id.clone()),
            ("actor".to_string(), self.actor.clone()),
        ])
    }
}
