//! Ledger helpers for tests: request bodies for balanced entries and fiscal years, an entry
//! posted and reversed, and the balances a fresh replay of the event store gives, to compare
//! read models against.

use std::collections::BTreeMap;

use prism_aggregates::finance::journal_entry::{JournalEntryEvent, PostedLine};
use serde_json::{json, Value};
use sqlx::PgPool;

use crate::system::System;

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
