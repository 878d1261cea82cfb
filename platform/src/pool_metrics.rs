//! Connection-pool usage as gauges, sampled every [`SAMPLE_INTERVAL`] until shutdown:
//! `prism_db_pool_connections{pool, state="in_use"|"idle"}` and
//! `prism_db_pool_max_connections{pool}`. A pool whose connections are all in use makes every
//! further query wait up to the acquire timeout; these show it coming.

use std::time::Duration;

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

/// How often the gauges are refreshed.
pub const SAMPLE_INTERVAL: Duration = Duration::from_secs(5);

/// Reports `pool`'s usage under the label `pool="<name>"` until `shutdown`.
pub fn report(pool: PgPool, name: &'static str, shutdown: CancellationToken) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(SAMPLE_INTERVAL);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                _ = every.tick() => sample(&pool, name),
            }
        }
    });
}

/// Sets the gauges from `pool` as it is now.
fn sample(pool: &PgPool, name: &'static str) {
    let open = pool.size();
    let idle = u32::try_from(pool.num_idle()).unwrap_or(u32::MAX).min(open);
    metrics::gauge!("prism_db_pool_connections", "pool" => name, "state" => "in_use").set(f64::from(open - idle));
    metrics::gauge!("prism_db_pool_connections", "pool" => name, "state" => "idle").set(f64::from(idle));
    metrics::gauge!("prism_db_pool_max_connections", "pool" => name)
        .set(f64::from(pool.options().get_max_connections()));
}
