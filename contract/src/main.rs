//! `prism-contract docs` prints the topic contract as Markdown (`docs/events.md`);
//! `prism-contract check` exits 1 naming every way the current Avro schemas break the
//! published contract (`schemas/avro/published.json`); `prism-contract lock` records the
//! current schemas as published, refusing as `check` does (the first lock, without a file, has
//! nothing to refuse); `prism-contract samples` publishes a sample record of every event type
//! to the topics of `--topic-prefix`, as the relay publishes.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use prism_contract::{docs, published, repo_root, samples};
use prism_platform::config::{KafkaArgs, RegistryArgs};

#[derive(Debug, Parser)]
#[command(name = "prism-contract", about = "The Kafka topic contract: its document and its compatibility gate")]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print docs/events.md.
    Docs,
    /// Check the current schemas against the published contract.
    Check,
    /// Record the current schemas as the published contract, if they pass the check.
    Lock,
    /// Publish a sample record of every event type, as the relay does.
    Samples {
        /// Where to publish (use a topic prefix of its own).
        #[command(flatten)]
        kafka: KafkaArgs,
        /// The schema registry.
        #[command(flatten)]
        registry: RegistryArgs,
    },
}

fn main() -> ExitCode {
    let path = repo_root().join(published::PATH);
    match Args::parse().command {
        Command::Docs => {
            print!("{}", docs::markdown());
            ExitCode::SUCCESS
        }
        Command::Samples { kafka, registry } => {
            let runtime = match tokio::runtime::Runtime::new() {
                Ok(runtime) => runtime,
                Err(error) => return failed(&error.to_string()),
            };
            match runtime.block_on(samples::publish(&kafka, &registry)) {
                Ok(published) => {
                    println!("{published} sample records published under {}", kafka.topic_prefix);
                    ExitCode::SUCCESS
                }
                Err(error) => failed(&error.to_string()),
            }
        }
        command @ (Command::Check | Command::Lock) => {
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                // Nothing published yet: the first lock has nothing to break.
                Err(error) if error.kind() == std::io::ErrorKind::NotFound && matches!(command, Command::Lock) => {
                    "{}".to_owned()
                }
                Err(error) => return failed(&format!("{}: {error}", path.display())),
            };
            let problems = match published::parse(&text) {
                Ok(contract) => published::incompatibilities(&contract),
                Err(error) => return failed(&format!("{}: {error}", path.display())),
            };
            if !problems.is_empty() {
                return failed(&problems.join("\n"));
            }
            if matches!(command, Command::Lock) {
                if let Err(error) = std::fs::write(&path, published::locked()) {
                    return failed(&format!("{}: {error}", path.display()));
                }
            }
            ExitCode::SUCCESS
        }
    }
}

fn failed(message: &str) -> ExitCode {
    eprintln!("{message}");
    ExitCode::FAILURE
}
