//! A fresh event store and read models, the commands that fill it, and what tests read back.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use cqrs_es::persist::PersistedEventStore;
use cqrs_es::Aggregate;
use sqlx::Row;
use switchboard_adapters::event_store::{Database, EventRepository, SqlGlobalLog};
use switchboard_adapters::test_database::{TestBackend, TestDatabase};
use switchboard_application::execute;
use switchboard_application::ports::{GlobalLog, LogPosition};
use switchboard_domain::message::{
    InboundMessage, InboundOutcome, Message, MessageCommand, Routing,
};
use switchboard_domain::organization::{Organization, OrganizationCommand, OrganizationEvent};
use switchboard_domain::phone_number::{PhoneNumber, PhoneNumberCommand, WebhookUrls};
use switchboard_domain::{
    Capabilities, Channel, ChannelAddress, JoinCode, MessageSid, OrganizationId, OrganizationName,
    Plan, RequestId, E164,
};
use switchboard_projections::{OrganizationsView, Projector};

pub struct Fixture {
    pub backend: TestBackend,
    pub test_database: TestDatabase,
    pub database: Database,
    pub log: Arc<dyn GlobalLog>,
    repository: EventRepository,
}

impl Fixture {
    pub async fn new(backend: TestBackend) -> Option<Self> {
        let test_database = TestDatabase::create(backend).await?;
        let database = Database::connect(test_database.url()).await.unwrap();
        database.migrate().await.unwrap();
        let log: Arc<dyn GlobalLog> = Arc::new(SqlGlobalLog::new(&database));
        Some(Self {
            backend,
            repository: database.event_repository(),
            test_database,
            database,
            log,
        })
    }

    pub fn projector(&self) -> Projector {
        Projector::new(self.database.any().clone(), self.log.clone())
    }

    pub async fn command<A: Aggregate<Services = ()> + Clone>(&self, id: &str, command: A::Command)
    where
        A::Command: Send + Clone,
    {
        let store: PersistedEventStore<_, A> =
            PersistedEventStore::new_event_store(self.repository.clone());
        execute(&store, &(), id, command, HashMap::new())
            .await
            .unwrap();
    }

    pub async fn run(&self, id: OrganizationId, command: OrganizationCommand) {
        self.command::<Organization>(&id.to_string(), command).await;
    }

