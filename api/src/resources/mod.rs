//! The `/v1` resources, one API struct per resource, and `/health`.

mod available_numbers;
mod health;
mod messages;
mod numbers;
mod organizations;
mod params;
mod settings;
mod types;
mod usage;

pub use available_numbers::AvailableNumbersApi;
pub use health::HealthApi;
pub use messages::MessagesApi;
pub use numbers::NumbersApi;
pub use organizations::OrganizationsApi;
pub use usage::UsageApi;

/// Every API struct, for `OpenApiService::new`.
pub type Apis = (
    OrganizationsApi,
    UsageApi,
    NumbersApi,
    AvailableNumbersApi,
    MessagesApi,
    HealthApi,
);

/// Every API struct.
pub fn apis() -> Apis {
    (
        OrganizationsApi,
        UsageApi,
        NumbersApi,
        AvailableNumbersApi,
        MessagesApi,
        HealthApi,
    )
}

/// Tags grouping the operations in the spec.
#[derive(poem_openapi::Tags)]
pub enum ApiTags {
    /// Tenant organizations.
    Organizations,
    /// Dedicated numbers: provisioning, webhooks, release, routing.
    Numbers,
    /// Inbound and outbound messages.
    Messages,
    /// Liveness and dependencies.
    Health,
}
