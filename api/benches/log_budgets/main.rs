//! The global log's budgets (issue 8), on PostgreSQL (`BENCH_DATABASE=sqlite` for SQLite):
//!
//! 1. **Rebuild speed**: a log of `BENCH_EVENTS` events (default 1,000,000: organizations,
//!    numbers, inbound messages with their outcomes, outbound messages with a status callback) is
//!    written straight into the event store; then the live projector applies it (every
//!    projection and the audit chain), and `replay --all` rebuilds every projection into fresh
//!    tables and swaps them in. Budget: at least 20,000 events/s.
//! 2. **Projection lag under load**: while a writer keeps committing message events, a number is
//!    provisioned `BENCH_LAG_SAMPLES` times (default 200) and the time from its commit to its row
//!    in the routing table is measured, with the projector tailing the log as `serve` runs it.
//!    Budget: p99 under 100 ms.
//! 3. **Export memory**: the peak resident memory of `switchboard events export` over the whole
//!    log and over its last tenth. Budget: flat in the log's size.
//!
//! `cargo bench -p switchboard-api --bench log_budgets` (env: `BENCH_EVENTS`,
//! `BENCH_LAG_SAMPLES`, `BENCH_DATABASE`, `BENCH_PER_PROJECTION` to also rebuild each projection
//! alone; `RUST_LOG=switchboard_projections=debug` logs each batch's read and per-projection
//! times on stderr).

#![allow(clippy::print_stdout)]

mod export;
mod lag;
mod shape;
mod write;

use std::sync::Arc;
use std::time::Instant;

use switchboard_adapters::event_store::{Database, SqlGlobalLog};
use switchboard_adapters::test_database::{TestBackend, TestDatabase};
use switchboard_application::ports::GlobalLog;
use switchboard_projections::replay::Replay;
use switchboard_projections::Projector;

use export::export_peak_kb;
use lag::{lag_under_load, percentile};
use write::write_log;

fn env_number(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_default_env() {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    }
    let total = env_number("BENCH_EVENTS", 1_000_000);
    let samples = env_number("BENCH_LAG_SAMPLES", 200);
    let backend = match std::env::var("BENCH_DATABASE").as_deref() {
        Ok("sqlite") => TestBackend::Sqlite,
        _ => TestBackend::Postgres,
    };
    let test_database = TestDatabase::create(backend)
        .await
        .expect("PostgreSQL for the benchmark");
    let database = Database::connect(test_database.url()).await.unwrap();
    database.migrate().await.unwrap();
    let log: Arc<dyn GlobalLog> = Arc::new(SqlGlobalLog::new(&database));
    println!("log budgets on {backend:?}, {total} events");

    let wrote = write_log(&database, total).await;
    println!(
        "  wrote the log in {:.1} s ({:.0} events/s)",
        wrote.as_secs_f64(),
        total as f64 / wrote.as_secs_f64()
    );

    let projector = Projector::new(database.any().clone(), log.clone());
    let started = Instant::now();
    let applied = projector.catch_up().await.unwrap();
    let live = started.elapsed();
    println!(
        "1. live projection of every projection and the audit chain: {applied} events in {:.1} s = {:.0} events/s",
        live.as_secs_f64(),
        applied as f64 / live.as_secs_f64()
    );
    let replay = Replay::select(database.any().clone(), log.clone(), None).unwrap();
    let summary = replay.rebuild(&mut |_| {}).await.unwrap();
    println!(
        "   replay --all (fresh tables, swapped in): {} events in {:.1} s = {:.0} events/s (budget >= 20000)",
        summary.events,
        summary.elapsed.as_secs_f64(),
        summary.events_per_second()
    );

    if std::env::var("BENCH_PER_PROJECTION").is_ok() {
        for name in replay.names() {
            let one = Replay::select(database.any().clone(), log.clone(), Some(name)).unwrap();
            let summary = one.rebuild(&mut |_| {}).await.unwrap();
            println!(
                "   replay --projection {name}: {:.0} events/s",
                summary.events_per_second()
            );
        }
    }

    let lags = lag_under_load(&database, log.clone(), samples).await;
    println!(
        "2. projection lag, commit -> routing table, {} samples: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (budget p99 < 100 ms)",
        lags.len(),
        percentile(&lags, 0.50).as_secs_f64() * 1000.0,
        percentile(&lags, 0.99).as_secs_f64() * 1000.0,
        lags.last().copied().unwrap_or_default().as_secs_f64() * 1000.0
    );

    let url = test_database.url().to_string();
    let tenth = (total - total / 10).to_string();
    let position = sqlx::query_scalar::<_, i64>(
        "SELECT position FROM events ORDER BY position LIMIT 1 OFFSET $1",
    )
    .bind(tenth.parse::<i64>().unwrap_or(0))
    .fetch_optional(database.any())
    .await
    .unwrap()
    .unwrap_or(0)
    .to_string();
    let (whole_kb, whole_bytes) = tokio::task::spawn_blocking({
        let url = url.clone();
        move || export_peak_kb(&url, &[])
    })
    .await
    .unwrap();
    let (tail_kb, tail_bytes) =
        tokio::task::spawn_blocking(move || export_peak_kb(&url, &["--after", &position]))
            .await
            .unwrap();
    println!(
        "3. export peak RSS: whole log {whole_kb} kB ({} MB written), last tenth {tail_kb} kB ({} MB written)",
        whole_bytes / 1_000_000,
        tail_bytes / 1_000_000
    );

    database.close().await;
    test_database.drop_database().await;
}
