//! Platform-wide figures (`GET /v1/analytics`), read from the read models: organizations by
//! plan, numbers by status, provisioning outcomes and unrouted messages.

use sqlx::{AnyPool, Row};

/// The platform's figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlatformFigures {
    /// Live organizations per plan, by plan name.
    pub organizations_by_plan: Vec<(String, u64)>,
    /// Numbers per routing status (`active`, `released`), by status.
    pub numbers_by_status: Vec<(String, u64)>,
    /// Provisioning requests that ended with a number attached.
    pub provisioning_attached: u64,
    /// Provisioning requests that failed.
    pub provisioning_failed: u64,
    /// Provisioning requests still in flight.
    pub provisioning_in_flight: u64,
    /// Inbound messages no organization held the number of.
    pub unrouted_messages: u64,
}

impl PlatformFigures {
    /// Attached over finished provisioning requests; `None` before any finished.
    pub fn provisioning_success_rate(&self) -> Option<f64> {
        let finished = self.provisioning_attached + self.provisioning_failed;
        (finished > 0).then(|| self.provisioning_attached as f64 / finished as f64)
    }
}

async fn counts(pool: &AnyPool, sql: &str) -> Result<Vec<(String, u64)>, sqlx::Error> {
    sqlx::query(sql)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            Ok((
                row.try_get("k")?,
                u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0),
            ))
        })
        .collect()
}

/// Reads the platform's figures.
///
/// # Errors
/// The database error.
pub async fn platform_figures(pool: &AnyPool) -> Result<PlatformFigures, sqlx::Error> {
    let organizations_by_plan = counts(
        pool,
        "SELECT plan AS k, COUNT(*) AS n FROM organizations_view WHERE deleted_at IS NULL
          GROUP BY plan ORDER BY plan",
    )
    .await?;
    let numbers_by_status = counts(
        pool,
        "SELECT status AS k, COUNT(*) AS n FROM routing_table GROUP BY status ORDER BY status",
    )
    .await?;
    let provisioning = counts(
        pool,
        "SELECT state AS k, COUNT(*) AS n FROM provisioning_requests GROUP BY state",
    )
    .await?;
    let state = |name: &str| {
        provisioning
            .iter()
            .find(|(k, _)| k == name)
            .map_or(0, |(_, n)| *n)
    };
    let unrouted = counts(
        pool,
        "SELECT 'unrouted' AS k, COUNT(*) AS n FROM messages_view
          WHERE organization_id IS NULL AND direction = 'inbound'",
    )
    .await?;
    Ok(PlatformFigures {
        organizations_by_plan,
        numbers_by_status,
        provisioning_attached: state("attached"),
        provisioning_failed: state("failed"),
        provisioning_in_flight: state("in_flight"),
        unrouted_messages: unrouted.first().map_or(0, |(_, n)| *n),
    })
}
