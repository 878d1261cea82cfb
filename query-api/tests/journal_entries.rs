//! The journal-entry endpoints over the Postgres ledger read model.

mod common;

use common::{assert_problem, new_tenant, seed_entry, SeedEntry, TestApi};
use serde_json::json;

#[tokio::test]
async fn an_entry_is_returned_with_its_lines_status_and_reversal_links() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    let entry = SeedEntry::new("2026-03-02", 7, &[("1000", "EUR", 12_345, 0), ("4000", "EUR", 0, 12_345)]);
    seed_entry(&api.pool, &tenant, &entry).await;

    let answer = api.get(&tenant, &format!("/v1/journal-entries/{}", entry.entry_id), &[]).await;

    assert_eq!(answer.status, 200, "{answer:?}");
    let body = &answer.body;
    assert_eq!(body["entry_id"], entry.entry_id.to_string());
    assert_eq!(body["entry_date"], "2026-03-02");
    assert_eq!(body["status"], "posted");
    assert_eq!(body["source_reference"], "INV-1");
    assert_eq!(body["reverses_entry_id"], json!(null));
    assert_eq!(body["reversed_by_entry_id"], json!(null));
    assert_eq!(body["last_position"], 7);
    assert_eq!(
        body["lines"],
        json!([
            {"line_no": 1, "account": "1000", "currency": "EUR", "debit_minor": 12_345, "credit_minor": 0, "memo": null,
             "functional": null},
            {"line_no": 2, "account": "4000", "currency": "EUR", "debit_minor": 0, "credit_minor": 12_345, "memo": null,
             "functional": null},
        ])
    );
}

#[tokio::test]
async fn a_reversed_entry_names_the_entry_that_reversed_it_and_why() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    let original = SeedEntry::new("2026-03-02", 1, &[("1000", "EUR", 500, 0), ("4000", "EUR", 0, 500)]);
    let reversal = SeedEntry::new("2026-03-03", 2, &[("1000", "EUR", 0, 500), ("4000", "EUR", 500, 0)]);
    seed_entry(&api.pool, &tenant, &original).await;
    seed_entry(&api.pool, &tenant, &reversal).await;
    let entries = prism_query_api::stores::tenant_table(&tenant, "journal_entries");
    sqlx::query(&format!(
        "UPDATE {entries} SET status = 'reversed', reversed_by_entry_id = $2, reversal_reason = 'typo' WHERE entry_id = $1"
    ))
    .bind(original.entry_id)
    .bind(reversal.entry_id)
    .execute(&api.pool)
    .await
    .unwrap();
    sqlx::query(&format!("UPDATE {entries} SET reverses_entry_id = $1 WHERE entry_id = $2"))
        .bind(original.entry_id)
        .bind(reversal.entry_id)
        .execute(&api.pool)
        .await
        .unwrap();

    let original_answer = api.get(&tenant, &format!("/v1/journal-entries/{}", original.entry_id), &[]).await;
    let reversal_answer = api.get(&tenant, &format!("/v1/journal-entries/{}", reversal.entry_id), &[]).await;

    assert_eq!(original_answer.body["status"], "reversed");
    assert_eq!(original_answer.body["reversed_by_entry_id"], reversal.entry_id.to_string());
    assert_eq!(original_answer.body["reversal_reason"], "typo");
    assert_eq!(reversal_answer.body["reverses_entry_id"], original.entry_id.to_string());
}

#[tokio::test]
async fn an_entry_that_does_not_exist_is_not_found() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;

    let answer = api.get(&tenant, &format!("/v1/journal-entries/{}", uuid::Uuid::new_v4()), &[]).await;

    assert_problem(&answer, 404, "not-found");
}

#[tokio::test]
async fn an_entry_id_that_is_not_a_uuid_is_not_found() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;

    let answer = api.get(&tenant, "/v1/journal-entries/not-a-uuid", &[]).await;

    assert_problem(&answer, 404, "not-found");
}

