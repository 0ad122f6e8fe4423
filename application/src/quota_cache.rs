//! The quota streams' states as this process last committed them, so a group-commit batch on a
//! hot quota stream counts its messages without first reading the stream back. The commit's
//! sequence check still decides: an entry another writer has moved past (another process, or
//! `QuotaReset` through the command path) makes the batch's commit conflict, and the batch runs
//! again on a real load. [`QuotaCache::forget_behind`] drops such entries as the global log shows
//! their streams move, so that usually costs no conflict at all.

use std::collections::HashMap;
use std::sync::Mutex;

use switchboard_domain::quota::Quota;

use crate::unit::Pending;

/// The most streams kept (one per organization and billing period in use); the cache is emptied
/// when full, since an entry costs one load to get back.
const CAPACITY: usize = 10_000;

/// Quota streams by id, each as committed last by this process.
#[derive(Default)]
pub(crate) struct QuotaCache {
    entries: Mutex<HashMap<String, Pending<Quota>>>,
}

impl QuotaCache {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, Pending<Quota>>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes stream `id`'s entry out (the batch leader owns it until it keeps the next one).
    pub(crate) fn take(&self, id: &str) -> Option<Pending<Quota>> {
        self.entries().remove(id)
    }

    /// Keeps `quota` as stream `id` stands after a commit.
    pub(crate) fn keep(&self, id: &str, quota: Pending<Quota>) {
        let mut entries = self.entries();
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(id.to_string(), quota);
    }

    /// Drops stream `id`'s entry if it stands before `sequence` (an event the log shows).
    pub(crate) fn forget_behind(&self, id: &str, sequence: usize) {
        let mut entries = self.entries();
        if entries.get(id).is_some_and(|q| q.sequence() < sequence) {
            entries.remove(id);
        }
    }
}

#[cfg(test)]
#[path = "quota_cache_tests.rs"]
mod tests;
