//! Running the sandbox on its own port (for `switchboard sandbox` and for tests).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use poem::listener::TcpAcceptor;
use poem::middleware::Tracing;
use poem::{EndpointExt, Route, Server};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::{Sandbox, SandboxConfig, SANDBOX_PATH_PREFIX};

/// How long in-flight requests may finish after shutdown is asked for.
const GRACE: Duration = Duration::from_secs(5);

/// Binds `listener_addr` (port 0 picks a free port), starts a sandbox for `config` on it with
/// everything under `/sandbox`, and returns once it accepts connections.
///
/// # Errors
/// The bind error (address in use, bad address…).
pub async fn serve_sandbox(
    listener_addr: impl tokio::net::ToSocketAddrs,
    config: SandboxConfig,
) -> io::Result<SandboxServer> {
    let listener = tokio::net::TcpListener::bind(listener_addr).await?;
    let addr = listener.local_addr()?;
    let acceptor = TcpAcceptor::from_tokio(listener)?;
    let sandbox = Sandbox::new(config);
    let app = Route::new()
        .nest(SANDBOX_PATH_PREFIX, sandbox.endpoint())
        .with(Tracing);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(
        Server::new_with_acceptor(acceptor).run_with_graceful_shutdown(
            app,
            async move {
                // A send or a dropped sender both mean stop.
                let _ = stopped.await;
            },
            Some(GRACE),
        ),
    );
    tracing::info!(%addr, account_sid = sandbox.account_sid(), flavor = %sandbox.flavor(), "sandbox listening");
    Ok(SandboxServer {
        addr,
        sandbox,
        stop,
        task,
    })
}

/// A running sandbox server. Dropping it shuts the server down (gracefully, in the background).
#[derive(Debug)]
pub struct SandboxServer {
    addr: SocketAddr,
    sandbox: Sandbox,
    stop: oneshot::Sender<()>,
    task: JoinHandle<io::Result<()>>,
}

impl SandboxServer {
    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where the sandbox is mounted: `http://{addr}/sandbox`. For the SignalWire flavor this
    /// is the Space URL (`SIGNALWIRE_SPACE_URL`).
    pub fn space_url(&self) -> String {
        format!("http://{}{SANDBOX_PATH_PREFIX}", self.addr)
    }

    /// The API base URL to give a `TwilioClient`: `http://{addr}/sandbox` (Twilio flavor,
    /// `TWILIO_API_BASE_URL`) or `http://{addr}/sandbox/api/laml` (SignalWire flavor).
    pub fn api_base_url(&self) -> String {
        format!("{}{}", self.space_url(), self.sandbox.flavor().api_path())
    }

    /// The customer simulator's URL: `http://{addr}/sandbox/messages`.
    pub fn messages_url(&self) -> String {
        format!("{}/messages", self.space_url())
    }

    /// The caller simulator's URL: `http://{addr}/sandbox/calls`.
    pub fn calls_url(&self) -> String {
        format!("{}/calls", self.space_url())
    }

    /// The sent-message log's URL: `http://{addr}/sandbox/messages/outbound` (`GET`, a JSON
    /// array of every message the account sent, oldest first).
    pub fn outbound_messages_url(&self) -> String {
        format!("{}/outbound", self.messages_url())
    }

    /// Where to push one more status callback for the sent message `message_sid`:
    /// `http://{addr}/sandbox/messages/{message_sid}/status` (`POST {"status", "error_code"}`).
    pub fn message_status_url(&self, message_sid: &str) -> String {
        format!("{}/{message_sid}/status", self.messages_url())
    }

    /// The sandbox it serves (credentials, shared state).
    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }

    /// Serves until `signal` completes (e.g. Ctrl-C) or the server fails, then shuts down
    /// gracefully.
    ///
    /// # Errors
    /// The server's I/O error, or `Other` when its task panicked.
    pub async fn run_until(mut self, signal: impl Future<Output = ()>) -> io::Result<()> {
        tokio::select! {
            result = &mut self.task => return joined(result),
            () = signal => {}
        }
        self.shutdown().await
    }

    /// Stops accepting connections, lets in-flight requests finish (at most 5 s) and waits.
    ///
    /// # Errors
    /// As [`Self::run_until`].
    pub async fn shutdown(self) -> io::Result<()> {
        let _ = self.stop.send(());
        joined(self.task.await)
    }
}

fn joined(result: Result<io::Result<()>, tokio::task::JoinError>) -> io::Result<()> {
    result.map_err(io::Error::other)?
}
