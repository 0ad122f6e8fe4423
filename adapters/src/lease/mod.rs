//! Job leases: which process runs a background job (the projector, the delivery dispatcher, the
//! reconciler, the quota reset) when several share one database.
//!
//! # Why session advisory locks (and not a lease row)
//! On PostgreSQL a lease is a session-level advisory lock (`pg_try_advisory_lock(class, job)`)
//! held on a connection of its own, outside the pools:
//! - a SIGKILLed or crashed owner's socket is closed by its kernel, PostgreSQL ends the session
//!   and the lock is free at once, so a waiting process takes over on its next try (≈ 1 s),
//!   where a lease row would have to expire first (its expiry is the takeover bound);
//! - there is no clock on the hot path: no expiry to tune, no heartbeat writes (a lease row costs
//!   one UPDATE per job per heartbeat, WAL included), no clock skew between replicas;
//! - the holder checks each heartbeat that its session still holds the lock (`pg_locks`); when
//!   that check fails or times out it stops the job. PostgreSQL notices a vanished client only
//!   after TCP keepalive gives up (minutes by default), far later than the holder's own check
//!   (seconds), so the old owner has stopped before a new one can take the lock.
//!
//! The lock needs a real session: a transaction-pooling PgBouncer in front of PostgreSQL would
//! hand the lock to whichever client shares the server connection. Point `DATABASE_URL` at
//! PostgreSQL itself or at a session-pooling proxy.
//!
//! On SQLite (one process by nature) every lease is granted at once and never lost.

use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

use crate::event_store::Database;

/// The advisory lock class of Switchboard's job leases (`SB` in ASCII); the job is the object.
pub const LOCK_CLASS: i32 = 0x5342;
/// How long a lease query (connect, acquire, check) may take before the lease counts as lost.
const QUERY_TIMEOUT: Duration = Duration::from_secs(2);

/// A lease could not be taken or checked.
#[derive(Debug, thiserror::Error)]
pub enum LeaseError {
    /// The database refused or the connection failed.
    #[error("lease query failed: {0}")]
    Database(#[from] sqlx::Error),
    /// The query took longer than two seconds.
    #[error("lease query timed out")]
    Timeout,
}

enum Backing {
    /// A session advisory lock on a dedicated PostgreSQL connection.
    Postgres(Box<Session>),
    /// Always granted (SQLite: one process).
    Granted,
}

/// The lease's own connection (opened on first use, and again after a failure).
struct Session {
    options: PgConnectOptions,
    connection: Option<PgConnection>,
}

/// One job's lease, as seen by this process: taken with [`JobLease::try_acquire`], checked with
/// [`JobLease::still_held`], given back with [`JobLease::release`] (or by the process dying).
pub struct JobLease {
    job: &'static str,
    object: i32,
    backing: Backing,
    held: bool,
}

impl JobLease {
    /// The lease of job number `object` (stable across versions: it is the lock's identity)
    /// named `job` (shown as the lease connection's `application_name`), on `database`.
    pub fn new(database: &Database, job: &'static str, object: i32) -> Self {
        let backing = match database.postgres() {
            Some(pool) => Backing::Postgres(Box::new(Session {
                options: (*pool.connect_options())
                    .clone()
                    .application_name(&format!("switchboard lease {job}")),
                connection: None,
            })),
            None => Backing::Granted,
        };
        Self {
            job,
            object,
            backing,
            held: false,
        }
    }

    /// The job's name.
    pub fn job(&self) -> &'static str {
        self.job
    }

    /// Whether this process holds the lease (as of the last acquire or check).
    pub fn is_held(&self) -> bool {
        self.held
    }

    /// Tries once to take the lease without waiting; returns whether this process holds it.
    ///
    /// # Errors
    /// [`LeaseError`]; the connection is dropped and opened again on the next try.
    pub async fn try_acquire(&mut self) -> Result<bool, LeaseError> {
        if self.held {
            return Ok(true);
        }
        let object = self.object;
        let Backing::Postgres(session) = &mut self.backing else {
            self.held = true;
            return Ok(true);
        };
        let Session {
            options,
            connection,
        } = session.as_mut();
        let result = bounded(async {
            if connection.is_none() {
                *connection = Some(PgConnection::connect_with(options).await?);
            }
            let conn = connection.as_mut().expect("connected above");
            sqlx::query_scalar::<_, bool>("SELECT pg_try_advisory_lock($1, $2)")
                .bind(LOCK_CLASS)
                .bind(object)
                .fetch_one(conn)
                .await
        })
        .await;
        match result {
            Ok(acquired) => {
                self.held = acquired;
                Ok(acquired)
            }
            Err(error) => {
                *connection = None;
                Err(error)
            }
        }
    }

    /// Checks that the lease's session is alive and still holds the lock. `false` (after which
    /// the job must stop) when it does not, or when the check fails or takes over two seconds;
    /// the connection is then closed, which frees the lock if the server still held it.
    pub async fn still_held(&mut self) -> bool {
        if !self.held {
            return false;
        }
        let object = self.object;
        let Backing::Postgres(session) = &mut self.backing else {
            return true;
        };
        let connection = &mut session.connection;
        let Some(conn) = connection.as_mut() else {
            self.held = false;
            return false;
        };
        let result = bounded(
            sqlx::query_scalar::<_, bool>(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' \
                 AND pid = pg_backend_pid() AND granted AND classid = $1::int::oid \
                 AND objid = $2::int::oid AND objsubid = 2)",
            )
            .bind(LOCK_CLASS)
            .bind(object)
            .fetch_one(conn),
        )
        .await;
        let held = matches!(result, Ok(true));
        if !held {
            tracing::warn!(job = self.job, ?result, "job lease lost");
            *connection = None;
            self.held = false;
        }
        held
    }

    /// Gives the lease back (the connection stays open for the next try). A failure closes the
    /// connection, which gives the lock back as well.
    pub async fn release(&mut self) {
        if !self.held {
            return;
        }
        self.held = false;
        let object = self.object;
        if let Backing::Postgres(session) = &mut self.backing {
            let connection = &mut session.connection;
            let Some(conn) = connection.as_mut() else {
                return;
            };
            let released = bounded(
                sqlx::query_scalar::<_, bool>("SELECT pg_advisory_unlock($1, $2)")
                    .bind(LOCK_CLASS)
                    .bind(object)
                    .fetch_one(conn),
            )
            .await;
            if !matches!(released, Ok(true)) {
                if let Some(conn) = connection.take() {
                    let _ = conn.close().await;
                }
            }
        }
    }
}

/// `query` within [`QUERY_TIMEOUT`].
async fn bounded<T>(
    query: impl std::future::Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, LeaseError> {
    tokio::time::timeout(QUERY_TIMEOUT, query)
        .await
        .map_err(|_| LeaseError::Timeout)?
        .map_err(LeaseError::from)
}
