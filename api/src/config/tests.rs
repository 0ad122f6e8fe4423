//! One test per configuration error: each names its variable, and no secret is echoed.

use super::{ConfigError, LogFormat, ProviderSettings, Settings};

const SID: &str = "AC0123456789abcdef0123456789abcdef";

fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    Settings::from_lookup(|key| {
        vars.iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| (*v).to_string())
    })
}

fn error_of(vars: &[(&str, &str)]) -> String {
    settings(vars)
        .expect_err("configuration must be refused")
        .to_string()
}

fn twilio_with(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut vars = vec![
        ("TWILIO_ACCOUNT_SID", SID),
        ("TWILIO_AUTH_TOKEN", "token"),
        ("PUBLIC_BASE_URL", "https://switchboard.example.com"),
    ];
    for (key, value) in extra {
        vars.retain(|(k, _)| k != key);
        vars.push((key, value));
    }
    vars
}

#[test]
fn nothing_set_is_the_zero_setup_default() {
    let s = settings(&[]).unwrap();
    assert!(matches!(s.provider, ProviderSettings::Sandbox));
    assert_eq!(s.database_url, "sqlite://switchboard.db");
    assert_eq!(s.bind_addr, "127.0.0.1:8080");
    assert_eq!(s.public_base_url, None);
    assert_eq!(s.log_format, LogFormat::Text);
    assert!(s.warnings().is_empty());
}

#[test]
fn twilio_credentials_without_public_base_url_are_refused() {
    let error = error_of(&[("TWILIO_ACCOUNT_SID", SID), ("TWILIO_AUTH_TOKEN", "t")]);
    assert!(error.starts_with("PUBLIC_BASE_URL:"), "{error}");
    assert!(error.contains("TWILIO_ACCOUNT_SID"), "{error}");
}

#[test]
fn signalwire_credentials_without_public_base_url_are_refused() {
    let error = error_of(&[
        ("SIGNALWIRE_SPACE_URL", "https://acme.signalwire.com"),
        (
            "SIGNALWIRE_PROJECT_ID",
            "b3877c40-da60-4998-90ad-b792e98472af",
        ),
        ("SIGNALWIRE_API_TOKEN", "PT123"),
        ("SIGNALWIRE_SIGNING_KEY", "PSK123"),
    ]);
    assert!(error.starts_with("PUBLIC_BASE_URL:"), "{error}");
}

#[test]
fn a_public_base_url_must_be_an_absolute_http_url_without_credentials() {
    for bad in [
        "switchboard.example.com",
        "/webhooks",
        "ftp://switchboard.example.com",
        "https://user:secret@switchboard.example.com",
        "https://switchboard.example.com/?a=1",
    ] {
        let error = error_of(&twilio_with(&[("PUBLIC_BASE_URL", bad)]));
        assert!(error.starts_with("PUBLIC_BASE_URL:"), "{bad}: {error}");
        assert!(!error.contains("secret"), "the password is echoed: {error}");
    }
    let ok = settings(&twilio_with(&[(
        "PUBLIC_BASE_URL",
        "https://switchboard.example.com/base/",
    )]))
    .unwrap();
    assert_eq!(
        ok.public_base_url.as_deref(),
        Some("https://switchboard.example.com/base")
    );
}

#[test]
fn plain_http_on_a_public_host_is_warned_about_but_loopback_is_not() {
    let public = settings(&twilio_with(&[(
        "PUBLIC_BASE_URL",
        "http://switchboard.example.com",
    )]))
    .unwrap();
    assert_eq!(public.warnings().len(), 1);
    assert!(public.warnings()[0].contains("PUBLIC_BASE_URL"));
    for quiet in [
        "https://switchboard.example.com",
        "http://127.0.0.1:8080",
        "http://localhost:8080",
        "http://[::1]:8080",
    ] {
        let s = settings(&twilio_with(&[("PUBLIC_BASE_URL", quiet)])).unwrap();
        assert!(s.warnings().is_empty(), "{quiet}: {:?}", s.warnings());
    }
}

