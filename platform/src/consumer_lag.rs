//! Consumer lag per partition, from librdkafka's own statistics: a consumer created with
//! [`ConsumerLag`] as its context reports, every [`STATISTICS_INTERVAL_MS`], each assigned
//! partition's lag — the records between the partition's end and the consumer's position (see
//! [`lag_of`]) — as the gauge `prism_projector_partition_lag_messages{projector, topic, partition}`.
//! Reading them costs no request: librdkafka tracks the offsets anyway.

use rdkafka::consumer::ConsumerContext;
use rdkafka::statistics::{Partition, Statistics};
use rdkafka::ClientContext;

/// How often librdkafka reports its statistics, in milliseconds.
pub const STATISTICS_INTERVAL_MS: u32 = 5_000;

/// The context of a projector's (or process manager's) consumer: reports its lag per partition.
#[derive(Debug, Clone, Copy)]
pub struct ConsumerLag {
    projector: &'static str,
}

impl ConsumerLag {
    /// The context of the consumer of projector `projector` (the `projector` label).
    #[must_use]
    pub fn new(projector: &'static str) -> Self {
        Self { projector }
    }
}

impl ClientContext for ConsumerLag {
    fn stats(&self, statistics: Statistics) {
        for (topic, lag) in &statistics.topics {
            for partition in lag.partitions.values() {
                // Partition -1 is librdkafka's internal "unassigned" queue.
                let Some(lag) = lag_of(partition).filter(|_| partition.partition >= 0) else { continue };
                #[allow(clippy::cast_precision_loss)]
                let records = lag as f64;
                metrics::gauge!(
                    "prism_projector_partition_lag_messages",
                    "projector" => self.projector,
                    "topic" => topic.clone(),
                    "partition" => partition.partition.to_string()
                )
                .set(records);
            }
        }
    }
}

impl ConsumerContext for ConsumerLag {}

/// The records past the consumer's position on `partition`: librdkafka's lag behind the last
/// commit, or — before this consumer has committed there (a projector resumes from its store's
/// checkpoint, not from a committed offset) — behind the offset it fetches next. `None` while
/// neither the end of the partition nor the position is known.
fn lag_of(partition: &Partition) -> Option<i64> {
    if partition.consumer_lag >= 0 {
        return Some(partition.consumer_lag);
    }
    (partition.hi_offset >= 0 && partition.next_offset >= 0)
        .then(|| (partition.hi_offset - partition.next_offset).max(0))
}
