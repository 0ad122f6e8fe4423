//! Configuration that fails early: the real binary refuses bad settings with one line naming the
//! variable (exit 1, nothing started) and warns loudly about plain http on a public host.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SID: &str = "AC0123456789abcdef0123456789abcdef";

/// `switchboard serve` with exactly `vars` as its environment; returns (exit code, stderr).
fn serve_with(vars: &[(&str, &str)]) -> (Option<i32>, String) {
    let dir = std::env::temp_dir().join(format!("sb-config-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .arg("serve")
        .env_clear()
        .envs(vars.iter().copied())
        .current_dir(&dir)
        .output()
        .expect("run switchboard");
    let _ = std::fs::remove_dir_all(&dir);
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn assert_refused(vars: &[(&str, &str)], variable: &str) {
    let (code, stderr) = serve_with(vars);
    assert_eq!(code, Some(1), "exit code; stderr: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one clear line, got: {stderr}");
    assert!(
        lines[0].starts_with(&format!("switchboard: invalid configuration: {variable}:")),
        "{}",
        lines[0]
    );
}

#[test]
fn provider_credentials_without_a_public_base_url_stop_the_server() {
    assert_refused(
        &[("TWILIO_ACCOUNT_SID", SID), ("TWILIO_AUTH_TOKEN", "token")],
        "PUBLIC_BASE_URL",
    );
}

#[test]
fn a_relative_public_base_url_stops_the_server() {
    assert_refused(
        &[
            ("TWILIO_ACCOUNT_SID", SID),
            ("TWILIO_AUTH_TOKEN", "token"),
            ("PUBLIC_BASE_URL", "switchboard.example.com"),
        ],
        "PUBLIC_BASE_URL",
    );
}

#[test]
fn the_sandbox_on_postgres_needs_to_be_asked_for() {
    assert_refused(
        &[(
            "DATABASE_URL",
            "postgres://postgres@127.0.0.1:5432/production",
        )],
        "SANDBOX",
    );
}

#[test]
fn the_sandbox_beyond_loopback_needs_to_be_asked_for() {
    assert_refused(&[("BIND_ADDR", "0.0.0.0:0")], "SANDBOX");
}

#[test]
fn the_sandbox_beside_provider_credentials_is_refused() {
    assert_refused(
        &[
            ("TWILIO_ACCOUNT_SID", SID),
            ("TWILIO_AUTH_TOKEN", "token"),
            ("PUBLIC_BASE_URL", "https://switchboard.example.com"),
            ("ADMIN_API_KEY", "k"),
            ("SANDBOX", "true"),
        ],
        "SANDBOX",
    );
}

#[test]
fn a_provider_without_an_admin_key_stops_the_server() {
    assert_refused(
        &[
            ("TWILIO_ACCOUNT_SID", SID),
            ("TWILIO_AUTH_TOKEN", "token"),
            ("PUBLIC_BASE_URL", "https://switchboard.example.com"),
        ],
        "ADMIN_API_KEY",
    );
}

#[test]
fn a_malformed_shared_number_stops_the_server() {
    assert_refused(&[("SHARED_NUMBER", "call me")], "SHARED_NUMBER");
}

#[test]
fn an_unknown_log_format_stops_the_server() {
    assert_refused(&[("LOG_FORMAT", "yaml")], "LOG_FORMAT");
}

#[test]
fn an_unsupported_database_url_stops_the_server_without_echoing_its_password() {
    let (code, stderr) = serve_with(&[("DATABASE_URL", "mysql://app:s3cr3t-pw@db/switchboard")]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("DATABASE_URL"), "{stderr}");
    assert!(!stderr.contains("s3cr3t-pw"), "password echoed: {stderr}");
}

#[test]
fn plain_http_on_a_public_host_is_warned_about_loudly() {
    let dir = std::env::temp_dir().join(format!("sb-config-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .arg("serve")
        .env_clear()
        .envs([
            ("TWILIO_ACCOUNT_SID", SID),
            ("TWILIO_AUTH_TOKEN", "token"),
            // Nothing listens on the discard port: provider calls fail fast, harmlessly.
            ("TWILIO_API_BASE_URL", "http://127.0.0.1:9"),
            ("PUBLIC_BASE_URL", "http://switchboard.example.com"),
            ("BIND_ADDR", "127.0.0.1:0"),
            ("ADMIN_API_KEY", "test-key"),
        ])
        .current_dir(&dir)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("run switchboard");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut warned = None;
    while Instant::now() < deadline {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(line) if line.contains("WARN") && line.contains("PUBLIC_BASE_URL") => {
                warned = Some(line);
                break;
            }
            Ok(_) | Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    let warned = warned.expect("a warning naming PUBLIC_BASE_URL");
    assert!(warned.contains("https"), "{warned}");
}

#[tokio::test]
async fn a_sandbox_listening_beyond_loopback_asks_for_the_admin_key() {
    let dir = std::env::temp_dir().join(format!("sb-config-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["serve", "--sandbox"])
        .env_clear()
        .envs([
            ("BIND_ADDR", "0.0.0.0:0"),
            ("ADMIN_API_KEY", "test-key"),
            ("RUST_LOG", "warn"),
        ])
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run switchboard");
    let stdout = child.stdout.take().unwrap();
    let line = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find(|line| line.starts_with("Switchboard listening on "))
        .expect("the server printed its address");
    let port = line
        .split_whitespace()
        .nth(3)
        .and_then(|url| url.rsplit(':').next())
        .unwrap()
        .to_string();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let outbound = format!("{base}/sandbox/messages/outbound");
    let anonymous = client.get(&outbound).send().await.unwrap();
    let anonymous_post = client
        .post(format!("{base}/sandbox/messages"))
        .json(&serde_json::json!({"from": "+15551230000", "to": "+14155550100", "body": "hi"}))
        .send()
        .await
        .unwrap();
    let with_key = client
        .get(&outbound)
        .bearer_auth("test-key")
        .send()
        .await
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous_post.status(), 401);
    assert_eq!(with_key.status(), 200);
}
