//! Privacy at the persistence boundary: a customer's personal fields (message and responder
//! reply bodies, media, WhatsApp profile name, a caller's CNAM name, voicemail recording URLs)
//! are stored sealed with that customer's own data key, and opened when
//! read; erasing the customer deletes the key (crypto-shredding), so the fields stay unreadable in
//! the event store while the stored events, and the audit chain over them, stay unchanged.

mod fields;
mod keys;
mod seal;
#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod tests_calls;

use switchboard_application::ports::{RecordedEvent, StoreError};

pub use fields::UNROUTED;
pub use keys::{CustomerKeys, DataKey, NewKey};
pub use seal::{
    carries_personal_data, is_sealed, seal_event_with, seal_with, EventIdentity, SEALED,
};

impl CustomerKeys {
    /// `events` with their sealed fields opened (what `GlobalLog::opened` answers); `None` when none
    /// holds sealed fields.
    ///
    /// # Errors
    /// [`StoreError`] when the keys cannot be read.
    pub async fn open_recorded(
        &self,
        events: &[RecordedEvent],
    ) -> Result<Option<Vec<RecordedEvent>>, StoreError> {
        if !events.iter().any(|e| is_sealed(&e.event_type, &e.payload)) {
            return Ok(None);
        }
        let mut opened = events.to_vec();
        for event in &mut opened {
            if !is_sealed(&event.event_type, &event.payload) {
                continue;
            }
            let id = EventIdentity {
                aggregate_type: &event.aggregate_type,
                aggregate_id: &event.aggregate_id,
                sequence: event.sequence,
                event_type: &event.event_type,
            };
            self.open(&id, &mut event.payload).await?;
        }
        Ok(Some(opened))
    }
}
