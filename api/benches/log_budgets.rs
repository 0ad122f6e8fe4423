//! The global log's budgets (issue 8), on PostgreSQL (`BENCH_DATABASE=sqlite` for SQLite):
//!
//! 1. **Rebuild speed**: a log of `BENCH_EVENTS` events (default 1,000,000: organizations,
//!    numbers, inbound messages with their outcomes, outbound messages with a status callback) is
//!    written straight into the event store; then the live projector applies it (every
//!    projection and the audit chain), and `replay --all` rebuilds every projection into fresh
//!    tables and swaps them in. Budget: at least 20,000 events/s.
//! 2. **Projection lag under load**: while a writer keeps committing message events, a number is
//!    provisioned `BENCH_LAG_SAMPLES` times (default 200) and the time from its commit to its row
//!    in the routing table is measured, with the projector tailing the log as `serve` runs it.
//!    Budget: p99 under 100 ms.
//! 3. **Export memory**: the peak resident memory of `switchboard events export` over the whole
//!    log and over its last tenth. Budget: flat in the log's size.
//!
//! `cargo bench -p switchboard-api --bench log_budgets` (env: `BENCH_EVENTS`,
//! `BENCH_LAG_SAMPLES`, `BENCH_DATABASE`).

#![allow(clippy::print_stdout)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use cqrs_es::persist::PersistedEventStore;
use switchboard_adapters::event_store::{Database, SqlGlobalLog};
use switchboard_adapters::test_database::{TestBackend, TestDatabase};
use switchboard_application::execute;
use switchboard_application::ports::GlobalLog;
use switchboard_domain::message::{
    InboundMessage, InboundOutcome, MessageEvent, OutboundMessage, Routing,
};
use switchboard_domain::organization::OrganizationEvent;
use switchboard_domain::phone_number::{
    PhoneNumber, PhoneNumberCommand, PhoneNumberEvent, WebhookUrls,
};
use switchboard_domain::{
    Capabilities, Channel, ChannelAddress, JoinCode, MessageSid, MessageStatus, OrganizationId,
    OrganizationName, Plan, RequestId, E164,
};
use switchboard_projections::replay::Replay;
use switchboard_projections::{Projector, RoutingTable};

