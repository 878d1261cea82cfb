//! Ledger helpers for tests: request bodies for balanced entries and fiscal years, an entry
//! posted and reversed, and the balances a fresh replay of the event store gives, to compare
//! read models against.

use std::collections::BTreeMap;

use futures::StreamExt;
use prism_aggregates::finance::journal_entry::{JournalEntryEvent, PostedLine};
use serde_json::{json, Value};
use sqlx::PgPool;

use crate::system::System;

/// Posting accounts of the default chart that [`post_entries`] spreads its debits over.
pub const DEBIT_ACCOUNTS: [&str; 7] = ["1000", "1010", "1100", "1200", "1300", "1400", "1500"];

/// Requests [`post_entries`] keeps in flight at once.
const CONCURRENT_POSTS: usize = 8;

/// The `index`th entry of a workload: [`entry`] of `100 + index` from `3000` to one of
/// [`DEBIT_ACCOUNTS`] in turn.
#[must_use]
pub fn numbered_entry(index: u64) -> Value {
    let debit = DEBIT_ACCOUNTS[usize::try_from(index % 7).expect("small")];
    entry(debit, "3000", 100 + i64::try_from(index).expect("a small index"))
}

/// Posts `count` [`numbered_entry`]s as `tenant`'s admin, several at a time.
///
/// # Panics
/// When the command API refuses one (a failed test).
pub async fn post_entries(system: &System, tenant: &str, count: u64) {
    futures::stream::iter(0..count)
        .map(|index| async move {
            let posted = system.post(tenant, "/v1/journal-entries", &numbered_entry(index)).await;
            assert_eq!(posted.status.as_u16(), 201, "{}", posted.body);
        })
        .buffer_unordered(CONCURRENT_POSTS)
        .collect::<Vec<()>>()
        .await;
}

/// Posts [`numbered_entry`]s as `tenant`'s admin, a steady stream of two at a time, until
/// `stop` is cancelled: how many it posted.
///
/// # Panics
/// When the command API refuses one (a failed test).
pub async fn post_until(system: &System, tenant: &str, stop: &tokio_util::sync::CancellationToken) -> u64 {
    let mut posted = 0;
    while !stop.is_cancelled() {
        post_entries(system, tenant, 2).await;
        posted += 2;
    }
    posted
}

/// A balanced two-line entry: `amount` minor units of EUR from `credit` to `debit`.
#[must_use]
pub fn entry(debit: &str, credit: &str, amount: i64) -> Value {
    json!({
        "date": "2026-11-25",
        "description": format!("move {amount} from {credit} to {debit}"),
        "lines": [
            {"account": debit, "debit": amount, "currency": "EUR"},
            {"account": credit, "credit": amount, "currency": "EUR"}
        ]
    })
}

/// Posts [`entry`] `1000`/`3000` of 1,250 as `tenant`'s admin in request `correlation_id`
/// (`X-Correlation-ID`), then reverses it ("posted twice", 2026-11-26) in another request: the
/// entry's id.
///
/// # Panics
/// When the command API refuses either (a failed test).
pub async fn posted_and_reversed(system: &System, tenant: &str, correlation_id: &str) -> String {
    let body = serde_json::to_vec(&entry("1000", "3000", 1_250)).expect("json");
    let posted = system.post_raw(tenant, "/v1/journal-entries", body, &[("x-correlation-id", correlation_id)]).await;
    assert_eq!(posted.status.as_u16(), 201, "{}", posted.body);
    let entry_id = posted.body["entry_id"].as_str().expect("an entry_id in the answer").to_owned();
    let reversal = json!({"reason": "posted twice", "date": "2026-11-26"});
    let reversed = system.post(tenant, &format!("/v1/journal-entries/{entry_id}/reverse"), &reversal).await;
    assert_eq!(reversed.status.as_u16(), 201, "{}", reversed.body);
    entry_id
}

/// Body opening calendar year `year` as a fiscal year of monthly periods.
#[must_use]
pub fn fiscal_year(year: i32) -> Value {
    json!({"start_date": format!("{year}-01-01")})
}

/// `(debit total, credit total)` per `(account, currency)`.
pub type Balances = BTreeMap<(String, String), (i64, i64)>;

/// Balances obtained by replaying every journal-entry event in `tenant`'s event store.
///
/// # Panics
/// When the event store cannot be read (a failed test).
pub async fn replayed_balances(pool: &PgPool, tenant: &str) -> Balances {
    let payloads: Vec<Value> = sqlx::query_scalar(&format!(
        "SELECT payload::jsonb FROM tenant_{tenant}.events
              WHERE aggregate_type = 'finance.journal_entry' ORDER BY global_position"
    ))
    .fetch_all(pool)
    .await
    .expect("event store readable");
    let mut balances = Balances::new();
    for payload in payloads {
        let lines: Vec<PostedLine> = match serde_json::from_value(payload).expect("stored event decodes") {
            JournalEntryEvent::JournalEntryPosted(posted) => posted.lines,
            JournalEntryEvent::JournalEntryReversed(reversed) => reversed.lines,
            JournalEntryEvent::JournalEntryDrafted(_) | JournalEntryEvent::JournalEntryDraftDiscarded(_) => continue,
        };
        for line in lines {
            let totals = balances.entry((line.account, line.currency)).or_default();
            totals.0 += line.debit_minor;
            totals.1 += line.credit_minor;
        }
    }
    balances
}

/// Balances as the Postgres read model holds them.
///
/// # Panics
/// When the read model cannot be read.
pub async fn projected_balances(pool: &PgPool, tenant: &str) -> Balances {
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT account, currency::text, debit_total_minor, credit_total_minor FROM tenant_{tenant}.account_balances"
    ))
    .fetch_all(pool)
    .await
    .unwrap_or_default();
    rows.into_iter().map(|(a, c, d, k)| ((a, c), (d, k))).collect()
}
