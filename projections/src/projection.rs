//! The one trait every projector implements, and what the runtime needs from it.

use std::collections::{HashMap, HashSet};

use crate::decode::ProjectedEvent;

/// Error of a projection step; the runtime retries and then dead-letters.
pub type ProjectionError = Box<dyn std::error::Error + Send + Sync>;

/// Where a source record sits, for checkpoints of events that are dead-lettered.
#[derive(Debug, Clone)]
pub struct SourcePosition {
    /// Topic.
    pub topic: String,
    /// Partition.
    pub partition: i32,
    /// Offset.
    pub offset: i64,
}

impl SourcePosition {
    /// Reads `<topic>/<partition>/<offset>`, as [`SourcePosition`] displays.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.rsplitn(3, '/');
        let offset = parts.next()?.parse().ok()?;
        let partition = parts.next()?.parse().ok()?;
        let topic = parts.next().filter(|topic| !topic.is_empty())?;
        Some(Self { topic: topic.to_owned(), partition, offset })
    }
}

impl std::fmt::Display for SourcePosition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.topic, self.partition, self.offset)
    }
}

/// A read model fed from Kafka.
#[async_trait::async_trait]
pub trait Projection: Send + Sync {
    /// Aggregate types whose topics this projection follows (`finance.journal_entry`).
    fn aggregate_types(&self) -> &'static [&'static str];

    /// Offsets to resume from per partition of `topic`, when the store keeps them itself
    /// (`None`: resume from the consumer group's committed offsets).
    async fn resume_offsets(&self, topic: &str) -> Result<Option<HashMap<i32, i64>>, ProjectionError>;

    /// Applies consecutive events (in partition order) at once, each exactly once in effect
    /// (checkpoint in the same transaction, or writes guarded by the aggregate sequence); on
    /// error nothing or a prefix of them may have taken effect, and the runtime applies them
    /// again one by one.
    async fn apply_batch(&self, events: &[ProjectedEvent]) -> Result<(), ProjectionError>;

    /// Applies one event: a batch of one.
    async fn apply(&self, event: &ProjectedEvent) -> Result<(), ProjectionError> {
        self.apply_batch(std::slice::from_ref(event)).await
    }

    /// Moves the checkpoint past a record that was dead-lettered without being applied.
    async fn skip(&self, source: &SourcePosition) -> Result<(), ProjectionError>;
}

/// `events` grouped by tenant, each group in the events' order and without repeats of one
/// event (the same tenant and global position: a redelivery within the batch).
#[must_use]
pub fn by_tenant(events: &[ProjectedEvent]) -> Vec<(&str, Vec<&ProjectedEvent>)> {
    let mut groups: Vec<(&str, Vec<&ProjectedEvent>)> = Vec::new();
    let mut seen = HashSet::new();
    for event in events {
        let tenant = event.envelope.tenant.as_str();
        if !seen.insert((tenant, event.envelope.global_position)) {
            continue;
        }
        match groups.iter_mut().find(|(t, _)| *t == tenant) {
            Some((_, group)) => group.push(event),
            None => groups.push((tenant, vec![event])),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_position_reads_back_as_it_displays() {
        let position = SourcePosition { topic: "prism.finance.journal-entry.v1".to_owned(), partition: 2, offset: 41 };
        let text = position.to_string();
        assert_eq!(text, "prism.finance.journal-entry.v1/2/41");
        let read = SourcePosition::parse(&text).unwrap();
        assert_eq!((read.topic.as_str(), read.partition, read.offset), ("prism.finance.journal-entry.v1", 2, 41));
        assert!(SourcePosition::parse("topic/x/1").is_none());
        assert!(SourcePosition::parse("/0/1").is_none());
        assert!(SourcePosition::parse("0/1").is_none());
    }
}
