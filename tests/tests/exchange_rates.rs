//! Exchange rates end to end: the functional currency and rates set through the command API,
//! projected from Kafka into the read model and listed by the query API — exact rate text,
//! by currency then date, as JSON and CSV. Setting a rate to what it was records nothing, and
//! a refused command writes nothing.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use prism_projections::config::ProjectorKind;
use prism_tests::system::{Answer, System, SystemOptions};
use serde_json::{json, Value};

const RATES: &str = "/v1/exchange-rates";
const FUNCTIONAL: &str = "/v1/exchange-rates/functional-currency";
const RATE_EVENTS: &str = "events WHERE aggregate_type = 'finance.exchange_rates'";

fn rates(rates: &[(&str, &str, &str)]) -> Value {
    let rates: Vec<Value> =
        rates.iter().map(|(currency, date, rate)| json!({"currency": currency, "date": date, "rate": rate})).collect();
    json!({ "rates": rates })
}

fn assert_problem(answer: &Answer, status: u16, code: &str, field: Option<&str>) {
    assert_eq!(answer.status.as_u16(), status, "{}", answer.body);
    assert_eq!(answer.body["type"], format!("urn:prism:problem:{code}"), "{}", answer.body);
    assert_eq!(answer.body["field"].as_str(), field, "{}", answer.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn exchange_rates_are_set_projected_and_listed() {
    let system =
        System::start_with(SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;

    let functional = system.post(&tenant, FUNCTIONAL, &json!({"currency": "EUR"})).await;
    assert_eq!(functional.status, 201, "{}", functional.body);
    assert_eq!(functional.body["currency"], "EUR");
    assert_eq!(functional.body["version"], 1);

    let usd = rates(&[("USD", "2026-03-01", "0.9200"), ("USD", "2026-01-01", "0.9")]);
    let set = system.post(&tenant, RATES, &usd).await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!((set.body["changed"].as_i64(), set.body["version"].as_i64()), (Some(2), Some(3)), "{}", set.body);
    assert_eq!(set.headers["etag"], "\"3\"");
    let again = system.post(&tenant, RATES, &usd).await;
    assert_eq!((again.status.as_u16(), again.body["changed"].as_i64()), (200, Some(0)), "{}", again.body);
    assert_eq!(again.body["position"], set.body["position"]);

    let position = set.body["position"].as_i64();
    let list = system.get(&tenant, RATES, position).await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(
        list.body,
        json!({"functional_currency": "EUR", "items": [
            {"currency": "USD", "date": "2026-01-01", "rate": "0.9"},
            {"currency": "USD", "date": "2026-03-01", "rate": "0.92"},
        ]})
    );

    // A changed rate replaces its row; another currency lists before USD.
    let changed =
        system.post(&tenant, RATES, &rates(&[("USD", "2026-03-01", "0.93"), ("JPY", "2026-01-01", "0.0061")])).await;
    assert_eq!(changed.body["changed"], 2, "{}", changed.body);
    let list = system.get(&tenant, RATES, changed.body["position"].as_i64()).await;
    let items: Vec<(&str, &str, &str)> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["currency"].as_str().unwrap(), i["date"].as_str().unwrap(), i["rate"].as_str().unwrap()))
        .collect();
    assert_eq!(items, [("JPY", "2026-01-01", "0.0061"), ("USD", "2026-01-01", "0.9"), ("USD", "2026-03-01", "0.93")]);
    let filtered = system.get(&tenant, &format!("{RATES}?currency=USD&from=2026-02-01&to=2026-12-31"), None).await;
    assert_eq!(
        filtered.body,
        json!({"functional_currency": "EUR", "items": [{"currency": "USD", "date": "2026-03-01", "rate": "0.93"}]})
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_exchange_rate_command_writes_nothing() {
    let system =
        System::start_with(SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }).await;
    let tenant = system.ledger_tenant().await;

    let early = system.post(&tenant, RATES, &rates(&[("USD", "2026-01-01", "0.92")])).await;
    assert_problem(&early, 409, "no-functional-currency", None);
    let bad_functional = system.post(&tenant, FUNCTIONAL, &json!({"currency": "eur"})).await;
    assert_problem(&bad_functional, 422, "invalid-functional-currency", Some("currency"));
    assert_eq!(system.count(&tenant, RATE_EVENTS).await, 0, "a refused command records no event");

    let functional = system.post(&tenant, FUNCTIONAL, &json!({"currency": "EUR"})).await;
    assert_eq!(functional.status, 201, "{}", functional.body);
    let set = system.post(&tenant, RATES, &rates(&[("USD", "2026-01-01", "0.92")])).await;
    assert_eq!(set.status, 200, "{}", set.body);
    let events = system.count(&tenant, RATE_EVENTS).await;
    assert_eq!(events, 2);

    let twice = system.post(&tenant, FUNCTIONAL, &json!({"currency": "USD"})).await;
    assert_problem(&twice, 409, "functional-currency-set", None);
    let none = system.post(&tenant, RATES, &rates(&[])).await;
    assert_problem(&none, 422, "no-rates", Some("rates"));
    let bad_currency =
        system.post(&tenant, RATES, &rates(&[("USD", "2026-01-02", "1"), ("ABC", "2026-01-02", "1")])).await;
    assert_problem(&bad_currency, 422, "invalid-currency", Some("rates[1].currency"));
    let own = system.post(&tenant, RATES, &rates(&[("EUR", "2026-01-02", "1")])).await;
    assert_problem(&own, 422, "functional-currency-rate", Some("rates[0].currency"));
    for rate in ["0", "-1", "1.0000000001", "1234567890", "0,92", "abc"] {
        let bad_rate = system.post(&tenant, RATES, &rates(&[("USD", "2026-01-02", rate)])).await;
        assert_problem(&bad_rate, 422, "invalid-rate", Some("rates[0].rate"));
    }
    let repeated = system.post(&tenant, RATES, &rates(&[("USD", "2026-01-02", "1"), ("USD", "2026-01-02", "2")])).await;
    assert_problem(&repeated, 422, "duplicate-rate", Some("rates[1]"));
    let float =
        system.post(&tenant, RATES, &json!({"rates": [{"currency": "USD", "date": "2026-01-02", "rate": 0.92}]})).await;
    assert_eq!(float.status, 422, "{}", float.body);
    let stale = system
        .post_raw(
            &tenant,
            RATES,
            serde_json::to_vec(&rates(&[("USD", "2026-01-02", "1")])).unwrap(),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(stale.status, 409, "{}", stale.body);

    assert_eq!(system.count(&tenant, RATE_EVENTS).await, events, "a refused command records no event");
    let list = system.get(&tenant, RATES, set.body["position"].as_i64()).await;
    assert_eq!(
        list.body,
        json!({"functional_currency": "EUR", "items": [{"currency": "USD", "date": "2026-01-01", "rate": "0.92"}]})
    );
    let bad_query = system.get(&tenant, &format!("{RATES}?currency=usd"), None).await;
    assert_problem(&bad_query, 422, "invalid-field", Some("currency"));
}
