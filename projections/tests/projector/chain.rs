//! Tamper evidence: an `UPDATE` of one stored payload (or of the chain itself) is named by the
//! chain verification at its position; an anchor kept outside catches a rewrite of both.

use switchboard_adapters::test_database::TestBackend;
use switchboard_projections::audit::{chain_head, verify_chain, Anchor, Verification};

use crate::fixture::{catch_up_to, Fixture};
use crate::idempotency::mixed_workload;
use crate::on_both_backends;

async fn verify(fx: &Fixture, anchors: &[Anchor]) -> Verification {
    verify_chain(fx.database.any(), fx.log.as_ref(), anchors, &mut |_| {})
        .await
        .unwrap()
}

async fn an_altered_payload_is_named_by_its_position(backend: TestBackend) {
    let Some(fx) = Fixture::new(backend).await else {
        return;
    };
    let events = mixed_workload(&fx).await;
    assert_eq!(catch_up_to(&fx.projector(), events).await, events);
    let head = chain_head(&mut fx.database.any().acquire().await.unwrap())
        .await
        .unwrap()
        .unwrap();
    let anchor: Anchor = head.anchor().parse().unwrap();
    assert!(matches!(
        verify(&fx, std::slice::from_ref(&anchor)).await,
        Verification::Intact { checked, .. } if checked == events
    ));

    // Someone with database access rewrites where a number was routed.
    let positions = fx.log_positions().await;
    let target = positions[5];
    let (column, cast) = match backend {
        TestBackend::Postgres => (
            "payload",
            "CAST(REPLACE(CAST(payload AS TEXT), '4155550101', '4155550666') AS json)",
        ),
        TestBackend::Sqlite => ("payload", "REPLACE(payload, '4155550101', '4155550666')"),
    };
    let rewrite = format!("UPDATE events SET {column} = {cast} WHERE position = $1");
    let changed = sqlx::query(&rewrite)
        .bind(target)
        .execute(fx.database.any())
        .await
        .unwrap();
    assert_eq!(changed.rows_affected(), 1);
    match verify(&fx, &[]).await {
        Verification::Altered { position, .. } => assert_eq!(position, target),
        intact => panic!("not caught: {intact:?}"),
    }

    // Rewriting the chain to match does not help against the anchor kept outside.
    let rehash = fx.projector();
    sqlx::query("DELETE FROM audit_chain")
        .execute(fx.database.any())
        .await
        .unwrap();
    sqlx::query("UPDATE projection_checkpoints SET transaction_id = 0, position = 0 WHERE projection = 'audit_chain'")
        .execute(fx.database.any())
        .await
        .unwrap();
    assert_eq!(catch_up_to(&rehash, events).await, events);
    assert!(matches!(
        verify(&fx, &[]).await,
        Verification::Intact { .. }
    ));
    match verify(&fx, &[anchor]).await {
        Verification::Altered { position, .. } => assert_eq!(position, head.position),
        intact => panic!("the anchor did not catch it: {intact:?}"),
    }
    fx.finish().await;
}

on_both_backends!(an_altered_payload_is_named_by_its_position);
