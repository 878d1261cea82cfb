//! The command line: global options (database, output format) and one subcommand per question
//! or archive operation; `dead-letters` has subcommands of its own.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use prism_platform::config::{KafkaArgs, RegistryArgs};

use crate::output::Format;

/// Inspect and verify Prism's event store.
#[derive(Debug, Parser)]
#[command(name = "prism-audit", version, about)]
pub struct Cli {
    /// Postgres URL of the event store.
    #[arg(long, env = "PRISM_DATABASE_URL", default_value = "postgres://prism:prism@127.0.0.1:25432/prism")]
    pub database_url: String,
    /// How answers are printed.
    #[arg(long, value_enum, default_value_t = Format::Table, global = true)]
    pub format: Format,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Every event of one aggregate, oldest first: version, position, when, which request, what.
    History {
        /// Tenant slug.
        #[arg(long, env = "PRISM_TENANT")]
        tenant: String,
        /// Aggregate type, e.g. `finance.journal_entry`, `supply.sales_order`.
        aggregate_type: String,
        /// Aggregate id (entry id, order id, SKU, `chart`…).
        id: String,
    },
    /// The aggregate rebuilt from its events, up to `--as-of` (all of them by default).
    State {
        /// Tenant slug.
        #[arg(long, env = "PRISM_TENANT")]
        tenant: String,
        /// Aggregate type, e.g. `finance.invoice`.
        aggregate_type: String,
        /// Aggregate id.
        id: String,
        /// A version (the aggregate's sequence number, e.g. `3`) or an RFC 3339 time
        /// (`2026-11-25T12:00:00Z`): only events up to it are applied.
        #[arg(long, value_parser = AsOf::parse)]
        as_of: Option<AsOf>,
    },
    /// Every event caused by one request (its correlation id), across aggregates, in order.
    Trace {
        /// Tenant slug.
        #[arg(long, env = "PRISM_TENANT")]
        tenant: String,
        /// The correlation id (`X-Correlation-ID` of the request, or its command id).
        correlation_id: String,
    },
    /// Recomputes every tenant's hash chain (or one tenant's) and reports the first broken
    /// link; with `--read-models`, also compares the Postgres read models with a replay. Exits
    /// 1 when a chain is broken or a read model differs.
    Verify {
        /// Only this tenant.
        #[arg(long, env = "PRISM_TENANT")]
        tenant: Option<String>,
        /// Also compare each Postgres read model with a fresh replay of the events the
        /// `postgres` projector applied, table by table, listing the rows that differ. Exits 1
        /// when one does.
        #[arg(long)]
        read_models: bool,
    },
    /// Rebuilds a tenant's Postgres read model from its event store into a schema of its own,
    /// batch by batch, while the live one keeps serving, then swaps it in atomically. An
    /// interrupted rebuild resumes where it stopped.
    Rebuild {
        /// The projector whose read model is rebuilt: `postgres`.
        #[arg(value_parser = ["postgres"])]
        projector: String,
        /// Tenant slug.
        #[arg(long, env = "PRISM_TENANT")]
        tenant: String,
        /// Replay only; leave the rebuilt model prepared for a later `rebuild` to finish.
        #[arg(long)]
        no_swap: bool,
    },
    /// Writes the tenant's events as JSON Lines, in chain order, with every stored column
    /// `import` needs to restore them bit for bit. `import` takes a whole export (without
    /// `--from` or `--to`).
    Export {
        /// Tenant slug.
        #[arg(long, env = "PRISM_TENANT")]
        tenant: String,
        /// Only events from this global position or RFC 3339 time on (inclusive).
        #[arg(long, value_parser = Bound::parse)]
        from: Option<Bound>,
        /// Only events up to this global position or RFC 3339 time (inclusive).
        #[arg(long, value_parser = Bound::parse)]
        to: Option<Bound>,
        /// The file to write (created or truncated); stdout by default, with the summary on
        /// stderr.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Restores an `export` into the tenant's empty event store: same ids, positions, times
    /// and chain hashes, nothing sent to Kafka. Exits 1, importing nothing, when a line's hash
    /// is not what its bytes give (an altered or removed event).
    Import {
        /// Tenant slug: provisioned, without events (or not there yet, with `--provision`).
        #[arg(long, env = "PRISM_TENANT")]
        tenant: String,
        /// The JSON Lines file `export` wrote.
        #[arg(long)]
        input: PathBuf,
        /// Provision the tenant first — register it and create and migrate its schema, with
        /// no event and no user — when it does not exist yet (as when restoring onto a fresh
        /// installation, where `POST /v1/tenants` would record events of its own).
        #[arg(long)]
        provision: bool,
    },
    /// Publishes stored events to Kafka again, as the relay did: same topic, key, headers and
    /// Avro value. Prints how many events went to each topic.
    Republish {
        /// Tenant slug.
        #[arg(long, env = "PRISM_TENANT")]
        tenant: String,
        /// First global position to publish.
        #[arg(long)]
        from_position: i64,
        /// Last global position to publish (the last event by default).
        #[arg(long)]
        to_position: Option<i64>,
        /// Only the events of this topic (full name, e.g. `prism.finance.journal-entry.v1`).
        #[arg(long)]
        topic: Option<String>,
        /// Kafka to publish to.
        #[command(flatten)]
        kafka: KafkaArgs,
        /// The schema registry the values are encoded with.
        #[command(flatten)]
        registry: RegistryArgs,
    },
    /// A projector's (or process manager's) dead letters, read from Kafka: list them, or
    /// redrive them to the topic they came from once the cause is fixed.
    DeadLetters {
        /// What to do with them.
        #[command(subcommand)]
        action: DeadLetterAction,
    },
}

/// The `dead-letters` subcommands.
#[derive(Debug, Subcommand)]
pub enum DeadLetterAction {
    /// Every record in `<prefix>.dlq.<projector>`, oldest first per partition: partition,
    /// offset, when it was dead-lettered, source topic/partition/offset, key, event type,
    /// tenant, failed attempts, error, and where it was redriven to (empty when it was not).
    List {
        /// The projector or process manager: `postgres`, `mongo`, `timescale`,
        /// `payment-allocations`…
        #[arg(value_parser = consumer_name)]
        projector: String,
        /// Kafka to read.
        #[command(flatten)]
        kafka: KafkaArgs,
    },
    /// Publishes dead letters again to the topic and partition they were read from — same key,
    /// value and headers, without the `prism-dlq-*` ones, with `prism-redriven-from` — so the
    /// consumer applies them. Each dead letter is redriven at most once, over all runs: what
    /// was redriven is recorded in `<prefix>.dlq.<projector>.redriven`.
    Redrive {
        /// The projector or process manager whose dead letters are redriven.
        #[arg(value_parser = consumer_name)]
        projector: String,
        /// Only the dead letter at this offset (of `--partition`), as `list` shows it.
        #[arg(long, requires = "partition", required_unless_present = "all", conflicts_with = "all")]
        offset: Option<i64>,
        /// The dead-letter topic's partition of `--offset`.
        #[arg(long, requires = "offset")]
        partition: Option<i32>,
        /// Every dead letter not redriven yet, in order per partition.
        #[arg(long)]
        all: bool,
        /// Kafka to read and publish to.
        #[command(flatten)]
        kafka: KafkaArgs,
    },
}

/// A consumer name as topic and group names use it: lowercase letters, digits and `-`.
fn consumer_name(text: &str) -> Result<String, String> {
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        Ok(text.to_owned())
    } else {
        Err(format!("{text:?} is not a projector name (lowercase letters, digits and -)"))
    }
}

