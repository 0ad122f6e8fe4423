use std::collections::HashMap;
use std::time::Duration;

use crate::{AppError, RequestContext, Switchboard};

use cqrs_es::event_sink::EventSink;
use cqrs_es::persist::{EventStoreAggregateContext, PersistedEventRepository, PersistedEventStore};
use cqrs_es::{Aggregate, AggregateError, EventStore};

/// How many times a command is re-run after an optimistic-concurrency conflict.
pub const MAX_ATTEMPTS: u32 = 12;

/// Runs `command` on aggregate `id`: load, handle, commit; on an optimistic-concurrency conflict
/// (another writer appended first) it reloads and re-runs the command, up to [`MAX_ATTEMPTS`]
/// times with a short, growing, jittered pause. Returns the aggregate's state after the command
/// and the number of events committed (0 when the command was a no-op, e.g. a duplicate).
///
/// # Errors
/// The aggregate's refusal as `AggregateError::UserError`, `AggregateConflict` once attempts run
/// out, or the store's failure.
pub async fn execute<A, R>(
    store: &PersistedEventStore<R, A>,
    services: &A::Services,
    id: &str,
    command: A::Command,
    metadata: HashMap<String, String>,
) -> Result<(A, usize), AggregateError<A::Error>>
where
    A: Aggregate + Clone,
    A::Command: Clone,
    R: PersistedEventRepository,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        let context: EventStoreAggregateContext<A> = store.load_aggregate(id).await?;
        // Handle on a copy: `EventSink::write` applies each event to the aggregate it is given,
        // and cqrs-es 0.5's snapshot store applies the committed events to the context's
        // aggregate once more when it writes a snapshot. Leaving the context at the loaded state
        // makes the snapshot exact (the framework's own `execute` double-applies).
        let mut state = context.aggregate.clone();
        let sink = EventSink::default();
        state
            .handle(command.clone(), services, &sink)
            .await
            .map_err(AggregateError::UserError)?;
        let events = sink.collect().await;
        let count = events.len();
        if count == 0 {
            return Ok((state, 0));
        }
        match store.commit(events, context, metadata.clone()).await {
            Ok(_) => return Ok((state, count)),
            Err(AggregateError::AggregateConflict) if attempt < MAX_ATTEMPTS => {
                let jitter = u64::from(uuid::Uuid::new_v4().as_bytes()[0] % 8);
                tokio::time::sleep(Duration::from_millis(u64::from(attempt) * 2 + jitter)).await;
            }
            Err(error) => return Err(error),
        }
    }
}

/// Loads an aggregate's current state.
///
/// # Errors
/// The store's failure.
pub async fn load<A, R>(
    store: &PersistedEventStore<R, A>,
    id: &str,
) -> Result<A, AggregateError<A::Error>>
where
    A: Aggregate,
    R: PersistedEventRepository,
{
    let context: EventStoreAggregateContext<A> = store.load_aggregate(id).await?;
    Ok(context.aggregate)
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Runs `command` on stream `id` of `store` with the request context as metadata, mapping
    /// refusals to [`AppError`] and waking in-process projectors when events were committed.
    pub(crate) async fn run<A>(
        &self,
        store: &PersistedEventStore<R, A>,
        id: &str,
        command: A::Command,
        context: &RequestContext,
    ) -> Result<A, AppError>
    where
        A: Aggregate<Services = ()> + Clone,
        A::Command: Clone,
        A::Error: Into<AppError>,
    {
        let (state, committed) = execute(store, &(), id, command, context.metadata())
            .await
            .map_err(|e| AppError::from_aggregate(e, A::TYPE))?;
        if committed > 0 {
            self.log.notify_append();
        }
        Ok(state)
    }

    /// Loads stream `id` of `store`.
    pub(crate) async fn state<A>(
        &self,
        store: &PersistedEventStore<R, A>,
        id: &str,
    ) -> Result<A, AppError>
    where
        A: Aggregate,
        A::Error: Into<AppError>,
    {
        load(store, id)
            .await
            .map_err(|e| AppError::from_aggregate(e, A::TYPE))
    }
}
