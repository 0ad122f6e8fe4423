//! A window over the global log's most recent pages, shared by the readers of one process: the
//! projector's two lanes read each page of the log from the database once (the second lane is
//! served the page from memory), and a rebuild reads the next page while it applies the current
//! one.
//!
//! It is sound because a page of the log is final: [`GlobalLog::read_after`] hands out only
//! events whose order is final, so the events it returned after `p` are all the events between
//! `p` and the last of them, now and later. The window keeps such a complete range, `(from,
//! last]`, and answers any read that starts inside it.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use switchboard_application::ports::{Backlog, GlobalLog, LogPosition, RecordedEvent, StoreError};
use tokio::sync::{watch, Mutex};
use tokio::task::JoinHandle;

/// How many log pages the window has read from the database and how many it answered from
/// memory.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LogReads {
    /// `read_after` queries sent to the database.
    pub database: u64,
    /// Reads answered wholly from the window.
    pub memory: u64,
}

/// A [`GlobalLog`] that keeps the last `capacity` events it read and answers reads that start
/// among them from memory; reads of one window are serialized, so two readers asking for the same
/// page cost one query. With [`LogWindow::reading_ahead`], a full page also starts the read of the
/// page after it. Everything but `read_after` goes straight to the inner log.
pub struct LogWindow {
    inner: Arc<dyn GlobalLog>,
    capacity: usize,
    read_ahead: bool,
    state: Mutex<Window>,
    database_reads: AtomicU64,
    memory_reads: AtomicU64,
}

type PendingPage = JoinHandle<Result<Vec<RecordedEvent>, StoreError>>;

#[derive(Default)]
struct Window {
    /// The window holds every event after `from` up to its last one.
    from: LogPosition,
    events: VecDeque<RecordedEvent>,
    /// A page being read ahead: where it starts, its limit and the read.
    ahead: Option<(LogPosition, u32, PendingPage)>,
}

impl Window {
    fn last(&self) -> Option<LogPosition> {
        self.events.back().map(|e| e.log_position)
    }

    /// The events after `after` the window holds (at most `limit`), when `after` lies inside it.
    fn serve(&self, after: LogPosition, limit: usize) -> Option<Vec<RecordedEvent>> {
        let last = self.last()?;
        if after < self.from || after >= last {
            return None;
        }
        let first = self.events.partition_point(|e| e.log_position <= after);
        Some(self.events.range(first..).take(limit).cloned().collect())
    }

    /// Adds `page`, the complete range after `after`, keeping at most `capacity` events.
    fn remember(&mut self, after: LogPosition, page: &[RecordedEvent], capacity: usize) {
        let Some(page_last) = page.last().map(|e| e.log_position) else {
            return;
        };
        if capacity == 0 {
            return;
        }
        match self.last() {
            // The page continues the window.
            Some(last) if after <= last && after >= self.from => {
                let first = page.partition_point(|e| e.log_position <= last);
                self.events.extend(page[first..].iter().cloned());
            }
            // A page behind the window (a slow reader) does not replace it.
            Some(last) if page_last <= last => return,
            _ => {
                self.from = after;
                self.events = page.iter().cloned().collect();
            }
        }
        while self.events.len() > capacity {
            if let Some(dropped) = self.events.pop_front() {
                self.from = dropped.log_position;
            }
        }
    }
}

impl LogWindow {
    /// A window of at most `capacity` events over `inner`.
    pub fn new(inner: Arc<dyn GlobalLog>, capacity: usize) -> Self {
        Self {
            inner,
            capacity,
            read_ahead: false,
            state: Mutex::new(Window::default()),
            database_reads: AtomicU64::new(0),
            memory_reads: AtomicU64::new(0),
        }
    }

    /// Also reads the next page in the background whenever a read comes back full (a rebuild,
    /// which reads the log from start to end, applies one page while the next one is read).
    #[must_use]
    pub fn reading_ahead(mut self) -> Self {
        self.read_ahead = true;
        self
    }

    /// The reads so far.
    pub fn reads(&self) -> LogReads {
        LogReads {
            database: self.database_reads.load(Ordering::Relaxed),
            memory: self.memory_reads.load(Ordering::Relaxed),
        }
    }

    async fn read_page(
        &self,
        window: &mut Window,
        after: LogPosition,
        limit: u32,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let pending = match window.ahead.take() {
            Some((at, ahead_limit, read)) if at == after && ahead_limit >= limit => Some(read),
            Some((_, _, read)) => {
                read.abort();
                None
            }
            None => None,
        };
        let mut page = match pending {
            Some(read) => read.await.map_err(StoreError::from_error)??,
            None => {
                self.database_reads.fetch_add(1, Ordering::Relaxed);
                self.inner.read_after(after, limit).await?
            }
        };
        page.truncate(limit as usize);
        if self.read_ahead && page.len() == limit as usize {
            if let Some(next) = page.last().map(|e| e.log_position) {
                let inner = self.inner.clone();
                self.database_reads.fetch_add(1, Ordering::Relaxed);
                let read = tokio::spawn(async move { inner.read_after(next, limit).await });
                window.ahead = Some((next, limit, read));
            }
        }
        Ok(page)
    }
}

#[async_trait]
impl GlobalLog for LogWindow {
    async fn read_after(
        &self,
        after: LogPosition,
        limit: u32,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let mut window = self.state.lock().await;
        let mut page = window.serve(after, limit as usize).unwrap_or_default();
        if page.len() == limit as usize {
            self.memory_reads.fetch_add(1, Ordering::Relaxed);
            return Ok(page);
        }
        // The rest comes after what the window held.
        let from = page.last().map_or(after, |e| e.log_position);
        let rest = self
            .read_page(&mut window, from, limit - page.len() as u32)
            .await?;
        window.remember(from, &rest, self.capacity);
        page.extend(rest);
        Ok(page)
    }

    async fn read_stream(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
        after_sequence: i64,
        limit: u32,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        self.inner
            .read_stream(aggregate_type, aggregate_id, after_sequence, limit)
            .await
    }

    async fn last_position_of(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
    ) -> Result<Option<LogPosition>, StoreError> {
        self.inner
            .last_position_of(aggregate_type, aggregate_id)
            .await
    }

    async fn head(&self) -> Result<LogPosition, StoreError> {
        self.inner.head().await
    }

    async fn locate(&self, position: i64) -> Result<Option<LogPosition>, StoreError> {
        self.inner.locate(position).await
    }

    async fn backlog(&self, after: LogPosition) -> Result<Backlog, StoreError> {
        self.inner.backlog(after).await
    }

    fn appends(&self) -> watch::Receiver<u64> {
        self.inner.appends()
    }

    fn notify_append(&self) {
        self.inner.notify_append();
    }

    async fn opened(
        &self,
        events: &[RecordedEvent],
    ) -> Result<Option<Vec<RecordedEvent>>, StoreError> {
        self.inner.opened(events).await
    }
}

impl Drop for LogWindow {
    fn drop(&mut self) {
        if let Some((_, _, read)) = self.state.get_mut().ahead.take() {
            read.abort();
        }
    }
}

#[cfg(test)]
mod tests;