fn env_number(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// One event row: aggregate type and id, sequence, event type and version, payload.
type Row = (&'static str, String, i64, String, &'static str, String);

const ORGANIZATIONS: usize = 1000;
const CUSTOMERS_PER_ORGANIZATION: usize = 50;

fn number_of(org: usize) -> String {
    format!("+1415555{:04}", org % 10_000)
}

/// The `i`-th event of a log of `total`: first each organization's two events and its number,
/// then inbound messages (received, outcome) and outbound ones (sent, delivered), 2 to 1.
struct LogShape {
    organizations: Vec<OrganizationId>,
    total: usize,
    start: DateTime<Utc>,
}

impl LogShape {
    fn at(&self, i: usize) -> DateTime<Utc> {
        let span_ms = 60 * 24 * 3600 * 1000_i64;
        self.start + chrono::Duration::milliseconds(span_ms * i as i64 / self.total.max(1) as i64)
    }

    fn rows(&self, from: usize, to: usize) -> Vec<Row> {
        let setup = ORGANIZATIONS * 3;
        let mut rows = Vec::with_capacity(to - from);
        let mut i = from;
        while i < to {
            if i < setup {
                rows.push(self.setup_row(i));
                i += 1;
                continue;
            }
            // Messages come in pairs of events.
            let pair = (i - setup) / 2;
            let second = (i - setup) % 2 == 1;
            rows.push(self.message_row(pair, second, i));
            i += 1;
        }
        rows
    }

    fn setup_row(&self, i: usize) -> Row {
        let org = i / 3;
        let id = self.organizations[org];
        let at = self.at(i);
        let json = |e: &dyn erased::Json| e.json();
        match i % 3 {
            0 => (
                "Organization",
                id.to_string(),
                1,
                "OrganizationCreated".into(),
                "1.0",
                json(&OrganizationEvent::OrganizationCreated {
                    organization_id: id,
                    name: OrganizationName::parse(&format!("Org {org}")).unwrap(),
                    description: None,
                    industry: None,
                    plan: Plan::Business,
                    created_at: at,
                }),
            ),
            1 => (
                "Organization",
                id.to_string(),
                2,
                "JoinCodeAssigned".into(),
                "1.0",
                json(&OrganizationEvent::JoinCodeAssigned {
                    join_code: JoinCode::generate(uuid::Uuid::from_u128(org as u128)),
                }),
            ),
            _ => (
                "PhoneNumber",
                number_of(org),
                1,
                "NumberProvisioned".into(),
                "1.0",
                json(&PhoneNumberEvent::NumberProvisioned {
                    phone_number: E164::parse(&number_of(org)).unwrap(),
                    organization_id: id,
                    request_id: RequestId::from_uuid(uuid::Uuid::from_u128(org as u128)),
                    provider: "sandbox".into(),
                    provider_sid: format!("PN{org:032x}"),
                    capabilities: Capabilities {
                        sms: true,
                        mms: true,
                        voice: false,
                    },
                    webhooks: WebhookUrls {
                        sms_url: "https://bench.example/webhooks/twilio/messages".into(),
                        status_callback: "https://bench.example/webhooks/twilio/status".into(),
                    },
                    provisioned_at: at,
                }),
            ),
        }
    }

    fn message_row(&self, pair: usize, second: bool, i: usize) -> Row {
        let org = pair % ORGANIZATIONS;
        let id = self.organizations[org];
        let customer = format!(
            "+1555{:07}",
            (pair / ORGANIZATIONS) % CUSTOMERS_PER_ORGANIZATION + org * 100
        );
        let sid = format!("SM{pair:032x}");
        let at = self.at(i);
        let inbound = pair % 3 != 2;
        let event = match (inbound, second) {
            (true, false) => MessageEvent::MessageReceived {
                message: InboundMessage {
                    message_sid: MessageSid::parse(&sid).unwrap(),
                    account_sid: "ACbench".into(),
                    channel: Channel::Sms,
                    from: customer.clone(),
                    to: ChannelAddress::parse(&number_of(org)).unwrap(),
                    body: "Is my order ready?".into(),
                    media: Vec::new(),
                    profile_name: None,
                    wa_id: None,
                    routing: Routing::Routed {
                        organization_id: id,
                    },
                },
                received_at: at,
                segments: 1,
            },
            (true, true) => MessageEvent::InboundOutcomeDecided {
                outcome: InboundOutcome::Accepted,
                replies: Vec::new(),
                decided_at: at,
            },
            (false, false) => MessageEvent::MessageSent {
                message: OutboundMessage {
                    organization_id: id,
                    channel: Channel::Sms,
                    from: number_of(org),
                    to: customer.clone(),
                    body: Some("Yes, it is.".into()),
                    media_urls: Vec::new(),
                    content_sid: None,
                    content_variables: None,
                },
                status: MessageStatus::Queued,
                sent_at: at,
            },
            (false, true) => MessageEvent::MessageStatusChanged {
                status: MessageStatus::Delivered,
                error_code: None,
                changed_at: at,
            },
        };
        let version = if matches!(event, MessageEvent::MessageReceived { .. }) {
            "2.0"
        } else {
            "1.0"
        };
        (
            "Message",
            sid,
            1 + i64::from(second),
            cqrs_es::DomainEvent::event_type(&event),
            version,
            serde_json::to_string(&event).unwrap(),
        )
    }
}

/// Serializing any event to its stored JSON.
mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap()
        }
    }
}

/// Rows as the columns `UNNEST` takes.
#[derive(Default)]
struct Columns(
    Vec<&'static str>,
    Vec<String>,
    Vec<i64>,
    Vec<String>,
    Vec<&'static str>,
    Vec<String>,
);

