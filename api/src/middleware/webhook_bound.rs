//! A bound on webhooks handled at once: beyond [`MAX_IN_FLIGHT_WEBHOOKS`], a webhook is answered
//! 503 with `Retry-After` at once instead of queueing until Twilio's 15 s timeout. The number
//! URLs we configure carry Twilio's retry override for 5xx, so a refused webhook comes again.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::{Endpoint, IntoResponse, Request, Response};
use tokio::sync::Semaphore;

use crate::problem::Problem;

/// Webhooks handled at once, at most (each holds at most one database connection at a time).
pub const MAX_IN_FLIGHT_WEBHOOKS: usize = 256;

/// Seconds a refused webhook is told to wait.
const RETRY_AFTER_SECS: &str = "1";

/// Runs a `/webhooks/` request if one of `permits` is free, else answers 503; other requests
/// pass untouched.
pub async fn bound<E: Endpoint>(
    next: E,
    req: Request,
    permits: Arc<Semaphore>,
) -> poem::Result<Response> {
    if !req.uri().path().starts_with("/webhooks/") {
        return next.call(req).await.map(IntoResponse::into_response);
    }
    let Ok(_permit) = permits.try_acquire_owned() else {
        tracing::warn!("webhook refused: too many in flight");
        let mut response = Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            "too many webhooks in flight; retry shortly",
        )
        .into_response();
        if let Ok(value) = RETRY_AFTER_SECS.parse() {
            response.headers_mut().insert("Retry-After", value);
        }
        return Ok(response);
    };
    next.call(req).await.map(IntoResponse::into_response)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use poem::test::TestClient;
    use poem::{handler, post, EndpointExt, Route};

    use super::*;

    #[handler]
    async fn slow() -> &'static str {
        tokio::time::sleep(Duration::from_millis(300)).await;
        "ok"
    }

    #[tokio::test]
    async fn beyond_the_bound_a_webhook_is_refused_with_retry_after_and_others_pass() {
        let permits = Arc::new(Semaphore::new(1));
        let app = Route::new()
            .at("/webhooks/twilio/messages", post(slow))
            .at("/v1/x", post(slow))
            .around(move |next, req| bound(next, req, permits.clone()));
        let client = TestClient::new(app);
        let (first, second, other) = tokio::join!(
            client.post("/webhooks/twilio/messages").send(),
            async {
                tokio::time::sleep(Duration::from_millis(50)).await;
                client.post("/webhooks/twilio/messages").send().await
            },
            async {
                tokio::time::sleep(Duration::from_millis(50)).await;
                client.post("/v1/x").send().await
            },
        );
        first.assert_status_is_ok();
        second.assert_status(StatusCode::SERVICE_UNAVAILABLE);
        second.assert_header("Retry-After", "1");
        other.assert_status_is_ok();
        // Once the first is done, the next one passes.
        client
            .post("/webhooks/twilio/messages")
            .send()
            .await
            .assert_status_is_ok();
    }
}
