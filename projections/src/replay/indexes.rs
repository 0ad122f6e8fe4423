//! PostgreSQL indexes of scratch tables. A scratch copy is created with every index of its live
//! table; its non-unique ones that no projection reads while applying are then dropped and built
//! again, under the live index's name, once the copy is filled: one sort per index instead of an
//! insertion per row. Unique indexes stay (they back the projections' `ON CONFLICT`).

use sqlx::{AnyConnection, Row};

use super::scratch::{quoted, SCHEMA};

/// An index of a table.
#[derive(Clone, Debug)]
pub(super) struct Index {
    pub name: String,
    /// Its definition without its name and table: `true USING btree (…)`, led by whether it is
    /// unique, so equal keys compare equal across schemas.
    pub key: String,
    /// Its definition from ` USING` on.
    body: String,
    unique: bool,
}

/// A scratch table's index left out while filling.
#[derive(Clone, Debug)]
pub(super) struct DeferredIndex {
    table: String,
    /// The live index's name (free in the scratch schema).
    name: String,
    body: String,
}

impl DeferredIndex {
    /// Builds it on the scratch copy.
    pub(super) async fn build(&self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        sqlx::query(&format!(
            "CREATE INDEX {} ON {SCHEMA}.{}{}",
            quoted(&self.name),
            self.table,
            self.body
        ))
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
}

/// `table`'s indexes in `schema`.
pub(super) async fn of(
    conn: &mut AnyConnection,
    schema: &str,
    table: &str,
) -> Result<Vec<Index>, sqlx::Error> {
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
            Ok(Index {
                name,
                key: format!("{unique}{body}"),
                body: body.to_string(),
                unique,
            })
        })
        .collect()
}

/// Drops the scratch copy's indexes of `table` that can wait until it is filled (non-unique, not
/// named in `lookups`) and returns them.
pub(super) async fn defer(
    conn: &mut AnyConnection,
    live_schema: &str,
    table: &str,
    lookups: &[&str],
) -> Result<Vec<DeferredIndex>, sqlx::Error> {
    let live = of(conn, live_schema, table).await?;
    let copies = of(conn, SCHEMA, table).await?;
    let mut deferred = Vec::new();
    for index in live
        .into_iter()
        .filter(|i| !i.unique && !lookups.contains(&i.name.as_str()))
    {
        let Some(copy) = copies.iter().find(|c| c.key == index.key) else {
            continue;
        };
        sqlx::query(&format!("DROP INDEX {SCHEMA}.{}", quoted(&copy.name)))
            .execute(&mut *conn)
            .await?;
        deferred.push(DeferredIndex {
            table: table.to_string(),
            name: index.name,
            body: index.body,
        });
    }
    Ok(deferred)
}
