//! Job leases on the database itself: one holder at a time, freed at once when the holder's
//! session dies, noticed by the holder's check; always granted on SQLite.

use sqlx::{Connection, PgConnection};
use switchboard_adapters::event_store::Database;
use switchboard_adapters::lease::{JobLease, LOCK_CLASS};
use switchboard_adapters::test_database::{TestBackend, TestDatabase};

#[tokio::test]
async fn one_process_holds_a_lease_until_it_releases_it_or_its_session_dies() {
    let Some(test_database) = TestDatabase::create(TestBackend::Postgres).await else {
        return;
    };
    let (a, b) = (
        Database::connect(test_database.url()).await.unwrap(),
        Database::connect(test_database.url()).await.unwrap(),
    );
    let mut first = JobLease::new(&a, "test", 99);
    let mut second = JobLease::new(&b, "test", 99);
    let mut other_job = JobLease::new(&b, "other", 98);

    assert!(first.try_acquire().await.unwrap());
    assert!(!second.try_acquire().await.unwrap(), "held by the first");
    assert!(
        other_job.try_acquire().await.unwrap(),
        "another job is another lease"
    );
    assert!(first.still_held().await);

    first.release().await;
    assert!(!first.is_held());
    assert!(second.try_acquire().await.unwrap(), "given back");
    assert!(!first.try_acquire().await.unwrap());

    // The holder's session dies (as with a SIGKILLed process or a dropped connection): the lock
    // is free at once, and the holder's next check says it lost it.
    let mut admin = PgConnection::connect(test_database.url()).await.unwrap();
    let killed: i64 = sqlx::query_scalar(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_locks \
         WHERE locktype = 'advisory' AND classid = $1::int::oid AND objid = 99 \
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    .bind(LOCK_CLASS)
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert_eq!(killed, 1);
    assert!(
        first.try_acquire().await.unwrap(),
        "freed when the session died"
    );
    assert!(!second.still_held().await, "the old holder notices");
    assert!(
        !second.try_acquire().await.unwrap(),
        "and does not get it back"
    );

    admin.close().await.unwrap();
    drop((first, second, other_job));
    a.close().await;
    b.close().await;
    test_database.drop_database().await;
}

#[tokio::test]
async fn on_sqlite_the_one_process_always_holds_every_lease() {
    let test_database = TestDatabase::create(TestBackend::Sqlite).await.unwrap();
    let database = Database::connect(test_database.url()).await.unwrap();
    let mut lease = JobLease::new(&database, "projector", 1);
    let mut again = JobLease::new(&database, "projector", 1);
    assert!(lease.try_acquire().await.unwrap());
    assert!(again.try_acquire().await.unwrap());
    assert!(lease.still_held().await);
    database.close().await;
    test_database.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_whose_lease_connection_drops_stops_the_job_and_takes_it_again() {
    let Some(app) = crate::helpers::TestApp::spawn(crate::helpers::Backend::Postgres).await else {
        return;
    };
    let owns_projector = || async {
        let ready = crate::helpers::body(app.get("/health/ready").await).await;
        ready["jobs"]["projector"] == true
    };
    assert!(
        app.wait_for(owns_projector).await,
        "the only server owns the projector"
    );

    // The lease's session is killed under it (a failover, a network cut, an administrator).
    let mut admin = PgConnection::connect(&app.database_url).await.unwrap();
    let killed: i64 = sqlx::query_scalar(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
         WHERE datname = current_database() AND application_name = 'switchboard lease projector'",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert_eq!(killed, 1);
    let stopped = app.wait_for(|| async { !owns_projector().await }).await;
    assert!(
        stopped,
        "the server noticed the lost lease and stopped the projector"
    );
    assert!(
        app.wait_for(owns_projector).await,
        "and took the lease again"
    );
    admin.close().await.unwrap();
    app.finish().await;
}
