//! A customer's erasure (`CustomerErased`) in the read models: every projection that holds
//! personal data blanks it for that customer when the event is applied, in log order with the
//! events around it, so a rebuild from position 0 leaves the data erased too (even the data of
//! events stored before sealing existed, which the event store still holds readable).

use serde_json::Value;
use sqlx::{AnyConnection, Row};
use switchboard_application::ports::RecordedEvent;
use switchboard_domain::privacy::{CustomerPrivacy, PrivacyEvent};

use crate::projection::payload;

/// What a personal member of a delivery envelope's `data` becomes on erasure; `None` for the
/// other members.
fn blank(member: &str) -> Option<Value> {
    match member {
        "body" => Some(Value::from("")),
        "media" => Some(Value::Array(Vec::new())),
        "profile_name" | "caller_name" | "voicemail_url" | "recording_url" => Some(Value::Null),
        _ => None,
    }
}

/// An erased customer: the organization id and the customer's address.
pub(crate) struct Erased {
    pub organization_id: String,
    pub customer: String,
}

/// The erasure `event` records, if it is a `CustomerErased`.
///
/// # Errors
/// A payload that does not deserialize.
pub(crate) fn erasure_of(event: &RecordedEvent) -> Result<Option<Erased>, sqlx::Error> {
    if event.aggregate_type != <CustomerPrivacy as cqrs_es::Aggregate>::TYPE {
        return Ok(None);
    }
    let PrivacyEvent::CustomerErased {
        organization_id,
        customer,
        ..
    } = payload::<PrivacyEvent>(event)?;
    Ok(Some(Erased {
        organization_id: organization_id.to_string(),
        customer: customer.trim().to_string(),
    }))
}

/// `events` cut at each erasure: the events before it, then the erasure (none after the last
/// part), so a batched projection applies each part in one go and each erasure in its place.
pub(crate) fn parts(events: &[RecordedEvent]) -> Vec<(&[RecordedEvent], Option<&RecordedEvent>)> {
    let mut parts = Vec::new();
    let mut rest = events;
    while let Some(at) = rest
        .iter()
        .position(|e| e.aggregate_type == <CustomerPrivacy as cqrs_es::Aggregate>::TYPE)
    {
        parts.push((&rest[..at], Some(&rest[at])));
        rest = &rest[at + 1..];
    }
    parts.push((rest, None));
    parts
}

/// Blanks the bodies, media and profile names of the customer's messages in `messages_view`.
///
/// # Errors
/// The database error.
pub(crate) async fn scrub_messages(
    tx: &mut AnyConnection,
    erased: &Erased,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE messages_view SET body = '', media_urls = '[]', profile_name = NULL
          WHERE organization_id = $1 AND (TRIM(from_address) = $2 OR TRIM(to_address) = $2)",
    )
    .bind(&erased.organization_id)
    .bind(&erased.customer)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Blanks the caller name and voicemail recording of the customer's calls in `calls_view`.
///
/// # Errors
/// The database error.
pub(crate) async fn scrub_calls(
    tx: &mut AnyConnection,
    erased: &Erased,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE calls_view SET caller_name = NULL, voicemail_url = NULL
          WHERE organization_id = $1 AND TRIM(from_address) = $2",
    )
    .bind(&erased.organization_id)
    .bind(&erased.customer)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Blanks the personal members of the customer's delivery envelopes (delivered or not) in
/// `deliveries`.
///
/// # Errors
/// The database error, or a stored envelope that is not JSON.
pub(crate) async fn scrub_deliveries(
    tx: &mut AnyConnection,
    erased: &Erased,
) -> Result<(), sqlx::Error> {
    let key = format!("{}/{}", erased.organization_id, erased.customer);
    let rows =
        sqlx::query("SELECT delivery_id, payload FROM deliveries WHERE conversation_key = $1")
            .bind(&key)
            .fetch_all(&mut *tx)
            .await?;
    for row in rows {
        let id: String = row.try_get("delivery_id")?;
        let text: String = row.try_get("payload")?;
        let mut envelope: Value =
            serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        let Some(data) = envelope.get_mut("data").and_then(Value::as_object_mut) else {
            continue;
        };
        for (name, value) in data.iter_mut() {
            if let Some(blank) = blank(name) {
                *value = blank;
            }
        }
        sqlx::query("UPDATE deliveries SET payload = $2 WHERE delivery_id = $1")
            .bind(&id)
            .bind(envelope.to_string())
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}
