//! Latency statistics from collected durations: nearest-rank percentiles in milliseconds,
//! computed by sorting every sample (no histogram crate: a run collects at most a few
//! hundred thousand samples, which sort in milliseconds), and the process's peak RSS.

use std::time::Duration;

use serde::Serialize;

/// Summary of a set of latency samples, in milliseconds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Latency {
    /// Number of samples.
    pub samples: usize,
    /// Median.
    pub p50_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// 99.9th percentile.
    pub p999_ms: f64,
    /// Largest sample.
    pub max_ms: f64,
    /// Arithmetic mean.
    pub mean_ms: f64,
}

impl Latency {
    /// Summarises `samples` (any order). All fields are 0 when there are none.
    #[must_use]
    pub fn of(samples: &[Duration]) -> Self {
        let mut sorted = samples.to_vec();
        sorted.sort_unstable();
        let total: Duration = sorted.iter().sum();
        let mean_ms = if sorted.is_empty() { 0.0 } else { ms(total) / sorted.len() as f64 };
        Self {
            samples: sorted.len(),
            p50_ms: percentile(&sorted, 500),
            p95_ms: percentile(&sorted, 950),
            p99_ms: percentile(&sorted, 990),
            p999_ms: percentile(&sorted, 999),
            max_ms: sorted.last().copied().map_or(0.0, ms),
            mean_ms,
        }
    }
}

/// Nearest-rank quantile `per_mille` (1..=1000, so 999 is p99.9) of ascending `sorted`, in
/// milliseconds.
fn percentile(sorted: &[Duration], per_mille: usize) -> f64 {
    debug_assert!((1..=1000).contains(&per_mille), "quantile {per_mille}‰ out of range");
    debug_assert!(sorted.windows(2).all(|w| w[0] <= w[1]), "samples must be sorted");
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (per_mille * sorted.len()).div_ceil(1000).max(1);
    ms(sorted[rank - 1])
}

/// `duration` in milliseconds.
#[must_use]
pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

/// `count` per second over `elapsed` (0 when nothing elapsed).
#[must_use]
pub fn per_second(count: usize, elapsed: Duration) -> f64 {
    let seconds = elapsed.as_secs_f64();
    if seconds > 0.0 {
        count as f64 / seconds
    } else {
        0.0
    }
}

/// Peak resident set size of this process so far (`VmHWM` of `/proc/self/status`), in MiB;
/// `None` where there is no such file.
#[must_use]
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles_of_one_to_one_hundred_are_the_ranks_themselves() {
        let samples: Vec<Duration> = (1..=100).rev().map(Duration::from_millis).collect();
        let latency = Latency::of(&samples);
        assert_eq!(latency.samples, 100);
        assert!((latency.p50_ms - 50.0).abs() < 1e-9);
        assert!((latency.p95_ms - 95.0).abs() < 1e-9);
        assert!((latency.p99_ms - 99.0).abs() < 1e-9);
        assert!((latency.p999_ms - 100.0).abs() < 1e-9);
        assert!((latency.max_ms - 100.0).abs() < 1e-9);
        assert!((latency.mean_ms - 50.5).abs() < 1e-9);
    }

    #[test]
    fn a_single_sample_is_every_percentile_and_no_samples_give_zeros() {
        let one = Latency::of(&[Duration::from_millis(7)]);
        assert!((one.p50_ms - 7.0).abs() < 1e-9 && (one.p99_ms - 7.0).abs() < 1e-9);
        let none = Latency::of(&[]);
        assert_eq!(none.samples, 0);
        assert!(none.p50_ms.abs() < 1e-9);
    }

    #[test]
    fn p999_of_two_thousand_samples_is_the_second_largest() {
        let samples: Vec<Duration> = (1..=2_000).map(Duration::from_micros).collect();
        let latency = Latency::of(&samples);
        assert!((latency.p999_ms - 1.998).abs() < 1e-9);
        assert!((latency.p50_ms - 1.0).abs() < 1e-9);
    }

    #[test]
    fn peak_rss_is_read_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(peak_rss_mib().is_some_and(|mib| mib > 0.0));
        }
    }

    #[test]
    fn rate_over_no_time_is_zero() {
        assert!(per_second(10, Duration::ZERO).abs() < 1e-9);
        assert!((per_second(10, Duration::from_secs(2)) - 5.0).abs() < 1e-9);
    }
}
