//! `prism-audit`: prints the answer to one subcommand (see `prism-audit --help`). Exits 0 on an
//! answer, 1 when `verify` finds a broken chain or `import` a line that does not chain, 2 on a
//! usage error or when the question cannot be answered (unknown tenant, no such aggregate,
//! database unreachable, a tenant to import into that has events, Kafka refusing, no such
//! dead letter).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use prism_audit::cli::{Cli, Command, DeadLetterAction};
use prism_audit::export::{self, Range};
use prism_audit::republish::{self, Selection};
use prism_audit::{dead_letters, history, import, rebuild, state, trace, verify, AuditError};

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

/// Answers the subcommand on stdout: `Ok(false)` when `verify` found a broken chain or
/// `import` rejected the archive.
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
        Command::Rebuild { projector: _, tenant, no_swap } => {
            (rebuild::rebuild(&pool, tenant, !*no_swap, &progress_bar()).await?, true)
        }
        Command::Verify { tenant, read_models } => {
            verify::verify(&pool, tenant.as_deref(), *read_models, &progress_bar()).await?
        }
        Command::Export { tenant, from, to, output } => {
            let range = Range { from: *from, to: *to };
            let Some(path) = output else {
                // The archive is the answer on stdout; its summary goes to stderr.
                let mut out = BufWriter::new(std::io::stdout().lock());
                let summary = export::export(&pool, tenant, range, &mut out, &progress_bar()).await?;
                summary.write(cli.format, &mut std::io::stderr().lock())?;
                return Ok(true);
            };
            let mut file = BufWriter::new(File::create(path).map_err(AuditError::file(path))?);
            (export::export(&pool, tenant, range, &mut file, &progress_bar()).await?, true)
        }
        Command::Import { tenant, input, provision } => {
            if *provision {
                import::provision_empty(&pool, tenant).await?;
            }
            import::import(&pool, tenant, input, &progress_bar()).await?
        }
        Command::Republish { tenant, from_position, to_position, topic, kafka, registry } => {
            let selection =
                Selection { from_position: *from_position, to_position: *to_position, topic: topic.as_deref() };
            (republish::republish(&pool, tenant, selection, kafka, registry, &progress_bar()).await?, true)
        }
        Command::DeadLetters { action: DeadLetterAction::List { projector, kafka } } => {
            (dead_letters::list(kafka, projector).await?, true)
        }
        Command::DeadLetters { action: DeadLetterAction::Redrive { projector, offset, partition, all: _, kafka } } => {
            let selection = match (partition, offset) {
                (Some(partition), Some(offset)) => {
                    dead_letters::Selection::One { partition: *partition, offset: *offset }
                }
                _ => dead_letters::Selection::All,
            };
            (dead_letters::redrive(kafka, projector, selection).await?, true)
        }
    };
    rows.write(cli.format, &mut std::io::stdout().lock())?;
    Ok(intact)
}

/// A bar on stderr (drawn only when stderr is a terminal) counting the events verified,
/// exported, imported or republished.
fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} events {per_sec} {eta}") {
        bar.set_style(style);
    }
    bar
}
