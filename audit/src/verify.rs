//! `verify`: recomputes each tenant's hash chain (see `migrations/tenant/0012_audit_trail.sql`)
//! link by link, streaming the events in chain order in batches, and reports the first broken
//! link: an event whose bytes or hash were altered, a gap where an event was removed, or a
//! chain that stops short of its recorded head. With `--read-models`, it also compares each
//! Postgres read model of the tenant with a fresh replay of its events
//! ([`crate::read_models`]): one more row per table.

use indicatif::ProgressBar;
use serde_json::{json, Value};
use sqlx::PgPool;

use crate::output::Rows;
use crate::read_models::{self, TableComparison};
use crate::store::{tenant_schema, tenants};
use crate::AuditError;

/// Columns of the answer: one row per tenant for its hash chain (`check` = `hash-chain`), and
/// with `--read-models` one per read-model table (`check` = `read-model:<table>`; `events`:
/// how many were replayed; `status` `matches` or `differs`).
pub const COLUMNS: &[&str] = &["tenant", "check", "events", "status", "broken_at_chain_seq", "position", "detail"];

/// Events read per round trip.
const BATCH: i64 = 10_000;

/// The hash the first event of a tenant chains to.
const GENESIS: [u8; 32] = [0; 32];

/// The first broken link of a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// Chain number where the chain breaks.
    pub chain_seq: i64,
    /// Global position of the event found there, if any.
    pub global_position: Option<i64>,
    /// What is wrong.
    pub detail: String,
}

/// Verifies the chain of `tenant`, or of every tenant, advancing `progress` per event — and,
/// when `read_models`, compares each tenant's Postgres read models with a replay: the rows of
/// the answer, and whether every chain is intact and every read model matches.
///
/// # Errors
/// An unknown tenant, a database failure, or (comparing read models) an event that does not
/// decode.
pub async fn verify(
    pool: &PgPool,
    tenant: Option<&str>,
    read_models: bool,
    progress: &ProgressBar,
) -> Result<(Rows, bool), AuditError> {
    let slugs = match tenant {
        Some(tenant) => vec![tenant.to_owned()],
        None => tenants(pool).await?,
    };
    let mut rows = Rows::new(COLUMNS);
    let mut intact = true;
    for slug in slugs {
        let schema = tenant_schema(pool, &slug).await?;
        let (events, broken) = verify_chain(pool, &schema, progress).await?;
        intact &= broken.is_none();
        rows.push(match broken {
            None => {
                vec![json!(slug), json!(CHAIN), json!(events), json!("intact"), Value::Null, Value::Null, Value::Null]
            }
            Some(link) => vec![
                json!(slug),
                json!(CHAIN),
                json!(events),
                json!("broken"),
                json!(link.chain_seq),
                link.global_position.map_or(Value::Null, |p| json!(p)),
                json!(link.detail),
            ],
        });
        if read_models {
            let (replayed, tables) = read_models::compare(pool, &slug, &schema).await?;
            for table in tables {
                intact &= table.differing == 0;
                rows.push(read_model_row(&slug, replayed, &table));
            }
        }
    }
    progress.finish_and_clear();
    Ok((rows, intact))
}

/// The `check` of a hash-chain row.
const CHAIN: &str = "hash-chain";

/// The answer row of one read-model table of `tenant`, after `replayed` events.
fn read_model_row(tenant: &str, replayed: i64, table: &TableComparison) -> Vec<Value> {
    let counts = format!("live {} rows, replayed {}", table.live_rows, table.replayed_rows);
    let (status, detail) = if table.differing == 0 {
        ("matches", counts)
    } else {
        ("differs", format!("{counts}; {} rows differ, first keys {}", table.differing, table.differing_keys.join(" ")))
    };
    let check = format!("read-model:{}", table.table);
    vec![json!(tenant), json!(check), json!(replayed), json!(status), Value::Null, Value::Null, json!(detail)]
}

/// One link as read: the event's place, its stored hash, and the hash recomputed from its
/// bytes and the stored hash before it.
#[derive(sqlx::FromRow)]
struct Link {
    chain_seq: i64,
    global_position: i64,
    chain_hash: Vec<u8>,
    recomputed: Vec<u8>,
}

/// Walks the chain of the tenant in `schema`: how many links were checked, and the first
/// broken one.
async fn verify_chain(pool: &PgPool, schema: &str, progress: &ProgressBar) -> Result<(i64, Option<Break>), AuditError> {
    let (head_seq, head_hash): (i64, Vec<u8>) =
        sqlx::query_as(&format!("SELECT last_seq, last_hash FROM {schema}.event_chain_head")).fetch_one(pool).await?;
    progress.inc_length(u64::try_from(head_seq).unwrap_or(0));
    let sql = format!(
        "SELECT chain_seq, global_position, chain_hash,
                sha256(coalesce(lag(chain_hash) OVER (ORDER BY chain_seq), $2) || {schema}.event_canonical_bytes(
                    event_id, aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata,
                    recorded_at)) AS recomputed
           FROM {schema}.events WHERE chain_seq > $1 ORDER BY chain_seq LIMIT $3"
    );
    let (mut seq, mut hash) = (0_i64, GENESIS.to_vec());
    loop {
        let links: Vec<Link> = sqlx::query_as(&sql).bind(seq).bind(&hash).bind(BATCH).fetch_all(pool).await?;
        let Some(last) = links.last().map(|link| link.chain_seq) else { break };
        for link in links {
            if let Some(broken) = check_link(seq, &link) {
                return Ok((seq, Some(broken)));
            }
            (seq, hash) = (link.chain_seq, link.chain_hash);
        }
        progress.set_position(u64::try_from(last).unwrap_or(0));
    }
    if (seq, &hash) != (head_seq, &head_hash) {
        let detail = format!("the chain ends at {seq} but its head records {head_seq}: events were removed");
        return Ok((seq, Some(Break { chain_seq: seq + 1, global_position: None, detail })));
    }
    Ok((seq, None))
}

/// Whether `link` follows the link numbered `previous` and its hash is what its bytes give.
fn check_link(previous: i64, link: &Link) -> Option<Break> {
    let at =
        |detail: String| Some(Break { chain_seq: link.chain_seq, global_position: Some(link.global_position), detail });
    if link.chain_seq != previous + 1 {
        return at(format!("chain number {} follows {previous}: an event was removed", link.chain_seq));
    }
    if link.recomputed != link.chain_hash {
        return at("the stored hash differs from the event's bytes: the event (or the hash) was altered".to_owned());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(chain_seq: i64, intact: bool) -> Link {
        Link {
            chain_seq,
            global_position: chain_seq + 100,
            chain_hash: vec![1],
            recomputed: vec![u8::from(!intact) + 1],
        }
    }

    #[test]
    fn a_link_must_follow_its_predecessor_and_match_its_bytes() {
        assert_eq!(check_link(4, &link(5, true)), None);
        let gap = check_link(4, &link(6, true)).unwrap();
        assert_eq!((gap.chain_seq, gap.global_position), (6, Some(106)));
        assert!(gap.detail.contains("removed"), "{}", gap.detail);
        let altered = check_link(4, &link(5, false)).unwrap();
        assert!(altered.detail.contains("altered"), "{}", altered.detail);
    }
}
