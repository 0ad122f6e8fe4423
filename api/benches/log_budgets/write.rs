//! Writing the benchmark's log straight into the event store (one multi-row insert per chunk
//! on PostgreSQL).

use std::time::{Duration, Instant};

use chrono::Utc;
use switchboard_adapters::event_store::Database;
use switchboard_domain::OrganizationId;

use crate::shape::{LogShape, ORGANIZATIONS};

/// Rows as the columns `UNNEST` takes.
#[derive(Default)]
struct Columns(
    Vec<&'static str>,
    Vec<String>,
    Vec<i64>,
    Vec<String>,
    Vec<&'static str>,
    Vec<String>,
);

/// Writes a log of `total` events; returns how long it took.
pub async fn write_log(database: &Database, total: usize) -> Duration {
    let shape = LogShape {
        organizations: (0..ORGANIZATIONS)
            .map(|_| OrganizationId::new_random())
            .collect(),
        total,
        start: Utc::now() - chrono::Duration::days(60),
    };
    let started = Instant::now();
    const CHUNK: usize = 10_000;
    let mut from = 0;
    while from < total {
        let to = (from + CHUNK).min(total);
        let rows = shape.rows(from, to);
        match database.postgres() {
            Some(pool) => {
                let mut columns = Columns::default();
                for (t, id, seq, ty, ver, payload) in rows {
                    columns.0.push(t);
                    columns.1.push(id);
                    columns.2.push(seq);
                    columns.3.push(ty);
                    columns.4.push(ver);
                    columns.5.push(payload);
                }
                sqlx::query(
                    "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type,
                         event_version, payload, metadata)
                     SELECT t, id, seq, ty, ver, CAST(p AS json), CAST('{}' AS json)
                       FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[],
                                   $6::text[]) AS u(t, id, seq, ty, ver, p)",
                )
                .bind(&columns.0)
                .bind(&columns.1)
                .bind(&columns.2)
                .bind(&columns.3)
                .bind(&columns.4)
                .bind(&columns.5)
                .execute(pool)
                .await
                .unwrap();
            }
            None => {
                let mut tx = database.any().begin().await.unwrap();
                for (t, id, seq, ty, ver, payload) in rows {
                    sqlx::query(
                        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type,
                             event_version, payload, metadata)
                         VALUES ($1, $2, $3, $4, $5, $6, '{}')",
                    )
                    .bind(t)
                    .bind(id)
                    .bind(seq)
                    .bind(ty)
                    .bind(ver)
                    .bind(payload)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                }
                tx.commit().await.unwrap();
            }
        }
        from = to;
    }
    started.elapsed()
}
