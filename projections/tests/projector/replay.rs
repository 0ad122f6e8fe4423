//! `replay`: a rebuild into fresh tables swapped in yields the rows the live projector built,
//! the live projector carries on from where it stood on the new tables, and `--verify` finds a
//! row someone changed by hand.

use switchboard_adapters::test_database::TestBackend;
use switchboard_projections::replay::{Replay, ReplayError};

use crate::fixture::{catch_up_to, Fixture};
use crate::idempotency::mixed_workload;
use crate::on_both_backends;

async fn a_rebuild_swaps_in_the_same_rows_and_verify_finds_a_tampered_one(backend: TestBackend) {
    let Some(fx) = Fixture::new(backend).await else {
        return;
    };
    let events = mixed_workload(&fx).await;
    let projector = fx.projector();
    assert_eq!(catch_up_to(&projector, events).await, events);
    let tables = ["routing_table", "organizations_view", "messages_view"];
    let before = fx.snapshot(&tables).await;
    let schema = fx.schema().await;
    let all = Replay::select(fx.database.any().clone(), fx.log.clone(), None).unwrap();

    let clean = all.verify(&mut |_| {}).await.unwrap();
    assert!(clean.differences.is_empty(), "{:?}", clean.differences);
    assert_eq!(clean.events, events);

    let summary = all.rebuild(&mut |_| {}).await.unwrap();
    assert_eq!(summary.events, events);
    assert_eq!(fx.snapshot(&tables).await, before);
    assert_eq!(fx.schema().await, schema, "same indexes, crash-safe tables");

    // The live projector goes on, on the swapped-in tables.
    let later = fx.create("Initech").await;
    fx.provision("+14155550102", later).await;
    assert_eq!(catch_up_to(&projector, 3).await, 3);
    assert_eq!(fx.names().await.len(), 3);

    sqlx::query("UPDATE routing_table SET status = 'active' WHERE status = 'released'")
        .execute(fx.database.any())
        .await
        .ok();
    sqlx::query("UPDATE organizations_view SET name = 'Hacked' WHERE name = 'Acme'")
        .execute(fx.database.any())
        .await
        .unwrap();
    let dirty = all.verify(&mut |_| {}).await.unwrap();
    let differing: Vec<&str> = dirty.differences.iter().map(|d| d.table).collect();
    assert_eq!(
        differing,
        vec!["organizations_view"],
        "{:?}",
        dirty.differences
    );
    assert_eq!(dirty.differences[0].only_live, 1);
    assert_eq!(dirty.differences[0].only_replay, 1);

    let one = Replay::select(
        fx.database.any().clone(),
        fx.log.clone(),
        Some("organizations_view"),
    )
    .unwrap();
    one.rebuild(&mut |_| {}).await.unwrap();
    assert!(all
        .verify(&mut |_| {})
        .await
        .unwrap()
        .differences
        .is_empty());

    assert!(matches!(
        Replay::select(
            fx.database.any().clone(),
            fx.log.clone(),
            Some("audit_chain")
        ),
        Err(ReplayError::NotRebuildable("audit_chain"))
    ));
    assert!(matches!(
        Replay::select(fx.database.any().clone(), fx.log.clone(), Some("nope")),
        Err(ReplayError::UnknownProjection { .. })
    ));
    fx.finish().await;
}

on_both_backends!(a_rebuild_swaps_in_the_same_rows_and_verify_finds_a_tampered_one);
