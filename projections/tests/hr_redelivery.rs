//! Redelivered HR events change nothing: applying an employee's whole history again — one by one
//! in reverse, then in one batch — leaves the directory row as it was; in particular the sealed
//! personal data dropped by the erasure does not come back from a redelivered hire. The same for
//! a payroll run's row and lines, a performance review's row, a leave account's entitlements,
//! requests and the balances derived from them, and a job opening's row and applicants (a hire
//! counted once). Runs against the real Postgres.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

mod common;

use chrono::NaiveDate;
use common::{delivered, pool, tenant};
use cqrs_es::Aggregate;
use prism_aggregates::hr::employee::{
    Employee, EmployeeEvent, EmployeeHired, EmployeePersonalDataErased, EmployeeSalaryChanged, EmployeeTerminated,
    EmployeeTransferred,
};
use prism_aggregates::hr::job_opening::{
    ApplicantAdvanced, ApplicantHired, ApplicantPersonalDataErased, ApplicantRejected, ApplicationReceived, JobOpening,
    JobOpeningClosed, JobOpeningEvent, JobOpeningPosted, FILLED_REASON,
};
use prism_aggregates::hr::leave_account::{
    leave_account_id_for, LeaveAccount, LeaveAccountEvent, LeaveApproved, LeaveCancelled, LeaveEntitlementSet,
    LeaveRejected, LeaveRequested,
};
use prism_aggregates::hr::payroll_run::{
    journal_entry_id_for, PayrollLine, PayrollRun, PayrollRunApproved, PayrollRunDrafted, PayrollRunEvent,
};
use prism_aggregates::hr::performance_review::{
    PerformanceReview, ReviewAcknowledged, ReviewCompleted, ReviewEvent, ReviewOpened,
};
use prism_projections::decode::{DomainEvent, ProjectedEvent};
use prism_projections::projection::Projection;
use prism_projections::projectors::postgres::LedgerProjection;
use sqlx::PgPool;
use uuid::Uuid;

fn day(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, day).unwrap()
}

/// `events` of aggregate `id` of `aggregate_type` as the projector receives them, each wrapped
/// by `wrap`, at global positions from `first` + 1.
fn as_received<E: cqrs_es::DomainEvent>(
    tenant: &str,
    aggregate_type: &str,
    id: &str,
    first: i64,
    events: Vec<E>,
    wrap: fn(E) -> DomainEvent,
) -> Vec<ProjectedEvent> {
    let events = events.into_iter().map(|event| (event.event_type(), wrap(event))).collect();
    delivered(tenant, aggregate_type, id, first, events)
}

/// Delivers `events` again, as a redelivery after a crash may: one by one in reverse, then all
/// in one batch.
async fn deliver_again(projection: &LedgerProjection, events: &[ProjectedEvent]) {
    for event in events.iter().rev() {
        projection.apply(event).await.unwrap();
    }
    projection.apply_batch(events).await.unwrap();
}

/// An employee hired, transferred, raised, terminated and erased, as the projector receives it.
fn history(tenant: &str) -> Vec<ProjectedEvent> {
    let id = Uuid::now_v7().to_string();
    let events = vec![
        EmployeeEvent::EmployeeHired(EmployeeHired {
            employee_id: id.clone(),
            personal_data: "v1.c2VhbGVk".into(),
            org_unit_id: "engineering".into(),
            user_id: None,
            salary_minor: 500_000,
            currency: "EUR".into(),
            hired_on: day(1, 5),
        }),
        EmployeeEvent::EmployeeTransferred(EmployeeTransferred {
            employee_id: id.clone(),
            from_org_unit_id: "engineering".into(),
            org_unit_id: "research".into(),
            effective_on: day(3, 1),
        }),
        EmployeeEvent::EmployeeSalaryChanged(EmployeeSalaryChanged {
            employee_id: id.clone(),
            previous_salary_minor: 500_000,
            salary_minor: 550_000,
            currency: "EUR".into(),
            effective_on: day(4, 1),
        }),
        EmployeeEvent::EmployeeTerminated(EmployeeTerminated { employee_id: id.clone(), terminated_on: day(8, 31) }),
        EmployeeEvent::EmployeePersonalDataErased(EmployeePersonalDataErased {
            employee_id: id.clone(),
            erased_on: day(9, 1),
        }),
    ];
    as_received(tenant, Employee::TYPE, &id, 0, events, DomainEvent::Employee)
}