    /// Creates an organization (two events: `OrganizationCreated`, `JoinCodeAssigned`).
    pub async fn create(&self, name: &str) -> OrganizationId {
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

    /// Records `number` as provisioned for `organization` (one `NumberProvisioned`).
    pub async fn provision(&self, number: &str, organization: OrganizationId) {
        self.command::<PhoneNumber>(
            number,
            PhoneNumberCommand::ProvisionNumber {
                phone_number: E164::parse(number).unwrap(),
                organization_id: organization,
                request_id: RequestId::new_random(),
                provider: "sandbox".into(),
                provider_sid: format!("PN{}", uuid::Uuid::new_v4().simple()),
                capabilities: Capabilities {
                    sms: true,
                    mms: false,
                    voice: true,
                },
                webhooks: WebhookUrls {
                    sms_url: "https://example.com/webhooks/twilio/messages".into(),
                    status_callback: "https://example.com/webhooks/twilio/status".into(),
                },
                provisioned_at: Utc::now(),
            },
        )
        .await;
    }

    /// Records `number`'s release (one `NumberReleased`).
    pub async fn release(&self, number: &str, organization: OrganizationId) {
        self.command::<PhoneNumber>(
            number,
            PhoneNumberCommand::ReleaseNumber {
                organization_id: organization,
                released_at: Utc::now(),
            },
        )
        .await;
    }

    /// Records an inbound message to `to` routed to `organization` and its outcome (two
    /// events).
    pub async fn receive(&self, sid: &str, organization: Option<OrganizationId>, to: &str) {
        let message = InboundMessage {
            message_sid: MessageSid::parse(sid).unwrap(),
            account_sid: "AC00000000000000000000000000000000".into(),
            channel: Channel::Sms,
            from: "+15005550006".into(),
            to: ChannelAddress::parse(to).unwrap().into(),
            body: "hello".into(),
            media: Vec::new(),
            profile_name: None,
            wa_id: None,
            routing: organization.map_or(Routing::Unrouted, |organization_id| Routing::Routed {
                organization_id,
            }),
        };
        self.command::<Message>(
            sid,
            MessageCommand::ReceiveMessage {
                message,
                received_at: Utc::now(),
            },
        )
        .await;
        let outcome = if organization.is_some() {
            InboundOutcome::Accepted
        } else {
            InboundOutcome::Unrouted
        };
        self.command::<Message>(
            sid,
            MessageCommand::DecideOutcome {
                outcome,
                replies: vec!["Thanks!".into()],
                decided_at: Utc::now(),
                auto_reply_suppressed: false,
            },
        )
        .await;
    }

    /// How many organizations the read model holds (deleted ones included).
    pub async fn organization_count(&self) -> u64 {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM organizations_view")
            .fetch_one(self.database.any())
            .await
            .unwrap();
        row.try_get::<i64, _>("n").unwrap() as u64
    }

    /// The organizations listed, as `name:plan`, oldest first.
    pub async fn names(&self) -> Vec<String> {
        let page = OrganizationsView::list(self.database.any(), 200, None)
            .await
            .unwrap();
        page.items
            .into_iter()
            .map(|o| format!("{}:{}", o.name, o.plan))
            .collect()
    }

    /// Every event's position in the log's final order.
    pub async fn log_positions(&self) -> Vec<i64> {
        let mut positions = Vec::new();
        let mut after = LogPosition::START;
        loop {
            let events = self.log.read_after(after, 1000).await.unwrap();
            let Some(last) = events.last() else {
                return positions;
            };
            after = last.log_position;
            positions.extend(events.iter().map(|e| e.log_position.position));
        }
    }

    /// The positions the audit chain holds, in the order the projector applied them.
    pub async fn chain_positions(&self) -> Vec<i64> {
        sqlx::query("SELECT position FROM audit_chain ORDER BY chain_seq")
            .fetch_all(self.database.any())
            .await
            .unwrap()
            .iter()
            .map(|row| row.try_get("position").unwrap())
            .collect()
    }

    /// Every row of `tables`, as text, sorted: what a read model holds.
    pub async fn snapshot(&self, tables: &[&str]) -> Vec<String> {
        let mut rows = Vec::new();
        for table in tables {
            let columns: Vec<String> = match self.backend {
                TestBackend::Postgres => sqlx::query(
                    "SELECT CAST(column_name AS TEXT) AS name FROM information_schema.columns
                      WHERE table_name = $1 AND table_schema = current_schema()
                      ORDER BY ordinal_position",
                ),
                TestBackend::Sqlite => {
                    sqlx::query("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                }
            }
            .bind(*table)
            .fetch_all(self.database.any())
            .await
            .unwrap()
            .iter()
            .map(|row| row.try_get("name").unwrap())
            .collect();
            let select = columns
                .iter()
                .map(|c| format!("CAST(\"{c}\" AS TEXT) AS \"{c}\""))
                .collect::<Vec<_>>()
                .join(", ");
            for row in sqlx::query(&format!("SELECT {select} FROM {table}"))
                .fetch_all(self.database.any())
                .await
                .unwrap()
            {
                let cells: Vec<String> = columns
                    .iter()
                    .map(|c| {
                        row.try_get::<Option<String>, _>(c.as_str())
                            .unwrap()
                            .unwrap_or_else(|| "NULL".into())
                    })
                    .collect();
                rows.push(format!("{table}: {}", cells.join("|")));
            }
        }
        rows.sort();
        rows
    }

    /// The read models' indexes and whether each table is crash-safe, as `table index` and
    /// `table logged|unlogged` lines, sorted (what a swap must leave as migrations made it).
    pub async fn schema(&self) -> Vec<String> {
        let sql = match self.backend {
            TestBackend::Postgres => {
                "SELECT CAST(tablename AS TEXT) || ' ' || CAST(indexname AS TEXT) AS line
                   FROM pg_indexes WHERE schemaname = current_schema()
                 UNION ALL
                 SELECT CAST(relname AS TEXT) || CASE relpersistence WHEN 'p' THEN ' logged'
                        ELSE ' unlogged' END
                   FROM pg_class WHERE relkind = 'r'
                    AND relnamespace = CAST(current_schema() AS regnamespace)"
            }
            TestBackend::Sqlite => {
                "SELECT tbl_name || ' ' || name AS line FROM sqlite_master WHERE type = 'index'"
            }
        };
        let mut lines: Vec<String> = sqlx::query(sql)
            .fetch_all(self.database.any())
            .await
            .unwrap()
            .iter()
            .map(|row| row.try_get("line").unwrap())
            .collect();
        lines.sort();
        lines
    }

    /// The `OrganizationCreated` payload of a new organization, as cqrs-es stores it (for raw
    /// inserts that hold their transaction open).
    pub fn created_payload(id: OrganizationId, name: &str) -> String {
        serde_json::to_string(&OrganizationEvent::OrganizationCreated {
            organization_id: id,
            name: OrganizationName::parse(name).unwrap(),
            description: None,
            industry: None,
            plan: Plan::Trial,
            created_at: Utc::now(),
        })
        .unwrap()
    }

    /// An `INSERT` of one event with its payload bound as `$1` (JSON text) and its id as `$2`.
    pub fn raw_insert_sql(&self) -> &'static str {
        match self.backend {
            TestBackend::Postgres => {
                "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type,
                     event_version, payload, metadata)
                 VALUES ('Organization', $2, 1, 'OrganizationCreated', '1.0', CAST($1 AS json), '{}')"
            }
            TestBackend::Sqlite => {
                "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type,
                     event_version, payload, metadata)
                 VALUES ('Organization', $2, 1, 'OrganizationCreated', '1.0', $1, '{}')"
            }
        }
    }

    pub async fn finish(self) {
        self.database.close().await;
        self.test_database.drop_database().await;
    }
}

/// Runs `catch_up` until `expected` events were applied or 10 s passed; returns the total. On
/// PostgreSQL an event becomes readable only once every older transaction of the cluster has
/// ended (the commit-safe read), so one call may apply fewer.
pub async fn catch_up_to(projector: &Projector, expected: u64) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut applied = 0;
    while applied < expected && Instant::now() < deadline {
        applied += projector.catch_up().await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    applied
}

/// Creating an organization records two events (`OrganizationCreated`, `JoinCodeAssigned`).
pub const PER_CREATE: u64 = 2;
