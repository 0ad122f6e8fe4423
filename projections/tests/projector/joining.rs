//! A customer joining an organization on the shared number: a message recorded unrouted whose
//! outcome is `Joined` counts for that organization in the analytics (inbound message, new
//! customer, conversation), whether the projector reads the message and its outcome in one batch
//! or in two; applying every event again changes nothing.

use chrono::Utc;
use sqlx::{Acquire, Row};
use switchboard_adapters::test_database::TestBackend;
use switchboard_application::ports::LogPosition;
use switchboard_domain::message::{
    InboundMessage, InboundOutcome, Message, MessageCommand, Routing,
};
use switchboard_domain::{Channel, ChannelAddress, MessageSid, OrganizationId};
use switchboard_projections::all_projections;

use crate::fixture::{catch_up_to, Fixture, PER_CREATE};
use crate::on_both_backends;

const SHARED: &str = "+15005550006";

/// Records `join <code>` from `customer` on the shared number, unrouted (one event).
async fn receive_join(fx: &Fixture, sid: &str, customer: &str) {
    let message = InboundMessage {
        message_sid: MessageSid::parse(sid).unwrap(),
        account_sid: "AC00000000000000000000000000000000".into(),
        channel: Channel::Sms,
        from: customer.into(),
        to: ChannelAddress::parse(SHARED).unwrap().into(),
        body: "join ACME42".into(),
        media: Vec::new(),
        profile_name: None,
        wa_id: None,
        routing: Routing::Unrouted,
    };
    let command = MessageCommand::ReceiveMessage {
        message,
        received_at: Utc::now(),
    };
    fx.command::<Message>(sid, command).await;
}

/// Records that the message joined its customer to `organization` (one event).
async fn decide_joined(fx: &Fixture, sid: &str, organization: OrganizationId) {
    let command = MessageCommand::DecideOutcome {
        outcome: InboundOutcome::Joined {
            organization_id: organization,
        },
        replies: vec!["You're now connected to Acme.".into()],
        decided_at: Utc::now(),
        auto_reply_suppressed: false,
    };
    fx.command::<Message>(sid, command).await;
}

/// `(facts, customers, conversations)` of `organization`.
async fn counted(fx: &Fixture, organization: OrganizationId) -> (i64, i64, i64) {
    let mut counts = Vec::new();
    for table in ["message_facts", "customers", "conversations"] {
        let row = sqlx::query(&format!(
            "SELECT COUNT(*) AS n FROM {table} WHERE organization_id = $1"
        ))
        .bind(organization.to_string())
        .fetch_one(fx.database.any())
        .await
        .unwrap();
        counts.push(row.try_get::<i64, _>("n").unwrap());
    }
    (counts[0], counts[1], counts[2])
}

async fn a_join_on_the_shared_number_counts_for_the_organization(backend: TestBackend) {
    let Some(fx) = Fixture::new(backend).await else {
        return;
    };
    let acme = fx.create("Acme").await;
    let projector = fx.projector();
    // One batch holds the message and its outcome.
    receive_join(&fx, "SM00000000000000000000000000000a01", "+15551230001").await;
    decide_joined(&fx, "SM00000000000000000000000000000a01", acme).await;
    assert_eq!(
        catch_up_to(&projector, PER_CREATE + 2).await,
        PER_CREATE + 2
    );
    assert_eq!(counted(&fx, acme).await, (1, 1, 1));
    // The message is projected before its outcome is recorded.
    receive_join(&fx, "SM00000000000000000000000000000a02", "+15551230002").await;
    assert_eq!(catch_up_to(&projector, 1).await, 1);
    assert_eq!(
        counted(&fx, acme).await,
        (1, 1, 1),
        "unrouted: nobody's yet"
    );
    decide_joined(&fx, "SM00000000000000000000000000000a02", acme).await;
    assert_eq!(catch_up_to(&projector, 1).await, 1);
    assert_eq!(counted(&fx, acme).await, (2, 2, 2));
    let outcome: String = sqlx::query(
        "SELECT outcome FROM message_facts WHERE message_sid = 'SM00000000000000000000000000000a02'",
    )
    .fetch_one(fx.database.any())
    .await
    .unwrap()
    .try_get("outcome")
    .unwrap();
    assert_eq!(outcome, "joined");

    let projections = all_projections();
    let analytics = projections
        .iter()
        .find(|p| p.name() == "message_analytics")
        .unwrap();
    let before = fx.snapshot(analytics.tables()).await;
    let recorded = fx.log.read_after(LogPosition::START, 1000).await.unwrap();
    let mut conn = fx.database.any().acquire().await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    for event in &recorded {
        analytics.apply(&mut tx, event).await.unwrap();
    }
    analytics.apply_batch(&mut tx, &recorded).await.unwrap();
    tx.commit().await.unwrap();
    drop(conn);
    assert_eq!(fx.snapshot(analytics.tables()).await, before);
    fx.finish().await;
}

on_both_backends!(a_join_on_the_shared_number_counts_for_the_organization);