/// The directory row of `id`, as JSON, without the moment it was last changed.
async fn row(pool: &PgPool, tenant: &str, id: &str) -> serde_json::Value {
    sqlx::query_scalar(&format!(
        "SELECT to_jsonb(e) - 'updated_at' FROM tenant_{tenant}.employees e WHERE employee_id = $1::uuid"
    ))
    .bind(id)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn redelivered_employee_events_change_nothing_in_postgres_and_bring_no_erased_data_back() {
    let (pool, tenant) = (pool().await, tenant("hr"));
    let projection = LedgerProjection::new(pool.clone());
    let events = history(&tenant);
    let id = events[0].envelope.aggregate_id.clone();
    for event in &events {
        projection.apply(event).await.unwrap();
    }
    let once = row(&pool, &tenant, &id).await;
    assert_eq!((once["org_unit_id"].as_str(), once["salary_minor"].as_i64()), (Some("research"), Some(550_000)));
    assert_eq!((once["status"].as_str(), once["terminated_on"].as_str()), (Some("terminated"), Some("2026-08-31")));
    assert_eq!((once["personal_data_erased"].as_bool(), once["personal_data"].is_null()), (Some(true), true));

    deliver_again(&projection, &events).await;
    assert_eq!(row(&pool, &tenant, &id).await, once);
}

/// A payroll run of two lines drafted and approved, as the projector receives it.
fn payroll_history(tenant: &str) -> Vec<ProjectedEvent> {
    let id = Uuid::now_v7().to_string();
    let line = |gross_minor| PayrollLine { employee_id: Uuid::now_v7().to_string(), gross_minor };
    let events = vec![
        PayrollRunEvent::PayrollRunDrafted(PayrollRunDrafted {
            payroll_run_id: id.clone(),
            period: "2026-01".into(),
            pay_date: day(1, 31),
            currency: "EUR".into(),
            lines: vec![line(500_000), line(420_050)],
            total_minor: 920_050,
        }),
        PayrollRunEvent::PayrollRunApproved(PayrollRunApproved {
            payroll_run_id: id.clone(),
            period: "2026-01".into(),
            pay_date: day(1, 31),
            currency: "EUR".into(),
            total_minor: 920_050,
            journal_entry_id: journal_entry_id_for(&id).to_string(),
            approved_on: day(1, 28),
        }),
    ];
    as_received(tenant, PayrollRun::TYPE, &id, 10, events, DomainEvent::PayrollRun)
}

/// The run's row and its lines, as JSON.
async fn payroll_rows(pool: &PgPool, tenant: &str, id: &str) -> serde_json::Value {
    sqlx::query_scalar(&format!(
        "SELECT jsonb_build_array(
             (SELECT to_jsonb(r) FROM tenant_{tenant}.payroll_runs r WHERE payroll_run_id = $1::uuid),
             (SELECT jsonb_agg(to_jsonb(l) ORDER BY l.employee_id)
                FROM tenant_{tenant}.payroll_run_lines l WHERE payroll_run_id = $1::uuid))"
    ))
    .bind(id)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn redelivered_payroll_run_events_change_nothing_in_postgres() {
    let (pool, tenant) = (pool().await, tenant("payroll"));
    let projection = LedgerProjection::new(pool.clone());
    let events = payroll_history(&tenant);
    let id = events[0].envelope.aggregate_id.clone();
    for event in &events {
        projection.apply(event).await.unwrap();
    }
    let once = payroll_rows(&pool, &tenant, &id).await;
    assert_eq!((once[0]["status"].as_str(), once[0]["total_minor"].as_i64()), (Some("approved"), Some(920_050)));
    assert_eq!(once[1].as_array().unwrap().len(), 2);

    deliver_again(&projection, &events).await;
    assert_eq!(payroll_rows(&pool, &tenant, &id).await, once);
}

/// A leave account: 20 annual days granted then 25, three requests (one approved, one
/// rejected, one approved then cancelled) and one sick request pending, as the projector
/// receives it.
fn leave_history(tenant: &str) -> Vec<ProjectedEvent> {
    let employee = Uuid::now_v7();
    let id = leave_account_id_for(employee, 2026).to_string();
    let employee_id = employee.to_string();
    let requests: Vec<String> = (1..=4).map(|_| Uuid::now_v7().to_string()).collect();
    let set = |days, previous_days| {
        LeaveAccountEvent::LeaveEntitlementSet(LeaveEntitlementSet {
            employee_id: employee_id.clone(),
            year: 2026,
            leave_type: "annual".into(),
            days,
            previous_days,
        })
    };
    let requested = |n: usize, leave_type: &str, start: NaiveDate, end: NaiveDate, working_days| {
        LeaveAccountEvent::LeaveRequested(LeaveRequested {
            employee_id: employee_id.clone(),
            year: 2026,
            request_id: requests[n].clone(),
            leave_type: leave_type.into(),
            start_date: start,
            end_date: end,
            working_days,
            note: Some("summer".into()),
        })
    };
    let approved = |n: usize, working_days| {
        LeaveAccountEvent::LeaveApproved(LeaveApproved {
            employee_id: employee_id.clone(),
            year: 2026,
            request_id: requests[n].clone(),
            leave_type: "annual".into(),
            working_days,
            approved_on: day(2, 1),
        })
    };
    let events = vec![
        set(20, None),
        set(25, Some(20)),
        requested(0, "annual", day(7, 6), day(7, 10), 5),
        approved(0, 5),
        requested(1, "annual", day(8, 3), day(8, 4), 2),
        LeaveAccountEvent::LeaveRejected(LeaveRejected {
            employee_id: employee_id.clone(),
            year: 2026,
            request_id: requests[1].clone(),
            leave_type: "annual".into(),
            working_days: 2,
            reason: "audit week".into(),
            rejected_on: day(2, 2),
        }),
        requested(2, "annual", day(9, 7), day(9, 9), 3),
        approved(2, 3),
        LeaveAccountEvent::LeaveCancelled(LeaveCancelled {
            employee_id: employee_id.clone(),
            year: 2026,
            request_id: requests[2].clone(),
            leave_type: "annual".into(),
            working_days: 3,
            was_approved: true,
            cancelled_on: day(3, 1),
        }),
        requested(3, "sick", day(3, 2), day(3, 3), 2),
    ];
    as_received(tenant, LeaveAccount::TYPE, &id, 20, events, DomainEvent::LeaveAccount)
}

/// The account's entitlements, requests and balances, as JSON.
async fn leave_rows(pool: &PgPool, tenant: &str, id: &str) -> serde_json::Value {
    sqlx::query_scalar(&format!(
        "SELECT jsonb_build_array(
             (SELECT jsonb_agg(to_jsonb(e) - 'updated_at' ORDER BY e.leave_type)
                FROM tenant_{tenant}.leave_entitlements e WHERE leave_account_id = $1::uuid),
             (SELECT jsonb_agg(to_jsonb(r) - 'requested_at' ORDER BY r.start_date)
                FROM tenant_{tenant}.leave_requests r WHERE leave_account_id = $1::uuid),
             (SELECT jsonb_agg(to_jsonb(b) ORDER BY b.leave_type)
                FROM tenant_{tenant}.leave_balances b
               WHERE employee_id = (SELECT employee_id FROM tenant_{tenant}.leave_requests
                                     WHERE leave_account_id = $1::uuid LIMIT 1)))"
    ))
    .bind(id)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn redelivered_leave_account_events_change_nothing_in_postgres() {
    let (pool, tenant) = (pool().await, tenant("leave"));
    let projection = LedgerProjection::new(pool.clone());
    let events = leave_history(&tenant);
    let id = events[0].envelope.aggregate_id.clone();
    for event in &events {
        projection.apply(event).await.unwrap();
    }
    let once = leave_rows(&pool, &tenant, &id).await;
    assert_eq!(once[0][0]["days"].as_i64(), Some(25), "the adjustment wins");
    let statuses: Vec<&str> = once[1].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["pending", "approved", "rejected", "cancelled"]);
    let annual = &once[2][0];
    assert_eq!(annual["leave_type"], "annual");
    assert_eq!(
        [&annual["entitled_days"], &annual["pending_days"], &annual["approved_days"], &annual["remaining_days"]],
        [25, 0, 5, 20]
    );
    let sick = &once[2][1];
    assert_eq!([&sick["entitled_days"], &sick["pending_days"]], [&serde_json::Value::Null, &serde_json::json!(2)]);

    deliver_again(&projection, &events).await;
    assert_eq!(leave_rows(&pool, &tenant, &id).await, once);
}

