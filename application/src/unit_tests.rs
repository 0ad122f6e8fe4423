//! Units of work: sequences, per-request metadata and snapshots as cqrs-es would write them.

use chrono::{TimeZone, Utc};
use switchboard_domain::quota::{Quota, QuotaCommand, QuotaError};
use switchboard_domain::{BillingPeriod, OrganizationId};

use super::*;

fn quota_at(sequence: usize, snapshot: Option<usize>) -> Pending<Quota> {
    let context = EventStoreAggregateContext {
        aggregate_id: "org/period".to_string(),
        aggregate: Quota::default(),
        current_sequence: sequence,
        current_snapshot: snapshot,
    };
    Pending {
        state: context.aggregate.clone(),
        context,
        events: Vec::new(),
        snapshot_every: Some(50),
    }
}

fn consume(organization_id: OrganizationId, limit: u32, reference: &str) -> QuotaCommand {
    let at = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
    QuotaCommand::ConsumeQuota {
        organization_id,
        period: BillingPeriod::containing(at, None),
        limit,
        reference: reference.to_string(),
        at,
    }
}

fn request(id: &str) -> Metadata {
    HashMap::from([("request_id".to_string(), id.to_string())])
}

#[tokio::test]
async fn events_follow_the_loaded_sequence_with_their_own_request_s_metadata() {
    let org = OrganizationId::new_random();
    let mut quota = quota_at(10, None);
    quota
        .handle_as(consume(org, 5, "a"), Some(&request("first")))
        .await
        .unwrap();
    quota.handle(consume(org, 5, "b")).await.unwrap();
    let (state, append) = quota.into_append(&request("unit")).unwrap();
    let append = append.unwrap();
    assert_eq!(state.used(), 2);
    let sequences: Vec<usize> = append.events.iter().map(|e| e.sequence).collect();
    assert_eq!(sequences, vec![11, 12, 13], "period start, two counts");
    let requests: Vec<&serde_json::Value> = append
        .events
        .iter()
        .map(|e| &e.metadata["request_id"])
        .collect();
    assert_eq!(requests, vec!["first", "first", "unit"]);
    assert_eq!(append.snapshot, None, "13 does not cross 50");
}

#[tokio::test]
async fn a_snapshot_of_the_final_state_is_due_when_the_events_cross_the_interval() {
    let org = OrganizationId::new_random();
    let mut quota = quota_at(48, Some(3));
    quota.handle(consume(org, 5, "a")).await.unwrap();
    quota.handle(consume(org, 5, "b")).await.unwrap();
    let (state, append) = quota.into_append(&Metadata::new()).unwrap();
    let snapshot = append.unwrap().snapshot.expect("a snapshot at 50");
    assert_eq!(
        snapshot.last_sequence, 51,
        "the snapshot holds every event of the unit"
    );
    assert_eq!(snapshot.current_snapshot, 4);
    assert_eq!(snapshot.payload, serde_json::to_value(&state).unwrap());
}

#[tokio::test]
async fn a_refused_command_leaves_the_stream_as_it_was() {
    let org = OrganizationId::new_random();
    let mut quota = quota_at(7, None);
    let before = quota.fork();
    assert!(matches!(
        quota.handle(consume(org, 0, "a")).await,
        Err(QuotaError::QuotaExhausted { .. })
    ));
    assert_eq!(quota.state(), before.state());
    let (_, append) = quota.into_append(&Metadata::new()).unwrap();
    assert!(append.is_none());
}

#[tokio::test]
async fn a_committed_stream_stands_where_a_load_after_the_commit_would_find_it() {
    let org = OrganizationId::new_random();
    let mut quota = quota_at(48, Some(3));
    quota.handle(consume(org, 5, "a")).await.unwrap();
    quota.handle(consume(org, 5, "b")).await.unwrap();
    let committed = quota.committed();
    let (state, append) = quota.into_append(&Metadata::new()).unwrap();
    let snapshot = append.unwrap().snapshot.expect("a snapshot at 50");
    assert_eq!(committed.sequence(), 51, "after the unit's three events");
    assert_eq!(
        committed.context.current_snapshot,
        Some(snapshot.current_snapshot),
        "the ordinal the commit wrote, so the next snapshot updates it"
    );
    assert_eq!(committed.state(), &state);
    assert_eq!(committed.context.aggregate, state);
    // The next unit on it continues the stream.
    let mut next = committed;
    next.handle(consume(org, 5, "c")).await.unwrap();
    let (_, append) = next.into_append(&Metadata::new()).unwrap();
    let sequences: Vec<usize> = append.unwrap().events.iter().map(|e| e.sequence).collect();
    assert_eq!(sequences, vec![52]);
}

#[tokio::test]
async fn a_stream_assumed_new_appends_from_the_first_sequence() {
    let org = OrganizationId::new_random();
    let mut quota: Pending<Quota> = Pending::assumed_new("org/period", Some(50));
    assert_eq!(quota.sequence(), 0);
    quota.handle(consume(org, 5, "a")).await.unwrap();
    let (_, append) = quota.into_append(&Metadata::new()).unwrap();
    let sequences: Vec<usize> = append.unwrap().events.iter().map(|e| e.sequence).collect();
    assert_eq!(sequences, vec![1, 2], "period start, count");
}
