//! The endpoints read model: each organization's endpoints as the delivery projection keeps
//! them (configuration, current and previous signing secret, disabled reason).

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};
use switchboard_domain::EventType;

/// One endpoint as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointRow {
    /// UUID.
    pub endpoint_id: String,
    /// UUID.
    pub organization_id: String,
    /// Where deliveries go.
    pub url: String,
    /// Free text.
    pub description: Option<String>,
    /// The types delivered; `None` for all.
    pub event_types: Option<Vec<EventType>>,
    /// Whether it answers `message.received` synchronously.
    pub responder: bool,
    /// The current signing secret (`whsec_…`).
    pub secret: String,
    /// The previous secret while it still signs, and until when (ms since the epoch).
    pub previous_secret: Option<(String, i64)>,
    /// Why deliveries are stopped, when they are.
    pub disabled_reason: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
    /// The log position of its creation (the list cursor).
    pub created_position: i64,
}

impl EndpointRow {
    /// Whether it takes `event_type`.
    pub fn wants(&self, event_type: EventType) -> bool {
        self.event_types
            .as_ref()
            .is_none_or(|types| types.contains(&event_type))
    }

    /// The secrets that sign a delivery at `now_ms`: the current one, and the previous one
    /// during its overlap.
    pub fn signing_secrets(&self, now_ms: i64) -> Vec<&str> {
        let mut secrets = vec![self.secret.as_str()];
        if let Some((previous, until)) = &self.previous_secret {
            if now_ms < *until {
                secrets.push(previous);
            }
        }
        secrets
    }
}

/// A page of endpoints, oldest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointsPage {
    /// The endpoints.
    pub items: Vec<EndpointRow>,
    /// Pass as `cursor` for the next page; `None` on the last.
    pub next_cursor: Option<i64>,
}

const COLUMNS: &str = "endpoint_id, organization_id, url, description, event_types, responder,
    secret, previous_secret, previous_secret_until_ms, disabled_reason, created_at, updated_at,
    created_position";

fn decode(row: &AnyRow) -> Result<EndpointRow, sqlx::Error> {
    let event_types: Option<String> = row.try_get("event_types")?;
    let previous: Option<String> = row.try_get("previous_secret")?;
    let until: Option<i64> = row.try_get("previous_secret_until_ms")?;
    Ok(EndpointRow {
        endpoint_id: row.try_get("endpoint_id")?,
        organization_id: row.try_get("organization_id")?,
        url: row.try_get("url")?,
        description: row.try_get("description")?,
        event_types: event_types
            .map(|t| serde_json::from_str(&t).map_err(|e| sqlx::Error::Decode(Box::new(e))))
            .transpose()?,
        responder: row.try_get::<i64, _>("responder")? != 0,
        secret: row.try_get("secret")?,
        previous_secret: previous.zip(until),
        disabled_reason: row.try_get("disabled_reason")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        created_position: row.try_get("created_position")?,
    })
}

/// Queries of the endpoints read model.
pub struct EndpointsView;

impl EndpointsView {
    /// One of an organization's endpoints (not deleted).
    ///
    /// # Errors
    /// The database error.
    pub async fn get(
        pool: &AnyPool,
        organization_id: &str,
        endpoint_id: &str,
    ) -> Result<Option<EndpointRow>, sqlx::Error> {
        let sql = format!(
            "SELECT {COLUMNS} FROM endpoints_view
              WHERE endpoint_id = $1 AND organization_id = $2 AND deleted = 0"
        );
        sqlx::query(&sql)
            .bind(endpoint_id)
            .bind(organization_id)
            .fetch_optional(pool)
            .await?
            .as_ref()
            .map(decode)
            .transpose()
    }

    /// Up to `limit` of an organization's endpoints created after `cursor`, oldest first.
    ///
    /// # Errors
    /// The database error.
    pub async fn list(
        pool: &AnyPool,
        organization_id: &str,
        limit: u32,
        cursor: Option<i64>,
    ) -> Result<EndpointsPage, sqlx::Error> {
        let sql = format!(
            "SELECT {COLUMNS} FROM endpoints_view
              WHERE organization_id = $1 AND deleted = 0 AND created_position > $2
              ORDER BY created_position LIMIT $3"
        );
        let rows = sqlx::query(&sql)
            .bind(organization_id)
            .bind(cursor.unwrap_or(0))
            .bind(i64::from(limit) + 1)
            .fetch_all(pool)
            .await?;
        let mut items = rows.iter().map(decode).collect::<Result<Vec<_>, _>>()?;
        let next_cursor = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|e| e.created_position)
        } else {
            None
        };
        Ok(EndpointsPage { items, next_cursor })
    }

    /// An organization's enabled endpoints (for fan-out and the responder).
    ///
    /// # Errors
    /// The database error.
    pub async fn enabled(
        conn: &mut AnyConnection,
        organization_id: &str,
    ) -> Result<Vec<EndpointRow>, sqlx::Error> {
        let sql = format!(
            "SELECT {COLUMNS} FROM endpoints_view
              WHERE organization_id = $1 AND deleted = 0 AND disabled_reason IS NULL
              ORDER BY created_position"
        );
        sqlx::query(&sql)
            .bind(organization_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(decode)
            .collect()
    }

    /// An endpoint by id alone (the dispatcher's view; deleted ones are `None`).
    ///
    /// # Errors
    /// The database error.
    pub async fn by_id(
        pool: &AnyPool,
        endpoint_id: &str,
    ) -> Result<Option<EndpointRow>, sqlx::Error> {
        let sql =
            format!("SELECT {COLUMNS} FROM endpoints_view WHERE endpoint_id = $1 AND deleted = 0");
        sqlx::query(&sql)
            .bind(endpoint_id)
            .fetch_optional(pool)
            .await?
            .as_ref()
            .map(decode)
            .transpose()
    }
}
