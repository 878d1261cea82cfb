//! The `timescale` projector stamps each posting with its account's type, which it follows
//! from the chart-of-accounts topic, whatever order the two topics arrive in: a posting whose
//! account is already known is stamped at insert, one that came first is stamped when its
//! `AccountOpened` arrives, and redelivery changes nothing. Runs against the real Postgres.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

mod common;

use chrono::NaiveDate;
use common::{envelope, pool, projected, tenant};
use cqrs_es::{Aggregate, DomainEvent as _};
use prism_aggregates::finance::chart::{AccountOpened, AccountRenamed, ChartEvent, ChartOfAccounts};
use prism_aggregates::finance::journal_entry::{JournalEntry, JournalEntryEvent, JournalEntryPosted, PostedLine};
use prism_projections::decode::{DomainEvent, ProjectedEvent};
use prism_projections::projection::Projection;
use prism_projections::projectors::timescale::PostingsProjection;
use sqlx::PgPool;
use uuid::Uuid;

/// A journal entry dated `date` with `(account, debit, credit)` lines in EUR, at `position`.
fn posted(tenant: &str, date: &str, position: i64, lines: &[(&str, i64, i64)]) -> ProjectedEvent {
    let entry_id = Uuid::new_v4().to_string();
    let lines = lines
        .iter()
        .zip(1..)
        .map(|((account, debit, credit), line_no)| PostedLine {
            line_no,
            account: (*account).to_owned(),
            debit_minor: *debit,
            credit_minor: *credit,
            currency: "EUR".to_owned(),
            memo: None,
            functional: None,
        })
        .collect();
    let event = JournalEntryEvent::JournalEntryPosted(JournalEntryPosted {
        entry_id: entry_id.clone(),
        tenant: tenant.to_owned(),
        entry_date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
        description: "classified".to_owned(),
        source_reference: None,
        lines,
    });
    let envelope = envelope(tenant, JournalEntry::TYPE, &entry_id, event.event_type(), position);
    projected(envelope, DomainEvent::JournalEntry(event), format!("journal-{tenant}"), position)
}

fn chart_event(tenant: &str, position: i64, event: ChartEvent) -> ProjectedEvent {
    let envelope = envelope(tenant, ChartOfAccounts::TYPE, tenant, event.event_type(), position);
    projected(envelope, DomainEvent::Chart(event), format!("chart-{tenant}"), position)
}

/// `AccountOpened` for `code` of `account_type`, at `position`.
fn opened(tenant: &str, position: i64, code: &str, account_type: &str) -> ProjectedEvent {
    let normal_balance = if matches!(account_type, "asset" | "expense") { "debit" } else { "credit" };
    chart_event(
        tenant,
        position,
        ChartEvent::AccountOpened(AccountOpened {
            code: code.to_owned(),
            name: format!("Account {code}"),
            account_type: account_type.to_owned(),
            normal_balance: normal_balance.to_owned(),
            parent: None,
            header: false,
            currency: None,
            cash: false,
        }),
    )
}

/// Each posting's account and stamped type, by account then position.
async fn stamps(pool: &PgPool, tenant: &str) -> Vec<(String, Option<String>)> {
    sqlx::query_as(&format!(
        "SELECT account, account_type FROM tenant_{tenant}.postings ORDER BY account, global_position, line_no"
    ))
    .fetch_all(pool)
    .await
    .unwrap()
}

fn stamp(account: &str, account_type: Option<&str>) -> (String, Option<String>) {
    (account.to_owned(), account_type.map(str::to_owned))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_posting_that_arrives_before_its_account_is_stamped_when_the_account_opens() {
    let (pool, tenant) = (pool().await, tenant("c"));
    let projection = PostingsProjection::new(pool.clone());
    projection.apply(&opened(&tenant, 1, "1000", "asset")).await.unwrap();
    projection.apply(&posted(&tenant, "2026-03-02", 2, &[("1000", 500, 0), ("4000", 0, 500)])).await.unwrap();
    assert_eq!(stamps(&pool, &tenant).await, [stamp("1000", Some("asset")), stamp("4000", None)]);

    projection.apply(&opened(&tenant, 3, "4000", "income")).await.unwrap();

    assert_eq!(stamps(&pool, &tenant).await, [stamp("1000", Some("asset")), stamp("4000", Some("income"))]);
    let daily: Vec<(String, Option<String>, String, String)> = sqlx::query_as(&format!(
        "SELECT account, account_type, debit_minor::text, credit_minor::text
           FROM tenant_{tenant}.daily_account_totals ORDER BY account"
    ))
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        daily,
        [
            ("1000".to_owned(), Some("asset".to_owned()), "500".to_owned(), "0".to_owned()),
            ("4000".to_owned(), Some("income".to_owned()), "0".to_owned(), "500".to_owned()),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn one_batch_with_the_posting_before_its_account_stamps_it() {
    let (pool, tenant) = (pool().await, tenant("c"));
    let batch = [
        posted(&tenant, "2026-03-02", 1, &[("6100", 700, 0), ("1000", 0, 700)]),
        opened(&tenant, 2, "6100", "expense"),
        opened(&tenant, 3, "1000", "asset"),
    ];

    PostingsProjection::new(pool.clone()).apply_batch(&batch).await.unwrap();

    assert_eq!(stamps(&pool, &tenant).await, [stamp("1000", Some("asset")), stamp("6100", Some("expense"))]);
}

#[tokio::test(flavor = "multi_thread")]
async fn redelivered_chart_events_change_nothing_and_other_chart_events_are_ignored() {
    let (pool, tenant) = (pool().await, tenant("c"));
    let projection = PostingsProjection::new(pool.clone());
    let account = opened(&tenant, 1, "4000", "income");
    let entry = posted(&tenant, "2026-03-02", 2, &[("1000", 900, 0), ("4000", 0, 900)]);
    let renamed = chart_event(
        &tenant,
        3,
        ChartEvent::AccountRenamed(AccountRenamed { code: "4000".to_owned(), name: "Sales".to_owned() }),
    );
    for event in [&account, &entry, &renamed, &account, &entry, &renamed] {
        projection.apply(event).await.unwrap();
    }

    assert_eq!(stamps(&pool, &tenant).await, [stamp("1000", None), stamp("4000", Some("income"))]);
    let accounts: Vec<(String, String, i64)> = sqlx::query_as(&format!(
        "SELECT code, account_type, last_position FROM tenant_{tenant}.posting_accounts ORDER BY code"
    ))
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(accounts, [("4000".to_owned(), "income".to_owned(), 1)]);
    let applied: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM tenant_{tenant}.projection_applied WHERE projector = 'timescale'"
    ))
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(applied, 3, "chart events count as applied positions too");
}
