//! Running a job only while this process holds its lease.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use switchboard_adapters::event_store::Database;
use switchboard_adapters::lease::JobLease;
use tokio::sync::watch;

use super::Job;
use crate::metrics::Metrics;

/// How often the owner checks that it still holds the lease.
const HEARTBEAT: Duration = Duration::from_secs(1);

/// What every leased job of one process shares.
#[derive(Clone)]
pub struct Leases {
    /// Where the leases are held (PostgreSQL: advisory locks; SQLite: always granted).
    pub database: Database,
    /// Where ownership is shown (`switchboard_job_owned`).
    pub metrics: Arc<Metrics>,
    /// `LEASE_RETRY_MS`.
    pub retry: Duration,
    /// Turns true when the process stops.
    pub shutdown: watch::Receiver<bool>,
}

impl Leases {
    /// Spawns [`run_leased`] for `job` and `work`.
    pub fn spawn<F, Fut>(&self, job: Job, work: F) -> tokio::task::JoinHandle<()>
    where
        F: FnMut(watch::Receiver<bool>) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        tokio::spawn(run_leased(job, self.clone(), work))
    }
}

/// Runs `work` whenever this process holds `job`'s lease, until `leases.shutdown` turns true.
///
/// Not holding it, it tries again every `retry`. Holding it, it sets
/// `switchboard_job_owned{job}` to 1, starts `work(stop)` and checks the lease every second;
/// when the lease is lost (the database connection dropped) or on shutdown, it turns `stop`
/// true, waits for `work` to return, sets the gauge to 0 and gives the lease back. `work` must
/// return soon after `stop` turns true (each of Switchboard's jobs checks it between batches).
pub async fn run_leased<F, Fut>(job: Job, leases: Leases, mut work: F)
where
    F: FnMut(watch::Receiver<bool>) -> Fut,
    Fut: Future<Output = ()>,
{
    let Leases {
        database,
        metrics,
        retry,
        mut shutdown,
    } = leases;
    let owned = metrics.jobs_owned.with_label_values(&[job.name()]);
    owned.set(0);
    let mut lease = JobLease::new(&database, job.name(), job.lock_object());
    while !*shutdown.borrow() {
        match lease.try_acquire().await {
            Ok(true) => {
                tracing::info!(job = job.name(), "job lease taken: running the job here");
                owned.set(1);
                let (stop, stopped) = watch::channel(false);
                let running = work(stopped);
                tokio::pin!(running);
                let mut heartbeat = tokio::time::interval(HEARTBEAT);
                heartbeat.tick().await;
                let mut stopping = false;
                loop {
                    tokio::select! {
                        () = &mut running => break,
                        changed = shutdown.changed(), if !stopping => {
                            stopping = changed.is_err() || *shutdown.borrow();
                        }
                        _ = heartbeat.tick(), if !stopping => {
                            if !lease.still_held().await {
                                tracing::warn!(job = job.name(), "job lease lost: stopping the job");
                                stopping = true;
                            }
                        }
                    }
                    if stopping {
                        let _ = stop.send(true);
                    }
                }
                owned.set(0);
                lease.release().await;
            }
            Ok(false) => {}
            Err(error) => tracing::warn!(job = job.name(), %error, "cannot try the job lease"),
        }
        tokio::select! {
            () = tokio::time::sleep(retry) => {}
            _ = shutdown.wait_for(|stopped| *stopped) => {}
        }
    }
}