#[tokio::test]
async fn listing_by_account_and_dates_pages_through_exactly_the_matching_entries_in_date_order() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;
    let cash_sale =
        |date, position| SeedEntry::new(date, position, &[("1000", "EUR", 100, 0), ("4000", "EUR", 0, 100)]);
    let before_range = cash_sale("2026-02-28", 1);
    let third = cash_sale("2026-03-05", 2);
    let first = cash_sale("2026-03-01", 3);
    let other_account = SeedEntry::new("2026-03-02", 4, &[("2000", "EUR", 100, 0), ("4000", "EUR", 0, 100)]);
    let second = cash_sale("2026-03-03", 5);
    let after_range = cash_sale("2026-04-01", 6);
    for entry in [&before_range, &third, &first, &other_account, &second, &after_range] {
        seed_entry(&api.pool, &tenant, entry).await;
    }
    let query = "/v1/journal-entries?account=1000&from=2026-03-01&to=2026-03-31&limit=2";

    let page_one = api.get(&tenant, query, &[]).await;
    let cursor = page_one.body["next_cursor"].as_str().expect("a second page").to_owned();
    let page_two = api.get(&tenant, &format!("{query}&cursor={cursor}"), &[]).await;

    let ids = |page: &common::Answer| -> Vec<String> {
        page.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["entry_id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(page_one.status, 200, "{page_one:?}");
    assert_eq!(ids(&page_one), [first.entry_id.to_string(), second.entry_id.to_string()]);
    assert_eq!(page_one.body["items"][0]["lines"].as_array().unwrap().len(), 2, "all lines, not just the filtered one");
    assert_eq!(ids(&page_two), [third.entry_id.to_string()]);
    assert_eq!(page_two.body["next_cursor"], json!(null));
}

#[tokio::test]
async fn an_unfiltered_list_of_an_empty_ledger_is_an_empty_last_page() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;

    let answer = api.get(&tenant, "/v1/journal-entries", &[]).await;

    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body, json!({"items": [], "next_cursor": null}));
}

#[tokio::test]
async fn a_limit_over_the_maximum_is_rejected_naming_limit_while_the_maximum_itself_is_accepted() {
    let api = TestApi::start_with(&["--page-size-max", "20"]).await;
    let tenant = new_tenant(&api.pool).await;

    let over = api.get(&tenant, "/v1/journal-entries?limit=21", &[]).await;
    let at = api.get(&tenant, "/v1/journal-entries?limit=20", &[]).await;
    let zero = api.get(&tenant, "/v1/journal-entries?limit=0", &[]).await;

    assert_problem(&over, 422, "invalid-field");
    assert_eq!(over.body["field"], "limit");
    assert_eq!(at.status, 200, "{at:?}");
    assert_eq!(zero.body["field"], "limit");
}

#[tokio::test]
async fn a_malformed_date_or_a_reversed_range_is_rejected_naming_the_field() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;

    let bad_from = api.get(&tenant, "/v1/journal-entries?from=2026-02-30", &[]).await;
    let bad_to = api.get(&tenant, "/v1/journal-entries?to=yesterday", &[]).await;
    let reversed = api.get(&tenant, "/v1/journal-entries?from=2026-03-02&to=2026-03-01", &[]).await;

    assert_problem(&bad_from, 422, "invalid-field");
    assert_eq!(bad_from.body["field"], "from");
    assert_eq!(bad_to.body["field"], "to");
    assert_problem(&reversed, 422, "invalid-field");
    assert_eq!(reversed.body["field"], "to");
}

#[tokio::test]
async fn a_cursor_this_api_did_not_hand_out_is_rejected_naming_cursor() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;

    let answer = api.get(&tenant, "/v1/journal-entries?cursor=bogus", &[]).await;

    assert_problem(&answer, 422, "invalid-field");
    assert_eq!(answer.body["field"], "cursor");
}

#[tokio::test]
async fn an_unknown_query_parameter_is_a_malformed_request() {
    let api = TestApi::start(1_000).await;
    let tenant = new_tenant(&api.pool).await;

    let answer = api.get(&tenant, "/v1/journal-entries?acount=1000", &[]).await;

    assert_problem(&answer, 400, "malformed-request");
}
