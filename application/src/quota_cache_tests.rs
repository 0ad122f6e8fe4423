//! The quota cache hands a stream to one batch at a time and drops what the log shows moved on.

use switchboard_domain::quota::Quota;

use super::QuotaCache;
use crate::unit::Pending;

fn at(sequence: usize) -> Pending<Quota> {
    Pending::at_sequence("q", sequence)
}

#[test]
fn a_taken_stream_is_gone_until_kept_again() {
    let cache = QuotaCache::default();
    cache.keep("q", at(3));
    assert_eq!(cache.take("q").map(|q| q.sequence()), Some(3));
    assert!(cache.take("q").is_none(), "one batch at a time");
}

#[test]
fn an_event_past_the_kept_sequence_drops_the_stream_and_its_own_events_do_not() {
    let cache = QuotaCache::default();
    cache.keep("q", at(3));
    cache.forget_behind("q", 2);
    cache.forget_behind("q", 3);
    assert_eq!(cache.take("q").map(|q| q.sequence()), Some(3));
    cache.keep("q", at(3));
    cache.forget_behind("q", 4);
    assert!(cache.take("q").is_none(), "another writer's event 4");
}
