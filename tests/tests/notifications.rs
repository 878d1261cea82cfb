//! Notifications on the real stack, through a real SMTP server (the tests' sink): a new user gets
//! a welcome email, once — a second notification process that reads the topics again sends no
//! copy; a tenant's own template is used from then on, and one naming a field its event does not
//! offer is refused naming the field; a leave request posts an in-app notice that everyone who
//! may approve leave reads through the query API and marks read, and that others do not see; an
//! issued customer invoice is emailed to the customer's contacts that have an address.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::time::Duration;

use prism_projections::config::ProjectorKind;
use prism_tests::smtp_sink::{Mail, SmtpSink};
use prism_tests::system::{accepted, assert_refused, eventually, new_tenant, System, SystemOptions};
use serde_json::{json, Value};

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![ProjectorKind::Postgres], kafka_brokers: None }
}

/// The emails to `address` once there are `count` of them.
async fn mails_to(sink: &SmtpSink, address: &str, count: usize) -> Vec<Mail> {
    eventually(Duration::from_secs(30), "the notification email", || async {
        let mails = sink.mails_to(address).await;
        (mails.len() >= count).then_some(mails)
    })
    .await
}

/// Creates a user named `name` of `tenant` who may approve leave; their email.
async fn create_user(system: &System, tenant: &str, name: &str) -> String {
    let email = format!("{}@notify.example", name.to_lowercase().replace(' ', "."));
    let body = json!({"email": email, "name": name, "roles": ["approver"], "password": "a long enough password 1"});
    accepted(&system.post(tenant, "/v1/users", &body).await, 201);
    email
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_user_is_welcomed_once_and_a_tenants_template_is_used_from_then_on() {
    let system = System::start_with(options()).await;
    let sink = SmtpSink::start().await;
    let tenant = new_tenant();
    let t = tenant.as_str();
    let notifications = system.start_notifications(&sink.addr, false).await;

    let ada = create_user(&system, t, "Ada Notify").await;
    let welcome = mails_to(&sink, &ada, 1).await;
    assert_eq!(welcome[0].header("Subject"), Some("Welcome to Prism, Ada Notify"));
    assert!(welcome[0].data.contains(&format!("your Prism account {ada} is ready")), "{}", welcome[0].data);
    assert!(welcome[0].header("Message-ID").is_some_and(|id| id.ends_with("@prism.notifications>")));

    // A tenant's own template; one naming a field users do not have is refused.
    let path = "/v1/notification-templates/UserCreated/email";
    let bad = system.post(t, path, &json!({"subject": "Hi {{salary}}", "body": "x"})).await;
    assert_refused(&bad, 422, "invalid-template", Some("subject"));
    let own = json!({"subject": "{{name}}, you are in", "body": "Sign in as {{email}}."});
    let set = system.post(t, path, &own).await;
    assert_eq!(set.status.as_u16(), 200, "{}", set.body);

    // A second notification process reads every topic again: nobody is welcomed twice, and the
    // next user gets the tenant's words.
    notifications.kill().await;
    let again = system.start_notifications(&sink.addr, true).await;
    let bob = create_user(&system, t, "Bob Notify").await;
    let bobs = mails_to(&sink, &bob, 1).await;
    assert_eq!(bobs[0].header("Subject"), Some("Bob Notify, you are in"));
    assert!(bobs[0].data.contains(&format!("Sign in as {bob}.")));
    assert_eq!(sink.mails_to(&ada).await.len(), 1, "Ada is welcomed once");
    again.kill().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_leave_request_is_an_in_app_notice_for_those_who_may_approve_it() {
    let system = System::start_with(options()).await;
    let sink = SmtpSink::start().await;
    let tenant = new_tenant();
    let t = tenant.as_str();
    let _notifications = system.start_notifications(&sink.addr, false).await;
    let approver = system.user_token(t, &["approver"]).await;
    let clerk = system.user_token(t, &["warehouse"]).await;
    let hire = json!({"name": "Cy", "email": "cy@example.com", "birth_date": "1990-01-01", "address": "1 Main St",
                      "org_unit_id": "plant", "salary_minor": 1_000, "currency": "EUR", "hired_on": "2026-01-01"});
    let hired = system.post(t, "/v1/employees", &hire).await;
    accepted(&hired, 201);
    let employee = hired.body["employee_id"].as_str().unwrap();
    let leave = json!({"leave_type": "sick", "start_date": "2027-03-01", "end_date": "2027-03-02"});
    accepted(&system.post(t, &format!("/v1/employees/{employee}/leave-requests"), &leave).await, 201);

    let notices = eventually(Duration::from_secs(30), "the in-app notice", || async {
        let answer = system.get_as(&approver, "/v1/notifications?unread=true", None).await;
        let items = answer.body["items"].as_array().cloned().unwrap_or_default();
        (!items.is_empty()).then_some(items)
    })
    .await;
    assert_eq!(notices.len(), 1);
    assert_eq!(
        (notices[0]["event_type"].as_str(), notices[0]["subject"].as_str()),
        (Some("LeaveRequested"), Some("Leave request to approve"))
    );
    assert!(notices[0]["body"]
        .as_str()
        .unwrap()
        .contains(&format!("2 working days of sick leave, 2027-03-01 to 2027-03-02, for employee {employee}")));
    let id = notices[0]["notification_id"].as_str().unwrap();

    let unseen = system.get_as(&clerk, "/v1/notifications", None).await;
    assert_eq!(unseen.body["items"], json!([]), "a clerk may not approve leave");
    let not_theirs = system.post_as(&clerk, &format!("/v1/notifications/{id}/read"), &Value::Null).await;
    not_theirs.assert_problem(404, "not-found");
    let read = system.post_as(&approver, &format!("/v1/notifications/{id}/read"), &Value::Null).await;
    assert_eq!(read.status.as_u16(), 200, "{}", read.body);
    let again = system.post_as(&approver, &format!("/v1/notifications/{id}/read"), &Value::Null).await;
    assert_eq!(again.body["read_at"], read.body["read_at"], "read once");
    let unread = system.get_as(&approver, "/v1/notifications?unread=true", None).await;
    assert_eq!(unread.body["items"], json!([]));
    let all = system.get_as(&approver, "/v1/notifications", None).await;
    assert_eq!(all.body["items"][0]["read_at"], read.body["read_at"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_issued_invoice_is_emailed_to_the_customers_contacts_with_an_address() {
    let system = System::start_with(options()).await;
    let sink = SmtpSink::start().await;
    let tenant = system.ledger_tenant().await;
    let t = tenant.as_str();
    let _notifications = system.start_notifications(&sink.addr, false).await;
    let contacts = [json!({"name": "Ada", "email": "ada@contoso.example"}), json!({"name": "Bo", "phone": "+49 30 1"})];
    let register = json!({"customer_id": "C-9", "name": "Contoso", "currency": "EUR", "contacts": contacts});
    accepted(&system.post(t, "/v1/customers", &register).await, 201);
    let draft = json!({"kind": "customer_invoice", "counterparty_id": "C-9", "counterparty_name": "Contoso",
        "currency": "EUR", "lines": [{"description": "Consulting", "quantity": "3", "unit_price": 10_050, "account": "4100"}]});
    let drafted = system.post(t, "/v1/invoices", &draft).await;
    accepted(&drafted, 201);
    let id = drafted.body["invoice_id"].as_str().unwrap();
    let issued = system.post(t, &format!("/v1/invoices/{id}/issue"), &json!({"issue_date": "2026-03-02"})).await;
    accepted(&issued, 200);
    let number = issued.body["number"].as_str().unwrap_or_default().to_owned();

    let mails = mails_to(&sink, "ada@contoso.example", 1).await;
    assert_eq!(mails[0].header("Subject"), Some(format!("Invoice {number}").as_str()), "{}", mails[0].data);
    assert!(mails[0].data.contains("Dear Contoso,"), "{}", mails[0].data);
    assert!(mails[0].data.contains("over 301.50 EUR"), "{}", mails[0].data);
    let invoices =
        sink.mails().await.into_iter().filter(|mail| mail.header("Subject") == Some(&format!("Invoice {number}")));
    assert_eq!(invoices.count(), 1, "Bo has no address: one invoice email in all");
}
