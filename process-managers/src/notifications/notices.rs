//! Which events notify whom, and through which channel — pure, from the event alone:
//!
//! - `UserCreated` → a welcome **email** to the new user's address;
//! - `InvoiceGenerated` of a customer invoice → an **email** to the customer's contacts that
//!   have an address (the customer read from its own events when it is sent);
//! - `PurchaseOrderSubmitted` that was not approved automatically → an **in-app** notice to
//!   everyone who may approve purchase orders (`supply.po.approve`);
//! - `LeaveRequested` → an **in-app** notice to everyone who may approve leave
//!   (`hr.leave.approve`).
//!
//! Each [`Notice`] carries the fields its template may name (`{{name}}`), as text.

use std::collections::BTreeMap;

use prism_aggregates::finance::invoice::InvoiceEvent;
use prism_aggregates::hr::leave_account::LeaveAccountEvent;
use prism_aggregates::identity::permissions::Permission;
use prism_aggregates::identity::user::UserEvent;
use prism_aggregates::money::Currency;
use prism_aggregates::nexus::notification_templates::Channel;
use prism_aggregates::supply::purchase_order::PurchaseOrderEvent;
use prism_projections::decode::DomainEvent;

/// Whom a notice is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// One email address.
    Address(String),
    /// The contacts with an address of the CRM customer of this id.
    CustomerContacts(String),
    /// Every user whose roles grant the permission (in-app).
    Holders(Permission),
}

/// One notice an event calls for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The event type: which template renders it.
    pub event_type: &'static str,
    /// How it travels.
    pub channel: Channel,
    /// Whom it is for.
    pub recipient: Recipient,
    /// What its template may name.
    pub fields: BTreeMap<&'static str, String>,
}

/// The notices `event` calls for; none for most events.
#[must_use]
pub fn notices_of(event: &DomainEvent) -> Vec<Notice> {
    let notice = |event_type, channel, recipient, fields: Vec<(&'static str, String)>| Notice {
        event_type,
        channel,
        recipient,
        fields: fields.into_iter().collect(),
    };
    match event {
        DomainEvent::User(UserEvent::UserCreated(created)) => vec![notice(
            "UserCreated",
            Channel::Email,
            Recipient::Address(created.email.clone()),
            vec![("name", created.name.clone()), ("email", created.email.clone())],
        )],
        DomainEvent::Invoice(InvoiceEvent::InvoiceGenerated(issued)) if issued.kind == "customer_invoice" => {
            vec![notice(
                "InvoiceGenerated",
                Channel::Email,
                Recipient::CustomerContacts(issued.counterparty_id.clone()),
                vec![
                    ("number", issued.number.clone()),
                    ("customer_name", issued.counterparty_name.clone()),
                    ("total", amount(issued.gross_total_minor, &issued.currency)),
                    ("issue_date", issued.issue_date.to_string()),
                    ("due_date", issued.due_date.to_string()),
                ],
            )]
        }
        DomainEvent::PurchaseOrder(PurchaseOrderEvent::PurchaseOrderSubmitted(submitted))
            if !submitted.auto_approved =>
        {
            vec![notice(
                "PurchaseOrderSubmitted",
                Channel::InApp,
                Recipient::Holders(Permission::PurchaseOrderApprove),
                vec![("order_id", submitted.order_id.clone()), ("total_minor", submitted.total_minor.to_string())],
            )]
        }
        DomainEvent::LeaveAccount(LeaveAccountEvent::LeaveRequested(requested)) => vec![notice(
            "LeaveRequested",
            Channel::InApp,
            Recipient::Holders(Permission::LeaveApprove),
            vec![
                ("employee_id", requested.employee_id.clone()),
                ("leave_type", requested.leave_type.clone()),
                ("start_date", requested.start_date.to_string()),
                ("end_date", requested.end_date.to_string()),
                ("working_days", requested.working_days.to_string()),
            ],
        )],
        _ => Vec::new(),
    }
}

/// `minor` units of `currency` as people write them (`123456` EUR → `1234.56 EUR`).
fn amount(minor: i64, currency: &str) -> String {
    let digits = Currency::parse(currency).map_or(2, |currency| currency.minor_unit_digits());
    if digits == 0 {
        return format!("{minor} {currency}");
    }
    let scale = 10_i64.pow(u32::from(digits));
    let sign = if minor < 0 { "-" } else { "" };
    let (whole, fraction) = (minor.unsigned_abs() / scale.unsigned_abs(), minor.unsigned_abs() % scale.unsigned_abs());
    format!("{sign}{whole}.{fraction:0width$} {currency}", width = usize::from(digits))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use prism_aggregates::hr::leave_account::LeaveRequested;
    use prism_aggregates::identity::user::UserCreated;
    use prism_aggregates::nexus::notification_templates::NOTIFYING;
    use prism_aggregates::supply::purchase_order::PurchaseOrderSubmitted;
    use uuid::Uuid;

    use super::*;

    fn submitted(auto_approved: bool) -> DomainEvent {
        DomainEvent::PurchaseOrder(PurchaseOrderEvent::PurchaseOrderSubmitted(PurchaseOrderSubmitted {
            order_id: "PO-1".into(),
            total_minor: 90_000,
            approval_threshold_minor: Some(50_000),
            approval_threshold_currency: Some("EUR".into()),
            auto_approved,
        }))
    }

    #[test]
    fn each_notice_goes_to_its_recipients_with_the_fields_its_template_may_name() {
        let created = DomainEvent::User(UserEvent::UserCreated(UserCreated {
            user_id: Uuid::nil(),
            email: "ada@example.com".into(),
            name: "Ada".into(),
            organization_unit: None,
            roles: vec!["approver".into()],
        }));
        let day = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        let requested = DomainEvent::LeaveAccount(LeaveAccountEvent::LeaveRequested(LeaveRequested {
            employee_id: "e-1".into(),
            year: 2027,
            request_id: "r-1".into(),
            leave_type: "sick".into(),
            start_date: day,
            end_date: day,
            working_days: 1,
            note: None,
        }));
        let cases = [
            (created, Recipient::Address("ada@example.com".into())),
            (submitted(false), Recipient::Holders(Permission::PurchaseOrderApprove)),
            (requested, Recipient::Holders(Permission::LeaveApprove)),
        ];
        for (event, recipient) in cases {
            let [notice] = notices_of(&event).try_into().unwrap();
            assert_eq!(notice.recipient, recipient);
            let (_, channel, fields) = NOTIFYING.iter().find(|(name, _, _)| *name == notice.event_type).unwrap();
            assert_eq!(notice.channel, *channel);
            assert_eq!(notice.fields.keys().copied().collect::<Vec<_>>(), {
                let mut fields = fields.to_vec();
                fields.sort_unstable();
                fields
            });
        }
        assert_eq!(notices_of(&submitted(true)), vec![], "an order approved automatically needs no approver");
    }

    #[test]
    fn amounts_read_in_major_units_with_the_currencys_digits() {
        assert_eq!(amount(123_456, "EUR"), "1234.56 EUR");
        assert_eq!(amount(-5, "EUR"), "-0.05 EUR");
        assert_eq!(amount(1_500, "JPY"), "1500 JPY");
        assert_eq!(amount(1_234, "KWD"), "1.234 KWD");
    }
}
