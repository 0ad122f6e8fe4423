//! `switchboard events export --format ndjson|csv [--after N] [--until T]`: the log as it stands
//! when the export starts, streamed in batches (memory does not grow with the log).

use std::io::Write;

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use serde::Serialize;
use switchboard_projections::audit::{AuditEntry, AuditLog};

use super::{open, CommandError};
use crate::cli::ExportFormat;

/// Events read per batch.
const BATCH: u32 = 1000;

/// The CSV header, in the order of every record.
pub const CSV_HEADER: &str = "position,recorded_at,aggregate_type,aggregate_id,sequence,\
                              event_type,event_version,payload,metadata,hash";

/// One exported event (NDJSON object; CSV columns in the same order).
#[derive(Serialize)]
struct Exported<'a> {
    position: i64,
    recorded_at: String,
    aggregate_type: &'a str,
    aggregate_id: &'a str,
    sequence: i64,
    event_type: &'a str,
    event_version: &'a str,
    payload: &'a serde_json::Value,
    metadata: &'a serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    hash: Option<&'a str>,
}

impl<'a> From<&'a AuditEntry> for Exported<'a> {
    fn from(entry: &'a AuditEntry) -> Self {
        let event = &entry.event;
        Self {
            position: event.log_position.position,
            recorded_at: Utc
                .timestamp_millis_opt(event.recorded_at_ms)
                .single()
                .unwrap_or_default()
                .to_rfc3339_opts(SecondsFormat::Millis, true),
            aggregate_type: &event.aggregate_type,
            aggregate_id: &event.aggregate_id,
            sequence: event.sequence,
            event_type: &event.event_type,
            event_version: &event.event_version,
            payload: &event.payload,
            metadata: &event.metadata,
            hash: entry.hash.as_deref(),
        }
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn write_csv(out: &mut dyn Write, e: &Exported<'_>) -> std::io::Result<()> {
    let fields = [
        e.position.to_string(),
        e.recorded_at.clone(),
        e.aggregate_type.to_string(),
        e.aggregate_id.to_string(),
        e.sequence.to_string(),
        e.event_type.to_string(),
        e.event_version.to_string(),
        e.payload.to_string(),
        e.metadata.to_string(),
        e.hash.unwrap_or_default().to_string(),
    ];
    let line = fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",");
    write!(out, "{line}\r\n")
}

/// Streams the events after global position `after` (0: all) recorded at or before `until` to
/// `out`; returns how many were written.
///
/// # Errors
/// The database, the log, an unknown `after` position, or the output.
pub async fn run(
    database_url: &str,
    format: ExportFormat,
    after: i64,
    until: Option<DateTime<Utc>>,
    out: &mut dyn Write,
) -> Result<u64, CommandError> {
    let (database, log) = open(database_url).await?;
    let audit = AuditLog::new(database.any().clone(), log);
    let result = stream(&audit, format, after, until, out).await;
    database.close().await;
    result
}

async fn stream(
    audit: &AuditLog,
    format: ExportFormat,
    after: i64,
    until: Option<DateTime<Utc>>,
    out: &mut dyn Write,
) -> Result<u64, CommandError> {
    let mut at = audit
        .start_after(after)
        .await?
        .ok_or_else(|| format!("no event has position {after}"))?;
    let head = audit.head().await?;
    let until_ms = until.map(|t| t.timestamp_millis());
    if format == ExportFormat::Csv {
        write!(out, "{CSV_HEADER}\r\n")?;
    }
    let mut written = 0;
    while at < head {
        let batch = audit.read(at, BATCH).await?;
        let Some(last) = batch.last() else {
            break;
        };
        at = last.event.log_position;
        for entry in batch.iter().filter(|e| e.event.log_position <= head) {
            if until_ms.is_some_and(|until| entry.event.recorded_at_ms > until) {
                continue;
            }
            let exported = Exported::from(entry);
            match format {
                ExportFormat::Ndjson => {
                    serde_json::to_writer(&mut *out, &exported)?;
                    out.write_all(b"\n")?;
                }
                ExportFormat::Csv => write_csv(out, &exported)?,
            }
            written += 1;
        }
        out.flush()?;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(
            csv_field(r#"{"a":1,"b":"x"}"#),
            r#""{""a"":1,""b"":""x""}""#
        );
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }
}
