//! Three `switchboard serve` processes on one fresh PostgreSQL database, as a cluster behind a
//! load balancer: webhooks and API calls are spread across them, the owner of the projector and
//! then the owner of the delivery dispatcher are SIGKILLed mid-load, and afterwards every
//! invariant holds: every webhook answered, quota exact, MessageSid dedupe, no skipped or
//! doubled projection rows, every delivery made and received once per recorded attempt, jobs
//! taken over within 5 s, and the provider list calls and the projector's log reads independent
//! of the replica count.

mod support;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::StreamExt;
use serde_json::json;
use switchboard_adapters::test_database::{TestBackend, TestDatabase};

use crate::helpers::{body, API_KEY};
use support::{
    background_work_in, count, create_org, form, owner_of, provision, wait_count, wait_for_owners,
    webhook, FakeTwilio, Replica,
};

/// The jobs a SIGKILLed owner hands over.
const JOBS: [&str; 4] = ["projector", "dispatcher", "reconciler", "quota_reset"];
/// How soon after an owner dies another replica must run its jobs.
const TAKEOVER_BOUND: Duration = Duration::from_secs(5);
/// Messages to the trial organization (quota 50) and to the starter one (quota 500).
const TO_TRIAL: usize = 70;
const TO_STARTER: usize = 130;
/// Webhooks Twilio sends twice (the same MessageSid, to another replica).
const RESENT: usize = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_replicas_share_the_work_and_survive_their_owners_being_killed() {
    let Some(database) = TestDatabase::create(TestBackend::Postgres).await else {
        return;
    };
    let url = database.url().to_string();
    let twilio = FakeTwilio::start().await;
    let client = reqwest::Client::new();

    // Background work with one replica, then with three: the same provider list calls and the
    // same log reads.
    let mut replicas = vec![Replica::start(&url, &twilio)];
    wait_for_owners(&replicas, &JOBS, &client, TAKEOVER_BOUND).await;
    let window = Duration::from_secs(4);
    let (alone, reads_alone) = background_work_in(&twilio, &replicas, &client, window).await;
    replicas.push(Replica::start(&url, &twilio));
    replicas.push(Replica::start(&url, &twilio));
    wait_for_owners(&replicas, &JOBS, &client, TAKEOVER_BOUND).await;
    let (together, reads_together) = background_work_in(&twilio, &replicas, &client, window).await;
    assert!(
        alone >= 2,
        "the reconciler runs every second: {alone} calls in 4 s"
    );
    assert!(
        together <= alone + 2,
        "provider list calls grew with the replica count: {alone} alone, {together} with three"
    );
    // An idle projector looks at the log every 500 ms or when woken.
    assert!(
        reads_alone >= 4,
        "the projector reads the log: {reads_alone} reads in 4 s"
    );
    assert!(
        reads_together <= reads_alone + reads_alone / 2 + 4,
        "log reads grew with the replica count: {reads_alone} alone, {reads_together} with three"
    );
    for job in JOBS {
        owner_of(&replicas, job, &client).await.expect("one owner");
    }

    let urls: Vec<String> = replicas.iter().map(|r| r.url.clone()).collect();
    let api = |i: usize, path: &str| {
        client
            .post(format!("{}{path}", urls[i % 3]))
            .header("authorization", format!("Bearer {API_KEY}"))
    };
    let trial = create_org(api(0, "/v1/organizations"), "Trial", "trial").await;
    let starter = create_org(api(1, "/v1/organizations"), "Starter", "starter").await;
    let trial_number = provision(api(2, &format!("/v1/organizations/{trial}/numbers"))).await;
    let starter_number = provision(api(0, &format!("/v1/organizations/{starter}/numbers"))).await;
    let receiver = body(
        client
            .post(format!("{}/receivers", twilio.space_url))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let endpoint = body(
        api(1, &format!("/v1/organizations/{starter}/endpoints"))
            .json(&json!({"url": receiver["url"], "event_types": ["message.received"]}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(endpoint["secret"].is_string(), "{endpoint}");

    // The load: both organizations interleaved, some webhooks sent twice, usage read alongside.
    let mut forms: Vec<Vec<(String, String)>> = (0..TO_TRIAL + TO_STARTER)
        .map(|i| {
            let to = if i % 3 == 0 && i / 3 < TO_TRIAL {
                &trial_number
            } else {
                &starter_number
            };
            form(i, to)
        })
        .collect();
    let trial_sent = forms.iter().filter(|f| f[2].1 == trial_number).count();
    let unique = forms.len();
    for i in 0..RESENT {
        let again = forms[i * 7].clone();
        forms.push(again);
    }
    let sent = AtomicUsize::new(0);
    let load = futures::stream::iter(forms.iter().enumerate())
        .map(|(i, form)| {
            let (urls, twilio, client, sent) = (&urls, &twilio, &client, &sent);
            let starter = &starter;
            async move {
                webhook(urls, i, twilio, client, form).await;
                if i % 10 == 0 {
                    // An API read through whichever replica is up.
                    for at in i..i + 3 {
                        let read = client
                            .get(format!("{}/v1/organizations/{starter}/usage", urls[at % 3]))
                            .header("authorization", format!("Bearer {API_KEY}"))
                            .send()
                            .await;
                        if read.is_ok_and(|r| r.status() == 200) {
                            break;
                        }
                    }
                }
                sent.fetch_add(1, Ordering::SeqCst);
            }
        })
        .buffer_unordered(8)
        .collect::<Vec<()>>();
    let killer = async {
        let mut takeovers = Vec::new();
        for (job, at) in [
            ("projector", forms.len() / 3),
            ("dispatcher", forms.len() * 2 / 3),
        ] {
            while sent.load(Ordering::SeqCst) < at {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            let owner = owner_of(&replicas, job, &client).await.expect("an owner");
            replicas[owner].kill();
            takeovers.push(wait_for_owners(&replicas, &JOBS, &client, TAKEOVER_BOUND).await);
        }
        takeovers
    };
    let (_, takeovers) = tokio::join!(load, killer);
    assert!(
        takeovers.iter().all(|t| *t < TAKEOVER_BOUND),
        "{takeovers:?}"
    );

    let survivor = replicas.iter().find(|r| r.is_alive()).unwrap().url.clone();
    let usage = |org: &str| {
        let request = client
            .get(format!("{survivor}/v1/organizations/{org}/usage"))
            .header("authorization", format!("Bearer {API_KEY}"));
        async move { body(request.send().await.unwrap()).await }
    };
    assert_eq!(
        usage(&trial).await["used"],
        50,
        "quota exact: {trial_sent} sent to 50"
    );
    assert_eq!(usage(&starter).await["used"], unique - trial_sent);

    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    let received: i64 = count(
        &pool,
        "SELECT count(*) FROM events WHERE event_type = 'MessageReceived'",
    )
    .await;
    let distinct: i64 = count(
        &pool,
        "SELECT count(DISTINCT aggregate_id) FROM events WHERE event_type = 'MessageReceived'",
    )
    .await;
    assert_eq!(
        received, unique as i64,
        "every answered webhook recorded, each MessageSid once"
    );
    assert_eq!(distinct, received);
    let rows = wait_count(
        &pool,
        "SELECT count(*) FROM messages_view WHERE direction = 'inbound'",
        received,
    )
    .await;
    assert_eq!(
        rows, received,
        "one messages_view row per MessageReceived, none skipped or doubled"
    );

    // Every delivery made, and received once per recorded attempt (an attempt cut by a SIGKILL
    // after the receiver answered is not recorded: at most one such per delivery).
    let deliveries = (unique - trial_sent) as i64;
    let delivered = wait_count(
        &pool,
        "SELECT count(*) FROM deliveries WHERE status = 'delivered'",
        deliveries,
    )
    .await;
    assert_eq!(
        delivered, deliveries,
        "one delivery per starter message, all delivered"
    );
    let attempts: HashMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
        "SELECT replace(delivery_id, '-', ''), attempts FROM deliveries",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .into_iter()
    .collect();
    let got = body(
        client
            .get(format!(
                "{}/receivers/{}",
                twilio.space_url,
                receiver["id"].as_str().unwrap()
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let mut hits: HashMap<String, i64> = HashMap::new();
    for delivery in got["received"].as_array().unwrap() {
        let id = delivery["webhook_id"]
            .as_str()
            .unwrap()
            .trim_start_matches("msg_");
        *hits.entry(id.to_string()).or_default() += 1;
    }
    let mut cut = 0;
    for (id, recorded) in &attempts {
        let hit = hits.get(id).copied().unwrap_or(0);
        assert!(
            hit >= *recorded && hit <= recorded + 1,
            "delivery {id}: {hit} received, {recorded} attempts"
        );
        cut += hit - recorded;
    }
    assert_eq!(
        hits.len(),
        attempts.len(),
        "the receiver got only known deliveries"
    );
    assert!(cut <= 16, "{cut} attempts cut by the two kills");
    eprintln!("list calls in 4 s: {alone} alone, {together} with three; projector log reads in 4 s: {reads_alone} alone, {reads_together} with three; takeovers {takeovers:?}; {received} received, {delivered} delivered, {cut} cut attempts");
    pool.close().await;
    drop(replicas);
    database.drop_database().await;
}