#[test]
fn half_given_twilio_credentials_name_the_missing_variable() {
    let error = error_of(&[("TWILIO_ACCOUNT_SID", SID)]);
    assert!(error.starts_with("TWILIO_AUTH_TOKEN:"), "{error}");
    let error = error_of(&[("TWILIO_AUTH_TOKEN", "t")]);
    assert!(error.starts_with("TWILIO_ACCOUNT_SID:"), "{error}");
}

#[test]
fn half_given_signalwire_credentials_name_the_missing_variable() {
    let error = error_of(&[
        ("SIGNALWIRE_SPACE_URL", "https://acme.signalwire.com"),
        (
            "SIGNALWIRE_PROJECT_ID",
            "b3877c40-da60-4998-90ad-b792e98472af",
        ),
        ("SIGNALWIRE_API_TOKEN", "PT123"),
    ]);
    assert!(error.starts_with("SIGNALWIRE_SIGNING_KEY:"), "{error}");
}

#[test]
fn a_malformed_account_sid_is_refused() {
    let error = error_of(&twilio_with(&[("TWILIO_ACCOUNT_SID", "AC123")]));
    assert!(error.starts_with("TWILIO_ACCOUNT_SID:"), "{error}");
}

#[test]
fn a_malformed_provider_url_is_refused() {
    let error = error_of(&twilio_with(&[("TWILIO_API_BASE_URL", "api.twilio.com")]));
    assert!(error.starts_with("TWILIO_API_BASE_URL:"), "{error}");
}

#[test]
fn a_malformed_shared_number_is_refused() {
    let error = error_of(&[("SHARED_NUMBER", "555-0199")]);
    assert!(error.starts_with("SHARED_NUMBER:"), "{error}");
}

#[test]
fn an_unknown_log_format_is_refused() {
    let error = error_of(&[("LOG_FORMAT", "xml")]);
    assert!(error.starts_with("LOG_FORMAT:"), "{error}");
    assert_eq!(
        settings(&[("LOG_FORMAT", "JSON")]).unwrap().log_format,
        LogFormat::Json
    );
}

#[test]
fn an_invalid_log_filter_is_refused() {
    let error = error_of(&[("RUST_LOG", "info,[")]);
    assert!(error.starts_with("RUST_LOG:"), "{error}");
}

#[test]
fn an_unsupported_database_scheme_is_named_without_its_password() {
    let error = error_of(&[(
        "DATABASE_URL",
        "mysql://app:hunter2@db.internal/switchboard",
    )]);
    assert!(error.starts_with("DATABASE_URL:"), "{error}");
    assert!(error.contains("mysql"), "{error}");
    assert!(
        !error.contains("hunter2"),
        "the password is echoed: {error}"
    );
}

#[test]
fn a_malformed_bind_address_is_refused() {
    for bad in ["8080", "127.0.0.1:http", ":8080"] {
        let error = error_of(&[("BIND_ADDR", bad)]);
        assert!(error.starts_with("BIND_ADDR:"), "{bad}: {error}");
    }
}

#[test]
fn a_malformed_provisioning_timeout_is_refused() {
    let error = error_of(&[("PROVISIONING_TIMEOUT_SECS", "5m")]);
    assert!(error.starts_with("PROVISIONING_TIMEOUT_SECS:"), "{error}");
}

#[test]
fn the_maintenance_interval_defaults_to_a_minute_and_is_never_zero() {
    let s = settings(&[]).unwrap();
    assert_eq!(s.maintenance_interval, std::time::Duration::from_secs(60));
    let s = settings(&[("MAINTENANCE_INTERVAL_SECS", "2")]).unwrap();
    assert_eq!(s.maintenance_interval, std::time::Duration::from_secs(2));
    for bad in ["0", "1m"] {
        let error = error_of(&[("MAINTENANCE_INTERVAL_SECS", bad)]);
        assert!(error.starts_with("MAINTENANCE_INTERVAL_SECS:"), "{error}");
    }
}

