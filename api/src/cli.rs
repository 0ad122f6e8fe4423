//! The `switchboard` command line: subcommands, options and their `--help` (each with an
//! example). `main.rs` runs them.

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand, ValueEnum};
use switchboard_adapters::twilio::Flavor;
use switchboard_projections::audit::Anchor;

/// Switchboard: dedicated Twilio/SignalWire numbers per organization, inbound routing,
/// event-sourced.
///
/// Configuration comes from environment variables (and `.env`): DATABASE_URL, BIND_ADDR,
/// PUBLIC_BASE_URL, TWILIO_* or SIGNALWIRE_*, ADMIN_API_KEY… (see `.env.example`).
#[derive(Debug, Parser)]
#[command(
    name = "switchboard",
    version,
    after_help = "Examples:\n  switchboard serve\n  switchboard doctor --fix\n  \
                  switchboard sandbox --flavor signalwire"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (migrates the database first).
    ///
    /// Without provider credentials the server runs its built-in local Twilio sandbox under
    /// /sandbox and says so, but only when asked (`--sandbox` or SANDBOX=true) or on the
    /// zero-setup default (SQLite on a loopback BIND_ADDR). SIGTERM or Ctrl-C stop it gracefully.
    #[command(after_help = "Example:\n  \
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/switchboard \\\n  \
        PUBLIC_BASE_URL=https://switchboard.example.com \\\n  \
        TWILIO_ACCOUNT_SID=AC… TWILIO_AUTH_TOKEN=… ADMIN_API_KEY=… switchboard serve")]
    Serve {
        /// Run the built-in sandbox as the provider on purpose (as SANDBOX=true).
        #[arg(long)]
        sandbox: bool,
    },
    /// Apply database migrations and exit.
    #[command(after_help = "Example:\n  \
        DATABASE_URL=sqlite://switchboard.db switchboard migrate")]
    Migrate,
    /// Print the OpenAPI document (YAML) the server serves.
    #[command(after_help = "Example:\n  switchboard openapi > openapi.yaml")]
    Openapi,
    /// Rebuild read models from position 0 of the global log, without downtime.
    ///
    /// Rebuilds into fresh tables while the live ones keep serving, then swaps them in at the
    /// live projector's position (one transaction). Shows a progress bar on a terminal (plain
    /// lines on stderr otherwise) and ends with the events per second. With --verify, rebuilds
    /// into scratch tables instead, compares them with the live ones, prints every difference
    /// and exits 1 if there is any. The audit chain is never rebuilt (see `audit verify`); the
    /// delivery outbox is never touched.
    #[command(after_help = "Examples:\n  \
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/switchboard switchboard replay --all\n  \
        switchboard replay --projection routing_table\n  \
        switchboard replay --verify || echo 'views differ from a replay'")]
    Replay {
        /// Rebuild only this projection: routing_table, organizations_view, messages_view,
        /// provisioning_requests, deliveries (its endpoints view).
        #[arg(long, value_name = "NAME", conflicts_with = "all")]
        projection: Option<String>,
        /// Rebuild every projection (the default).
        #[arg(long)]
        all: bool,
        /// Rebuild into scratch tables and diff them against the live ones instead; exits 1 on
        /// any difference.
        #[arg(long)]
        verify: bool,
    },
    /// Read the global event log.
    #[command(
        after_help = "Example:\n  switchboard events export --format ndjson > events.ndjson"
    )]
    Events {
        /// What to do with it.
        #[command(subcommand)]
        command: EventsCommand,
    },
    /// Tamper evidence: the hash chain over the stored events.
    ///
    /// Every event is hashed, chained to the one before it in the log's order, when the
    /// projector first reads it: hash(n) = SHA-256 over hash(n-1), a newline, and the canonical
    /// JSON (keys sorted, compact) of [position, recorded_at_ms, aggregate_type, aggregate_id,
    /// sequence, event_type, event_version, payload, metadata]; hash(0) is 64 zeros.
    #[command(after_help = "Examples:\n  switchboard audit head >> anchors.txt\n  \
        switchboard audit verify --anchor \"$(tail -1 anchors.txt)\"")]
    Audit {
        /// What to do.
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Run the local sandbox (Twilio- or SignalWire-shaped) on its own port.
    ///
    /// Prints the variables that point a server at it (TWILIO_* or SIGNALWIRE_*). Its inventory
    /// holds several thousand fictional numbers (US and CA 555-01XX lines, US toll-free and
    /// mobile, GB drama ranges); its customer simulator is POST /sandbox/messages.
    #[command(after_help = "Examples:\n  switchboard sandbox\n  \
        switchboard sandbox --flavor signalwire --bind 127.0.0.1:9000")]
    Sandbox {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8081")]
        bind: String,
        /// Which provider the sandbox behaves like.
        #[arg(long, value_enum, default_value_t = FlavorArg::Twilio)]
        flavor: FlavorArg,
    },
    /// Check configuration, database, provider credentials and every number's webhooks.
    ///
    /// Prints one line per finding, `ok <check>: <detail>` or `FAIL <check>: <detail>`, listing
    /// each number whose SmsUrl, SmsMethod, StatusCallback or Voice* URLs differ from what PUBLIC_BASE_URL
    /// implies. Exits 1 when anything fails. With --fix, applies pending migrations and
    /// re-applies our webhooks to each differing number (recorded as WebhooksConfigured), then
    /// checks again.
    #[command(after_help = "Examples:\n  switchboard doctor\n  \
        switchboard doctor --fix && echo healthy")]
    Doctor {
        /// Repair what can be repaired (migrations, webhooks), then check again.
        #[arg(long)]
        fix: bool,
    },
}