async fn write_log(database: &Database, total: usize) -> Duration {
    let shape = LogShape {
        organizations: (0..ORGANIZATIONS)
            .map(|_| OrganizationId::new_random())
            .collect(),
        total,
        start: Utc::now() - chrono::Duration::days(60),
    };
    let started = Instant::now();
    const CHUNK: usize = 10_000;
    let mut from = 0;
    while from < total {
        let to = (from + CHUNK).min(total);
        let rows = shape.rows(from, to);
        match database.postgres() {
            Some(pool) => {
                let mut columns = Columns::default();
                for (t, id, seq, ty, ver, payload) in rows {
                    columns.0.push(t);
                    columns.1.push(id);
                    columns.2.push(seq);
                    columns.3.push(ty);
                    columns.4.push(ver);
                    columns.5.push(payload);
                }
                sqlx::query(
                    "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type,
                         event_version, payload, metadata)
                     SELECT t, id, seq, ty, ver, CAST(p AS json), CAST('{}' AS json)
                       FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[],
                                   $6::text[]) AS u(t, id, seq, ty, ver, p)",
                )
                .bind(&columns.0)
                .bind(&columns.1)
                .bind(&columns.2)
                .bind(&columns.3)
                .bind(&columns.4)
                .bind(&columns.5)
                .execute(pool)
                .await
                .unwrap();
            }
            None => {
                let mut tx = database.any().begin().await.unwrap();
                for (t, id, seq, ty, ver, payload) in rows {
                    sqlx::query(
                        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type,
                             event_version, payload, metadata)
                         VALUES ($1, $2, $3, $4, $5, $6, '{}')",
                    )
                    .bind(t)
                    .bind(id)
                    .bind(seq)
                    .bind(ty)
                    .bind(ver)
                    .bind(payload)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                }
                tx.commit().await.unwrap();
            }
        }
        from = to;
    }
    started.elapsed()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// Commit-to-visible latencies of `samples` provisionings while a writer adds load.
