//! Rotating the provider auth token without losing webhooks: during the rotation a webhook
//! signed with `TWILIO_AUTH_TOKEN_PREVIOUS` is accepted (and counted), one signed with the new
//! `TWILIO_AUTH_TOKEN` too, anything else refused.

use secrecy::ExposeSecret;

use crate::helpers::{Backend, TestApp};

const NEW_TOKEN: &str = "0123456789abcdef0123456789abcdef";

async fn post_signed_with(app: &TestApp, key: &str, sid: &str) -> u16 {
    let params = [
        ("MessageSid", sid),
        ("AccountSid", "ACx"),
        ("From", "+15551230000"),
        ("To", "+14155550199"),
        ("Body", "rotating"),
    ];
    app.webhook_signed_with("X-Twilio-Signature", key, &params)
        .await
        .status()
        .as_u16()
}

/// The sandbox's token: what the server was started with, now the previous one.
fn sandbox_token(app: &TestApp) -> String {
    app.sandbox
        .sandbox()
        .signing_key()
        .expose_secret()
        .to_string()
}

async fn previous_key_count(app: &TestApp) -> String {
    app.metrics()
        .await
        .lines()
        .find(|l| l.starts_with("switchboard_webhook_signatures_previous_key_total "))
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_signed_with_the_previous_or_the_new_token_are_accepted_during_a_rotation() {
    let Some(probe) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let old = sandbox_token(&probe);
    let app = probe
        .restart_with(&[
            ("TWILIO_AUTH_TOKEN", NEW_TOKEN.into()),
            ("TWILIO_AUTH_TOKEN_PREVIOUS", old.clone()),
        ])
        .await;

    assert_eq!(
        post_signed_with(&app, &old, "SM00000000000000000000000000000001").await,
        200,
        "signed with the previous token (Twilio has not switched yet)"
    );
    assert_eq!(
        previous_key_count(&app).await,
        "switchboard_webhook_signatures_previous_key_total 1"
    );
    assert_eq!(
        post_signed_with(&app, NEW_TOKEN, "SM00000000000000000000000000000002").await,
        200,
        "signed with the new token"
    );
    assert_eq!(
        post_signed_with(
            &app,
            "not-a-token-we-know",
            "SM00000000000000000000000000000003"
        )
        .await,
        403,
        "any other key is refused"
    );
    assert_eq!(
        previous_key_count(&app).await,
        "switchboard_webhook_signatures_previous_key_total 1",
        "only the previous-token webhook is counted"
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_previous_token_only_the_current_one_is_accepted() {
    let Some(probe) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let old = sandbox_token(&probe);
    let app = probe
        .restart_with(&[("TWILIO_AUTH_TOKEN", NEW_TOKEN.into())])
        .await;
    assert_eq!(
        post_signed_with(&app, &old, "SM00000000000000000000000000000004").await,
        403
    );
    assert_eq!(
        post_signed_with(&app, NEW_TOKEN, "SM00000000000000000000000000000005").await,
        200
    );
    app.finish().await;
}