/// `switchboard events …`.
#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// Stream the log to stdout for auditors' own tools, in commit order, in constant memory.
    ///
    /// Exports the events whose order is final when it starts (a consistent snapshot), each
    /// with its position, recorded_at, stream, sequence, type and version, payload and metadata
    /// as stored, and its audit chain hash once chained. NDJSON: one JSON object a line. CSV:
    /// RFC 4180 with a header; payload and metadata are JSON text.
    #[command(
        after_help = "Examples:\n  switchboard events export --format ndjson > events.ndjson\n  \
        switchboard events export --format csv --after 1000 --until 2025-01-31T23:59:59Z > jan.csv"
    )]
    Export {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Ndjson)]
        format: ExportFormat,
        /// Only events after this global position (0: from the start).
        #[arg(long, value_name = "POSITION", default_value_t = 0)]
        after: i64,
        /// Only events recorded at or before this time (RFC 3339).
        #[arg(long, value_name = "TIME")]
        until: Option<DateTime<Utc>>,
    },
}

/// `--format` of `switchboard events export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Newline-delimited JSON.
    Ndjson,
    /// Comma-separated values with a header line.
    Csv,
}

/// `switchboard audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the chain, recomputing every hash from the stored events, and name the first
    /// position where stored history was altered.
    ///
    /// Prints `ok …` and exits 0 when intact, or `ALTERED at position N: …` and exits 1. Each
    /// --anchor (a `POSITION:HASH` that `audit head` printed earlier and that was kept outside
    /// the database) must still match, which also catches a rewrite of the chain itself.
    #[command(after_help = "Examples:\n  switchboard audit verify\n  \
        switchboard audit verify --anchor 1200:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    Verify {
        /// A chain head kept outside the database, `POSITION:HASH` (repeatable).
        #[arg(long = "anchor", value_name = "POSITION:HASH")]
        anchors: Vec<Anchor>,
    },
    /// Print the chain head as an anchor, `POSITION:HASH`, to keep outside the database.
    #[command(after_help = "Example:\n  switchboard audit head >> anchors.txt")]
    Head,
}

/// `--flavor` of `switchboard sandbox`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FlavorArg {
    /// Twilio's REST API and `X-Twilio-Signature`.
    Twilio,
    /// SignalWire's Compatibility API and `X-SignalWire-Signature`.
    Signalwire,
}

impl From<FlavorArg> for Flavor {
    fn from(value: FlavorArg) -> Self {
        match value {
            FlavorArg::Twilio => Flavor::Twilio,
            FlavorArg::Signalwire => Flavor::SignalWire,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn every_subcommand_has_help_with_an_example() {
        Cli::command().debug_assert();
        let top = Cli::command();
        let mut commands: Vec<(String, &clap::Command)> = top
            .get_subcommands()
            .map(|sub| (sub.get_name().to_string(), sub))
            .collect();
        while let Some((name, command)) = commands.pop() {
            let help = command
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            assert!(
                help.contains("switchboard "),
                "`switchboard {name}` has no example"
            );
            commands.extend(
                command
                    .get_subcommands()
                    .map(|sub| (format!("{name} {}", sub.get_name()), sub)),
            );
        }
    }

    #[test]
    fn replay_events_and_audit_flags_parse() {
        let cli = Cli::try_parse_from(["switchboard", "replay", "--verify"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Replay {
                verify: true,
                projection: None,
                ..
            }
        ));
        assert!(
            Cli::try_parse_from(["switchboard", "replay", "--all", "--projection", "x"]).is_err()
        );
        let cli = Cli::try_parse_from([
            "switchboard",
            "events",
            "export",
            "--format",
            "csv",
            "--after",
            "7",
            "--until",
            "2025-01-31T23:59:59Z",
        ])
        .unwrap();
        let Command::Events {
            command:
                EventsCommand::Export {
                    format,
                    after,
                    until,
                },
        } = cli.command
        else {
            panic!("not an export");
        };
        assert_eq!((format, after), (ExportFormat::Csv, 7));
        assert_eq!(until.unwrap().to_rfc3339(), "2025-01-31T23:59:59+00:00");
        let anchor = format!("12:{}", "a".repeat(64));
        let cli =
            Cli::try_parse_from(["switchboard", "audit", "verify", "--anchor", &anchor]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Audit {
                command: AuditCommand::Verify { ref anchors }
            } if anchors.len() == 1 && anchors[0].position == 12
        ));
        assert!(Cli::try_parse_from(["switchboard", "audit", "verify", "--anchor", "12"]).is_err());
    }

    #[test]
    fn doctor_and_sandbox_flags_parse() {
        let cli = Cli::try_parse_from(["switchboard", "doctor", "--fix"]).unwrap();
        assert!(matches!(cli.command, Command::Doctor { fix: true }));
        let cli =
            Cli::try_parse_from(["switchboard", "sandbox", "--flavor", "signalwire"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Sandbox {
                flavor: FlavorArg::Signalwire,
                ..
            }
        ));
    }
}