async fn lag_under_load(
    database: &Database,
    log: Arc<dyn GlobalLog>,
    samples: usize,
) -> Vec<Duration> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let projector = Projector::new(database.any().clone(), log.clone());
    projector.catch_up().await.unwrap();
    let tailing = tokio::spawn(projector.run(stop_rx));
    let repository = database.event_repository();
    let busy = Arc::new(AtomicBool::new(true));
    let load = {
        let (repository, busy) = (repository.clone(), busy.clone());
        tokio::spawn(async move {
            let store: PersistedEventStore<_, switchboard_domain::message::Message> =
                PersistedEventStore::new_event_store(repository);
            let mut written = 0u64;
            while busy.load(Ordering::Relaxed) {
                let sid = format!("SM{:032x}", 0xF000_0000_0000u64 + written);
                let command = switchboard_domain::message::MessageCommand::ReceiveMessage {
                    message: InboundMessage {
                        message_sid: MessageSid::parse(&sid).unwrap(),
                        account_sid: "ACbench".into(),
                        channel: Channel::Sms,
                        from: "+15550001111".into(),
                        to: ChannelAddress::parse("+14155559999").unwrap(),
                        body: "load".into(),
                        media: Vec::new(),
                        profile_name: None,
                        wa_id: None,
                        routing: Routing::Unrouted,
                    },
                    received_at: Utc::now(),
                };
                execute(&store, &(), &sid, command, HashMap::new())
                    .await
                    .unwrap();
                written += 1;
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            written
        })
    };
    let store: PersistedEventStore<_, PhoneNumber> =
        PersistedEventStore::new_event_store(repository);
    let organization = OrganizationId::new_random();
    let mut lags = Vec::with_capacity(samples);
    for i in 0..samples {
        let number = format!("+1628555{:04}", i);
        let command = PhoneNumberCommand::ProvisionNumber {
            phone_number: E164::parse(&number).unwrap(),
            organization_id: organization,
            request_id: RequestId::new_random(),
            provider: "sandbox".into(),
            provider_sid: format!("PN{i:032x}"),
            capabilities: Capabilities {
                sms: true,
                mms: false,
                voice: false,
            },
            webhooks: WebhookUrls {
                sms_url: "https://bench.example/sms".into(),
                status_callback: "https://bench.example/status".into(),
            },
            provisioned_at: Utc::now(),
        };
        execute(&store, &(), &number, command, HashMap::new())
            .await
            .unwrap();
        let committed = Instant::now();
        loop {
            if RoutingTable::find(database.any(), &number)
                .await
                .unwrap()
                .is_some()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        lags.push(committed.elapsed());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    busy.store(false, Ordering::Relaxed);
    let written = load.await.unwrap();
    let _ = stop_tx.send(true);
    let _ = tailing.await;
    println!("  background load: {written} inbound messages written meanwhile");
    lags.sort();
    lags
}

/// Peak resident memory (kB) of `switchboard events export` with `args`, sampled from /proc.
fn export_peak_kb(database_url: &str, args: &[&str]) -> (u64, usize) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["events", "export"])
        .args(args)
        .env_clear()
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run switchboard");
    let pid = child.id();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        use std::io::Read;
        let mut buffer = vec![0u8; 1 << 16];
        let mut bytes = 0usize;
        loop {
            match stdout.read(&mut buffer) {
                Ok(0) | Err(_) => return bytes,
                Ok(n) => bytes += n,
            }
        }
    });
    let mut peak = 0;
    while child.try_wait().ok().flatten().is_none() {
        if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            for line in status.lines() {
                if let Some(kb) = line.strip_prefix("VmHWM:") {
                    let kb: u64 = kb
                        .trim()
                        .trim_end_matches(" kB")
                        .trim()
                        .parse()
                        .unwrap_or(0);
                    peak = peak.max(kb);
                }
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    (peak, reader.join().unwrap())
}

#[tokio::main]
async fn main() {
    let total = env_number("BENCH_EVENTS", 1_000_000);
    let samples = env_number("BENCH_LAG_SAMPLES", 200);
    let backend = match std::env::var("BENCH_DATABASE").as_deref() {
        Ok("sqlite") => TestBackend::Sqlite,
        _ => TestBackend::Postgres,
    };
    let test_database = TestDatabase::create(backend)
        .await
        .expect("PostgreSQL for the benchmark");
    let database = Database::connect(test_database.url()).await.unwrap();
    database.migrate().await.unwrap();
    let log: Arc<dyn GlobalLog> = Arc::new(SqlGlobalLog::new(&database));
    println!("log budgets on {backend:?}, {total} events");

    let wrote = write_log(&database, total).await;
    println!(
        "  wrote the log in {:.1} s ({:.0} events/s)",
        wrote.as_secs_f64(),
        total as f64 / wrote.as_secs_f64()
    );

    let projector = Projector::new(database.any().clone(), log.clone());
    let started = Instant::now();
    let applied = projector.catch_up().await.unwrap();
    let live = started.elapsed();
    println!(
        "1. live projection of every projection and the audit chain: {applied} events in {:.1} s = {:.0} events/s",
        live.as_secs_f64(),
        applied as f64 / live.as_secs_f64()
    );
    let replay = Replay::select(database.any().clone(), log.clone(), None).unwrap();
    let summary = replay.rebuild(&mut |_| {}).await.unwrap();
    println!(
        "   replay --all (fresh tables, swapped in): {} events in {:.1} s = {:.0} events/s (budget >= 20000)",
        summary.events,
        summary.elapsed.as_secs_f64(),
        summary.events_per_second()
    );

    if std::env::var("BENCH_PER_PROJECTION").is_ok() {
        for name in replay.names() {
            let one = Replay::select(database.any().clone(), log.clone(), Some(name)).unwrap();
            let summary = one.rebuild(&mut |_| {}).await.unwrap();
            println!(
                "   replay --projection {name}: {:.0} events/s",
                summary.events_per_second()
            );
        }
    }

    let lags = lag_under_load(&database, log.clone(), samples).await;
    println!(
        "2. projection lag, commit -> routing table, {} samples: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (budget p99 < 100 ms)",
        lags.len(),
        percentile(&lags, 0.50).as_secs_f64() * 1000.0,
        percentile(&lags, 0.99).as_secs_f64() * 1000.0,
        lags.last().copied().unwrap_or_default().as_secs_f64() * 1000.0
    );

    let url = test_database.url().to_string();
    let tenth = (total - total / 10).to_string();
    let position = sqlx::query_scalar::<_, i64>(
        "SELECT position FROM events ORDER BY position LIMIT 1 OFFSET $1",
    )
    .bind(tenth.parse::<i64>().unwrap_or(0))
    .fetch_optional(database.any())
    .await
    .unwrap()
    .unwrap_or(0)
    .to_string();
    let (whole_kb, whole_bytes) = tokio::task::spawn_blocking({
        let url = url.clone();
        move || export_peak_kb(&url, &[])
    })
    .await
    .unwrap();
    let (tail_kb, tail_bytes) =
        tokio::task::spawn_blocking(move || export_peak_kb(&url, &["--after", &position]))
            .await
            .unwrap();
    println!(
        "3. export peak RSS: whole log {whole_kb} kB ({} MB written), last tenth {tail_kb} kB ({} MB written)",
        whole_bytes / 1_000_000,
        tail_bytes / 1_000_000
    );

    database.close().await;
    test_database.drop_database().await;
}
