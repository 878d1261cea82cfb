//! Leave on the real stack: an HR manager grants an employee's annual entitlement, a staff user
//! requests leave (its working days counted), an approver approves it and the balance reads
//! back from the query API; an overlapping request and one beyond the remaining days are 409
//! problem+json naming the field; rejecting and cancelling give the days back; requests for an
//! unknown or terminated employee are refused naming `employee_id`; requesting is not approving,
//! staff request and cancel leave only for the employee linked to their user, and reading leave
//! needs `hr.leave.approve`.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use prism_projections::config::ProjectorKind;
use prism_tests::system::{accepted, assert_refused, new_tenant, System, SystemOptions};
use serde_json::{json, Value};

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }
}

/// Hires an employee who signs in as `user_id`, if any; its id.
async fn hire(system: &System, tenant: &str, user_id: Option<&str>) -> String {
    let body = json!({"name": "Ada", "email": "ada@example.com", "birth_date": "1990-01-01",
                      "address": "1 Main St", "org_unit_id": "engineering", "salary_minor": 500_000,
                      "currency": "EUR", "hired_on": "2026-01-01", "user_id": user_id});
    let answer = system.post(tenant, "/v1/employees", &body).await;
    accepted(&answer, 201);
    answer.body["employee_id"].as_str().unwrap().to_owned()
}

/// `[entitled, pending, approved, remaining]` of a command's answer or a balance row.
fn balance(of: &Value) -> [Value; 4] {
    ["entitled_days", "pending_days", "approved_days", "remaining_days"].map(|key| of[key].clone())
}

#[tokio::test(flavor = "multi_thread")]
async fn leave_is_requested_approved_and_given_back_within_the_entitlement() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    let t = tenant.as_str();
    let ada_user = system.user(t, &["sales"]).await;
    let ada = hire(&system, t, Some(&ada_user.user_id)).await;
    let staff = ada_user.token;
    let approver = system.user_token(t, &["approver"]).await;

    let granted = system
        .post(
            t,
            &format!("/v1/employees/{ada}/leave-entitlements"),
            &json!({"year": 2027, "leave_type": "annual", "days": 10}),
        )
        .await;
    accepted(&granted, 200);
    assert_eq!(balance(&granted.body), [json!(10), json!(0), json!(0), json!(10)]);

    // Monday 1 to Friday 5 March 2027 with a weekend after: five working days.
    let request = |start: &str, end: &str| json!({"leave_type": "annual", "start_date": start, "end_date": end});
    let requests = format!("/v1/employees/{ada}/leave-requests");
    let march = system.post_as(&staff, &requests, &request("2027-03-01", "2027-03-07")).await;
    accepted(&march, 201);
    assert_eq!((march.body["status"].as_str(), march.body["working_days"].as_i64()), (Some("pending"), Some(5)));
    assert_eq!(balance(&march.body), [json!(10), json!(5), json!(0), json!(5)]);
    let account = march.body["leave_account_id"].as_str().unwrap().to_owned();
    let march_id = march.body["request_id"].as_str().unwrap().to_owned();
    let decide =
        |request_id: &str, action: &str| format!("/v1/leave-accounts/{account}/requests/{request_id}/{action}");

    // Another staff user may neither request nor cancel Ada's leave: it is not their employee.
    let colleague = system.user_token(t, &["warehouse"]).await;
    let for_ada = system.post_as(&colleague, &requests, &request("2027-05-03", "2027-05-04")).await;
    assert_refused(&for_ada, 403, "not-own-employee", None);
    let cancelled_for_ada = system.post_as(&colleague, &decide(&march_id, "cancel"), &Value::Null).await;
    assert_refused(&cancelled_for_ada, 403, "not-own-employee", None);

    let self_approved = system.post_as(&staff, &decide(&march_id, "approve"), &Value::Null).await;
    self_approved.assert_problem(403, "forbidden");
    assert_eq!(self_approved.body["permission"], "hr.leave.approve", "requesting is not approving");
    let approved = system.post_as(&approver, &decide(&march_id, "approve"), &Value::Null).await;
    let position = accepted(&approved, 200);
    assert_eq!(approved.body["status"], "approved");

    let balances =
        system.get_as(&approver, &format!("/v1/employees/{ada}/leave-balances?year=2027"), Some(position)).await;
    assert_eq!(balances.status.as_u16(), 200, "{}", balances.body);
    assert_eq!(balances.body["leave_account_id"].as_str(), Some(account.as_str()));
    let items = balances.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["leave_type"], "annual");
    assert_eq!(balance(&items[0]), [json!(10), json!(0), json!(5), json!(5)]);

    // Overlapping the approved week, and one day more than remains.
    let overlapping = system.post_as(&staff, &requests, &request("2027-03-05", "2027-03-09")).await;
    assert_refused(&overlapping, 409, "leave-overlap", Some("start_date"));
    let too_long = system.post_as(&staff, &requests, &request("2027-04-05", "2027-04-12")).await;
    assert_refused(&too_long, 409, "insufficient-leave-balance", Some("end_date"));
    let backwards = system.post_as(&staff, &requests, &request("2027-04-09", "2027-04-05")).await;
    assert_refused(&backwards, 422, "end-before-start", Some("end_date"));

    // April's week takes the rest; rejected, it is given back.
    let april = system.post_as(&staff, &requests, &request("2027-04-05", "2027-04-09")).await;
    accepted(&april, 201);
    assert_eq!(april.body["remaining_days"], 0);
    let april_id = april.body["request_id"].as_str().unwrap().to_owned();
    let unreasoned = system.post_as(&approver, &decide(&april_id, "reject"), &json!({"reason": " "})).await;
    assert_refused(&unreasoned, 422, "blank", Some("reason"));
    let rejected =
        system.post_as(&approver, &decide(&april_id, "reject"), &json!({"reason": "Stocktaking week"})).await;
    accepted(&rejected, 200);
    assert_eq!(
        (rejected.body["status"].as_str(), rejected.body["remaining_days"].as_i64()),
        (Some("rejected"), Some(5))
    );
    let again = system.post_as(&approver, &decide(&april_id, "approve"), &Value::Null).await;
    assert_refused(&again, 409, "leave-request-not-pending", Some("request_id"));

    // March's approved week, cancelled before it starts, is given back too; once started it
    // could not be.
    let started = system.post_as(&staff, &decide(&march_id, "cancel"), &json!({"cancelled_on": "2027-03-01"})).await;
    assert_refused(&started, 409, "leave-started", Some("cancelled_on"));
    let cancelled = system.post_as(&staff, &decide(&march_id, "cancel"), &json!({"cancelled_on": "2027-02-01"})).await;
    let position = accepted(&cancelled, 200);
    assert_eq!(balance(&cancelled.body), [json!(10), json!(0), json!(0), json!(10)]);

    let read = system.get_as(&approver, &format!("/v1/leave-accounts/{account}"), Some(position)).await;
    assert_eq!(read.status.as_u16(), 200, "{}", read.body);
    assert_eq!(balance(&read.body["items"][0]), [json!(10), json!(0), json!(0), json!(10)]);
    let statuses: Vec<&str> =
        read.body["requests"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["cancelled", "rejected"]);
    let listed = system
        .get_as(
            &approver,
            &format!("/v1/leave-requests?employee_id={ada}&status=rejected&from=2027-04-01&to=2027-04-30"),
            None,
        )
        .await;
    let items = listed.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", listed.body);
    assert_eq!((items[0]["reason"].as_str(), items[0]["working_days"].as_i64()), (Some("Stocktaking week"), Some(5)));
    let none = system.get_as(&approver, &format!("/v1/leave-requests?employee_id={ada}&to=2027-02-28"), None).await;
    assert_eq!(none.body["items"], json!([]));

    let unread = system.get_as(&staff, "/v1/leave-requests", None).await;
    unread.assert_problem(403, "forbidden");
    assert_eq!(unread.body["permission"], "hr.leave.approve");
}

