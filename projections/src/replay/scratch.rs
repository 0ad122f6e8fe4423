//! Scratch copies of projection tables on one dedicated connection, which shadow the live ones
//! for every unqualified statement on that connection: on PostgreSQL a `switchboard_scratch`
//! schema first on the search path (tables `LIKE` the live ones, their secondary indexes built
//! after the fill: see `indexes`), on SQLite `TEMP` tables made from the live tables' own DDL.
//! The projections' SQL runs unchanged against them. PostgreSQL's copies are logged from the
//! start: each rebuild batch is one large transaction, so its WAL costs little, while making an
//! unlogged table logged before the swap rewrites it and its indexes.

use sqlx::{AnyConnection, Connection, Row};

use super::indexes::{self, DeferredIndex};
use super::sqlite_ddl::temp_ddl;

/// The PostgreSQL schema holding scratch tables.
pub(super) const SCHEMA: &str = "switchboard_scratch";

/// The advisory lock key that keeps two replays from sharing the scratch schema.
const ADVISORY_KEY: i64 = 0x5357_4254_5245_504c;

/// Which SQL dialect the connection speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Dialect {
    Postgres,
    Sqlite,
}

/// Scratch tables created on a connection.
#[derive(Clone, Debug)]
pub(crate) struct Scratch {
    pub(super) dialect: Dialect,
    /// Where the live tables are: the PostgreSQL schema, or `main`.
    pub(super) live_schema: String,
    tables: Vec<&'static str>,
    /// PostgreSQL: the secondary indexes left out while filling.
    deferred: Vec<DeferredIndex>,
}

/// Another replay holds the scratch schema.
#[derive(Debug, thiserror::Error)]
#[error("another `switchboard replay` is running on this database")]
pub struct ReplayBusy;

/// Creating the scratch tables failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ScratchError {
    #[error(transparent)]
    Busy(#[from] ReplayBusy),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

pub(super) fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl Scratch {
    /// Creates empty scratch copies of `tables` (with their keys and indexes) on `conn` and makes
    /// them shadow the live ones there. On PostgreSQL the non-unique indexes are left out, except
    /// those named in `lookups` (read while applying), until [`Scratch::build_indexes`].
    pub(crate) async fn create(
        conn: &mut AnyConnection,
        tables: Vec<&'static str>,
        lookups: &[&str],
    ) -> Result<Self, ScratchError> {
        if conn.backend_name().eq_ignore_ascii_case("sqlite") {
            return Ok(Self::create_sqlite(conn, tables).await?);
        }
        let locked: bool = sqlx::query("SELECT pg_try_advisory_lock($1) AS locked")
            .bind(ADVISORY_KEY)
            .fetch_one(&mut *conn)
            .await?
            .try_get("locked")?;
        if !locked {
            return Err(ReplayBusy.into());
        }
        let live_schema: String = sqlx::query("SELECT CAST(current_schema() AS TEXT) AS s")
            .fetch_one(&mut *conn)
            .await?
            .try_get("s")?;
        for sql in [
            format!("DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"),
            format!("CREATE SCHEMA {SCHEMA}"),
        ] {
            sqlx::query(&sql).execute(&mut *conn).await?;
        }
        let mut deferred = Vec::new();
        for table in &tables {
            sqlx::query(&format!(
                "CREATE TABLE {SCHEMA}.{table} (LIKE {}.{table} INCLUDING ALL)",
                quoted(&live_schema)
            ))
            .execute(&mut *conn)
            .await?;
            deferred.extend(indexes::defer(conn, &live_schema, table, lookups).await?);
        }
        sqlx::query(&format!(
            "SET search_path TO {SCHEMA}, {}",
            quoted(&live_schema)
        ))
        .execute(&mut *conn)
        .await?;
        Ok(Self {
            dialect: Dialect::Postgres,
            live_schema,
            tables,
            deferred,
        })
    }

    async fn create_sqlite(
        conn: &mut AnyConnection,
        tables: Vec<&'static str>,
    ) -> Result<Self, sqlx::Error> {
        sqlx::query("PRAGMA busy_timeout = 10000")
            .execute(&mut *conn)
            .await?;
        for table in &tables {
            let ddl = sqlx::query(
                "SELECT sql FROM main.sqlite_master WHERE tbl_name = $1 AND sql IS NOT NULL
                  ORDER BY type = 'index'",
            )
            .bind(*table)
            .fetch_all(&mut *conn)
            .await?;
            for row in &ddl {
                let sql: String = row.try_get("sql")?;
                if let Some(temp) = temp_ddl(&sql) {
                    sqlx::query(&temp).execute(&mut *conn).await?;
                }
            }
        }
        Ok(Self {
            dialect: Dialect::Sqlite,
            live_schema: "main".into(),
            tables,
            deferred: Vec::new(),
        })
    }

    /// Builds the indexes left out while filling (each in one pass over the filled table, which
    /// costs far less than keeping it up to date row by row).
    pub(crate) async fn build_indexes(
        &mut self,
        conn: &mut AnyConnection,
    ) -> Result<(), sqlx::Error> {
        for index in std::mem::take(&mut self.deferred) {
            index.build(conn).await?;
        }
        Ok(())
    }

    /// The live table `table`, schema-qualified (it is shadowed on the scratch connection).
    pub(crate) fn live(&self, table: &str) -> String {
        format!("{}.{table}", quoted(&self.live_schema))
    }

    /// The scratch table `table`, schema-qualified.
    pub(crate) fn scratch(&self, table: &str) -> String {
        match self.dialect {
            Dialect::Postgres => format!("{SCHEMA}.{table}"),
            Dialect::Sqlite => format!("temp.{table}"),
        }
    }

    /// The names of `table`'s columns, in order.
    pub(crate) async fn columns(
        &self,
        conn: &mut AnyConnection,
        table: &str,
    ) -> Result<Vec<String>, sqlx::Error> {
        let rows = match self.dialect {
            Dialect::Postgres => {
                sqlx::query(
                    "SELECT CAST(column_name AS TEXT) AS name FROM information_schema.columns
                      WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
                )
                .bind(&self.live_schema)
                .bind(table)
                .fetch_all(&mut *conn)
                .await?
            }
            Dialect::Sqlite => {
                sqlx::query("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                    .bind(table)
                    .fetch_all(&mut *conn)
                    .await?
            }
        };
        rows.iter().map(|row| row.try_get("name")).collect()
    }

    /// Drops what is left of the scratch tables and releases the replay lock; then the
    /// connection is closed (it must never serve the live projector).
    pub(crate) async fn discard(self, mut conn: AnyConnection) {
        let cleanup = match self.dialect {
            Dialect::Postgres => vec![
                format!("DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"),
                format!("SELECT pg_advisory_unlock({ADVISORY_KEY})"),
            ],
            Dialect::Sqlite => self
                .tables
                .iter()
                .map(|t| format!("DROP TABLE IF EXISTS temp.{t}"))
                .collect(),
        };
        for sql in cleanup {
            if let Err(error) = sqlx::query(&sql).execute(&mut conn).await {
                tracing::warn!(%error, "cannot clean up the replay's scratch tables");
            }
        }
        let _ = conn.close().await;
    }
}
