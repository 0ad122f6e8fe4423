//! `/v1` writes run to completion: a client that hangs up mid-request (an HTTP/2 stream reset,
//! a connection the server stops driving, a shutdown's deadline) drops the future serving it,
//! which would cancel a purchase or a send half-way (paid at the provider, never recorded) and
//! can leave a pooled connection inside an open transaction (sqlx issue 4393). A write
//! therefore runs in its own task; the future serving the request only awaits it.

use poem::http::{Method, StatusCode};
use poem::{Endpoint, IntoResponse, Request, Response};

use crate::problem::Problem;

/// Whether `method` on `path` is a `/v1` write (anything but `GET`, `HEAD` and `OPTIONS`).
fn is_write(method: &Method, path: &str) -> bool {
    path.starts_with("/v1/") && !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Runs a `/v1` write in a spawned task and awaits it, so dropping this future (the client hung
/// up) leaves the write running to its end; other requests run in place. A task that panics is
/// answered 500 `internal_error` (the cause logged once).
pub async fn run_to_completion<E>(next: E, req: Request) -> poem::Result<Response>
where
    E: Endpoint + Clone + 'static,
{
    if !is_write(req.method(), req.uri().path()) {
        return next.call(req).await.map(IntoResponse::into_response);
    }
    let task = tokio::spawn(async move { next.call(req).await.map(IntoResponse::into_response) });
    match task.await {
        Ok(result) => result,
        Err(join_error) => {
            tracing::error!(%join_error, "a /v1 write's task failed");
            Ok(Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "the request failed; it may or may not have taken effect",
            )
            .into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use poem::web::Data;
    use poem::{handler, post, EndpointExt, Route};

    use super::*;

    #[handler]
    async fn slow(done: Data<&Arc<AtomicBool>>) -> &'static str {
        tokio::time::sleep(Duration::from_millis(200)).await;
        done.store(true, Ordering::SeqCst);
        "ok"
    }

    #[tokio::test]
    async fn a_write_whose_caller_gives_up_still_runs_to_its_end() {
        let done = Arc::new(AtomicBool::new(false));
        let app = Route::new()
            .at("/v1/x", post(slow))
            .data(done.clone())
            .around(run_to_completion);
        let request = Request::builder()
            .method(Method::POST)
            .uri_str("/v1/x")
            .finish();
        // The caller gives up (its future is dropped) long before the handler is done.
        let abandoned = tokio::time::timeout(Duration::from_millis(20), app.call(request)).await;
        assert!(abandoned.is_err());
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert!(done.load(Ordering::SeqCst), "the write finished anyway");
    }
}
