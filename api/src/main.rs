//! The `switchboard` binary: `serve`, `migrate`, `openapi`, `replay`, `sandbox`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use switchboard_adapters::event_store::{Database, SqlGlobalLog};
use switchboard_adapters::sandbox::{serve_sandbox, SandboxConfig};
use switchboard_api::config::Settings;
use switchboard_api::startup::Application;
use switchboard_api::telemetry;
use switchboard_projections::Projector;

/// Switchboard: dedicated Twilio/WhatsApp numbers per organization, inbound routing, event-sourced.
#[derive(Parser)]
#[command(name = "switchboard", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (migrates the database first).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Print the OpenAPI document (YAML) the server serves.
    Openapi,
    /// Rebuild every read model from position 0 of the global log.
    Replay,
    /// Run the local Twilio sandbox on its own port.
    Sandbox {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8081")]
        bind: String,
    },
}

#[allow(clippy::print_stdout)]
#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Openapi = cli.command {
        print!("{}", switchboard_api::openapi_yaml());
        return ExitCode::SUCCESS;
    }
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("switchboard: invalid configuration: {error}");
            return ExitCode::FAILURE;
        }
    };
    telemetry::init(settings.log_format);
    for warning in settings.warnings() {
        tracing::warn!("{warning}");
    }
    match cli.command {
        Command::Openapi => ExitCode::SUCCESS,
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
        Command::Replay => match replay(&settings.database_url).await {
            Ok(applied) => {
                println!("read models rebuilt from {applied} event applications");
                ExitCode::SUCCESS
            }
            Err(error) => {
                tracing::error!(%error, "replay failed");
                ExitCode::FAILURE
            }
        },
        Command::Serve => match Application::start(settings).await {
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
        Command::Sandbox { bind } => {
            let config = SandboxConfig::generate();
            match serve_sandbox(bind.as_str(), config).await {
                Ok(server) => {
                    println!("Twilio sandbox on {}", server.api_base_url());
                    println!("TWILIO_API_BASE_URL={}", server.api_base_url());
                    println!("TWILIO_ACCOUNT_SID={}", server.sandbox().account_sid());
                    println!(
                        "TWILIO_AUTH_TOKEN={}",
                        secrecy::ExposeSecret::expose_secret(server.sandbox().auth_token())
                    );
                    let _ = server
                        .run_until(async {
                            let _ = tokio::signal::ctrl_c().await;
                        })
                        .await;
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    tracing::error!(%error, "cannot start the sandbox");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// Empties the read models and applies the whole global log to them again.
async fn replay(database_url: &str) -> Result<u64, Box<dyn std::error::Error>> {
    let database = Database::connect(database_url).await?;
    database.migrate().await?;
    let log = std::sync::Arc::new(SqlGlobalLog::new(&database));
    let projector = Projector::new(database.any().clone(), log);
    let applied = projector.rebuild().await?;
    database.close().await;
    Ok(applied)
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
