//! Group commit on a hot quota stream: the counted messages of one organization and period that
//! arrive together are committed in one transaction. Each waits in the stream's queue; whoever
//! finds no batch under way leads: it takes what is waiting (up to [`BATCH_LIMIT`]), loads the
//! quota once, counts each message in arrival order on the in-memory aggregate, lets each finish
//! its own streams (message outcome, conversation) knowing whether it was within quota, commits
//! everything at once and answers each. The next waiter then leads the next batch. The quota
//! comes from the stream as the last batch committed it when this process has it
//! ([`QuotaCache`]), else from a load. Across processes the quota stream's sequence check
//! decides and a conflict re-runs every unit.

use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use cqrs_es::persist::PersistedEventRepository;
use switchboard_domain::quota::{Quota, QuotaCommand, QuotaError};
use tokio::sync::oneshot;

use crate::ports::StoreError;
use crate::quota_cache::QuotaCache;
use crate::unit::{Pending, Unit};
use crate::{AppError, Switchboard, SNAPSHOT_EVERY};

/// The most messages one batch commits.
pub const BATCH_LIMIT: usize = 64;

/// Finishes a message's unit once the batch knows whether it is within quota (`true`): the
/// message's and its other streams' events, without the quota's.
pub(crate) type Finish =
    Box<dyn FnOnce(bool) -> Pin<Box<dyn Future<Output = Result<Unit, AppError>> + Send>> + Send>;

/// A message's answer from its batch: `Ok(true)` committed, `Ok(false)` a conflict (re-run).
type Answer = Result<bool, AppError>;

enum Signal {
    Answer(Answer),
    Lead,
}

struct Ticket {
    command: QuotaCommand,
    metadata: HashMap<String, String>,
    finish: Finish,
    reply: Option<oneshot::Sender<Signal>>,
}

/// The waiting messages of each quota stream with a batch under way, and the streams as the
/// last batches committed them.
#[derive(Default)]
pub(crate) struct Batches {
    queues: Mutex<HashMap<String, VecDeque<Ticket>>>,
    pub(crate) quotas: QuotaCache,
}

impl Batches {
    fn queues(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<Ticket>>> {
        self.queues.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Passes the lead to the first waiter still listening, or closes the stream's queue.
    fn hand_off(&self, stream: &str) {
        let mut queues = self.queues();
        let Some(queue) = queues.get_mut(stream) else {
            return;
        };
        while let Some(front) = queue.front_mut() {
            if let Some(reply) = front.reply.take() {
                if reply.send(Signal::Lead).is_ok() {
                    return;
                }
            }
            queue.pop_front();
        }
        queues.remove(stream);
    }
}

/// Hands the lead on even when the leading request is dropped mid-batch.
struct Lead<'a> {
    batches: &'a Batches,
    stream: &'a str,
}

impl Drop for Lead<'_> {
    fn drop(&mut self) {
        self.batches.hand_off(self.stream);
    }
}

impl<R: PersistedEventRepository + Clone> Switchboard<R> {
    /// Runs `command` (`ConsumeQuota`, `ReleaseQuota`) on quota stream `stream` in the
    /// stream's next batch, its events recorded with `metadata`, and commits them with what
    /// `finish` returns. `Ok(false)`: a conflict, run the unit again.
    pub(crate) async fn commit_counted(
        &self,
        stream: &str,
        command: QuotaCommand,
        metadata: HashMap<String, String>,
        finish: Finish,
    ) -> Answer {
        let (reply, signal) = oneshot::channel();
        let ticket = Ticket {
            command,
            metadata,
            finish,
            reply: Some(reply),
        };
        let leads = {
            let mut queues = self.batches.queues();
            match queues.get_mut(stream) {
                Some(queue) => {
                    queue.push_back(ticket);
                    false
                }
                None => {
                    let mut queue = VecDeque::new();
                    queue.push_back(Ticket {
                        reply: None,
                        ..ticket
                    });
                    queues.insert(stream.to_string(), queue);
                    true
                }
            }
        };
        if !leads {
            match signal.await {
                Ok(Signal::Answer(answer)) => return answer,
                Ok(Signal::Lead) => {}
                // The batch was dropped with its leader: run the unit again.
                Err(_) => return Ok(false),
            }
        }
        let _lead = Lead {
            batches: &self.batches,
            stream,
        };
        self.run_batch(stream).await
    }

    /// Commits the waiting messages of `stream` (the first is the leader's own, whose answer
    /// is returned; the others are sent theirs).
    async fn run_batch(&self, stream: &str) -> Answer {
        let tickets: Vec<Ticket> = {
            let mut queues = self.batches.queues();
            let queue = queues.entry(stream.to_string()).or_default();
            let take = queue.len().min(BATCH_LIMIT);
            queue.drain(..take).collect()
        };
        let cached = self.batches.quotas.take(stream);
        let loaded = match cached {
            Some(quota) => Ok(quota),
            None => Pending::load(&self.quotas, stream, Some(SNAPSHOT_EVERY)).await,
        };
        let mut quota: Pending<Quota> = match loaded {
            Ok(quota) => quota,
            Err(error) => {
                let store = StoreError::from_error(&error);
                return answer_all(tickets, |_| Err(AppError::Store(store.clone())));
            }
        };
        let mut unit = Unit::default();
        let mut streams = HashSet::new();
        let mut answers: Vec<Option<Answer>> = Vec::with_capacity(tickets.len());
        let mut replies = Vec::with_capacity(tickets.len());
        for ticket in tickets {
            replies.push(ticket.reply);
            let before = quota.fork();
            let within = match quota
                .handle_as(ticket.command, Some(&ticket.metadata))
                .await
            {
                Ok(()) => true,
                Err(QuotaError::QuotaExhausted { .. }) => false,
                Err(error) => {
                    answers.push(Some(Err(error.into())));
                    continue;
                }
            };
            match (ticket.finish)(within).await {
                // Two messages of one batch on one stream (a customer's conversation): the
                // later one was read before the earlier one's events, so it runs again.
                Ok(part) if part.streams().any(|s| streams.contains(&s)) => {
                    quota = before;
                    answers.push(Some(Ok(false)));
                }
                Ok(part) => {
                    streams.extend(part.streams());
                    unit.merge(part);
                    answers.push(None);
                }
                Err(error) => {
                    quota = before;
                    answers.push(Some(Err(error)));
                }
            }
        }
        let after = quota.committed();
        let committed = match unit.add(quota, &HashMap::new()) {
            Ok(_) => self.commit_unit(&unit).await,
            Err(error) => Err(error),
        };
        if matches!(committed, Ok(true)) {
            self.batches.quotas.keep(stream, after);
        }
        let committed = committed.map_err(|e| StoreError::from_error(&e));
        let mut own = None;
        for (reply, answer) in replies.into_iter().zip(answers) {
            let answer = answer.unwrap_or_else(|| committed.clone().map_err(AppError::Store));
            match reply {
                Some(reply) => {
                    let _ = reply.send(Signal::Answer(answer));
                }
                None => own = Some(answer),
            }
        }
        own.unwrap_or(Ok(false))
    }
}

fn answer_all(tickets: Vec<Ticket>, answer: impl Fn(&Ticket) -> Answer) -> Answer {
    let mut own = Ok(false);
    for ticket in tickets {
        let result = answer(&ticket);
        match ticket.reply {
            Some(reply) => {
                let _ = reply.send(Signal::Answer(result));
            }
            None => own = result,
        }
    }
    own
}
