//! A `MessageReceived` stored by schema 1.0 (before it recorded `segments`) keeps replaying:
//! the projector reads it through the upcaster, cqrs-es loads the aggregate through it, and a
//! replay of a log that holds it verifies clean.

use cqrs_es::persist::PersistedEventStore;
use cqrs_es::EventStore;
use sqlx::Row;
use switchboard_adapters::test_database::TestBackend;
use switchboard_domain::message::{InboundMessage, Message, MessageEvent, Routing};
use switchboard_domain::{Channel, ChannelAddress, MessageSid, OrganizationId};
use switchboard_projections::replay::Replay;

use crate::fixture::{catch_up_to, Fixture};
use crate::on_both_backends;

const SID: &str = "SM11111111111111111111111111111111";

/// The payload a 1.0 `MessageReceived` was stored with: today's, without `segments`.
fn stored_v1(organization: OrganizationId) -> String {
    let message = InboundMessage {
        message_sid: MessageSid::parse(SID).unwrap(),
        account_sid: "AC00000000000000000000000000000000".into(),
        channel: Channel::Sms,
        from: "+15005550006".into(),
        to: ChannelAddress::parse("+14155550100").unwrap(),
        body: "x".repeat(170),
        media: Vec::new(),
        profile_name: None,
        wa_id: None,
        routing: Routing::Routed {
            organization_id: organization,
        },
    };
    let mut payload = serde_json::to_value(MessageEvent::MessageReceived {
        message,
        received_at: chrono::Utc::now(),
        segments: 0,
    })
    .unwrap();
    payload["MessageReceived"]
        .as_object_mut()
        .unwrap()
        .remove("segments");
    payload.to_string()
}

async fn a_version_1_event_keeps_replaying(backend: TestBackend) {
    let Some(fx) = Fixture::new(backend).await else {
        return;
    };
    let organization = fx.create("Old times").await;
    let json = match backend {
        TestBackend::Postgres => "CAST($1 AS json)",
        TestBackend::Sqlite => "$1",
    };
    sqlx::query(&format!(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version,
             payload, metadata)
         VALUES ('Message', $2, 1, 'MessageReceived', '1.0', {json}, '{{}}')"
    ))
    .bind(stored_v1(organization))
    .bind(SID)
    .execute(fx.database.any())
    .await
    .unwrap();
    assert_eq!(catch_up_to(&fx.projector(), 3).await, 3);
    let row = sqlx::query("SELECT body FROM messages_view WHERE message_sid = $1")
        .bind(SID)
        .fetch_one(fx.database.any())
        .await
        .unwrap();
    assert_eq!(row.try_get::<String, _>("body").unwrap().len(), 170);
    let facts = sqlx::query("SELECT COUNT(*) AS n FROM message_facts WHERE message_sid = $1")
        .bind(SID)
        .fetch_one(fx.database.any())
        .await
        .unwrap();
    assert_eq!(facts.try_get::<i64, _>("n").unwrap(), 1);

    let store: PersistedEventStore<_, Message> =
        PersistedEventStore::new_event_store(fx.database.event_repository())
            .with_upcasters(switchboard_domain::upcasting::upcasters());
    let loaded = store.load_events(SID).await.unwrap();
    let MessageEvent::MessageReceived { segments, .. } = &loaded[0].payload else {
        panic!("not a MessageReceived: {:?}", loaded[0].payload);
    };
    assert_eq!(*segments, 2, "170 GSM-7 characters take two segments");
    let aggregate = store.load_aggregate(SID).await.unwrap();
    assert!(aggregate.aggregate.received().is_some());

    let replay = Replay::select(fx.database.any().clone(), fx.log.clone(), None).unwrap();
    let verified = replay.verify(&mut |_| {}).await.unwrap();
    assert!(
        verified.differences.is_empty(),
        "{:?}",
        verified.differences
    );
    fx.finish().await;
}

on_both_backends!(a_version_1_event_keeps_replaying);
