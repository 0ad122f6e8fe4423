//! The provider check behind `GET /health`, cached so health probes never turn into a stream of
//! provider calls (Twilio's rate limits are per account, shared with real work).

use std::sync::Arc;
use std::time::{Duration, Instant};

use switchboard_application::ports::{ProviderError, TelephonyProvider};
use tokio::sync::Mutex;

/// The last provider check and when it ran; concurrent callers wait for one check.
pub struct ProviderHealth {
    ttl: Duration,
    last: Mutex<Option<(Instant, Result<(), String>)>>,
}

impl ProviderHealth {
    /// Reuses a check for `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            last: Mutex::new(None),
        }
    }

    /// The cached result if younger than the TTL, else a fresh authenticated call (bounded to
    /// 5 s). A failure is described by its kind only, never with the provider's URL or account
    /// identifiers.
    pub async fn check(&self, provider: &Arc<dyn TelephonyProvider>) -> Result<(), String> {
        let mut last = self.last.lock().await;
        if let Some((at, result)) = last.as_ref() {
            if at.elapsed() < self.ttl {
                return result.clone();
            }
        }
        let result = match tokio::time::timeout(Duration::from_secs(5), provider.list_owned()).await
        {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(error)) => Err(describe(&error).to_string()),
            Err(_) => Err("timed out".to_string()),
        };
        *last = Some((Instant::now(), result.clone()));
        result
    }
}

fn describe(error: &ProviderError) -> &'static str {
    match error {
        ProviderError::Authentication(_) => "credentials refused",
        ProviderError::Unavailable(_) => "unreachable or failing",
        ProviderError::InvalidResponse(_) => "unexpected response",
        _ => "request refused",
    }
}
