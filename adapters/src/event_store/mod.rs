//! The event store: postgres-es for a `postgres://` `DATABASE_URL`, sqlite-es otherwise, both on
//! the schema in `migrations/`, plus the global log reader and the read-model pool.

mod append_signal;
mod database;
mod global_log;
mod loopback_tls;
mod repository;
mod unit_of_work;

pub use database::{Backend, Database, DatabaseError};
pub use global_log::SqlGlobalLog;
pub use repository::EventRepository;
pub use unit_of_work::SqlUnitOfWork;
