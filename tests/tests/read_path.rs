//! The read path end to end: a command becomes visible through the query API in each of
//! the three read models (Postgres, MongoDB, time series), consistency tokens make a client
//! read its own write, and tenants never see each other's data.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use prism_tests::ledger::entry;
use prism_tests::system::System;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn a_posted_and_reversed_entry_is_visible_in_every_read_model() {
    let system = System::start().await;
    let tenant = system.ledger_tenant().await;
    let posted = system.post(&tenant, "/v1/journal-entries", &entry("1000", "3000", 25_000)).await;
    assert_eq!(posted.status, 201, "{}", posted.body);
    let entry_id = posted.body["entry_id"].as_str().unwrap().to_owned();
    let position = posted.body["position"].as_i64();

    let found = system.get(&tenant, &format!("/v1/journal-entries/{entry_id}"), position).await;
    assert_eq!(found.status, 200, "{}", found.body);
    assert_eq!(found.body["status"], "posted");
    assert_eq!(found.body["lines"].as_array().unwrap().len(), 2);
    assert_eq!(found.body["lines"][0]["account"], "1000");
    assert_eq!(found.body["lines"][0]["debit_minor"], 25_000);

    let listed = system.get(&tenant, "/v1/journal-entries?account=3000&from=2026-11-01&to=2026-11-30", position).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(listed.body["items"][0]["entry_id"], entry_id.as_str());

    let balance = system.get(&tenant, "/v1/accounts/1000/balance", position).await;
    assert_eq!(
        balance.body["balances"],
        json!([{"currency": "EUR", "debit_total_minor": 25_000, "credit_total_minor": 0, "balance_minor": 25_000}])
    );

    let postings =
        system.get(&tenant, "/v1/accounts/1000/postings?from=2026-11-01&to=2026-11-30&bucket=day", position).await;
    assert_eq!(postings.status, 200, "{}", postings.body);
    assert_eq!(postings.body["buckets"].as_array().unwrap().len(), 1, "{}", postings.body);
    assert_eq!(postings.body["buckets"][0]["debit_minor"], 25_000);

    let reversed = system
        .post(
            &tenant,
            &format!("/v1/journal-entries/{entry_id}/reverse"),
            &json!({"reason": "wrong account", "date": "2026-11-26"}),
        )
        .await;
    assert_eq!(reversed.status, 201, "{}", reversed.body);
    let reversal_id = reversed.body["reversal_entry_id"].as_str().unwrap().to_owned();
    let position = reversed.body["position"].as_i64();

    let original = system.get(&tenant, &format!("/v1/journal-entries/{entry_id}"), position).await;
    assert_eq!(original.body["status"], "reversed");
    assert_eq!(original.body["reversed_by_entry_id"], reversal_id.as_str());
    let mirror = system.get(&tenant, &format!("/v1/journal-entries/{reversal_id}"), position).await;
    assert_eq!(mirror.body["reverses_entry_id"], entry_id.as_str());
    assert_eq!(mirror.body["lines"][0]["credit_minor"], 25_000, "the mirror credits what the original debited");

    let balance = system.get(&tenant, "/v1/accounts/1000/balance", position).await;
    assert_eq!(balance.body["balances"][0]["balance_minor"], 0, "a reversal nets the account to zero");

    let document = system.get(&tenant, &format!("/v1/journal-entries/{entry_id}/document"), position).await;
    assert_eq!(document.status, 200, "{}", document.body);
    assert_eq!(document.body["status"], "reversed");
    let history: Vec<_> =
        document.body["status_history"].as_array().unwrap().iter().map(|h| h["status"].clone()).collect();
    assert_eq!(history, vec![json!("posted"), json!("reversed")]);

    let daily =
        system.get(&tenant, "/v1/accounts/1000/postings?from=2026-11-01&to=2026-11-30&bucket=day", position).await;
    let nets: Vec<_> = daily.body["buckets"].as_array().unwrap().iter().map(|b| b["net_minor"].clone()).collect();
    assert_eq!(nets, vec![json!(25_000), json!(-25_000)], "{}", daily.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_tenants_never_see_each_others_entries() {
    let system = System::start().await;
    let (alpha, beta) = (system.ledger_tenant().await, system.ledger_tenant().await);
    let posted = system.post(&alpha, "/v1/journal-entries", &entry("1000", "3000", 7)).await;
    let beta_posted = system.post(&beta, "/v1/journal-entries", &entry("1000", "3000", 9)).await;
    let entry_id = posted.body["entry_id"].as_str().unwrap();
    let alpha_position = posted.body["position"].as_i64();
    let beta_position = beta_posted.body["position"].as_i64();

    let own = system.get(&alpha, &format!("/v1/journal-entries/{entry_id}"), alpha_position).await;
    assert_eq!(own.status, 200);
    let other = system.get(&beta, &format!("/v1/journal-entries/{entry_id}"), beta_position).await;
    assert_eq!(other.status, 404, "{}", other.body);
    let other_document = system.get(&beta, &format!("/v1/journal-entries/{entry_id}/document"), beta_position).await;
    assert_eq!(other_document.status, 404);

    let beta_list = system.get(&beta, "/v1/journal-entries", beta_position).await;
    let items = beta_list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["lines"][0]["debit_minor"], 9);
    let beta_balance = system.get(&beta, "/v1/accounts/1000/balance", beta_position).await;
    assert_eq!(beta_balance.body["balances"][0]["debit_total_minor"], 9);
}
