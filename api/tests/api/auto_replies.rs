//! Automatic replies are bounded: at most one per customer per organization per
//! `AUTO_REPLY_WINDOW_SECS`, recorded so that concurrent messages (and other processes) see it.

use serde_json::json;

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

const CUSTOMER: &str = "+15551230000";

fn replies(twiml: &str) -> Vec<String> {
    twiml
        .split("<Message>")
        .skip(1)
        .map(|m| m.split("</Message>").next().unwrap_or_default().to_string())
        .collect()
}

/// An organization closed every day, with its number.
async fn closed_organization(app: &TestApp, name: &str) -> (String, String) {
    let org = app.create_organization(name, "business").await;
    let number = app.number_for(&org).await;
    let closed = json!({
        "monday": [], "tuesday": [], "wednesday": [], "thursday": [], "friday": [],
        "saturday": [], "sunday": []
    });
    let response = app
        .patch(
            &format!("/v1/organizations/{org}"),
            json!({"welcome_message": "Welcome!", "away_message": "We're closed.", "business_hours": closed}),
        )
        .await;
    assert_eq!(response.status(), 200);
    (org, number)
}

/// The events of `event_type` whose payload mentions `needle`.
async fn count_events(app: &TestApp, event_type: &str, needle: &str) -> i64 {
    let payload = if app.database_url.starts_with("postgres") {
        "payload::text"
    } else {
        "payload"
    };
    app.count_sql(&format!(
        "SELECT COUNT(*) FROM events WHERE event_type = '{event_type}' AND {payload} LIKE '%{needle}%'"
    ))
    .await
}

async fn fifty_concurrent_messages_outside_hours_get_one_automatic_answer(app: &TestApp) {
    let (org, number) = closed_organization(app, "Night Owl").await;
    let deliveries = (0..50).map(|i| {
        let number = number.clone();
        async move {
            let sid = format!("SM{i:032x}");
            let response = app
                .signed_webhook(
                    "/webhooks/twilio/messages",
                    &[
                        ("MessageSid", sid.as_str()),
                        ("From", CUSTOMER),
                        ("To", number.as_str()),
                        ("Body", "are you there?"),
                    ],
                )
                .await;
            assert_eq!(response.status(), 200);
            response.text().await.unwrap()
        }
    });
    let answers = futures::future::join_all(deliveries).await;
    let answered: Vec<Vec<String>> = answers
        .iter()
        .map(|twiml| replies(twiml))
        .filter(|replies| !replies.is_empty())
        .collect();
    assert_eq!(
        answered,
        vec![vec!["Welcome!".to_string(), "We're closed.".to_string()]],
        "one answer carries the automatic reply, the other 49 none"
    );
    let messages = app
        .wait_for_messages_where(&org, |m| {
            m.len() == 50 && m.iter().all(|m| !m["outcome"].is_null())
        })
        .await;
    assert_eq!(messages.len(), 50, "every message is recorded");
    let conversation = format!("{org}/{CUSTOMER}");
    let bound = app
        .recorded_in("Conversation", &conversation, "AutoReplied")
        .await;
    assert_eq!(bound.len(), 1, "the reply is recorded on the conversation");
    assert_eq!(
        count_events(app, "InboundOutcomeDecided", "auto_reply_suppressed").await,
        49,
        "each suppression is recorded on its message"
    );
    let metrics = app.metrics().await;
    assert!(
        metrics.contains("switchboard_auto_replies_suppressed_total 49"),
        "{metrics}"
    );
}

async fn the_join_help_on_the_shared_number_goes_once_per_window(backend: Backend) {
    let shared = "+15005550006";
    let Some(app) = TestApp::spawn_with(backend, &[("SHARED_NUMBER", shared.to_string())]).await
    else {
        return;
    };
    app.buy_at_provider(shared, "Switchboard shared number")
        .await;
    let first = app.customer_says(CUSTOMER, shared, "hello?").await;
    assert!(first.contains("join &lt;code&gt;"), "{first}");
    for text in ["hello??", "join NOSUCHCODE", "anyone?"] {
        let again = app.customer_says(CUSTOMER, shared, text).await;
        assert!(replies(&again).is_empty(), "{text}: {again}");
    }
    let help = app
        .recorded_in("SharedNumberMember", CUSTOMER, "JoinHelpSent")
        .await;
    assert_eq!(help.len(), 1);
    app.finish().await;
}

async fn the_automatic_reply_goes_again_once_the_window_has_passed(backend: Backend) {
    let window = [("AUTO_REPLY_WINDOW_SECS", "1".to_string())];
    let Some(app) = TestApp::spawn_with(backend, &window).await else {
        return;
    };
    let (_, number) = closed_organization(&app, "Short Window").await;
    let first = app.customer_says(CUSTOMER, &number, "one").await;
    assert_eq!(replies(&first).len(), 2, "{first}");
    let soon = app.customer_says(CUSTOMER, &number, "two").await;
    assert!(replies(&soon).is_empty(), "{soon}");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let later = app.customer_says(CUSTOMER, &number, "three").await;
    assert_eq!(replies(&later), vec!["We're closed."], "{later}");
    app.finish().await;
}

on_both_backends!(fifty_concurrent_messages_outside_hours_get_one_automatic_answer);

mod with_settings {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn join_help_sqlite() {
        the_join_help_on_the_shared_number_goes_once_per_window(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn join_help_postgres() {
        the_join_help_on_the_shared_number_goes_once_per_window(Backend::Postgres).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn window_passes_sqlite() {
        the_automatic_reply_goes_again_once_the_window_has_passed(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn window_passes_postgres() {
        the_automatic_reply_goes_again_once_the_window_has_passed(Backend::Postgres).await;
    }
}
