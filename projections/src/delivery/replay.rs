//! `POST …/endpoints/{id}/replay`: redeliver to one endpoint everything the log holds since a
//! time, in log order, with each fact's usual `webhook-id` (receivers that kept it dedupe).

use chrono::Utc;
use sqlx::AnyPool;
use switchboard_application::ports::{GlobalLog, LogPosition};

use super::endpoints::EndpointRow;
use super::envelope::envelope_of;
use super::fanout::{delivery_id, insert_delivery};
use crate::ProjectorError;

/// Events read from the log per batch while looking for the replay's start.
const BATCH: u32 = 1000;

/// Makes every fact of the endpoint's organization recorded at or after `since_ms` (ms since
/// the epoch) that the endpoint takes due now: new deliveries for facts it never had, existing
/// ones reset to pending. Returns how many deliveries were made due. Reads the log from its
/// start (the log is ordered by commit, not by time), so its cost grows with the log.
///
/// # Errors
/// [`ProjectorError`].
pub async fn replay_since(
    pool: &AnyPool,
    log: &dyn GlobalLog,
    endpoint: &EndpointRow,
    since_ms: i64,
) -> Result<u64, ProjectorError> {
    let mut conn = pool.acquire().await?;
    let mut after = LogPosition::START;
    let mut replayed = 0;
    loop {
        let stored = log.read_after(after, BATCH).await?;
        let Some(last) = stored.last() else {
            return Ok(replayed);
        };
        after = last.log_position;
        let events = log.opened(&stored).await?.unwrap_or(stored);
        for event in events.iter().filter(|e| e.recorded_at_ms >= since_ms) {
            let Some(envelope) = envelope_of(&mut conn, event, Some(log)).await? else {
                continue;
            };
            if envelope.organization_id.to_string() != endpoint.organization_id
                || !endpoint.wants(envelope.event_type)
            {
                continue;
            }
            let now = Utc::now();
            if !insert_delivery(
                &mut conn,
                endpoint,
                &envelope,
                event.log_position,
                now.timestamp_millis(),
            )
            .await?
            {
                sqlx::query(
                    "UPDATE deliveries SET status = 'pending', next_attempt_ms = $1,
                         updated_at = $2 WHERE delivery_id = $3",
                )
                .bind(now.timestamp_millis())
                .bind(now.to_rfc3339())
                .bind(delivery_id(&endpoint.endpoint_id, &envelope.event_key).to_string())
                .execute(&mut *conn)
                .await?;
            }
            replayed += 1;
        }
    }
}
