use std::sync::Arc;

use cqrs_es::persist::{
    PersistedEventRepository, PersistenceError, ReplayStream, SerializedEvent, SerializedSnapshot,
};
use cqrs_es::Aggregate;
use postgres_es::PostgresEventRepository;
use serde_json::Value;
use sqlite_es::SqliteEventRepository;
use sqlx::{PgPool, SqlitePool};

use crate::privacy::{carries_personal_data, CustomerKeys, EventIdentity};

/// The cqrs-es event repository on whichever backend `DATABASE_URL` names: postgres-es or
/// sqlite-es, both on the `events` and `snapshots` tables of `migrations/`. Cheap to clone.
/// With customer keys ([`EventRepository::sealing_with`]) it seals the personal fields of the
/// events it persists and opens them in the events it loads (see [`crate::privacy`]).
#[derive(Clone)]
pub struct EventRepository(Arc<Inner>, Option<CustomerKeys>);

enum Inner {
    Postgres(PostgresEventRepository),
    Sqlite(SqliteEventRepository),
}

impl EventRepository {
    /// postgres-es on `pool`.
    pub fn postgres(pool: PgPool) -> Self {
        Self(
            Arc::new(Inner::Postgres(PostgresEventRepository::new(pool))),
            None,
        )
    }

    /// sqlite-es on `pool`.
    pub fn sqlite(pool: SqlitePool) -> Self {
        Self(
            Arc::new(Inner::Sqlite(SqliteEventRepository::new(pool))),
            None,
        )
    }

    /// The same repository, sealing and opening personal fields with `keys`.
    pub fn sealing_with(self, keys: CustomerKeys) -> Self {
        Self(self.0, Some(keys))
    }

    async fn opened(
        &self,
        mut events: Vec<SerializedEvent>,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        if let Some(keys) = &self.1 {
            for event in &mut events {
                let mut payload = std::mem::take(&mut event.payload);
                let opened = keys.open(&EventIdentity::of(event), &mut payload).await;
                event.payload = payload;
                opened.map_err(|e| PersistenceError::UnknownError(Box::new(e)))?;
            }
        }
        Ok(events)
    }
}

impl PersistedEventRepository for EventRepository {
    async fn get_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        let events = match &*self.0 {
            Inner::Postgres(r) => r.get_events::<A>(aggregate_id).await,
            Inner::Sqlite(r) => r.get_events::<A>(aggregate_id).await,
        }?;
        self.opened(events).await
    }

    async fn get_last_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
        last_sequence: usize,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        let events = match &*self.0 {
            Inner::Postgres(r) => r.get_last_events::<A>(aggregate_id, last_sequence).await,
            Inner::Sqlite(r) => r.get_last_events::<A>(aggregate_id, last_sequence).await,
        }?;
        self.opened(events).await
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
        let sealed;
        let events = match &self.1 {
            Some(keys)
                if events
                    .iter()
                    .any(|e| carries_personal_data(&e.aggregate_type, &e.event_type)) =>
            {
                let mut copies = events.to_vec();
                for event in &mut copies {
                    keys.seal_event(event)
                        .await
                        .map_err(|e| PersistenceError::UnknownError(Box::new(e)))?;
                }
                sealed = copies;
                &sealed[..]
            }
            _ => events,
        };
        match &*self.0 {
            Inner::Postgres(r) => r.persist::<A>(events, snapshot_update).await,
            Inner::Sqlite(r) => r.persist::<A>(events, snapshot_update).await,
        }
    }

    // The replay streams hand out events as stored: sealed fields read as blank.
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
