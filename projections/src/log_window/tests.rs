use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use serde_json::json;
use switchboard_application::ports::{Backlog, GlobalLog, LogPosition, RecordedEvent, StoreError};
use tokio::sync::watch;

use super::{LogReads, LogWindow};

/// A log held in memory, with gaps in its positions as rolled-back transactions leave them.
struct MemoryLog {
    events: Vec<RecordedEvent>,
    reads: AtomicU64,
}

impl MemoryLog {
    fn with(count: i64) -> Arc<Self> {
        let events = (1..=count)
            .map(|n| RecordedEvent {
                log_position: LogPosition {
                    transaction_id: 100 + n / 3,
                    position: n * 7 + n % 3,
                },
                aggregate_type: "Message".into(),
                aggregate_id: format!("m{n}"),
                sequence: 1,
                event_type: "MessageReceived".into(),
                event_version: "3.0".into(),
                payload: json!({ "n": n }),
                metadata: json!({}),
                recorded_at_ms: n,
            })
            .collect();
        Arc::new(Self {
            events,
            reads: AtomicU64::new(0),
        })
    }

    fn answer(&self, after: LogPosition, limit: u32) -> Vec<RecordedEvent> {
        self.events
            .iter()
            .filter(|e| e.log_position > after)
            .take(limit as usize)
            .cloned()
            .collect()
    }

    fn at(&self, index: usize) -> LogPosition {
        self.events[index].log_position
    }
}

#[async_trait]
impl GlobalLog for MemoryLog {
    async fn read_after(
        &self,
        after: LogPosition,
        limit: u32,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        Ok(self.answer(after, limit))
    }
    async fn read_stream(
        &self,
        _: &str,
        _: &str,
        _: i64,
        _: u32,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        Ok(Vec::new())
    }
    async fn last_position_of(&self, _: &str, _: &str) -> Result<Option<LogPosition>, StoreError> {
        Ok(None)
    }
    async fn head(&self) -> Result<LogPosition, StoreError> {
        Ok(self
            .events
            .last()
            .map_or(LogPosition::START, |e| e.log_position))
    }
    async fn locate(&self, _: i64) -> Result<Option<LogPosition>, StoreError> {
        Ok(None)
    }
    async fn backlog(&self, _: LogPosition) -> Result<Backlog, StoreError> {
        Ok(Backlog::default())
    }
    fn appends(&self) -> watch::Receiver<u64> {
        watch::channel(0).1
    }
    fn notify_append(&self) {}
}

fn positions(page: &[RecordedEvent]) -> Vec<i64> {
    page.iter().map(|e| e.log_position.position).collect()
}

/// Reads through `window` and checks the page is what `log` itself answers.
async fn read_checked(window: &LogWindow, log: &MemoryLog, after: LogPosition, limit: u32) {
    let page = window.read_after(after, limit).await.unwrap();
    assert_eq!(positions(&page), positions(&log.answer(after, limit)));
}

#[tokio::test]
async fn a_second_reader_of_the_same_page_is_answered_from_memory() {
    let log = MemoryLog::with(100);
    let window = LogWindow::new(log.clone(), 1000);

    let fast = window.read_after(LogPosition::START, 40).await.unwrap();
    let slow = window.read_after(LogPosition::START, 40).await.unwrap();

    assert_eq!(fast, log.answer(LogPosition::START, 40));
    assert_eq!(slow, fast);
    assert_eq!(log.reads.load(Ordering::Relaxed), 1);
    assert_eq!(
        window.reads(),
        LogReads {
            database: 1,
            memory: 1
        }
    );
}

#[tokio::test]
async fn a_read_past_the_window_gets_the_window_then_the_log_without_gap_or_repeat() {
    let log = MemoryLog::with(100);
    let window = LogWindow::new(log.clone(), 1000);
    window.read_after(LogPosition::START, 30).await.unwrap();

    read_checked(&window, &log, log.at(9), 50).await;
    // The rest was read after the window's last event and extends it.
    read_checked(&window, &log, log.at(29), 20).await;
    assert_eq!(log.reads.load(Ordering::Relaxed), 2);
}

#[tokio::test]
async fn a_reader_behind_the_window_reads_the_log_and_leaves_the_window_in_place() {
    let log = MemoryLog::with(100);
    let window = LogWindow::new(log.clone(), 20);
    for page in 0..4 {
        let after = if page == 0 {
            LogPosition::START
        } else {
            log.at(page * 20 - 1)
        };
        window.read_after(after, 20).await.unwrap();
    }
    assert_eq!(log.reads.load(Ordering::Relaxed), 4);

    // Behind the 20 events kept: from the log.
    read_checked(&window, &log, log.at(9), 20).await;
    assert_eq!(log.reads.load(Ordering::Relaxed), 5);

    // The newest page is still kept.
    read_checked(&window, &log, log.at(59), 20).await;
    assert_eq!(log.reads.load(Ordering::Relaxed), 5);
}

#[tokio::test]
async fn any_sequence_of_reads_gets_exactly_what_the_log_answers() {
    let log = MemoryLog::with(500);
    let window = LogWindow::new(log.clone(), 64);
    let mut seed: u64 = 0x5342;
    let mut next = |bound: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) % bound
    };
    for _ in 0..2000 {
        let index = next(520) as usize;
        let after = if index >= 500 {
            LogPosition {
                transaction_id: i64::MAX,
                position: 0,
            }
        } else if index == 0 {
            LogPosition::START
        } else {
            log.at(index - 1)
        };
        let limit = 1 + next(80) as u32;
        let page = window.read_after(after, limit).await.unwrap();
        assert_eq!(
            page,
            log.answer(after, limit),
            "after {after:?}, limit {limit}"
        );
    }
    assert!(window.reads().memory > 0, "{:?}", window.reads());
}

#[tokio::test]
async fn reading_ahead_hands_out_the_log_page_by_page_with_one_query_per_page() {
    let log = MemoryLog::with(1000);
    let window = LogWindow::new(log.clone(), 0).reading_ahead();
    let mut after = LogPosition::START;
    let mut seen = Vec::new();
    loop {
        let page = window.read_after(after, 100).await.unwrap();
        assert_eq!(page, log.answer(after, 100));
        let Some(last) = page.last() else { break };
        after = last.log_position;
        seen.extend(positions(&page));
    }
    assert_eq!(seen, positions(&log.events));
    // Ten full pages, and the empty one after them: each page read once.
    assert_eq!(log.reads.load(Ordering::Relaxed), 11);
    assert_eq!(window.reads().database, 11);
}

#[tokio::test]
async fn a_read_elsewhere_than_the_page_read_ahead_is_still_answered_from_the_log() {
    let log = MemoryLog::with(300);
    let window = LogWindow::new(log.clone(), 0).reading_ahead();
    window.read_after(LogPosition::START, 100).await.unwrap();

    let elsewhere = window.read_after(log.at(149), 100).await.unwrap();
    assert_eq!(elsewhere, log.answer(log.at(149), 100));
}
