//! The HTTP server: hyper (HTTP/1.1 and HTTP/2) serving the poem endpoint, with the bounds
//! poem's own `Server` does not offer. A connection has [`ConnectionTimeouts::header`] to deliver
//! a complete request head, counted from when the server starts waiting for one (a new
//! connection, or a kept-alive one after its last response; hyper's `header_read_timeout`), and
//! is closed once no byte has moved either way for [`ConnectionTimeouts::idle`] (a stalled body
//! included). On shutdown it stops accepting and lets requests in flight finish, for at most
//! [`GRACE`].

mod activity;

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use poem::endpoint::DynEndpoint;
use poem::http::uri::Scheme;
use poem::web::{LocalAddr, RemoteAddr};
use poem::{Endpoint, EndpointExt, Response};
use tokio::net::TcpListener;

use activity::{idle_for, Tracked};

/// How long requests in flight may take to finish once shutdown starts.
pub const GRACE: Duration = Duration::from_secs(10);

/// The bounds on slow or silent connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionTimeouts {
    /// `HTTP_HEADER_TIMEOUT_SECS` (default 10): the time to deliver a request head.
    pub header: Duration,
    /// `HTTP_IDLE_TIMEOUT_SECS` (default 60): the time a connection may stay silent.
    pub idle: Duration,
}

type SharedEndpoint = Arc<dyn DynEndpoint<Output = Response>>;

/// Serves `endpoint` on `listener` until `shutdown` completes, then drains for at most
/// [`GRACE`].
///
/// # Errors
/// Never in practice: a failed `accept` (e.g. out of file descriptors) is logged and retried.
pub async fn serve(
    listener: TcpListener,
    endpoint: impl Endpoint + 'static,
    timeouts: ConnectionTimeouts,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let local = LocalAddr(listener.local_addr()?.into());
    let endpoint: SharedEndpoint =
        Arc::new(poem::endpoint::ToDynEndpoint(endpoint.map_to_response()));
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.header);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(timeouts.idle);
    let builder = Arc::new(builder);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let (io, activity) = Tracked::new(stream);
        let remote = RemoteAddr(peer.into());
        let (endpoint, local) = (endpoint.clone(), local.clone());
        let service = hyper::service::service_fn(move |req| {
            let (endpoint, local, remote) = (endpoint.clone(), local.clone(), remote.clone());
            async move {
                let request = poem::Request::from((req, local, remote, Scheme::HTTP));
                let response: hyper::Response<_> = endpoint.get_response(request).await.into();
                Ok::<_, Infallible>(response)
            }
        });
        let connection = builder
            .serve_connection(TokioIo::new(io), service)
            .into_owned();
        let connection = graceful.watcher().watch(connection);
        let idle = timeouts.idle;
        tokio::spawn(async move {
            tokio::select! {
                result = connection => if let Err(error) = result {
                    tracing::debug!(%peer, %error, "connection ended with an error");
                },
                () = idle_for(&activity, idle) => {
                    tracing::info!(%peer, "closing a connection silent for {idle:?}");
                }
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still in flight after {GRACE:?}; stopping anyway");
    }
    Ok(())
}
