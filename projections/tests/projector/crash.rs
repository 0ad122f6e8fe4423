//! A projector stopped in the middle of a batch (a projection failing half-way through it, or
//! the task killed while its transaction is open) keeps nothing of that batch; restarted, it
//! applies every event once, in order.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::AnyConnection;
use switchboard_adapters::test_database::TestBackend;
use switchboard_application::ports::RecordedEvent;
use switchboard_projections::{all_projections, Projection, Projector, PROJECTOR_BATCH};

use crate::fixture::{catch_up_to, Fixture, PER_CREATE};
use crate::on_both_backends;

/// Two events each: two batches' worth.
const ORGANIZATIONS: u64 = PROJECTOR_BATCH as u64;

/// Fails once, on the `nth` event it is given (after the projections before it in the batch
/// have written their rows).
struct FailsOnce {
    nth: usize,
    seen: std::sync::atomic::AtomicUsize,
    failed: AtomicBool,
}

#[async_trait]
impl Projection for FailsOnce {
    fn name(&self) -> &'static str {
        "zz_fails_once"
    }

    fn tables(&self) -> &'static [&'static str] {
        &[]
    }

    async fn apply(&self, _: &mut AnyConnection, _: &RecordedEvent) -> Result<(), sqlx::Error> {
        let seen = self.seen.fetch_add(1, Ordering::SeqCst) + 1;
        if seen == self.nth && !self.failed.swap(true, Ordering::SeqCst) {
            return Err(sqlx::Error::Protocol(
                "crash in the middle of a batch".into(),
            ));
        }
        Ok(())
    }
}

async fn assert_every_event_once_in_order(fx: &Fixture) {
    let log = fx.log_positions().await;
    assert_eq!(log.len() as u64, ORGANIZATIONS * PER_CREATE);
    assert_eq!(
        fx.chain_positions().await,
        log,
        "nothing skipped, doubled or reordered"
    );
    assert_eq!(fx.organization_count().await, ORGANIZATIONS);
}

async fn a_projector_failing_mid_batch_resumes_where_it_stood(backend: TestBackend) {
    let Some(fx) = Fixture::new(backend).await else {
        return;
    };
    for i in 0..ORGANIZATIONS {
        fx.create(&format!("Org {i:04}")).await;
    }
    let mut projections = all_projections();
    projections.push(Arc::new(FailsOnce {
        nth: PROJECTOR_BATCH as usize * 3 / 2,
        seen: Default::default(),
        failed: AtomicBool::new(false),
    }));
    let crashing =
        Projector::with_projections(fx.database.any().clone(), fx.log.clone(), projections);
    let error = crashing.catch_up().await;
    assert!(error.is_err(), "the second batch fails");
    let applied_before = fx.chain_positions().await.len() as u64;
    assert_eq!(
        applied_before,
        u64::from(PROJECTOR_BATCH),
        "the first batch stayed, none of the second"
    );
    drop(crashing);

    let restarted = fx.projector();
    let total = ORGANIZATIONS * PER_CREATE;
    let rest = total - u64::from(PROJECTOR_BATCH);
    assert_eq!(catch_up_to(&restarted, rest).await, rest);
    assert_every_event_once_in_order(&fx).await;
    fx.finish().await;
}

async fn a_projector_killed_mid_transaction_resumes_where_it_stood(backend: TestBackend) {
    let Some(fx) = Fixture::new(backend).await else {
        return;
    };
    for i in 0..ORGANIZATIONS {
        fx.create(&format!("Org {i:04}")).await;
    }
    // Kill the projector task at several points of its work, each time restarting one.
    for delay_ms in [1, 5, 15, 40] {
        let projector = fx.projector();
        let task = tokio::spawn(async move { projector.catch_up().await });
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        task.abort();
        let _ = task.await;
    }
    let restarted = fx.projector();
    let total = ORGANIZATIONS * PER_CREATE;
    let already = fx.chain_positions().await.len() as u64;
    assert_eq!(
        catch_up_to(&restarted, total - already).await,
        total - already
    );
    assert_every_event_once_in_order(&fx).await;
    fx.finish().await;
}

on_both_backends!(
    a_projector_failing_mid_batch_resumes_where_it_stood,
    a_projector_killed_mid_transaction_resumes_where_it_stood
);