/// A performance review opened, completed (its summary sealed text) and acknowledged.
fn review_history(tenant: &str) -> Vec<ProjectedEvent> {
    let (id, employee_id) = (Uuid::now_v7().to_string(), Uuid::now_v7().to_string());
    let events = vec![
        ReviewEvent::ReviewOpened(ReviewOpened {
            review_id: id.clone(),
            employee_id: employee_id.clone(),
            period_start: day(1, 1),
            period_end: day(6, 30),
            due_on: day(7, 15),
            reviewer_user_id: None,
        }),
        ReviewEvent::ReviewCompleted(ReviewCompleted {
            review_id: id.clone(),
            employee_id,
            rating: 4,
            summary: "v1.c2VhbGVk".into(),
            completed_on: day(7, 10),
        }),
        ReviewEvent::ReviewAcknowledged(ReviewAcknowledged { review_id: id.clone(), acknowledged_on: day(7, 12) }),
    ];
    as_received(tenant, PerformanceReview::TYPE, &id, 20, events, DomainEvent::PerformanceReview)
}

#[tokio::test(flavor = "multi_thread")]
async fn redelivered_performance_review_events_change_nothing_in_postgres() {
    let (pool, tenant) = (pool().await, tenant("review"));
    let projection = LedgerProjection::new(pool.clone());
    let events = review_history(&tenant);
    let id = events[0].envelope.aggregate_id.clone();
    let review_row = || async {
        sqlx::query_scalar::<_, serde_json::Value>(&format!(
            "SELECT to_jsonb(r) FROM tenant_{tenant}.performance_reviews r WHERE review_id = $1::uuid"
        ))
        .bind(&id)
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    for event in &events {
        projection.apply(event).await.unwrap();
    }
    let once = review_row().await;
    assert_eq!((once["status"].as_str(), once["rating"].as_i64()), (Some("acknowledged"), Some(4)));
    assert_eq!(once["summary_sealed"], "v1.c2VhbGVk");

    deliver_again(&projection, &events).await;
    assert_eq!(review_row().await, once);
}

/// A job opening of one position: two applications, one applicant offered and hired (which
/// fills it), the other rejected and erased.
fn opening_history(tenant: &str) -> Vec<ProjectedEvent> {
    let (id, ada, bob) = (Uuid::now_v7().to_string(), Uuid::now_v7().to_string(), Uuid::now_v7().to_string());
    let received = |applicant: &str| {
        JobOpeningEvent::ApplicationReceived(ApplicationReceived {
            job_opening_id: id.clone(),
            applicant_id: applicant.to_owned(),
            personal_data: "v1.c2VhbGVk".into(),
            applied_on: day(3, 2),
        })
    };
    let events = vec![
        JobOpeningEvent::JobOpeningPosted(JobOpeningPosted {
            job_opening_id: id.clone(),
            title: "Machinist".into(),
            org_unit_id: "plant".into(),
            positions: 1,
            opened_on: day(3, 1),
        }),
        received(&ada),
        received(&bob),
        JobOpeningEvent::ApplicantAdvanced(ApplicantAdvanced {
            job_opening_id: id.clone(),
            applicant_id: ada.clone(),
            from_stage: "applied".into(),
            stage: "offered".into(),
        }),
        JobOpeningEvent::ApplicantHired(ApplicantHired {
            job_opening_id: id.clone(),
            applicant_id: ada.clone(),
            employee_id: ada.clone(),
            personal_data: "v1.c2VhbGVk".into(),
            org_unit_id: "plant".into(),
            user_id: None,
            salary_minor: 350_000,
            currency: "EUR".into(),
            hired_on: day(4, 1),
        }),
        JobOpeningEvent::JobOpeningClosed(JobOpeningClosed {
            job_opening_id: id.clone(),
            filled: true,
            reason: FILLED_REASON.into(),
        }),
        JobOpeningEvent::ApplicantRejected(ApplicantRejected {
            job_opening_id: id.clone(),
            applicant_id: bob.clone(),
            from_stage: "applied".into(),
            reason: "filled".into(),
        }),
        JobOpeningEvent::ApplicantPersonalDataErased(ApplicantPersonalDataErased {
            job_opening_id: id.clone(),
            applicant_id: bob,
            erased_on: day(4, 2),
        }),
    ];
    as_received(tenant, JobOpening::TYPE, &id, 40, events, DomainEvent::JobOpening)
}

#[tokio::test(flavor = "multi_thread")]
async fn redelivered_job_opening_events_count_a_hire_once_in_postgres() {
    let (pool, tenant) = (pool().await, tenant("opening"));
    let projection = LedgerProjection::new(pool.clone());
    let events = opening_history(&tenant);
    let id = events[0].envelope.aggregate_id.clone();
    let rows = || async {
        sqlx::query_scalar::<_, serde_json::Value>(&format!(
            "SELECT jsonb_build_object(
                        'opening', (SELECT to_jsonb(o) - 'updated_at' FROM tenant_{tenant}.job_openings o
                                     WHERE job_opening_id = $1::uuid),
                        'applicants', (SELECT jsonb_agg(to_jsonb(a) - 'updated_at' ORDER BY applicant_id)
                                         FROM tenant_{tenant}.job_applicants a WHERE job_opening_id = $1::uuid))"
        ))
        .bind(&id)
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    for event in &events {
        projection.apply(event).await.unwrap();
    }
    let once = rows().await;
    assert_eq!((once["opening"]["status"].as_str(), once["opening"]["hired"].as_i64()), (Some("filled"), Some(1)));
    let stages: Vec<&str> =
        once["applicants"].as_array().unwrap().iter().map(|a| a["stage"].as_str().unwrap()).collect();
    assert_eq!(stages, ["hired", "rejected"]);

    deliver_again(&projection, &events).await;
    assert_eq!(rows().await, once);
}
