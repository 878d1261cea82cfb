//! The dead-letter contract: the topic a projector or process manager sends a record it
//! cannot apply to, and the headers it adds there — written by [`crate::runtime`], read back by
//! `prism-audit dead-letters`, which lists dead letters and redrives them to their source topic.

use prism_platform::contract::topic_name;

/// Header naming the consumer (projector or process manager) that dead-lettered the record.
pub const PROJECTOR_HEADER: &str = "prism-dlq-projector";
/// Header holding the error of the record's last attempt.
pub const ERROR_HEADER: &str = "prism-dlq-error";
/// Header holding where the record was read, `<topic>/<partition>/<offset>`.
pub const SOURCE_HEADER: &str = "prism-dlq-source";
/// Header holding how many attempts failed because of the record itself (a dependency being
/// unavailable does not count) before it was dead-lettered.
pub const ATTEMPTS_HEADER: &str = "prism-dlq-attempts";
/// What the names of the headers the dead-letter path adds start with.
pub const HEADER_PREFIX: &str = "prism-dlq-";
/// Header of a record redriven from a dead-letter topic: the dead letter it is a copy of,
/// `<dead-letter topic>/<partition>/<offset>`.
pub const REDRIVEN_FROM_HEADER: &str = "prism-redriven-from";

/// The dead-letter topic of the consumer `name`: `<prefix>.dlq.<name>`.
#[must_use]
pub fn dead_letter_topic(prefix: &str, name: &str) -> String {
    topic_name(prefix, &format!("dlq.{name}"))
}

/// The topic recording which dead letters of the consumer `name` were redriven, one record per
/// dead letter: `<prefix>.dlq.<name>.redriven`.
#[must_use]
pub fn redrive_log_topic(prefix: &str, name: &str) -> String {
    topic_name(prefix, &format!("dlq.{name}.redriven"))
}
