//! Fresh databases for tests (feature `test-support`): a temporary SQLite file, or a new
//! PostgreSQL database on the test server, dropped by [`TestDatabase::drop_database`].

use sqlx::{Connection, Executor, PgConnection};

/// Which backend a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestBackend {
    /// A temporary SQLite file.
    Sqlite,
    /// A new database on `SWITCHBOARD_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432`).
    Postgres,
}

/// A fresh, empty database and its URL.
#[derive(Debug)]
pub struct TestDatabase {
    url: String,
    backend: TestBackend,
    name: String,
}

fn postgres_server() -> String {
    std::env::var("SWITCHBOARD_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

impl TestDatabase {
    /// Creates one. Returns `None` when PostgreSQL is unreachable, unless `CI=true`, where that
    /// panics: no PostgreSQL test may be skipped in CI.
    ///
    /// # Panics
    /// Under CI without PostgreSQL, or when `CREATE DATABASE` fails.
    pub async fn create(backend: TestBackend) -> Option<Self> {
        let name = format!("switchboard_test_{}", uuid::Uuid::new_v4().simple());
        match backend {
            TestBackend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                Some(Self {
                    url: format!("sqlite://{}", path.display()),
                    backend,
                    name: path.display().to_string(),
                })
            }
            TestBackend::Postgres => {
                let server = postgres_server();
                let mut conn = match PgConnection::connect(&format!("{server}/postgres")).await {
                    Ok(conn) => conn,
                    Err(error) if std::env::var("CI").is_ok_and(|v| v == "true") => {
                        panic!("PostgreSQL is required under CI: {error}")
                    }
                    Err(error) => {
                        tracing::warn!(%error, "skipping: PostgreSQL unavailable at {server}");
                        return None;
                    }
                };
                conn.execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
                    .await
                    .expect("create the test database");
                Some(Self {
                    url: format!("{server}/{name}"),
                    backend,
                    name,
                })
            }
        }
    }

    /// The `DATABASE_URL`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The backend.
    pub fn backend(&self) -> TestBackend {
        self.backend
    }

    /// Removes the database (the SQLite files, or `DROP DATABASE … WITH (FORCE)`).
    pub async fn drop_database(self) {
        match self.backend {
            TestBackend::Sqlite => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", self.name));
                }
            }
            TestBackend::Postgres => {
                let admin = format!("{}/postgres", postgres_server());
                if let Ok(mut conn) = PgConnection::connect(&admin).await {
                    let drop = format!(r#"DROP DATABASE IF EXISTS "{}" WITH (FORCE)"#, self.name);
                    let _ = conn.execute(drop.as_str()).await;
                }
            }
        }
    }
}
