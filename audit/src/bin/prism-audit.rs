//! `prism-audit`: prints the answer to one subcommand (see `prism-audit --help`). Exits 0 on an
//! answer, 1 when `verify` finds a broken chain, 2 on a usage error or when the question cannot
//! be answered (unknown tenant, no such aggregate, database unreachable).

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use prism_audit::cli::{Cli, Command};
use prism_audit::{history, state, trace, verify, AuditError};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "prism-audit: {error}");
            ExitCode::from(2)
        }
    }
}

/// Answers the subcommand on stdout: `Ok(false)` when `verify` found a broken chain.
async fn run(cli: Cli) -> Result<bool, AuditError> {
    let pool = prism_platform::db::connect_url(&cli.database_url, 2).await?;
    let (rows, intact) = match &cli.command {
        Command::History { tenant, aggregate_type, id } => {
            (history::history(&pool, tenant, aggregate_type, id).await?, true)
        }
        Command::State { tenant, aggregate_type, id, as_of } => {
            (state::state(&pool, tenant, aggregate_type, id, *as_of).await?, true)
        }
        Command::Trace { tenant, correlation_id } => (trace::trace(&pool, tenant, correlation_id).await?, true),
        Command::Verify { tenant } => verify::verify(&pool, tenant.as_deref(), &progress_bar()).await?,
    };
    rows.write(cli.format, &mut std::io::stdout().lock())?;
    Ok(intact)
}

/// A bar on stderr (drawn only when stderr is a terminal) counting verified events.
fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} events {per_sec} {eta}") {
        bar.set_style(style);
    }
    bar
}
