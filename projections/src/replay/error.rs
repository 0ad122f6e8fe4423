//! Why a replay failed.

use super::scratch::{ReplayBusy, ScratchError};
use crate::ProjectorError;

/// A replay failed.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// `--projection` named no projection.
    #[error("no projection is named `{name}` (known: {known})")]
    UnknownProjection {
        /// The name given.
        name: String,
        /// The names there are.
        known: String,
    },
    /// `--projection` named the audit chain.
    #[error("`{0}` is never rebuilt (it is the tamper evidence); check it with `switchboard audit verify`")]
    NotRebuildable(&'static str),
    /// Another replay runs on this database.
    #[error(transparent)]
    Busy(#[from] ReplayBusy),
    /// The live projector stayed behind the rebuild.
    #[error("the live projections stayed behind the rebuild; is a projector failing?")]
    LiveBehind,
    /// Reading the log or writing the tables failed.
    #[error(transparent)]
    Projector(#[from] ProjectorError),
}

impl From<sqlx::Error> for ReplayError {
    fn from(error: sqlx::Error) -> Self {
        Self::Projector(error.into())
    }
}

impl From<ScratchError> for ReplayError {
    fn from(error: ScratchError) -> Self {
        match error {
            ScratchError::Busy(busy) => Self::Busy(busy),
            ScratchError::Database(error) => error.into(),
        }
    }
}
