//! Entry ids for rows the benchmarks write straight into the database: time-ordered
//! version-7 UUIDs, as the command API gives entries posted without an id, so that the
//! indexes on them grow at their right edge as they do in production (random ids would
//! scatter every insert across the index and measure something Prism does not do).

/// SQL for the version-7 UUID of the bigint SQL expression `n`: its 48-bit timestamp is
/// `n` milliseconds after 2026-11-25 00:00 UTC, its other bits are taken from `md5(n)`
/// (Postgres 15 has no `uuidv7()`). Distinct `n` give distinct, increasing ids.
pub fn time_ordered_uuid_sql(n: &str) -> String {
    format!(
        "overlay(overlay(overlay(md5(({n})::text) placing lpad(to_hex(1764028800000 + ({n})), 12, '0') from 1 for 12)
                         placing '7' from 13 for 1) placing '8' from 17 for 1)::uuid"
    )
}
