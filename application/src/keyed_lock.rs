//! Per-key async locks: commands on one hot stream (an organization's quota) queue up inside a
//! process instead of failing each other's optimistic-concurrency check; across processes the
//! event store's check and `execute`'s retries still decide.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

/// A map of async mutexes created on demand and dropped when unused.
#[derive(Default)]
pub struct KeyedLock {
    locks: Mutex<HashMap<String, Arc<AsyncMutex<()>>>>,
}

/// Held while the key is locked; unlocks (and forgets an unused key) on drop.
pub struct KeyedGuard<'a> {
    owner: &'a KeyedLock,
    key: String,
    guard: Option<OwnedMutexGuard<()>>,
}

impl KeyedLock {
    /// Waits for and takes the lock of `key`.
    pub async fn lock(&self, key: &str) -> KeyedGuard<'_> {
        let mutex = {
            let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
            locks.entry(key.to_string()).or_default().clone()
        };
        let guard = mutex.lock_owned().await;
        KeyedGuard {
            owner: self,
            key: key.to_string(),
            guard: Some(guard),
        }
    }
}

impl Drop for KeyedGuard<'_> {
    fn drop(&mut self) {
        self.guard.take();
        let mut locks = self.owner.locks.lock().unwrap_or_else(|e| e.into_inner());
        if locks
            .get(&self.key)
            .is_some_and(|m| Arc::strong_count(m) == 1)
        {
            locks.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_key_is_held_by_one_task_at_a_time_and_forgotten_after() {
        let locks = Arc::new(KeyedLock::default());
        let counter = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let max_seen = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let (locks, counter, max_seen) = (locks.clone(), counter.clone(), max_seen.clone());
                tokio::spawn(async move {
                    let _guard = locks.lock("org").await;
                    let now = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                    max_seen.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
                    tokio::task::yield_now().await;
                    counter.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(max_seen.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert!(locks.locks.lock().unwrap().is_empty());
    }
}