/// How far `state` replays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOf {
    /// Up to and including this version (sequence number).
    Version(i64),
    /// Events recorded at or before this time.
    Time(DateTime<Utc>),
}

impl AsOf {
    /// A version number or an RFC 3339 time.
    ///
    /// # Errors
    /// When it is neither.
    pub fn parse(text: &str) -> Result<Self, String> {
        number_or_time(text, "version", Self::Version, Self::Time)
    }
}

/// Where `export` starts or stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// This global position.
    Position(i64),
    /// This recording time.
    Time(DateTime<Utc>),
}

impl Bound {
    /// A global position or an RFC 3339 time.
    ///
    /// # Errors
    /// When it is neither.
    pub fn parse(text: &str) -> Result<Self, String> {
        number_or_time(text, "position", Self::Position, Self::Time)
    }
}

/// `text` as a `number` (0 or more) or an RFC 3339 time, made into a `T` by `of_number` or
/// `of_time`.
fn number_or_time<T>(
    text: &str,
    number: &str,
    of_number: fn(i64) -> T,
    of_time: fn(DateTime<Utc>) -> T,
) -> Result<T, String> {
    if let Ok(value) = text.parse::<i64>() {
        return if value >= 0 { Ok(of_number(value)) } else { Err(format!("a {number} is 0 or more")) };
    }
    DateTime::parse_from_rfc3339(text)
        .map(|time| of_time(time.with_timezone(&Utc)))
        .map_err(|_| format!("{text:?} is neither a {number} number nor an RFC 3339 time"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_of_is_a_version_or_a_time() {
        assert_eq!(AsOf::parse("3"), Ok(AsOf::Version(3)));
        let time = DateTime::parse_from_rfc3339("2026-11-25T12:00:00+01:00").unwrap().with_timezone(&Utc);
        assert_eq!(AsOf::parse("2026-11-25T12:00:00+01:00"), Ok(AsOf::Time(time)));
        assert!(AsOf::parse("-1").is_err());
        assert!(AsOf::parse("yesterday").is_err());
    }

    #[test]
    fn a_bound_is_a_position_or_a_time() {
        assert_eq!(Bound::parse("42"), Ok(Bound::Position(42)));
        let time = DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(Bound::parse("2026-11-25T12:00:00Z"), Ok(Bound::Time(time)));
        assert_eq!(Bound::parse("-3"), Err("a position is 0 or more".to_owned()));
        assert!(Bound::parse("soon").unwrap_err().contains("position number"));
    }

    #[test]
    fn republish_takes_kafka_and_registry_from_flags() {
        let cli = Cli::parse_from([
            "prism-audit",
            "republish",
            "--tenant",
            "acme",
            "--from-position",
            "5",
            "--topic",
            "p.finance.journal-entry.v1",
            "--kafka-brokers",
            "k:1",
            "--schema-registry-url",
            "http://r:2",
        ]);
        let Command::Republish { from_position, to_position, topic, kafka, registry, .. } = cli.command else {
            panic!("republish parsed as {:?}", cli.command)
        };
        assert_eq!((from_position, to_position, topic.as_deref()), (5, None, Some("p.finance.journal-entry.v1")));
        assert_eq!((kafka.brokers.as_str(), registry.url.as_str()), ("k:1", "http://r:2"));
    }

    #[test]
    fn every_subcommand_has_help() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
        for sub in ["history", "state", "trace", "verify", "export", "import", "republish", "rebuild", "dead-letters"] {
            assert!(Cli::command().find_subcommand(sub).and_then(|c| c.get_about()).is_some(), "{sub}");
        }
    }

    /// `prism-audit dead-letters <args>` parsed: its action, or the usage error.
    fn dead_letters(args: &[&str]) -> Result<DeadLetterAction, clap::Error> {
        let cli = Cli::try_parse_from(["prism-audit", "dead-letters"].iter().chain(args))?;
        let Command::DeadLetters { action } = cli.command else { panic!("dead-letters parsed as {:?}", cli.command) };
        Ok(action)
    }

    #[test]
    fn redrive_takes_one_dead_letter_by_partition_and_offset_or_all_of_them() {
        let one = dead_letters(&["redrive", "postgres", "--partition", "1", "--offset", "7"]).unwrap();
        assert!(matches!(one, DeadLetterAction::Redrive { offset: Some(7), partition: Some(1), all: false, .. }));
        let all = dead_letters(&["redrive", "payment-allocations", "--all", "--topic-prefix", "p"]).unwrap();
        let DeadLetterAction::Redrive { projector, all: true, kafka, .. } = all else { panic!("{all:?}") };
        assert_eq!((projector.as_str(), kafka.topic_prefix.as_str()), ("payment-allocations", "p"));
        for refused in [
            &["redrive", "postgres"][..],
            &["redrive", "postgres", "--offset", "7"],
            &["redrive", "postgres", "--all", "--partition", "0", "--offset", "7"],
            &["list", "Postgres;"],
        ] {
            assert!(dead_letters(refused).is_err(), "{refused:?}");
        }
        assert!(matches!(dead_letters(&["list", "mongo"]), Ok(DeadLetterAction::List { .. })));
    }
}
