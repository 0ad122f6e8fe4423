//! While the process drains (SIGTERM received, `SHUTDOWN_DRAIN_MS` running, then in-flight
//! requests finishing), every response carries `Connection: close` (RFC 9112 §9.6): a client or
//! proxy that keeps connections alive sends its next request on a new connection, which the load
//! balancer gives to another replica, instead of on this one, which the listener is about to drop
//! with that request unread.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use poem::http::header::CONNECTION;
use poem::http::HeaderValue;
use poem::{Endpoint, Request, Response};

use crate::state::AppState;

/// Calls `next` and, once `state` is draining, marks the response `Connection: close`.
pub async fn close_when_draining<E: Endpoint<Output = Response>>(
    next: E,
    req: Request,
    state: Arc<AppState>,
) -> poem::Result<Response> {
    let mut response = next.get_response(req).await;
    if state.draining.load(Ordering::SeqCst) {
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    Ok(response)
}
