//! The `switchboard` command line: subcommands, options and their `--help` (each with an
//! example). `main.rs` runs them.

use clap::{Parser, Subcommand, ValueEnum};
use switchboard_adapters::twilio::Flavor;

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
    /// /sandbox and says so. SIGTERM or Ctrl-C stop it gracefully.
    #[command(after_help = "Example:\n  \
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/switchboard \\\n  \
        PUBLIC_BASE_URL=https://switchboard.example.com \\\n  \
        TWILIO_ACCOUNT_SID=AC… TWILIO_AUTH_TOKEN=… switchboard serve")]
    Serve,
    /// Apply database migrations and exit.
    #[command(after_help = "Example:\n  \
        DATABASE_URL=sqlite://switchboard.db switchboard migrate")]
    Migrate,
    /// Print the OpenAPI document (YAML) the server serves.
    #[command(after_help = "Example:\n  switchboard openapi > openapi.yaml")]
    Openapi,
    /// Rebuild every read model from position 0 of the global log.
    ///
    /// Shows progress on a terminal (plain lines on stderr otherwise).
    #[command(after_help = "Example:\n  \
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/switchboard switchboard replay")]
    Replay,
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
        for sub in Cli::command().get_subcommands() {
            let help = sub
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            assert!(
                help.contains("switchboard "),
                "`switchboard {}` has no example",
                sub.get_name()
            );
        }
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
