//! The projector against a real event store (SQLite and PostgreSQL): it catches up after a
//! restart, applies nothing twice, skips nothing under concurrent writers, and a rebuild from
//! position 0 yields the same rows.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use cqrs_es::persist::PersistedEventStore;
use switchboard_adapters::event_store::{Database, EventRepository, SqlGlobalLog};
use switchboard_adapters::test_database::{TestBackend, TestDatabase};
use switchboard_application::execute;
use switchboard_application::ports::GlobalLog;
use switchboard_domain::organization::{Organization, OrganizationCommand};
use switchboard_domain::{JoinCode, OrganizationId, OrganizationName, Plan};
use switchboard_projections::{OrganizationsView, Projector};

struct Fixture {
    test_database: TestDatabase,
    database: Database,
    log: Arc<dyn GlobalLog>,
    store: Arc<PersistedEventStore<EventRepository, Organization>>,
}

impl Fixture {
    async fn new(backend: TestBackend) -> Option<Self> {
        let test_database = TestDatabase::create(backend).await?;
        let database = Database::connect(test_database.url()).await.unwrap();
        database.migrate().await.unwrap();
        let log: Arc<dyn GlobalLog> = Arc::new(SqlGlobalLog::new(&database));
        let store = Arc::new(PersistedEventStore::new_event_store(
            database.event_repository(),
        ));
        Some(Self {
            test_database,
            database,
            log,
            store,
        })
    }

    fn projector(&self) -> Projector {
        Projector::new(self.database.any().clone(), self.log.clone())
    }

    async fn run(&self, id: OrganizationId, command: OrganizationCommand) {
        execute(&*self.store, &(), &id.to_string(), command, HashMap::new())
            .await
            .unwrap();
    }

    async fn create(&self, name: &str) -> OrganizationId {
        let id = OrganizationId::new_random();
        self.run(
            id,
            OrganizationCommand::CreateOrganization {
                organization_id: id,
                name: OrganizationName::parse(name).unwrap(),
                description: None,
                industry: None,
                plan: Plan::Trial,
                join_code: JoinCode::generate(uuid::Uuid::new_v4()),
                created_at: Utc::now(),
            },
        )
        .await;
        id
    }

    async fn names(&self) -> Vec<String> {
        let page = OrganizationsView::list(self.database.any(), 200, None)
            .await
            .unwrap();
        page.items
            .into_iter()
            .map(|o| format!("{}:{}", o.name, o.plan))
            .collect()
    }

    async fn finish(self) {
        self.database.close().await;
        self.test_database.drop_database().await;
    }
}

/// Runs `catch_up` until `expected` events were applied or 10 s passed; returns the total. On
/// PostgreSQL an event becomes readable only once every older transaction of the cluster has
/// ended (the commit-safe read), so one call may apply fewer.
async fn catch_up_to(projector: &Projector, expected: u64) -> u64 {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut applied = 0;
    while applied < expected && std::time::Instant::now() < deadline {
        applied += projector.catch_up().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    applied
}

/// Creating an organization records two events (`OrganizationCreated`, `JoinCodeAssigned`).
const PER_CREATE: u64 = 2;

/// Each organization event reaches every projection (6 of them), which ignores what it does
/// not use; `catch_up` counts per projection.
const PROJECTIONS: u64 = 6;

async fn the_projector_catches_up_after_a_restart(backend: TestBackend) {
    let Some(fx) = Fixture::new(backend).await else {
        return;
    };
    for i in 0..3 {
        fx.create(&format!("Org {i}")).await;
    }
    let first = fx.projector();
    assert_eq!(
        catch_up_to(&first, 3 * PER_CREATE * PROJECTIONS).await,
        3 * PER_CREATE * PROJECTIONS
    );
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
        catch_up_to(&restarted, (2 * PER_CREATE + 2) * PROJECTIONS).await,
        (2 * PER_CREATE + 2) * PROJECTIONS
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
    let rebuilt = restarted.rebuild().await.unwrap();
    let total = (5 * PER_CREATE + 2) * PROJECTIONS;
    let rebuilt = rebuilt + catch_up_to(&restarted, total - rebuilt).await;
    assert_eq!(rebuilt, total);
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
    let rest = catch_up_to(&a, 40 * PER_CREATE * PROJECTIONS - together).await;
    assert_eq!(together + rest, 40 * PER_CREATE * PROJECTIONS);
    assert_eq!(fx.names().await.len(), 40);
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
    let applied = tailed + catch_up_to(&projector, 200 * PER_CREATE * PROJECTIONS - tailed).await;
    assert_eq!(
        applied,
        200 * PER_CREATE * PROJECTIONS,
        "every event applied exactly once"
    );
    assert_eq!(fx.names().await.len(), 200);
    let fx = Arc::try_unwrap(fx).ok().expect("writers are done");
    fx.finish().await;
}

macro_rules! on_both_backends {
    ($($name:ident),*) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() { super::$name(super::TestBackend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() { super::$name(super::TestBackend::Postgres).await })*
        }
    };
}

on_both_backends!(
    the_projector_catches_up_after_a_restart,
    two_projectors_never_apply_the_same_batch,
    concurrent_writers_are_never_skipped
);
