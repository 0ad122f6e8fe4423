//! The auditor's and operator's log commands: `replay [--verify]`, `events export`,
//! `audit verify` and `audit head`. Each writes its own output to the writer it is given (stdout
//! in `main`), progress to stderr, and returns whether it succeeded.

pub mod audit;
pub mod export;
pub mod replay;

use std::sync::Arc;

use switchboard_adapters::event_store::{Database, SqlGlobalLog};
use switchboard_application::ports::GlobalLog;

/// A command failed to run (not a finding: those are reported on the output).
pub type CommandError = Box<dyn std::error::Error + Send + Sync>;

/// The database and its global log.
async fn open(database_url: &str) -> Result<(Database, Arc<dyn GlobalLog>), CommandError> {
    let database = Database::connect(database_url).await?;
    let log: Arc<dyn GlobalLog> = Arc::new(SqlGlobalLog::new(&database));
    Ok((database, log))
}
