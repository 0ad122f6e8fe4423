//! The wire shapes of the platform-wide figures.

use poem_openapi::Object;
use switchboard_projections::analytics::PlatformFigures;

use crate::resources::types::Described;

/// Live organizations on one plan.
#[derive(Debug, Object)]
pub struct PlanCount {
    /// The plan.
    pub plan: String,
    /// Organizations on it.
    pub organizations: u64,
}

/// Numbers in one routing status.
#[derive(Debug, Object)]
pub struct NumberStatusCount {
    /// `active` or `released`.
    pub status: String,
    /// Numbers in it.
    pub numbers: u64,
}

/// Provisioning requests by outcome.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ProvisioningFiguresView {
    /// Ended with a number attached.
    pub attached: u64,
    /// Failed.
    pub failed: u64,
    /// Still in flight.
    pub in_flight: u64,
    /// `attached / (attached + failed)`; absent before any finished.
    pub success_rate: Option<f64>,
}

/// Platform-wide figures.
#[derive(Debug, Object)]
pub struct PlatformAnalyticsView {
    /// Live organizations by plan.
    pub organizations_by_plan: Vec<PlanCount>,
    /// Numbers by routing status.
    pub numbers_by_status: Vec<NumberStatusCount>,
    /// Provisioning outcomes.
    pub provisioning: Described<ProvisioningFiguresView>,
    /// Inbound messages to numbers no organization held.
    pub unrouted_messages: u64,
}

impl From<PlatformFigures> for PlatformAnalyticsView {
    fn from(p: PlatformFigures) -> Self {
        Self {
            provisioning: Described(ProvisioningFiguresView {
                attached: p.provisioning_attached,
                failed: p.provisioning_failed,
                in_flight: p.provisioning_in_flight,
                success_rate: p.provisioning_success_rate(),
            }),
            organizations_by_plan: p
                .organizations_by_plan
                .into_iter()
                .map(|(plan, organizations)| PlanCount {
                    plan,
                    organizations,
                })
                .collect(),
            numbers_by_status: p
                .numbers_by_status
                .into_iter()
                .map(|(status, numbers)| NumberStatusCount { status, numbers })
                .collect(),
            unrouted_messages: p.unrouted_messages,
        }
    }
}
