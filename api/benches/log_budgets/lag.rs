//! Projection lag under load: commit to visible in the routing table, while a writer keeps
//! committing message events.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use cqrs_es::persist::PersistedEventStore;
use switchboard_adapters::event_store::Database;
use switchboard_application::execute;
use switchboard_application::ports::GlobalLog;
use switchboard_domain::message::{InboundMessage, Routing};
use switchboard_domain::phone_number::{PhoneNumber, PhoneNumberCommand, WebhookUrls};
use switchboard_domain::{
    Capabilities, Channel, ChannelAddress, MessageSid, OrganizationId, RequestId, E164,
};
use switchboard_projections::{Projector, RoutingTable};

/// The `p` quantile of `sorted`.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// Commit-to-visible latencies of `samples` provisionings while a writer adds load.
pub async fn lag_under_load(
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
        let (repository, busy, log) = (repository.clone(), busy.clone(), log.clone());
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
                        to: ChannelAddress::parse("+14155559999").unwrap().into(),
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
                // As the application does after each commit: wake the readers (and, through a
                // NOTIFY, other processes' readers).
                log.notify_append();
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
        log.notify_append();
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
