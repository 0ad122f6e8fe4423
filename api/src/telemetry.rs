//! Tracing, set up once: JSON lines when `LOG_FORMAT=json`, human-readable otherwise; filtered by
//! `RUST_LOG` (default `info`).

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the global subscriber writing to stderr in `format` (a second call does nothing).
/// JSON lines carry the request span's fields (`request_id`, method, path) on every line.
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let json = format == LogFormat::Json;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// As [`init`], with `LOG_FORMAT` read leniently (for commands that report configuration errors
/// themselves, such as `doctor`): `json` gives JSON lines, anything else text.
pub fn init_from_env() {
    let json = std::env::var("LOG_FORMAT").is_ok_and(|f| f.trim().eq_ignore_ascii_case("json"));
    init(if json {
        LogFormat::Json
    } else {
        LogFormat::Text
    });
}
