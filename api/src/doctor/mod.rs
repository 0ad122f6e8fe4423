//! `switchboard doctor [--fix]`: checks that a deployment can work, one line per finding
//! (`ok|FAIL <check>: <detail>`):
//!
//! 1. `configuration`: the environment loads; with provider credentials, `PUBLIC_BASE_URL` is set;
//! 2. `database`: `DATABASE_URL` is reachable and every migration is applied;
//! 3. `provider`: the credentials work (one authenticated call listing the owned numbers);
//! 4. `numbers`: every number the routing table holds is at the provider;
//! 5. `webhooks`: every owned number points `SmsUrl`, `SmsMethod`, `StatusCallback` and `Voice*` at
//!    `PUBLIC_BASE_URL` (one line per number and field that differs).
//!
//! With `--fix`, pending migrations are applied and our webhooks re-applied to each number that
//! differs (`fix` lines), then `numbers` and `webhooks` run again; only their latest run counts.
//! Files: `report.rs` (lines, exit status), `checks.rs` (1–3), `webhooks.rs` (4–5 and the table
//! of fields), `fix.rs`.

mod checks;
mod fix;
mod report;
mod webhooks;

use std::io::Write;

use switchboard_adapters::event_store::Database;
use switchboard_application::ports::{OwnedNumber, TelephonyProvider, WebhookConfig};
use switchboard_projections::RoutingTable;

pub use report::Report;
pub use webhooks::{mismatches, Mismatch, WebhookField, FIELDS};

use crate::config::Settings;
use crate::provider::RemoteProvider;

/// Runs every check, writing findings to `out`; with `fix`, repairs what it can first. Returns
/// whether everything passed in the end (the CLI exits 0 then, else 1).
pub async fn run(fix: bool, out: &mut dyn Write) -> bool {
    let mut report = Report::new(out);
    let Some(settings) = checks::configuration(&mut report) else {
        return false;
    };
    let database = checks::database(&mut report, &settings, fix).await;
    let remote = checks::provider(&mut report, &settings).await;
    if let (Some(database), Some((provider, owned))) = (&database, remote) {
        numbers(&mut report, &settings, database, &provider, owned, fix).await;
    }
    if let Some(database) = database {
        database.close().await;
    }
    report.healthy()
}

/// `numbers` and `webhooks`, and with `fix` their repair and second run.
async fn numbers(
    report: &mut Report<'_>,
    settings: &Settings,
    database: &Database,
    provider: &RemoteProvider,
    owned: Vec<OwnedNumber>,
    fix: bool,
) {
    let Some(base) = settings.public_base_url.as_deref() else {
        return;
    };
    let expected = WebhookConfig::under(base);
    let routed = match RoutingTable::active(database.any()).await {
        Ok(routed) => routed,
        Err(error) => {
            report.fail("numbers", format!("cannot read the routing table: {error}"));
            return;
        }
    };
    let to_fix = webhooks::inspect(report, &owned, &routed, &expected);
    if !fix || to_fix.is_empty() {
        return;
    }
    fix::reapply(report, settings, database, provider, &expected, to_fix).await;
    report.rerun("numbers");
    report.rerun("webhooks");
    match provider.client.list_owned().await {
        Ok(owned) => {
            webhooks::inspect(report, &owned, &routed, &expected);
        }
        Err(error) => report.fail(
            "webhooks",
            format!("cannot list the numbers again: {error}"),
        ),
    }
}
