//! The `/v1` resources, one API struct per resource, and `/health`.

mod analytics;
mod analytics_dtos;
mod api_key_dtos;
mod api_keys;
mod available_numbers;
mod calls;
mod customer_dtos;
mod customers;
mod deliveries;
mod endpoint_dtos;
mod endpoints;
mod envelope_dtos;
mod event_dtos;
mod events;
mod health;
mod jobs_owned;
mod messages;
mod numbers;
mod organizations;
mod params;
mod settings;
mod stream;
mod types;
mod usage;

pub use analytics::AnalyticsApi;
pub use api_keys::ApiKeysApi;
pub use available_numbers::AvailableNumbersApi;
pub use calls::CallsApi;
pub use customers::CustomersApi;
pub use deliveries::DeliveriesApi;
pub use endpoints::EndpointsApi;
pub use events::EventsApi;
pub use health::{HealthApi, PROVIDER_CHECK_TTL, READY_MAX_LAG};
pub use messages::MessagesApi;
pub use numbers::NumbersApi;
pub use organizations::OrganizationsApi;
pub use stream::StreamApi;
pub use usage::UsageApi;

/// Every API struct, for `OpenApiService::new`.
pub type Apis = (
    OrganizationsApi,
    ApiKeysApi,
    UsageApi,
    NumbersApi,
    AvailableNumbersApi,
    MessagesApi,
    CallsApi,
    CustomersApi,
    EndpointsApi,
    DeliveriesApi,
    StreamApi,
    AnalyticsApi,
    EventsApi,
    HealthApi,
);

/// Every API struct.
pub fn apis() -> Apis {
    (
        OrganizationsApi,
        ApiKeysApi,
        UsageApi,
        NumbersApi,
        AvailableNumbersApi,
        MessagesApi,
        CallsApi,
        CustomersApi,
        EndpointsApi,
        DeliveriesApi,
        StreamApi,
        AnalyticsApi,
        EventsApi,
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
    /// Inbound calls: greeting, forwarding, voicemail.
    Calls,
    /// The organization's endpoints: signed deliveries of what was routed to it, and its
    /// responder.
    Endpoints,
    /// Figures per organization and for the platform, and numbers' ownership histories.
    Analytics,
    /// The global event log, for auditors (platform admin only).
    Audit,
    /// Liveness and dependencies.
    Health,
}
