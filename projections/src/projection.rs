use async_trait::async_trait;
use sqlx::{AnyConnection, Row};
use switchboard_application::ports::RecordedEvent;

/// A read model built from the global log.
#[async_trait]
pub trait Projection: Send + Sync {
    /// Its checkpoint name, e.g. `routing_table`. Stable: renaming it rebuilds the model.
    fn name(&self) -> &'static str;

    /// The tables it owns: what `switchboard replay` rebuilds in fresh copies and swaps in, and
    /// what `replay --verify` compares with a replay.
    fn tables(&self) -> &'static [&'static str];

    /// Tables it writes that a rebuild never replaces (the delivery outbox): a rebuild into
    /// scratch tables writes to scratch copies of them, which are then thrown away, so a replay
    /// has no side effect on them.
    fn side_tables(&self) -> &'static [&'static str] {
        &[]
    }

    /// The non-unique indexes of its tables that its apply reads by: a rebuild on PostgreSQL
    /// keeps them while filling its fresh tables, and builds the others once they are filled.
    fn lookup_indexes(&self) -> &'static [&'static str] {
        &[]
    }

    /// Whether `switchboard replay` may rebuild it from the log. The audit chain may not: it
    /// records what the log held when first read, and rebuilding it from a tampered log would
    /// launder the tampering.
    fn rebuildable(&self) -> bool {
        true
    }

    /// Whether nobody waits for it right after a commit (analytics, the audit chain). The live
    /// projector feeds these from a reader of their own, so their cost never delays the read
    /// models that an API caller or a routing decision looks at right after a webhook.
    fn background(&self) -> bool {
        false
    }

    /// Whether it reads events exactly as stored (the audit chain hashes them) rather than with
    /// their sealed personal fields opened (every read model).
    fn reads_stored_payloads(&self) -> bool {
        false
    }

    /// Applies one event inside the projector's transaction. Must be idempotent and ignore event
    /// types it does not use.
    ///
    /// # Errors
    /// The database error, or a payload that does not deserialize (as `sqlx::Error::Decode`).
    async fn apply(&self, tx: &mut AnyConnection, event: &RecordedEvent)
        -> Result<(), sqlx::Error>;

    /// Applies a batch of consecutive events (in log order) inside the projector's transaction;
    /// by default one [`Projection::apply`] each. A projection overrides it to write a batch in
    /// fewer statements.
    ///
    /// # Errors
    /// As [`Projection::apply`].
    async fn apply_batch(
        &self,
        tx: &mut AnyConnection,
        events: &[RecordedEvent],
    ) -> Result<(), sqlx::Error> {
        for event in events {
            self.apply(tx, event).await?;
        }
        Ok(())
    }
}

/// Deserializes an event payload as cqrs-es wrote it (`{"EventType": {...}}`), through the
/// domain's upcasters when it was stored by an older schema version (a current one is read in
/// place, without a copy: every projection reads every event of its aggregates).
pub(crate) fn payload<T: serde::de::DeserializeOwned>(
    event: &RecordedEvent,
) -> Result<T, sqlx::Error> {
    if switchboard_domain::upcasting::is_current(&event.event_type, &event.event_version) {
        return T::deserialize(&event.payload).map_err(|e| sqlx::Error::Decode(Box::new(e)));
    }
    stored_payload(
        &event.event_type,
        &event.event_version,
        event.payload.clone(),
    )
}

/// Deserializes a stored payload of `event_type` and `event_version`, upcast to the current
/// schema.
pub(crate) fn stored_payload<T: serde::de::DeserializeOwned>(
    event_type: &str,
    event_version: &str,
    payload: serde_json::Value,
) -> Result<T, sqlx::Error> {
    let current = switchboard_domain::upcasting::upcast(event_type, event_version, payload);
    serde_json::from_value(current).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// The first event of `event_type` in stream `id` of `aggregate_type`.
pub(crate) async fn first_event_of<T: serde::de::DeserializeOwned>(
    conn: &mut AnyConnection,
    aggregate_type: &str,
    id: &str,
    event_type: &str,
) -> Result<Option<T>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT CAST(payload AS TEXT) AS payload, event_version FROM events
          WHERE aggregate_type = $1 AND aggregate_id = $2 AND event_type = $3
          ORDER BY sequence LIMIT 1",
    )
    .bind(aggregate_type)
    .bind(id)
    .bind(event_type)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| {
        let text: String = row.try_get("payload")?;
        let version: String = row.try_get("event_version")?;
        let stored = serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        stored_payload(event_type, &version, stored)
    })
    .transpose()
}
