//! Many concurrent transactions, some held open while later ones commit: the projector, tailing
//! all along, neither skips nor reorders. The audit chain records the order in which the
//! projector applied events, so it must equal the log's final order, event for event.

use std::sync::Arc;
use std::time::Duration;

use sqlx::Acquire;
use switchboard_adapters::test_database::TestBackend;
use switchboard_domain::OrganizationId;
use switchboard_projections::audit::{verify_chain, Verification};

use crate::fixture::{catch_up_to, Fixture, PER_CREATE};
use crate::on_both_backends;

const WRITERS: u64 = 4;
const CREATES: u64 = 15;
const HOLDERS: u64 = 3;
const HOLDS: u64 = 5;

/// Inserts one event in a transaction held open for `hold` before committing.
async fn held_insert(fx: &Fixture, pool: &sqlx::AnyPool, name: &str, hold: Duration) {
    let id = OrganizationId::new_random();
    let mut conn = pool.acquire().await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    sqlx::query(fx.raw_insert_sql())
        .bind(Fixture::created_payload(id, name))
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    tokio::time::sleep(hold).await;
    tx.commit().await.unwrap();
}

async fn transactions_held_open_are_neither_skipped_nor_reordered(backend: TestBackend) {
    let Some(fx) = Fixture::new(backend).await else {
        return;
    };
    let fx = Arc::new(fx);
    // The holders' own pool, so they never starve the projector's connections.
    let holders_pool = sqlx::AnyPool::connect(fx.test_database.url())
        .await
        .unwrap();
    let projector = fx.projector();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let tailing = {
        let (projector, stop) = (projector.clone(), stop.clone());
        tokio::spawn(async move {
            let mut applied = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                applied += projector.catch_up().await.unwrap();
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            applied
        })
    };
    let writers = (0..WRITERS).map(|w| {
        let fx = fx.clone();
        tokio::spawn(async move {
            for i in 0..CREATES {
                fx.create(&format!("W{w} {i}")).await;
            }
        })
    });
    let holders = (0..HOLDERS).map(|h| {
        let (fx, pool) = (fx.clone(), holders_pool.clone());
        tokio::spawn(async move {
            for i in 0..HOLDS {
                let hold = Duration::from_millis(20 + 15 * ((h + i) % 4));
                held_insert(&fx, &pool, &format!("H{h} {i}"), hold).await;
            }
        })
    });
    for task in futures::future::join_all(writers.chain(holders)).await {
        task.unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let tailed = tailing.await.unwrap();
    let total = WRITERS * CREATES * PER_CREATE + HOLDERS * HOLDS;
    let applied = tailed + catch_up_to(&projector, total - tailed).await;
    assert_eq!(applied, total, "every event applied exactly once");

    let log = fx.log_positions().await;
    assert_eq!(log.len() as u64, total);
    assert_eq!(
        fx.chain_positions().await,
        log,
        "the projector applied the events in the log's final order, none skipped"
    );
    assert_eq!(
        fx.names().await.len() as u64,
        WRITERS * CREATES + HOLDERS * HOLDS
    );
    let verification = verify_chain(fx.database.any(), fx.log.as_ref(), &[], &mut |_| {})
        .await
        .unwrap();
    assert!(
        matches!(verification, Verification::Intact { checked, unchained: 0, .. } if checked == total),
        "{verification:?}"
    );
    holders_pool.close().await;
    let fx = Arc::try_unwrap(fx).ok().expect("writers are done");
    fx.finish().await;
}

on_both_backends!(transactions_held_open_are_neither_skipped_nor_reordered);
