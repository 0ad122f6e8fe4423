//! The doctor's first three checks: configuration, database, provider credentials.

use switchboard_adapters::event_store::Database;
use switchboard_application::ports::{OwnedNumber, TelephonyProvider};

use super::report::Report;
use crate::config::{ProviderSettings, Settings};
use crate::provider::{self, RemoteProvider};

/// `configuration`: the environment (and `.env`) loads into [`Settings`], and, with provider
/// credentials, `PUBLIC_BASE_URL` is set (the URLs numbers must point at depend on it).
/// Returns the settings when they load, even when `PUBLIC_BASE_URL` is missing.
pub fn configuration(report: &mut Report<'_>) -> Option<Settings> {
    const CHECK: &str = "configuration";
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            report.fail(CHECK, error);
            return None;
        }
    };
    let provider = match &settings.provider {
        ProviderSettings::Twilio { .. } => "twilio",
        ProviderSettings::SignalWire { .. } => "signalwire",
        ProviderSettings::Sandbox => "built-in sandbox",
    };
    let remote = !matches!(settings.provider, ProviderSettings::Sandbox);
    match &settings.public_base_url {
        None if remote => report.fail(
            CHECK,
            format!(
                "provider {provider} is configured but PUBLIC_BASE_URL is not set, so the \
                 webhook URLs of its numbers are unknown"
            ),
        ),
        base => report.ok(
            CHECK,
            format!(
                "provider {provider}, PUBLIC_BASE_URL {}",
                base.as_deref().unwrap_or("unset")
            ),
        ),
    }
    Some(settings)
}

/// `database`: `DATABASE_URL` is reachable and every migration is applied; with `fix`,
/// pending migrations are applied and the check runs again.
pub async fn database(report: &mut Report<'_>, settings: &Settings, fix: bool) -> Option<Database> {
    const CHECK: &str = "database";
    let database = match Database::connect(&settings.database_url).await {
        Ok(database) => database,
        Err(error) => {
            report.fail(CHECK, error);
            return None;
        }
    };
    if let Err(error) = database.ping().await {
        report.fail(CHECK, format!("unreachable: {error}"));
        return None;
    }
    let pending = match database.pending_migrations().await {
        Ok(pending) => pending,
        Err(error) => {
            report.fail(
                CHECK,
                format!("cannot read the applied migrations: {error}"),
            );
            return None;
        }
    };
    if pending.is_empty() {
        report.ok(CHECK, "reachable, every migration applied");
        return Some(database);
    }
    let names: Vec<String> = pending
        .iter()
        .map(|(version, description)| format!("{version} {description}"))
        .collect();
    report.fail(
        CHECK,
        format!(
            "{} migration(s) pending: {}",
            pending.len(),
            names.join(", ")
        ),
    );
    if !fix {
        return Some(database);
    }
    match database.migrate().await {
        Ok(()) => {
            report.ok("fix", format!("applied {} migration(s)", pending.len()));
            report.rerun(CHECK);
            report.ok(CHECK, "reachable, every migration applied");
        }
        Err(error) => report.fail("fix", format!("migrations failed: {error}")),
    }
    Some(database)
}

/// `provider`: the credentials work, proven by one authenticated call that also lists every
/// number the account owns (`GET …/IncomingPhoneNumbers`, all pages). `None` without
/// credentials: the built-in sandbox lives inside the server process, so there is nothing to
/// check from here.
pub async fn provider(
    report: &mut Report<'_>,
    settings: &Settings,
) -> Option<(RemoteProvider, Vec<OwnedNumber>)> {
    const CHECK: &str = "provider";
    let remote = match provider::remote(&settings.provider) {
        Ok(Some(remote)) => remote,
        Ok(None) => {
            report.ok(
                CHECK,
                "no credentials configured: the server uses its built-in sandbox (numbers \
                 not checked)",
            );
            return None;
        }
        Err(error) => {
            report.fail(CHECK, error);
            return None;
        }
    };
    match remote.client.list_owned().await {
        Ok(owned) => {
            report.ok(
                CHECK,
                format!(
                    "{} credentials accepted for account {} ({} numbers owned)",
                    remote.flavor,
                    remote.client.account_sid(),
                    owned.len()
                ),
            );
            Some((remote, owned))
        }
        Err(error) => {
            report.fail(
                CHECK,
                format!("{} refused or unreachable: {error}", remote.flavor),
            );
            None
        }
    }
}
