//! Telling readers that the global log grew: an in-process counter, and on PostgreSQL the
//! `switchboard_events` channel between processes.
//!
//! The channel is not fed by the writing transaction. A `NOTIFY` inside a transaction makes its
//! commit take PostgreSQL's global notification-queue lock and hold it through the commit's WAL
//! flush, so every appending transaction of the cluster would commit one after another with no
//! group commit: on a 2-core machine with `synchronous_commit = on`, single-row inserts into the
//! events table ran at about 300/s with a per-statement `NOTIFY` trigger and 2,400/s without it
//! (pgbench, 16 clients). See the PostgreSQL documentation of `NOTIFY` ("a transaction that has
//! executed NOTIFY cannot be prepared", and the notification queue's commit-time ordering) and
//! `migrations/postgres/0016_notify_after_commit.sql`, which dropped the trigger. Instead each
//! process sends `NOTIFY` on its own after its commits, at most one in flight at a time: commits
//! that land while one is being sent are covered by the next, so a busy process sends a few
//! hundred small notifications a second, not one per commit.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;
use sqlx::PgPool;
use tokio::sync::{watch, Notify};

/// The channel appends are announced on (`LISTEN switchboard_events`).
const CHANNEL: &str = "switchboard_events";

/// The append counter of one process, and on PostgreSQL its link to the other processes.
#[derive(Clone)]
pub(super) struct AppendSignal {
    appends: Arc<watch::Sender<u64>>,
    outgoing: Option<Arc<Notify>>,
}

impl AppendSignal {
    /// A counter for one process (SQLite: there is no other process).
    pub(super) fn local() -> Self {
        Self {
            appends: Arc::new(watch::Sender::new(0)),
            outgoing: None,
        }
    }

    /// A counter that also follows other processes' appends (`LISTEN`) and announces this
    /// process's own (`NOTIFY` after commit, coalesced), with tasks that live as long as `pool`
    /// is open and reconnect after failures.
    pub(super) fn postgres(pool: &PgPool) -> Self {
        let signal = Self {
            outgoing: Some(Arc::new(Notify::new())),
            ..Self::local()
        };
        tokio::spawn(listen(pool.clone(), signal.appends.clone()));
        if let Some(outgoing) = &signal.outgoing {
            tokio::spawn(announce(pool.clone(), outgoing.clone()));
        }
        signal
    }

    /// A receiver of the counter (see `GlobalLog::appends`).
    pub(super) fn subscribe(&self) -> watch::Receiver<u64> {
        self.appends.subscribe()
    }

    /// Moves the counter and, on PostgreSQL, asks for one `NOTIFY` to be sent.
    pub(super) fn appended(&self) {
        self.appends.send_modify(|n| *n = n.wrapping_add(1));
        if let Some(outgoing) = &self.outgoing {
            // A stored permit: a commit during a NOTIFY in flight triggers exactly one more.
            outgoing.notify_one();
        }
    }
}

/// Moves `appends` on every notification of the channel.
async fn listen(pool: PgPool, appends: Arc<watch::Sender<u64>>) {
    loop {
        match PgListener::connect_with(&pool).await {
            Ok(mut listener) => {
                if let Err(error) = listener.listen(CHANNEL).await {
                    tracing::warn!(%error, "LISTEN {CHANNEL} failed");
                } else {
                    while listener.recv().await.is_ok() {
                        appends.send_modify(|n| *n = n.wrapping_add(1));
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "global log listener cannot connect"),
        }
        if pool.is_closed() {
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Sends one `NOTIFY` each time `outgoing` is signalled, one at a time.
async fn announce(pool: PgPool, outgoing: Arc<Notify>) {
    loop {
        outgoing.notified().await;
        if pool.is_closed() {
            return;
        }
        if let Err(error) = sqlx::query("SELECT pg_notify($1, '')")
            .bind(CHANNEL)
            .execute(&pool)
            .await
        {
            tracing::warn!(%error, "NOTIFY {CHANNEL} failed; other processes wake on their poll");
        }
    }
}
