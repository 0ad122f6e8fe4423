//! Scratch copies of projection tables on one dedicated connection, which shadow the live ones
//! for every unqualified statement on that connection: on PostgreSQL a `switchboard_scratch`
//! schema first on the search path (unlogged tables `LIKE` the live ones), on SQLite `TEMP`
//! tables made from the live tables' own DDL. The projections' SQL runs unchanged against them.

use sqlx::{AnyConnection, Connection, Row};

/// The PostgreSQL schema holding scratch tables.
const SCHEMA: &str = "switchboard_scratch";

/// The advisory lock key that keeps two replays from sharing the scratch schema.
const ADVISORY_KEY: i64 = 0x5357_4254_5245_504c;

/// Which SQL dialect the connection speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dialect {
    Postgres,
    Sqlite,
}

/// Scratch tables created on a connection.
#[derive(Clone, Debug)]
pub(crate) struct Scratch {
    dialect: Dialect,
    /// Where the live tables are: the PostgreSQL schema, or `main`.
    live_schema: String,
    tables: Vec<&'static str>,
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

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl Scratch {
    /// Creates empty scratch copies of `tables` (with their keys and indexes) on `conn` and makes
    /// them shadow the live ones there.
    pub(crate) async fn create(
        conn: &mut AnyConnection,
        tables: Vec<&'static str>,
    ) -> Result<Self, ScratchError> {
        let dialect = if conn.backend_name().eq_ignore_ascii_case("sqlite") {
            Dialect::Sqlite
        } else {
            Dialect::Postgres
        };
        let scratch = match dialect {
            Dialect::Postgres => {
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
                sqlx::query(&format!("DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
                    .execute(&mut *conn)
                    .await?;
                sqlx::query(&format!("CREATE SCHEMA {SCHEMA}"))
                    .execute(&mut *conn)
                    .await?;
                for table in &tables {
                    sqlx::query(&format!(
                        "CREATE UNLOGGED TABLE {SCHEMA}.{table} (LIKE {}.{table} INCLUDING ALL)",
                        quoted(&live_schema)
                    ))
                    .execute(&mut *conn)
                    .await?;
                }
                sqlx::query(&format!(
                    "SET search_path TO {SCHEMA}, {}",
                    quoted(&live_schema)
                ))
                .execute(&mut *conn)
                .await?;
                Self {
                    dialect,
                    live_schema,
                    tables,
                }
            }
            Dialect::Sqlite => {
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
                Self {
                    dialect,
                    live_schema: "main".into(),
                    tables,
                }
            }
        };
        Ok(scratch)
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

    /// Makes the scratch copies of `tables` crash-safe before they are swapped in (PostgreSQL
    /// builds them unlogged for speed).
    pub(crate) async fn make_durable(
        &self,
        conn: &mut AnyConnection,
        tables: &[&'static str],
    ) -> Result<(), sqlx::Error> {
        if self.dialect == Dialect::Postgres {
            for table in tables {
                sqlx::query(&format!("ALTER TABLE {SCHEMA}.{table} SET LOGGED"))
                    .execute(&mut *conn)
                    .await?;
            }
        }
        Ok(())
    }

    /// Replaces each live table of `tables` by its scratch copy, inside the caller's transaction:
    /// on PostgreSQL the live table is dropped and the copy moved into its schema (its indexes
    /// renamed to the live ones' names); on SQLite the live rows are replaced by the copy's.
    pub(crate) async fn swap_in(
        &self,
        tx: &mut AnyConnection,
        tables: &[&'static str],
    ) -> Result<(), sqlx::Error> {
        for table in tables {
            match self.dialect {
                Dialect::Postgres => self.swap_postgres(tx, table).await?,
                Dialect::Sqlite => {
                    sqlx::query(&format!("DELETE FROM {}", self.live(table)))
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(&format!(
                        "INSERT INTO {} SELECT * FROM {}",
                        self.live(table),
                        self.scratch(table)
                    ))
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn swap_postgres(&self, tx: &mut AnyConnection, table: &str) -> Result<(), sqlx::Error> {
        let live_indexes = indexes(tx, &self.live_schema, table).await?;
        let scratch_indexes = indexes(tx, SCHEMA, table).await?;
        sqlx::query(&format!("DROP TABLE {}", self.live(table)))
            .execute(&mut *tx)
            .await?;
        sqlx::query(&format!(
            "ALTER TABLE {SCHEMA}.{table} SET SCHEMA {}",
            quoted(&self.live_schema)
        ))
        .execute(&mut *tx)
        .await?;
        for (name, key) in scratch_indexes {
            if let Some((live_name, _)) = live_indexes.iter().find(|(n, k)| *k == key && *n != name)
            {
                sqlx::query(&format!(
                    "ALTER INDEX {}.{} RENAME TO {}",
                    quoted(&self.live_schema),
                    quoted(&name),
                    quoted(live_name)
                ))
                .execute(&mut *tx)
                .await?;
            }
        }
        Ok(())
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

/// A table's indexes as `(name, definition without its name)`.
async fn indexes(
    conn: &mut AnyConnection,
    schema: &str,
    table: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT CAST(indexname AS TEXT) AS name, indexdef AS def FROM pg_indexes
          WHERE schemaname = $1 AND tablename = $2",
    )
    .bind(schema)
    .bind(table)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let name: String = row.try_get("name")?;
            let def: String = row.try_get("def")?;
            let unique = def.starts_with("CREATE UNIQUE");
            let body = def.find(" USING ").map_or(def.as_str(), |at| &def[at..]);
            Ok((name, format!("{unique}{body}")))
        })
        .collect()
}

/// The `TEMP` form of a table's or index's DDL as SQLite stores it.
fn temp_ddl(sql: &str) -> Option<String> {
    let trimmed = sql.trim_start();
    let upper = trimmed.to_ascii_uppercase();
    for (prefix, replacement) in [
        ("CREATE TABLE ", "CREATE TEMP TABLE "),
        ("CREATE INDEX ", "CREATE INDEX temp."),
        ("CREATE UNIQUE INDEX ", "CREATE UNIQUE INDEX temp."),
    ] {
        if upper.starts_with(prefix) {
            return Some(format!(
                "{replacement}{}",
                trimmed[prefix.len()..].trim_start()
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::temp_ddl;

    #[test]
    fn sqlite_ddl_becomes_temp() {
        assert_eq!(
            temp_ddl("CREATE TABLE routing_table\n(a text)").as_deref(),
            Some("CREATE TEMP TABLE routing_table\n(a text)")
        );
        assert_eq!(
            temp_ddl("CREATE INDEX x_by_y ON x (y)").as_deref(),
            Some("CREATE INDEX temp.x_by_y ON x (y)")
        );
        assert_eq!(
            temp_ddl("CREATE UNIQUE INDEX u ON x (y)").as_deref(),
            Some("CREATE UNIQUE INDEX temp.u ON x (y)")
        );
        assert_eq!(
            temp_ddl("CREATE TRIGGER t AFTER INSERT ON x BEGIN END"),
            None
        );
    }
}
