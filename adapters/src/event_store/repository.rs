use std::sync::Arc;

use cqrs_es::persist::{
    PersistedEventRepository, PersistenceError, ReplayStream, SerializedEvent, SerializedSnapshot,
};
use cqrs_es::Aggregate;
use postgres_es::PostgresEventRepository;
use serde_json::Value;
use sqlite_es::SqliteEventRepository;
use sqlx::{PgPool, SqlitePool};

/// The cqrs-es event repository on whichever backend `DATABASE_URL` names: postgres-es or
/// sqlite-es, both on the `events` and `snapshots` tables of `migrations/`. Cheap to clone.
#[derive(Clone)]
pub struct EventRepository(Arc<Inner>);

enum Inner {
    Postgres(PostgresEventRepository),
    Sqlite(SqliteEventRepository),
}

impl EventRepository {
    /// postgres-es on `pool`.
    pub fn postgres(pool: PgPool) -> Self {
        Self(Arc::new(Inner::Postgres(PostgresEventRepository::new(
            pool,
        ))))
    }

    /// sqlite-es on `pool`.
    pub fn sqlite(pool: SqlitePool) -> Self {
        Self(Arc::new(Inner::Sqlite(SqliteEventRepository::new(pool))))
    }
}

impl PersistedEventRepository for EventRepository {
    async fn get_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        match &*self.0 {
            Inner::Postgres(r) => r.get_events::<A>(aggregate_id).await,
            Inner::Sqlite(r) => r.get_events::<A>(aggregate_id).await,
        }
    }

    async fn get_last_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
        last_sequence: usize,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        match &*self.0 {
            Inner::Postgres(r) => r.get_last_events::<A>(aggregate_id, last_sequence).await,
            Inner::Sqlite(r) => r.get_last_events::<A>(aggregate_id, last_sequence).await,
        }
    }

    async fn get_snapshot<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Option<SerializedSnapshot>, PersistenceError> {
        match &*self.0 {
            Inner::Postgres(r) => r.get_snapshot::<A>(aggregate_id).await,
            Inner::Sqlite(r) => r.get_snapshot::<A>(aggregate_id).await,
        }
    }

    async fn persist<A: Aggregate>(
        &self,
        events: &[SerializedEvent],
        snapshot_update: Option<(String, Value, usize)>,
    ) -> Result<(), PersistenceError> {
        match &*self.0 {
            Inner::Postgres(r) => r.persist::<A>(events, snapshot_update).await,
            Inner::Sqlite(r) => r.persist::<A>(events, snapshot_update).await,
        }
    }

    async fn stream_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<ReplayStream, PersistenceError> {
        match &*self.0 {
            Inner::Postgres(r) => r.stream_events::<A>(aggregate_id).await,
            Inner::Sqlite(r) => r.stream_events::<A>(aggregate_id).await,
        }
    }

    async fn stream_all_events<A: Aggregate>(&self) -> Result<ReplayStream, PersistenceError> {
        match &*self.0 {
            Inner::Postgres(r) => r.stream_all_events::<A>().await,
            Inner::Sqlite(r) => r.stream_all_events::<A>().await,
        }
    }
}
