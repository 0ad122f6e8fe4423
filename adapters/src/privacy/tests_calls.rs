//! Sealing and opening a call's caller name, its voicemail and a responder's reply, against a
//! real SQLite key table: one key per customer, whatever the event.

use serde_json::{json, Value};
use switchboard_domain::call::{CallEvent, CallSid, CallStatus, InboundCall, Voicemail};
use switchboard_domain::message::{MessageEvent, ResponderReply, Routing};
use switchboard_domain::{EndpointId, OrganizationId, E164};

use super::tests::keys;
use super::EventIdentity;

const CALLER: &str = "+15551230000";

fn routing() -> Routing {
    Routing::Routed {
        organization_id: OrganizationId::from_uuid(uuid::Uuid::from_u128(9)),
    }
}

fn call_received() -> Value {
    let call = InboundCall {
        call_sid: CallSid::parse("CA1").unwrap(),
        account_sid: "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
        from: CALLER.into(),
        to: E164::parse("+14155550100").unwrap(),
        status: CallStatus::Ringing,
        direction: "inbound".into(),
        caller_name: Some("ADA LOVELACE".into()),
        routing: routing(),
    };
    let at = "2026-01-02T03:04:05Z".parse().unwrap();
    serde_json::to_value(CallEvent::CallReceived {
        call,
        received_at: at,
    })
    .unwrap()
}

fn voicemail(caller: Option<&str>) -> Value {
    serde_json::to_value(CallEvent::VoicemailRecorded {
        voicemail: Voicemail {
            recording_sid: "RE1".into(),
            recording_url: "https://api.twilio.com/recordings/RE1".into(),
            duration_secs: 9,
        },
        recorded_at: "2026-01-02T03:05:05Z".parse().unwrap(),
        caller: caller.map(str::to_string),
        routing: caller.map(|_| routing()),
    })
    .unwrap()
}

fn replied() -> Value {
    serde_json::to_value(MessageEvent::ResponderReplied {
        endpoint_id: EndpointId::from_uuid(uuid::Uuid::from_u128(3)),
        reply: ResponderReply {
            body: "your table is booked".into(),
            media_urls: vec!["https://cdn.example/menu.png".into()],
        },
        replied_at: "2026-01-02T03:04:06Z".parse().unwrap(),
        customer: Some(CALLER.into()),
        routing: Some(routing()),
    })
    .unwrap()
}

fn identity(aggregate_type: &'static str, event_type: &'static str) -> EventIdentity<'static> {
    EventIdentity {
        aggregate_type,
        aggregate_id: "CA1",
        sequence: 1,
        event_type,
    }
}

/// The three events, each with its identity.
fn events() -> Vec<(EventIdentity<'static>, Value)> {
    vec![
        (identity("Call", "CallReceived"), call_received()),
        (
            identity("Call", "VoicemailRecorded"),
            voicemail(Some(CALLER)),
        ),
        (identity("Message", "ResponderReplied"), replied()),
    ]
}

#[tokio::test]
async fn a_caller_name_voicemail_and_reply_are_sealed_with_the_customers_key_and_open_again() {
    let (keys, path) = keys().await;
    let mut key_ids = Vec::new();
    for (id, original) in events() {
        let mut stored = original.clone();
        keys.seal(&id, &mut stored).await.unwrap();
        let text = stored.to_string();
        for secret in ["ADA", "recordings/RE1", "booked", "menu.png"] {
            assert!(!text.contains(secret), "{text}");
        }
        assert!(text.contains(CALLER), "the address stays readable: {text}");
        key_ids.push(stored[id.event_type]["sealed"]["key_id"].clone());
        keys.open(&id, &mut stored).await.unwrap();
        assert_eq!(stored, original);
    }
    assert!(key_ids.iter().all(|k| k.is_string() && *k == key_ids[0]));
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn an_erased_caller_reads_blank_in_calls_voicemails_and_replies() {
    let (keys, path) = keys().await;
    let mut sealed = Vec::new();
    for (id, mut payload) in events() {
        keys.seal(&id, &mut payload).await.unwrap();
        sealed.push((id, payload));
    }
    let organization = OrganizationId::from_uuid(uuid::Uuid::from_u128(9)).to_string();
    assert_eq!(keys.erase(&organization, CALLER).await.unwrap(), 1);
    for (id, payload) in &mut sealed {
        keys.open(id, payload).await.unwrap();
        assert!(payload[id.event_type].get("sealed").is_none());
    }
    assert_eq!(
        sealed[0].1["CallReceived"]["call"]["caller_name"],
        Value::Null
    );
    assert_eq!(
        sealed[1].1["VoicemailRecorded"]["voicemail"]["recording_url"],
        ""
    );
    assert_eq!(
        sealed[2].1["ResponderReplied"]["reply"],
        json!({"body": "", "media_urls": []})
    );
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn a_voicemail_stored_before_2_0_stays_as_stored() {
    let (keys, path) = keys().await;
    let original = voicemail(None);
    let mut read = original.clone();
    keys.open(&identity("Call", "VoicemailRecorded"), &mut read)
        .await
        .unwrap();
    assert_eq!(read, original);
    let _ = std::fs::remove_file(path);
}
