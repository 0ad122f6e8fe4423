//! The `switchboard` binary: `serve`, `migrate`, `openapi`, `replay`, `events export`,
//! `audit verify|head`, `sandbox`, `doctor` (definitions and `--help` in `cli.rs`; the log
//! commands in `commands/`).

use std::process::ExitCode;

use clap::Parser;
use secrecy::ExposeSecret;
use switchboard_adapters::event_store::Database;
use switchboard_adapters::sandbox::{serve_sandbox, SandboxConfig};
use switchboard_adapters::twilio::Flavor;
use switchboard_api::cli::{AuditCommand, Cli, Command, EventsCommand};
use switchboard_api::commands::{self, CommandError};
use switchboard_api::config::Settings;
use switchboard_api::startup::Application;
use switchboard_api::{doctor, telemetry};

#[allow(clippy::print_stdout)]
#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Openapi => {
            print!("{}", switchboard_api::openapi_yaml());
            return ExitCode::SUCCESS;
        }
        Command::Doctor { fix } => {
            telemetry::init_from_env();
            let healthy = doctor::run(fix, &mut std::io::stdout().lock()).await;
            return if healthy {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            };
        }
        Command::Sandbox { bind, flavor } => {
            telemetry::init_from_env();
            return sandbox(&bind, flavor.into()).await;
        }
        _ => {}
    }
    let mut settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("switchboard: invalid configuration: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Command::Serve { sandbox } = &cli.command {
        settings.sandbox |= *sandbox;
        if let Err(error) = settings.check_serve() {
            eprintln!("switchboard: invalid configuration: {error}");
            return ExitCode::FAILURE;
        }
    }
    telemetry::init(settings.log_format);
    for warning in settings.warnings() {
        tracing::warn!("{warning}");
    }
    match cli.command {
        Command::Openapi | Command::Doctor { .. } | Command::Sandbox { .. } => ExitCode::SUCCESS,
        Command::Migrate => {
            let result = async {
                let database = Database::connect(&settings.database_url).await?;
                database.migrate().await?;
                database.close().await;
                Ok::<_, switchboard_adapters::event_store::DatabaseError>(())
            }
            .await;
            match result {
                Ok(()) => {
                    println!("migrations applied to {}", redact(&settings.database_url));
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    tracing::error!(%error, "migration failed");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Replay {
            projection, verify, ..
        } => {
            let mut out = std::io::stdout().lock();
            exit(
                "replay",
                commands::replay::run(
                    &settings.database_url,
                    projection.as_deref(),
                    verify,
                    &mut out,
                )
                .await,
            )
        }
        Command::Events {
            command:
                EventsCommand::Export {
                    format,
                    after,
                    until,
                },
        } => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let result =
                commands::export::run(&settings.database_url, format, after, until, &mut out)
                    .await
                    .map(|_| true);
            exit("events export", result)
        }
        Command::Audit { command } => {
            let mut out = std::io::stdout().lock();
            let result = match command {
                AuditCommand::Verify { anchors } => {
                    commands::audit::verify(&settings.database_url, &anchors, &mut out).await
                }
                AuditCommand::Head => commands::audit::head(&settings.database_url, &mut out).await,
            };
            exit("audit", result)
        }
        Command::Serve { .. } => match Application::start(settings).await {
            Ok(app) => {
                println!(
                    "Switchboard listening on http://{} (provider: {})",
                    app.addr(),
                    app.provider_name()
                );
                if app.admin_api_key_was_generated() {
                    println!(
                        "ADMIN_API_KEY was not set; this run's key is: {}",
                        app.admin_api_key()
                    );
                }
                app.run_until_stopped().await;
                ExitCode::SUCCESS
            }
            Err(error) => {
                tracing::error!(%error, "cannot start");
                ExitCode::FAILURE
            }
        },
    }
}

/// Runs the sandbox of `flavor` on `bind` until Ctrl-C, after printing the variables that point
/// a server at it.
#[allow(clippy::print_stdout)]
async fn sandbox(bind: &str, flavor: Flavor) -> ExitCode {
    let server = match serve_sandbox(bind, SandboxConfig::generate_for(flavor)).await {
        Ok(server) => server,
        Err(error) => {
            tracing::error!(%error, "cannot start the sandbox");
            return ExitCode::FAILURE;
        }
    };
    let account = server.sandbox();
    match flavor {
        Flavor::Twilio => {
            println!("Twilio sandbox on {}", server.api_base_url());
            println!("TWILIO_API_BASE_URL={}", server.api_base_url());
            println!("TWILIO_ACCOUNT_SID={}", account.account_sid());
            println!("TWILIO_AUTH_TOKEN={}", account.auth_token().expose_secret());
        }
        Flavor::SignalWire => {
            println!("SignalWire sandbox on {}", server.api_base_url());
            println!("SIGNALWIRE_SPACE_URL={}", server.space_url());
            println!("SIGNALWIRE_PROJECT_ID={}", account.account_sid());
            println!(
                "SIGNALWIRE_API_TOKEN={}",
                account.auth_token().expose_secret()
            );
            println!(
                "SIGNALWIRE_SIGNING_KEY={}",
                account.signing_key().expose_secret()
            );
        }
    }
    println!("customer simulator: POST {}", server.messages_url());
    let _ = server
        .run_until(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
    ExitCode::SUCCESS
}

/// The exit code of a log command: 0 when it succeeded, 1 when it found a problem (already
/// reported on stdout) or failed (logged).
fn exit(command: &str, result: Result<bool, CommandError>) -> ExitCode {
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            tracing::error!(%error, "{command} failed");
            ExitCode::FAILURE
        }
    }
}

/// The URL without a password.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}
