//! Turns by key inside one process: requests with the same key run one at a time, in arrival
//! order (tokio's mutex is fair), and a key's entry is dropped when no request holds or awaits
//! it, so memory follows the keys in use, not every key ever seen.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::OwnedMutexGuard;

/// One async mutex per key in use.
#[derive(Default)]
pub(crate) struct Turns {
    keys: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// A held turn; dropping it lets the next request with the key run.
pub(crate) struct Turn<'a> {
    turns: &'a Turns,
    key: String,
    guard: Option<OwnedMutexGuard<()>>,
}

impl Turns {
    fn keys(&self) -> MutexGuard<'_, HashMap<String, Arc<tokio::sync::Mutex<()>>>> {
        self.keys.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for `key`'s turn.
    pub(crate) async fn lock(&self, key: &str) -> Turn<'_> {
        let lock = self.keys().entry(key.to_string()).or_default().clone();
        let guard = lock.lock_owned().await;
        Turn {
            turns: self,
            key: key.to_string(),
            guard: Some(guard),
        }
    }

    /// How many keys have an entry (for tests).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.keys().len()
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut keys = self.turns.keys();
        drop(self.guard.take());
        // Only the map's own reference left: nobody holds or awaits the key.
        if keys
            .get(&self.key)
            .is_some_and(|lock| Arc::strong_count(lock) == 1)
        {
            keys.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn requests_with_one_key_take_turns_and_the_key_is_forgotten_after() {
        let turns = Arc::new(Turns::default());
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (turns, inside, most) = (turns.clone(), inside.clone(), most.clone());
                tokio::spawn(async move {
                    let _turn = turns.lock("customer").await;
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    inside.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 1);
        assert_eq!(turns.len(), 0);
    }

    #[tokio::test]
    async fn other_keys_do_not_wait() {
        let turns = Turns::default();
        let _a = turns.lock("a").await;
        let b = tokio::time::timeout(Duration::from_millis(100), turns.lock("b")).await;
        assert!(b.is_ok());
    }
}
