//! `switchboard doctor [--fix]`: the real binary against a server's database and sandbox.

use reqwest::StatusCode;
use secrecy::ExposeSecret;
use serde_json::json;
use switchboard_application::ports::{TelephonyProvider, WebhookConfig};

use crate::helpers::{body, TestApp};
use crate::on_both_backends;

/// What one run of the binary gave.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }
}

/// Runs `switchboard doctor` (plus `args`) with exactly `env` as its environment.
async fn switchboard_doctor(args: &[&str], env: Vec<(&'static str, String)>) -> Run {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_switchboard"));
    command
        .arg("doctor")
        .args(args)
        .env_clear()
        .env("RUST_LOG", "warn")
        .envs(env)
        .current_dir(std::env::temp_dir());
    // The sandbox answering the binary runs on this runtime: wait off its worker threads.
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("join")
        .expect("run the switchboard binary");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The server's configuration, as an operator would give it to `doctor`.
fn server_env(app: &TestApp) -> Vec<(&'static str, String)> {
    let sandbox = app.sandbox.sandbox();
    vec![
        ("DATABASE_URL", app.database_url.clone()),
        ("PUBLIC_BASE_URL", app.address.clone()),
        ("TWILIO_ACCOUNT_SID", sandbox.account_sid().to_string()),
        (
            "TWILIO_AUTH_TOKEN",
            sandbox.auth_token().expose_secret().to_string(),
        ),
        ("TWILIO_API_BASE_URL", app.sandbox.api_base_url()),
    ]
}

async fn doctor_finds_a_broken_sms_url_and_fix_mends_it(app: &TestApp) {
    let org = app.create_organization("Doc", "enterprise").await;
    let provisioned = app
        .provision(&org, json!({"phone_number": "+14155550100"}))
        .await;
    assert_eq!(provisioned.status(), StatusCode::CREATED);
    let broken = body(provisioned).await;
    app.number_for(&org).await;

    let healthy = switchboard_doctor(&[], server_env(app)).await;
    assert_eq!(
        healthy.code,
        Some(0),
        "{}\n{}",
        healthy.stdout,
        healthy.stderr
    );
    assert!(healthy.lines().iter().all(|l| l.starts_with("ok ")));

    // A real misconfiguration: someone points the number elsewhere at the provider.
    let ours = WebhookConfig::under(&app.address);
    let elsewhere = WebhookConfig {
        sms_url: "https://elsewhere.example/sms".into(),
        ..ours.clone()
    };
    app.provider()
        .configure_webhooks(broken["provider_sid"].as_str().unwrap(), &elsewhere)
        .await
        .expect("break the SmsUrl at the sandbox");

    let found = switchboard_doctor(&[], server_env(app)).await;
    assert_eq!(found.code, Some(1), "{}\n{}", found.stdout, found.stderr);
    let expected_line = format!(
        "FAIL webhooks: +14155550100 SmsUrl: found `https://elsewhere.example/sms`, expected `{}`",
        ours.sms_url
    );
    assert!(
        found.lines().contains(&expected_line.as_str()),
        "{}",
        found.stdout
    );
    let failures: Vec<&str> = found
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("FAIL"))
        .collect();
    assert_eq!(
        failures,
        [expected_line.as_str()],
        "only that field differs"
    );

    let fixed = switchboard_doctor(&["--fix"], server_env(app)).await;
    assert_eq!(fixed.code, Some(0), "{}\n{}", fixed.stdout, fixed.stderr);
    assert!(
        fixed
            .lines()
            .iter()
            .any(|l| l.starts_with("ok fix: +14155550100 webhooks")),
        "{}",
        fixed.stdout
    );
    let again = switchboard_doctor(&[], server_env(app)).await;
    assert_eq!(again.code, Some(0), "{}\n{}", again.stdout, again.stderr);

    let at_provider = app.provider().list_owned().await.unwrap();
    assert!(at_provider
        .iter()
        .all(|n| n.sms_url.as_deref() == Some(ours.sms_url.as_str())));
}

on_both_backends!(doctor_finds_a_broken_sms_url_and_fix_mends_it);

#[tokio::test]
async fn doctor_reports_pending_migrations_and_fix_applies_them() {
    let path = std::env::temp_dir().join(format!("doctor-{}.db", uuid::Uuid::new_v4().simple()));
    let env = || vec![("DATABASE_URL", format!("sqlite://{}", path.display()))];

    let pending = switchboard_doctor(&[], env()).await;
    assert_eq!(
        pending.code,
        Some(1),
        "{}\n{}",
        pending.stdout,
        pending.stderr
    );
    assert!(
        pending
            .lines()
            .iter()
            .any(|l| l.starts_with("FAIL database: ") && l.contains("migration(s) pending")),
        "{}",
        pending.stdout
    );
    assert!(pending
        .lines()
        .iter()
        .any(|l| l.starts_with("ok provider: no credentials")));

    let fixed = switchboard_doctor(&["--fix"], env()).await;
    assert_eq!(fixed.code, Some(0), "{}\n{}", fixed.stdout, fixed.stderr);
    let healthy = switchboard_doctor(&[], env()).await;
    assert_eq!(healthy.code, Some(0), "{}", healthy.stdout);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

#[tokio::test]
async fn doctor_fails_on_half_given_credentials_and_unreachable_providers() {
    let half = switchboard_doctor(&[], vec![("TWILIO_ACCOUNT_SID", "AC1".into())]).await;
    assert_eq!(half.code, Some(1));
    assert!(
        half.stdout.starts_with("FAIL configuration: "),
        "{}",
        half.stdout
    );

    let path = std::env::temp_dir().join(format!("doctor-{}.db", uuid::Uuid::new_v4().simple()));
    let unreachable = switchboard_doctor(
        &["--fix"],
        vec![
            ("DATABASE_URL", format!("sqlite://{}", path.display())),
            ("PUBLIC_BASE_URL", "https://sb.example".into()),
            (
                "TWILIO_ACCOUNT_SID",
                "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
            ),
            ("TWILIO_AUTH_TOKEN", "token".into()),
            ("TWILIO_API_BASE_URL", "http://127.0.0.1:9".into()),
        ],
    )
    .await;
    assert_eq!(unreachable.code, Some(1), "{}", unreachable.stdout);
    assert!(
        unreachable
            .lines()
            .iter()
            .any(|l| l.starts_with("FAIL provider: twilio refused or unreachable")),
        "{}",
        unreachable.stdout
    );
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}
