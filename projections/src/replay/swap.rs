//! Turning scratch copies into the live tables: made crash-safe, then swapped in inside the
//! caller's transaction (readers see the old rows or the new, never none).

use sqlx::AnyConnection;

use super::indexes;
use super::scratch::{quoted, Dialect, Scratch, SCHEMA};

impl Scratch {
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
        let live_indexes = indexes::of(tx, &self.live_schema, table).await?;
        let scratch_indexes = indexes::of(tx, SCHEMA, table).await?;
        sqlx::query(&format!("DROP TABLE {}", self.live(table)))
            .execute(&mut *tx)
            .await?;
        sqlx::query(&format!(
            "ALTER TABLE {SCHEMA}.{table} SET SCHEMA {}",
            quoted(&self.live_schema)
        ))
        .execute(&mut *tx)
        .await?;
        for index in scratch_indexes {
            if let Some(live) = live_indexes
                .iter()
                .find(|live| live.key == index.key && live.name != index.name)
            {
                sqlx::query(&format!(
                    "ALTER INDEX {}.{} RENAME TO {}",
                    quoted(&self.live_schema),
                    quoted(&index.name),
                    quoted(&live.name)
                ))
                .execute(&mut *tx)
                .await?;
            }
        }
        Ok(())
    }
}
