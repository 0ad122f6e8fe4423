//! A `MessageReceived` stored by schema 1.0 (before it recorded `segments`) keeps replaying:
//! the projector reads it through the upcaster, cqrs-es loads the aggregate through it, and a
//! replay of a log that holds it verifies clean. The same for a `NumberRequested` 1.0, whose
//! area code was a number.

use cqrs_es::persist::PersistedEventStore;
use cqrs_es::EventStore;
use sqlx::Row;
use switchboard_adapters::test_database::TestBackend;
use switchboard_domain::message::{InboundMessage, Message, MessageEvent, Routing};
use switchboard_domain::organization::{NumberTarget, Organization};
use switchboard_domain::{
    AreaCode, Channel, ChannelAddress, MessageSid, NumberType, OrganizationId, RequestId,
};
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
        to: ChannelAddress::parse("+14155550100").unwrap().into(),
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

/// Stores `payload` as version 1.0 of `event_type`, event `sequence` of the aggregate.
async fn store_v1(
    fx: &Fixture,
    (aggregate_type, id, sequence): (&str, &str, i64),
    event_type: &str,
    payload: String,
) {
    let json = match fx.test_database.backend() {
        TestBackend::Postgres => "CAST($1 AS json)",
        TestBackend::Sqlite => "$1",
    };
    sqlx::query(&format!(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version,
             payload, metadata)
         VALUES ($2, $3, $4, $5, '1.0', {json}, '{{}}')"
    ))
    .bind(payload)
    .bind(aggregate_type)
    .bind(id)
    .bind(sequence)
    .bind(event_type)
    .execute(fx.database.any())
    .await
    .unwrap();
}

async fn a_version_1_event_keeps_replaying(backend: TestBackend) {
    let Some(fx) = Fixture::new(backend).await else {
        return;
    };
    let organization = fx.create("Old times").await;
    store_v1(
        &fx,
        ("Message", SID, 1),
        "MessageReceived",
        stored_v1(organization),
    )
    .await;
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

async fn a_version_1_area_code_request_keeps_replaying(backend: TestBackend) {
    let Some(fx) = Fixture::new(backend).await else {
        return;
    };
    let organization = fx.create("Old numbers").await;
    let request_id = RequestId::new_random();
    let payload = serde_json::json!({"NumberRequested": {
        "request_id": request_id,
        "target": {"kind": "area_code", "country": "US", "area_code": 415, "number_type": "local"},
        "requested_at": chrono::Utc::now(),
    }});
    let id = organization.to_string();
    store_v1(
        &fx,
        ("Organization", &id, 3),
        "NumberRequested",
        payload.to_string(),
    )
    .await;
    assert_eq!(catch_up_to(&fx.projector(), 3).await, 3);
    let state = sqlx::query("SELECT state FROM provisioning_requests WHERE request_id = $1")
        .bind(request_id.to_string())
        .fetch_one(fx.database.any())
        .await
        .unwrap();
    assert_eq!(state.try_get::<String, _>("state").unwrap(), "in_flight");

    let store: PersistedEventStore<_, Organization> =
        PersistedEventStore::new_event_store(fx.database.event_repository())
            .with_upcasters(switchboard_domain::upcasting::upcasters());
    let loaded = store.load_aggregate(&id).await.unwrap();
    assert_eq!(
        loaded.aggregate.requests_in_flight().get(&request_id),
        Some(&NumberTarget::AreaCode {
            country: "US".into(),
            area_code: AreaCode::parse("415").unwrap(),
            number_type: NumberType::Local,
        })
    );
    let replay = Replay::select(fx.database.any().clone(), fx.log.clone(), None).unwrap();
    let verified = replay.verify(&mut |_| {}).await.unwrap();
    assert!(
        verified.differences.is_empty(),
        "{:?}",
        verified.differences
    );
    fx.finish().await;
}

on_both_backends!(
    a_version_1_event_keeps_replaying,
    a_version_1_area_code_request_keeps_replaying
);
