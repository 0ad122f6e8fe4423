//! The projector catches up after a restart, never applies a batch twice (two projectors), and
//! skips nothing under concurrent writers; a rebuild from position 0 yields the same rows.

use std::sync::Arc;

use chrono::Utc;
use switchboard_adapters::test_database::TestBackend;
use switchboard_domain::organization::OrganizationCommand;
use switchboard_domain::{OrganizationName, Plan};
use switchboard_projections::replay::Replay;

use crate::fixture::{catch_up_to, Fixture, PER_CREATE};
use crate::on_both_backends;

async fn the_projector_catches_up_after_a_restart(backend: TestBackend) {
    let Some(fx) = Fixture::new(backend).await else {
        return;
    };
    for i in 0..3 {
        fx.create(&format!("Org {i}")).await;
    }
    let first = fx.projector();
    assert_eq!(catch_up_to(&first, 3 * PER_CREATE).await, 3 * PER_CREATE);
    drop(first);

    // While no projector runs: two more, one renamed and upgraded, one deleted.
    let fourth = fx.create("Org 3").await;
    let fifth = fx.create("Org 4").await;
    fx.run(
        fourth,
        OrganizationCommand::UpdateOrganization {
            name: Some(OrganizationName::parse("Org 3 Ltd").unwrap()),
            description: None,
            industry: None,
            plan: Some(Plan::Business),
            updated_at: Utc::now(),
        },
    )
    .await;
    fx.run(
        fifth,
        OrganizationCommand::DeleteOrganization {
            deleted_at: Utc::now(),
        },
    )
    .await;

    let restarted = fx.projector();
    assert_eq!(
        catch_up_to(&restarted, 2 * PER_CREATE + 2).await,
        2 * PER_CREATE + 2
    );
    assert_eq!(
        fx.names().await,
        vec![
            "Org 0:trial",
            "Org 1:trial",
            "Org 2:trial",
            "Org 3 Ltd:business"
        ]
    );
    assert_eq!(
        restarted.catch_up().await.unwrap(),
        0,
        "nothing is applied twice"
    );

    let before = fx.names().await;
    let replay = Replay::select(fx.database.any().clone(), fx.log.clone(), None).unwrap();
    let summary = replay.rebuild(&mut |_| {}).await.unwrap();
    assert_eq!(summary.events, 5 * PER_CREATE + 2);
    assert_eq!(
        fx.names().await,
        before,
        "a rebuild from position 0 yields the same rows"
    );
    fx.finish().await;
}

async fn two_projectors_never_apply_the_same_batch(backend: TestBackend) {
    let Some(fx) = Fixture::new(backend).await else {
        return;
    };
    for i in 0..40 {
        fx.create(&format!("Org {i:02}")).await;
    }
    let (a, b) = (fx.projector(), fx.projector());
    let (applied_a, applied_b) = tokio::join!(a.catch_up(), b.catch_up());
    let together = applied_a.unwrap() + applied_b.unwrap();
    let rest = catch_up_to(&a, 40 * PER_CREATE - together).await;
    assert_eq!(together + rest, 40 * PER_CREATE);
    assert_eq!(fx.names().await.len(), 40);
    assert_eq!(fx.chain_positions().await, fx.log_positions().await);
    fx.finish().await;
}

async fn concurrent_writers_are_never_skipped(backend: TestBackend) {
    let Some(fx) = Fixture::new(backend).await else {
        return;
    };
    let fx = Arc::new(fx);
    let projector = fx.projector();
    let tailing = {
        let projector = projector.clone();
        tokio::spawn(async move {
            let mut applied = 0;
            for _ in 0..200 {
                applied += projector.catch_up().await.unwrap();
                tokio::task::yield_now().await;
            }
            applied
        })
    };
    let writers = (0..8).map(|w| {
        let fx = fx.clone();
        tokio::spawn(async move {
            for i in 0..25 {
                fx.create(&format!("W{w} {i}")).await;
            }
        })
    });
    for writer in futures::future::join_all(writers).await {
        writer.unwrap();
    }
    let tailed = tailing.await.unwrap();
    let applied = tailed + catch_up_to(&projector, 200 * PER_CREATE - tailed).await;
    assert_eq!(
        applied,
        200 * PER_CREATE,
        "every event applied exactly once"
    );
    assert_eq!(fx.names().await.len(), 200);
    let fx = Arc::try_unwrap(fx).ok().expect("writers are done");
    fx.finish().await;
}

on_both_backends!(
    the_projector_catches_up_after_a_restart,
    two_projectors_never_apply_the_same_batch,
    concurrent_writers_are_never_skipped
);