#[test]
fn the_lease_retry_defaults_to_a_second_and_the_drain_to_none() {
    use std::time::Duration;
    let s = settings(&[]).unwrap();
    assert_eq!(s.lease_retry, Duration::from_secs(1));
    assert_eq!(s.shutdown_drain, Duration::ZERO);
    let s = settings(&[("LEASE_RETRY_MS", "250"), ("SHUTDOWN_DRAIN_MS", "5000")]).unwrap();
    assert_eq!(s.lease_retry, Duration::from_millis(250));
    assert_eq!(s.shutdown_drain, Duration::from_secs(5));
    assert_eq!(
        settings(&[("SHUTDOWN_DRAIN_MS", "0")])
            .unwrap()
            .shutdown_drain,
        Duration::ZERO
    );
    for (key, bad) in [
        ("LEASE_RETRY_MS", "0"),
        ("LEASE_RETRY_MS", "1s"),
        ("SHUTDOWN_DRAIN_MS", "70000"),
    ] {
        let error = error_of(&[(key, bad)]);
        assert!(error.starts_with(key), "{error}");
    }
}

#[test]
fn delivery_settings_default_to_the_documented_schedule() {
    let s = settings(&[]).unwrap();
    assert_eq!(s.delivery.retry_schedule.len(), 10);
    assert_eq!(s.delivery.retry_schedule[0].as_secs(), 5);
    assert_eq!(s.delivery.retry_schedule[9].as_secs(), 24 * 3600);
    assert_eq!(s.delivery.timeout.as_millis(), 10_000);
    assert_eq!(s.delivery.responder_timeout.as_millis(), 4_000);
    assert!(!s.delivery.allow_insecure_endpoints);
    let fast = settings(&[("DELIVERY_RETRY_SCHEDULE", "1s, 2s,250ms")]).unwrap();
    assert_eq!(
        fast.delivery.retry_schedule,
        [1000, 2000, 250].map(std::time::Duration::from_millis)
    );
}

#[test]
fn malformed_delivery_settings_are_refused() {
    for (key, bad) in [
        ("DELIVERY_RETRY_SCHEDULE", "1s,fast"),
        ("DELIVERY_RETRY_SCHEDULE", "10"),
        ("DELIVERY_RETRY_SCHEDULE", "8d"),
        ("DELIVERY_TIMEOUT_MS", "0"),
        ("RESPONDER_TIMEOUT_MS", "15000"),
        ("ALLOW_INSECURE_ENDPOINTS", "maybe"),
    ] {
        let error = error_of(&[(key, bad)]);
        assert!(
            error.starts_with(&format!("{key}:")),
            "{key}={bad}: {error}"
        );
    }
}

#[test]
fn the_reconciler_defaults_to_a_30_second_deadline_and_a_5_minute_grace() {
    let s = settings(&[]).unwrap();
    assert_eq!(s.reconcile_deadline, std::time::Duration::from_secs(30));
    assert_eq!(s.reconcile_lost_grace, std::time::Duration::from_secs(300));
    let s = settings(&[
        ("RECONCILE_DEADLINE_SECS", "5"),
        ("RECONCILE_LOST_GRACE_SECS", "0"),
    ])
    .unwrap();
    assert_eq!(s.reconcile_deadline, std::time::Duration::from_secs(5));
    assert_eq!(s.reconcile_lost_grace, std::time::Duration::ZERO);
    for key in ["RECONCILE_DEADLINE_SECS", "RECONCILE_LOST_GRACE_SECS"] {
        let error = error_of(&[(key, "30s")]);
        assert!(error.starts_with(&format!("{key}:")), "{error}");
    }
}

#[test]
fn a_previous_auth_token_is_optional_and_kept_secret() {
    use secrecy::ExposeSecret;
    let previous = |vars: &[(&'static str, &'static str)]| match settings(&twilio_with(vars))
        .unwrap()
        .provider
    {
        ProviderSettings::Twilio {
            previous_auth_token,
            ..
        } => previous_auth_token.map(|t| t.expose_secret().to_string()),
        other => panic!("{other:?}"),
    };
    assert_eq!(previous(&[]), None);
    assert_eq!(previous(&[("TWILIO_AUTH_TOKEN_PREVIOUS", "")]), None);
    assert_eq!(
        previous(&[("TWILIO_AUTH_TOKEN_PREVIOUS", "old-token")]).as_deref(),
        Some("old-token")
    );
    let shown = format!(
        "{:?}",
        settings(&twilio_with(&[("TWILIO_AUTH_TOKEN_PREVIOUS", "old-token")])).unwrap()
    );
    assert!(!shown.contains("old-token"), "{shown}");
}
