use std::str::FromStr;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AnyPool, PgPool, SqlitePool};

use super::loopback_tls::without_loopback_tls;

use super::EventRepository;
use crate::privacy::CustomerKeys;

static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");
static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");

/// Which database holds the event store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// PostgreSQL (postgres-es).
    Postgres,
    /// SQLite (sqlite-es), the zero-setup default.
    Sqlite,
}

impl Backend {
    /// `postgres` or `sqlite`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Postgres => "postgres",
            Backend::Sqlite => "sqlite",
        }
    }
}

/// The database could not be opened or migrated.
#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    /// `DATABASE_URL` is neither `postgres://`/`postgresql://` nor `sqlite:`.
    #[error("unsupported DATABASE_URL scheme in `{0}` (expected postgres:// or sqlite://)")]
    UnsupportedUrl(String),
    /// Connecting failed.
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    /// A migration failed.
    #[error("database migration failed: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

/// Open pools on one database: the typed pool the event repository needs and an `AnyPool` the
/// read models and global log use with the same SQL on both backends.
#[derive(Clone, Debug)]
pub struct Database {
    backend: Backend,
    postgres: Option<PgPool>,
    sqlite: Option<SqlitePool>,
    any: AnyPool,
    keys: CustomerKeys,
}

impl Database {
    /// Opens `url` (`postgres://…`, `sqlite://path` or `sqlite::memory:` is not supported since
    /// two pools must share the data). A missing SQLite file is created, in WAL mode. A
    /// loopback PostgreSQL with no `sslmode` is reached without TLS (`loopback_tls.rs`).
    ///
    /// # Errors
    /// [`DatabaseError::UnsupportedUrl`] or [`DatabaseError::Connect`].
    pub async fn connect(url: &str) -> Result<Self, DatabaseError> {
        sqlx::any::install_default_drivers();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let url = &without_loopback_tls(url);
            let options = PgConnectOptions::from_str(url).map_err(DatabaseError::Connect)?;
            // No round trip to test a pooled connection before each use (sqlx's default pings
            // it, which doubled the hot path's round trips): a connection that has gone bad
            // fails its statement, is closed, and the pool opens another.
            let postgres = PgPoolOptions::new()
                .max_connections(20)
                .acquire_timeout(Duration::from_secs(5))
                .test_before_acquire(false)
                .connect_with(options)
                .await
                .map_err(DatabaseError::Connect)?;
            let any = AnyPoolOptions::new()
                .max_connections(10)
                .acquire_timeout(Duration::from_secs(5))
                .test_before_acquire(false)
                .connect(url)
                .await
                .map_err(DatabaseError::Connect)?;
            Ok(Self {
                backend: Backend::Postgres,
                postgres: Some(postgres),
                sqlite: None,
                keys: CustomerKeys::new(any.clone()),
                any,
            })
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(DatabaseError::Connect)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: a commit is on disk before it returns, so an answered webhook survives a
                // power loss (NORMAL in WAL mode may lose the last commits).
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10));
            let sqlite = SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options)
                .await
                .map_err(DatabaseError::Connect)?;
            // Readers never wait for SQLite's one writer in WAL mode, but a pool of them can run
            // dry: a projector batch holds the write lock on one connection while it reads back
            // earlier events and customer keys on others, and the tasks queued on the write lock
            // each hold a connection too. Enough connections that the reads always find one.
            let any = AnyPoolOptions::new()
                .max_connections(16)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        sqlx::query("PRAGMA busy_timeout = 10000")
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query("PRAGMA synchronous = FULL")
                            .execute(&mut *conn)
                            .await?;
                        Ok(())
                    })
                })
                .connect(url)
                .await
                .map_err(DatabaseError::Connect)?;
            Ok(Self {
                backend: Backend::Sqlite,
                postgres: None,
                sqlite: Some(sqlite),
                keys: CustomerKeys::new(any.clone()),
                any,
            })
        } else {
            Err(DatabaseError::UnsupportedUrl(url.to_string()))
        }
    }

    /// Applies the ordered SQL files under `migrations/{postgres,sqlite}`.
    ///
    /// # Errors
    /// [`DatabaseError::Migrate`].
    pub async fn migrate(&self) -> Result<(), DatabaseError> {
        match (&self.postgres, &self.sqlite) {
            (Some(pool), _) => POSTGRES_MIGRATIONS.run(pool).await,
            (_, Some(pool)) => SQLITE_MIGRATIONS.run(pool).await,
            _ => Ok(()),
        }
        .map_err(DatabaseError::Migrate)
    }

    /// The migrations under `migrations/{postgres,sqlite}` this database has not applied
    /// successfully yet, as `(version, description)`, oldest first; all of them when the
    /// migrations table does not exist.
    ///
    /// # Errors
    /// [`DatabaseError::Connect`] when the applied versions cannot be read for another reason
    /// than a missing table.
    pub async fn pending_migrations(&self) -> Result<Vec<(i64, String)>, DatabaseError> {
        let migrator = match self.backend {
            Backend::Postgres => &POSTGRES_MIGRATIONS,
            Backend::Sqlite => &SQLITE_MIGRATIONS,
        };
        let table = match self.backend {
            Backend::Postgres => "SELECT COUNT(*) FROM pg_tables WHERE tablename = '_sqlx_migrations'",
            Backend::Sqlite => {
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
            }
        };
        let (tables,): (i64,) = sqlx::query_as(table)
            .fetch_one(&self.any)
            .await
            .map_err(DatabaseError::Connect)?;
        let applied: Vec<(i64,)> = if tables == 0 {
            Vec::new()
        } else {
            sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&self.any)
                .await
                .map_err(DatabaseError::Connect)?
        };
        Ok(migrator
            .iter()
            .filter(|m| m.migration_type.is_up_migration())
            .filter(|m| !applied.iter().any(|(version,)| *version == m.version))
            .map(|m| (m.version, m.description.to_string()))
            .collect())
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool for read models and the global log (same SQL on both backends).
    pub fn any(&self) -> &AnyPool {
        &self.any
    }

    /// The PostgreSQL pool, when the backend is PostgreSQL.
    pub fn postgres(&self) -> Option<&PgPool> {
        self.postgres.as_ref()
    }

    /// The SQLite pool, when the backend is SQLite.
    pub fn sqlite(&self) -> Option<&SqlitePool> {
        self.sqlite.as_ref()
    }

    /// The event repository for cqrs-es.
    pub fn event_repository(&self) -> EventRepository {
        match (&self.postgres, &self.sqlite) {
            (Some(pool), _) => EventRepository::postgres(pool.clone()),
            (_, Some(pool)) => EventRepository::sqlite(pool.clone()),
            _ => unreachable!("a Database always holds one typed pool"),
        }
        .sealing_with(self.keys.clone())
    }

    /// The per-customer data keys (one set of caches per `Database`, shared by its clones):
    /// what the event repository, the unit of work and the projector seal and open with.
    pub fn customer_keys(&self) -> &CustomerKeys {
        &self.keys
    }

    /// A cheap round trip, for health checks.
    ///
    /// # Errors
    /// The database error.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.any).await.map(|_| ())
    }

    /// Closes every pool.
    pub async fn close(&self) {
        self.any.close().await;
        if let Some(pool) = &self.postgres {
            pool.close().await;
        }
        if let Some(pool) = &self.sqlite {
            pool.close().await;
        }
    }
}
