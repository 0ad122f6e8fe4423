//! `doctor --fix`: re-applies our webhooks to each number that differs. A number an
//! organization holds goes through the same use case as `POST …/numbers/{n}/webhooks`, so the
//! change is recorded (`WebhooksConfigured`, actor `doctor`); a number nobody holds (the
//! reconciler will assign or release it) is only updated at the provider.

use std::sync::Arc;

use switchboard_adapters::event_store::{Database, SqlGlobalLog};
use switchboard_application::ports::{TelephonyProvider, WebhookConfig};
use switchboard_application::{Dependencies, RequestContext, Switchboard, SystemClock};
use switchboard_domain::OrganizationId;
use switchboard_projections::{OrganizationDirectoryView, ProvisioningRequests};

use super::report::Report;
use super::webhooks::ToFix;
use crate::config::Settings;
use crate::progress::Progress;
use crate::provider::RemoteProvider;

/// Re-applies `expected` to every number of `to_fix`, one `ok fix:` or `FAIL fix:` line each.
pub async fn reapply(
    report: &mut Report<'_>,
    settings: &Settings,
    database: &Database,
    provider: &RemoteProvider,
    expected: &WebhookConfig,
    to_fix: Vec<ToFix>,
) {
    let app = application(settings, database, provider, expected);
    let context = RequestContext {
        request_id: format!("doctor-{}", uuid::Uuid::new_v4().simple()),
        actor: "doctor".into(),
    };
    let mut progress = Progress::new("fixing webhooks", Some(to_fix.len() as u64));
    let mut outcomes = Vec::with_capacity(to_fix.len());
    for item in to_fix {
        let number = item.number.phone_number.clone();
        let outcome = match item.organization_id {
            Some(owner) => match owner.parse::<OrganizationId>() {
                Ok(owner) => app
                    .reconfigure_webhooks(owner, &number, &context)
                    .await
                    .map(|_| "re-applied and recorded (WebhooksConfigured)".to_string())
                    .map_err(|e| e.to_string()),
                Err(error) => Err(error.to_string()),
            },
            None => provider
                .client
                .configure_webhooks(&item.number.provider_sid, expected)
                .await
                .map(|_| "re-applied at the provider (no organization holds it)".to_string())
                .map_err(|e| e.to_string()),
        };
        outcomes.push((number, outcome));
        progress.inc(1);
    }
    progress.finish();
    for (number, outcome) in outcomes {
        match outcome {
            Ok(done) => report.ok("fix", format!("{number} webhooks {done}")),
            Err(error) => report.fail("fix", format!("{number}: {error}")),
        }
    }
}

/// The use cases, wired as `serve` wires them, over the doctor's provider client.
fn application(
    settings: &Settings,
    database: &Database,
    provider: &RemoteProvider,
    expected: &WebhookConfig,
) -> Switchboard<switchboard_adapters::event_store::EventRepository> {
    let client: Arc<dyn TelephonyProvider> = Arc::new(provider.client.clone());
    Switchboard::new(Dependencies {
        repository: database.event_repository(),
        unit_of_work: Arc::new(switchboard_adapters::event_store::SqlUnitOfWork::new(
            database,
        )),
        provider: client,
        provider_name: provider.flavor.name().to_string(),
        webhooks: expected.clone(),
        clock: Arc::new(SystemClock),
        log: Arc::new(SqlGlobalLog::new(database)),
        directory: Arc::new(OrganizationDirectoryView::new(database.any().clone())),
        ledger: Arc::new(ProvisioningRequests::ledger(database.any().clone())),
        shared_number: settings.shared_number.clone(),
    })
}
