//! What `/v1/organizations` answers: an organization, a summary in a page. Members that do not
//! apply are omitted, never `null`.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use switchboard_application::OrganizationDetails;
use switchboard_projections::OrganizationRow;
use uuid::Uuid;

use super::super::settings::SettingsView;
use super::super::types::{enum_column, time_column, uuid_column, Described, PhoneNumber, Plan};
use crate::problem::ApiError;

/// An organization.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct OrganizationView {
    /// Its id.
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Free text.
    pub industry: Option<String>,
    /// The plan.
    pub plan: Described<Plan>,
    /// Messages the plan allows a billing period.
    pub monthly_message_limit: u32,
    /// Dedicated numbers the plan allows.
    pub number_limit: u32,
    /// Numbers held.
    pub numbers: Vec<PhoneNumber>,
    /// The code customers send to the shared number (`join <code>`) to reach this organization.
    pub join_code: Option<String>,
    /// Messaging settings.
    pub settings: Described<SettingsView>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<OrganizationDetails> for OrganizationView {
    fn from(d: OrganizationDetails) -> Self {
        Self {
            id: d.id.as_uuid(),
            name: d.name.to_string(),
            description: d.description,
            industry: d.industry,
            plan: Plan::from(d.plan).into(),
            monthly_message_limit: d.plan.monthly_message_limit(),
            number_limit: d.plan.number_limit(),
            numbers: d.numbers.into_iter().map(PhoneNumber).collect(),
            join_code: d.join_code.as_ref().map(ToString::to_string),
            settings: SettingsView::from(&d.settings).into(),
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

/// An organization as listed.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct OrganizationSummary {
    /// Its id.
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Free text.
    pub industry: Option<String>,
    /// The plan.
    pub plan: Described<Plan>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<OrganizationRow> for OrganizationSummary {
    type Error = ApiError;

    fn try_from(row: OrganizationRow) -> Result<Self, ApiError> {
        Ok(Self {
            id: uuid_column("organization_id", &row.organization_id)?,
            plan: enum_column::<Plan>("plan", &row.plan)?.into(),
            created_at: time_column("created_at", &row.created_at)?,
            updated_at: time_column("updated_at", &row.updated_at)?,
            name: row.name,
            description: row.description,
            industry: row.industry,
        })
    }
}

/// A page of organizations, oldest first.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct OrganizationPage {
    /// The organizations.
    pub items: Vec<OrganizationSummary>,
    /// Pass as `cursor` to get the next page; omitted on the last page.
    pub next_cursor: Option<String>,
}
