use async_trait::async_trait;
use sqlx::{AnyConnection, AnyPool, Row};
use switchboard_application::ports::{OrganizationDirectory, RecordedEvent, StoreError};
use switchboard_domain::organization::{Organization, OrganizationEvent};
use switchboard_domain::{JoinCode, OrganizationId};

use crate::projection::{payload, Projection};

/// The organizations list: one row per organization, ordered by the log position of its creation
/// (a stable cursor).
#[derive(Clone, Copy, Debug, Default)]
pub struct OrganizationsView;

/// One organization as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrganizationRow {
    /// UUID.
    pub organization_id: String,
    /// Display name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Free text.
    pub industry: Option<String>,
    /// Plan name.
    pub plan: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// A page of organizations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrganizationsPage {
    /// The rows, oldest first.
    pub items: Vec<OrganizationRow>,
    /// Pass as `cursor` for the next page; `None` on the last.
    pub next_cursor: Option<i64>,
}

impl OrganizationsView {
    /// Up to `limit` organizations (not deleted) created after `cursor`.
    ///
    /// # Errors
    /// The database error.
    pub async fn list(
        pool: &AnyPool,
        limit: u32,
        cursor: Option<i64>,
    ) -> Result<OrganizationsPage, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT organization_id, created_position, name, description, industry, plan,
                    created_at, updated_at
               FROM organizations_view
              WHERE deleted_at IS NULL AND created_position > $1
              ORDER BY created_position
              LIMIT $2",
        )
        .bind(cursor.unwrap_or(0))
        .bind(i64::from(limit) + 1)
        .fetch_all(pool)
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        let mut positions = Vec::with_capacity(rows.len());
        for row in &rows {
            positions.push(row.try_get::<i64, _>("created_position")?);
            items.push(OrganizationRow {
                organization_id: row.try_get("organization_id")?,
                name: row.try_get("name")?,
                description: row.try_get("description")?,
                industry: row.try_get("industry")?,
                plan: row.try_get("plan")?,
                created_at: row.try_get("created_at")?,
                updated_at: row.try_get("updated_at")?,
            });
        }
        let next_cursor = if items.len() > limit as usize {
            items.truncate(limit as usize);
            positions.get(limit as usize - 1).copied()
        } else {
            None
        };
        Ok(OrganizationsPage { items, next_cursor })
    }
}

#[async_trait]
impl Projection for OrganizationsView {
    fn name(&self) -> &'static str {
        "organizations_view"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["organizations_view"]
    }

    async fn apply(
        &self,
        tx: &mut AnyConnection,
        event: &RecordedEvent,
    ) -> Result<(), sqlx::Error> {
        if event.aggregate_type != <Organization as cqrs_es::Aggregate>::TYPE {
            return Ok(());
        }
        match payload::<OrganizationEvent>(event)? {
            OrganizationEvent::OrganizationCreated {
                organization_id,
                name,
                description,
                industry,
                plan,
                created_at,
            } => {
                sqlx::query(
                    "INSERT INTO organizations_view (organization_id, created_position, name,
                         description, industry, plan, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
                     ON CONFLICT (organization_id) DO NOTHING",
                )
                .bind(organization_id.to_string())
                .bind(event.log_position.position)
                .bind(name.as_str())
                .bind(description)
                .bind(industry)
                .bind(plan.as_str())
                .bind(created_at.to_rfc3339())
                .execute(&mut *tx)
                .await?;
            }
            OrganizationEvent::OrganizationUpdated {
                name,
                description,
                industry,
                plan,
                updated_at,
            } => {
                sqlx::query(
                    "UPDATE organizations_view
                        SET name = COALESCE($1, name), description = COALESCE($2, description),
                            industry = COALESCE($3, industry), plan = COALESCE($4, plan),
                            updated_at = $5
                      WHERE organization_id = $6",
                )
                .bind(name.map(String::from))
                .bind(description)
                .bind(industry)
                .bind(plan.map(|p| p.as_str().to_string()))
                .bind(updated_at.to_rfc3339())
                .bind(&event.aggregate_id)
                .execute(&mut *tx)
                .await?;
            }
            OrganizationEvent::OrganizationDeleted { deleted_at } => {
                sqlx::query(
                    "UPDATE organizations_view SET deleted_at = $1, updated_at = $1
                      WHERE organization_id = $2",
                )
                .bind(deleted_at.to_rfc3339())
                .bind(&event.aggregate_id)
                .execute(&mut *tx)
                .await?;
            }
            OrganizationEvent::JoinCodeAssigned { join_code } => {
                sqlx::query(
                    "UPDATE organizations_view SET join_code = $1 WHERE organization_id = $2",
                )
                .bind(join_code.as_str())
                .bind(&event.aggregate_id)
                .execute(&mut *tx)
                .await?;
            }
            _ => {}
        }
        Ok(())
    }
}

/// The organization directory over this read model.
#[derive(Clone, Debug)]
pub struct OrganizationDirectoryView {
    pool: AnyPool,
}

impl OrganizationDirectoryView {
    /// Over the read-model pool.
    pub fn new(pool: AnyPool) -> Self {
        Self { pool }
    }
}

#[async_trait]
impl OrganizationDirectory for OrganizationDirectoryView {
    async fn by_join_code(&self, code: &JoinCode) -> Result<Option<OrganizationId>, StoreError> {
        let row = sqlx::query(
            "SELECT organization_id FROM organizations_view
              WHERE join_code = $1 AND deleted_at IS NULL",
        )
        .bind(code.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::from_error)?;
        row.map(|row| {
            let id: String = row
                .try_get("organization_id")
                .map_err(StoreError::from_error)?;
            id.parse().map_err(StoreError::from_error)
        })
        .transpose()
    }

    async fn active_organizations(&self) -> Result<Vec<OrganizationId>, StoreError> {
        let rows = sqlx::query(
            "SELECT organization_id FROM organizations_view WHERE deleted_at IS NULL
              ORDER BY created_position",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::from_error)?;
        rows.iter()
            .map(|row| {
                let id: String = row
                    .try_get("organization_id")
                    .map_err(StoreError::from_error)?;
                id.parse().map_err(StoreError::from_error)
            })
            .collect()
    }
}
