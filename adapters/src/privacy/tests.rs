//! Sealing and opening against a real SQLite key table.

use serde_json::Value;
use switchboard_domain::message::{InboundMessage, MessageEvent, Routing};
use switchboard_domain::{Channel, ChannelAddress, MessageSid, OrganizationId};

use super::{CustomerKeys, EventIdentity};
use crate::event_store::Database;

const SID: &str = "SM0123456789abcdef0123456789abcdef";

pub(super) async fn keys() -> (CustomerKeys, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!("sealing-{}.db", uuid::Uuid::new_v4()));
    let database = Database::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    database.migrate().await.unwrap();
    (database.customer_keys().clone(), path)
}

fn received(body: &str) -> Value {
    received_payload(SID, body)
}

/// The `MessageReceived` payload of message `sid` with `body`, from `whatsapp:+15551230000` to
/// organization 9 (as stored before sealing).
pub(crate) fn received_payload(sid: &str, body: &str) -> Value {
    let message = InboundMessage {
        message_sid: MessageSid::parse(sid).unwrap(),
        account_sid: "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
        channel: Channel::Whatsapp,
        from: "whatsapp:+15551230000".into(),
        to: ChannelAddress::parse("whatsapp:+14155550100")
            .unwrap()
            .into(),
        body: body.into(),
        media: vec![],
        profile_name: Some("Ada".into()),
        wa_id: Some("15551230000".into()),
        routing: Routing::Routed {
            organization_id: OrganizationId::from_uuid(uuid::Uuid::from_u128(9)),
        },
    };
    serde_json::to_value(MessageEvent::MessageReceived {
        message,
        received_at: "2026-01-02T03:04:05Z".parse().unwrap(),
        segments: 1,
    })
    .unwrap()
}

fn identity(aggregate_id: &str) -> EventIdentity<'_> {
    EventIdentity {
        aggregate_type: "Message",
        aggregate_id,
        sequence: 1,
        event_type: "MessageReceived",
    }
}

#[tokio::test]
async fn a_sealed_message_opens_to_what_was_sealed_and_hides_it_until_then() {
    let (keys, path) = keys().await;
    let original = received("the code is 4417");
    let mut stored = original.clone();
    keys.seal(&identity(SID), &mut stored).await.unwrap();
    let text = stored.to_string();
    assert!(!text.contains("4417") && !text.contains("Ada"), "{text}");
    assert!(stored["MessageReceived"]["sealed"]["key_id"].is_string());
    // Read as stored, it is still the event, with the personal fields blank.
    let MessageEvent::MessageReceived { message, .. } =
        serde_json::from_value(stored.clone()).unwrap()
    else {
        panic!("not a MessageReceived");
    };
    assert_eq!((message.body.as_str(), message.profile_name), ("", None));

    keys.open(&identity(SID), &mut stored).await.unwrap();
    assert_eq!(stored, original);
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn an_erased_customer_reads_blank_and_a_returning_one_gets_a_new_key() {
    let (keys, path) = keys().await;
    let mut stored = received("the code is 4417");
    keys.seal(&identity(SID), &mut stored).await.unwrap();
    let old_key = stored["MessageReceived"]["sealed"]["key_id"].clone();
    let organization = OrganizationId::from_uuid(uuid::Uuid::from_u128(9)).to_string();
    assert_eq!(
        keys.erase(&organization, "whatsapp:+15551230000")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        keys.erase(&organization, "whatsapp:+15551230000")
            .await
            .unwrap(),
        0
    );

    keys.open(&identity(SID), &mut stored).await.unwrap();
    let message = &stored["MessageReceived"]["message"];
    assert_eq!(message["body"], "");
    assert_eq!(message["profile_name"], Value::Null);
    assert!(stored["MessageReceived"].get("sealed").is_none());

    let mut next = received("back again");
    keys.seal(&identity(SID), &mut next).await.unwrap();
    assert_ne!(next["MessageReceived"]["sealed"]["key_id"], old_key);
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn a_sealed_blob_moved_to_another_event_does_not_open() {
    let (keys, path) = keys().await;
    let mut stored = received("the code is 4417");
    keys.seal(&identity(SID), &mut stored).await.unwrap();
    keys.open(&identity("SMother"), &mut stored).await.unwrap();
    assert_eq!(stored["MessageReceived"]["message"]["body"], "");
    let _ = std::fs::remove_file(path);
}