#[tokio::test(flavor = "multi_thread")]
async fn leave_for_an_unknown_or_terminated_employee_or_outside_the_year_is_refused_naming_the_field() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    let t = tenant.as_str();
    let ada = hire(&system, t, None).await;
    let unknown = "0190f0a4-0000-7000-8000-00000000dead";
    let request = json!({"leave_type": "annual", "start_date": "2027-03-01", "end_date": "2027-03-05"});
    let missing = system.post(t, &format!("/v1/employees/{unknown}/leave-requests"), &request).await;
    assert_refused(&missing, 422, "employee-not-found", Some("employee_id"));
    let grant = json!({"year": 2027, "leave_type": "annual", "days": 10});
    let missing = system.post(t, &format!("/v1/employees/{unknown}/leave-entitlements"), &grant).await;
    assert_refused(&missing, 422, "employee-not-found", Some("employee_id"));

    let cases = [
        (json!({"year": 2027, "leave_type": "holiday", "days": 10}), 422, "unknown-leave-type", "leave_type"),
        (json!({"year": 2027, "leave_type": "annual", "days": 400}), 422, "invalid-days", "days"),
        (json!({"year": 1999, "leave_type": "annual", "days": 10}), 422, "invalid-year", "year"),
    ];
    for (body, status, code, field) in cases {
        let answer = system.post(t, &format!("/v1/employees/{ada}/leave-entitlements"), &body).await;
        assert_refused(&answer, status, code, Some(field));
    }
    let across = json!({"leave_type": "annual", "start_date": "2027-12-27", "end_date": "2028-01-03"});
    let answer = system.post(t, &format!("/v1/employees/{ada}/leave-requests"), &across).await;
    assert_refused(&answer, 422, "outside-year", Some("end_date"));
    let ancient = json!({"leave_type": "annual", "start_date": "1999-03-01", "end_date": "1999-03-05"});
    let answer = system.post(t, &format!("/v1/employees/{ada}/leave-requests"), &ancient).await;
    assert_refused(&answer, 422, "invalid-year", Some("start_date"));
    assert_eq!(system.count(t, "events WHERE aggregate_type = 'hr.leave_account'").await, 0, "refusals record nothing");

    let terminated =
        system.post(t, &format!("/v1/employees/{ada}/terminate"), &json!({"terminated_on": "2026-12-31"})).await;
    accepted(&terminated, 200);
    let answer = system.post(t, &format!("/v1/employees/{ada}/leave-requests"), &request).await;
    assert_refused(&answer, 422, "employee-terminated", Some("employee_id"));
    let staff = system.user_token(t, &["sales"]).await;
    let granted_by_staff = system.post_as(&staff, &format!("/v1/employees/{ada}/leave-entitlements"), &grant).await;
    granted_by_staff.assert_problem(403, "forbidden");
    assert_eq!(granted_by_staff.body["permission"], "hr.employee.manage");
}
