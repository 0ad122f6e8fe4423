use async_trait::async_trait;
use sqlx::AnyConnection;
use switchboard_application::ports::RecordedEvent;

/// A read model built from the global log.
#[async_trait]
pub trait Projection: Send + Sync {
    /// Its checkpoint name, e.g. `routing_table`. Stable: renaming it rebuilds the model.
    fn name(&self) -> &'static str;

    /// The tables it owns, emptied before a rebuild.
    fn tables(&self) -> &'static [&'static str];

    /// Applies one event inside the projector's transaction. Must be idempotent and ignore event
    /// types it does not use.
    ///
    /// # Errors
    /// The database error, or a payload that does not deserialize (as `sqlx::Error::Decode`).
    async fn apply(&self, tx: &mut AnyConnection, event: &RecordedEvent)
        -> Result<(), sqlx::Error>;
}

/// Deserializes an event payload as cqrs-es wrote it (`{"EventType": {...}}`).
pub(crate) fn payload<T: serde::de::DeserializeOwned>(
    event: &RecordedEvent,
) -> Result<T, sqlx::Error> {
    serde_json::from_value(event.payload.clone()).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}
