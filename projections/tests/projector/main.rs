//! The projector, replay and audit chain against a real event store (SQLite and PostgreSQL):
//! it catches up after a restart and after a crash mid-batch, applies nothing twice, skips and
//! reorders nothing under concurrent writers (some holding their transaction open), a rebuild
//! from position 0 yields the same rows, and an altered stored event breaks the chain.

mod chain;
mod crash;
mod fixture;
mod idempotency;
mod joining;
mod ordering;
mod replay;
mod restart;
mod upcasting;

/// Runs `async fn name(backend)` on SQLite and PostgreSQL: `sqlite::name`, `postgres::name`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() { super::$name(switchboard_adapters::test_database::TestBackend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() { super::$name(switchboard_adapters::test_database::TestBackend::Postgres).await })*
        }
    };
}
