//! Every projection applied an event twice changes nothing: after a mixed workload is projected,
//! applying each of its events again to every projection leaves every table as it was.

use sqlx::Acquire;
use switchboard_adapters::test_database::TestBackend;
use switchboard_application::ports::LogPosition;
use switchboard_projections::all_projections;

use crate::fixture::{catch_up_to, Fixture};
use crate::on_both_backends;

/// A small realistic history: organizations, numbers provisioned and released, routed and
/// unrouted inbound messages with their outcomes.
pub async fn mixed_workload(fx: &Fixture) -> u64 {
    let acme = fx.create("Acme").await;
    let globex = fx.create("Globex").await;
    fx.provision("+14155550100", acme).await;
    fx.provision("+14155550101", globex).await;
    fx.receive(
        "SM00000000000000000000000000000001",
        Some(acme),
        "+14155550100",
    )
    .await;
    fx.receive(
        "SM00000000000000000000000000000002",
        Some(globex),
        "+14155550101",
    )
    .await;
    fx.receive("SM00000000000000000000000000000003", None, "+14155550199")
        .await;
    fx.release("+14155550101", globex).await;
    fx.provision("+14155550101", acme).await;
    // 2 × 2 for the creations, 4 number events, 3 × 2 message events.
    14
}

async fn applying_every_event_twice_changes_nothing(backend: TestBackend) {
    let Some(fx) = Fixture::new(backend).await else {
        return;
    };
    let events = mixed_workload(&fx).await;
    let projector = fx.projector();
    assert_eq!(catch_up_to(&projector, events).await, events);
    let projections = all_projections();
    let tables: Vec<&str> = projections
        .iter()
        .flat_map(|p| p.tables().iter().chain(p.side_tables()).copied())
        .collect();
    let before = fx.snapshot(&tables).await;
    assert!(before.iter().any(|row| row.starts_with("routing_table:")));
    assert!(before.iter().any(|row| row.starts_with("messages_view:")));

    let recorded = fx.log.read_after(LogPosition::START, 1000).await.unwrap();
    assert_eq!(recorded.len() as u64, events);
    let mut conn = fx.database.any().acquire().await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    for event in &recorded {
        for projection in &projections {
            projection.apply(&mut tx, event).await.unwrap();
        }
    }
    tx.commit().await.unwrap();
    drop(conn);
    assert_eq!(fx.snapshot(&tables).await, before);
    fx.finish().await;
}

on_both_backends!(applying_every_event_twice_changes_nothing);
