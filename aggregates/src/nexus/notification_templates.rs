//! The words of each notification (Nexus): a subject and a body per event type and channel,
//! with placeholders `{{field}}` for the fields the event offers. Which event types notify, on
//! which [`Channel`] and with which fields is [`NOTIFYING`]; each has a built-in template
//! ([`DEFAULTS`]); a tenant overrides one (`POST /v1/notification-templates/{event_type}/{channel}`,
//! kept in its `notification_templates` table) only as [`check`] allows — its event type's fields
//! alone — so a stored template always renders ([`render`]). The notification process manager
//! sends them.

use std::collections::BTreeMap;

/// How a notice travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Channel {
    /// An email over SMTP.
    Email,
    /// A notification in the app, read through the query API.
    InApp,
    /// A text message, through the SMS provider.
    Sms,
    /// A push notification, through the push provider.
    Push,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 4] = [Channel::Email, Channel::InApp, Channel::Sms, Channel::Push];

    /// Its name in templates, delivery records and the API.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::InApp => "in_app",
            Channel::Sms => "sms",
            Channel::Push => "push",
        }
    }

    /// The channel named `name`.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|channel| channel.as_str() == name)
    }
}

/// The event types that notify, with the channel of their notice and the fields their
/// template may name.
pub const NOTIFYING: &[(&str, Channel, &[&str])] = &[
    ("UserCreated", Channel::Email, &["name", "email"]),
    ("InvoiceGenerated", Channel::Email, &["number", "customer_name", "total", "issue_date", "due_date"]),
    ("PurchaseOrderSubmitted", Channel::InApp, &["order_id", "total_minor"]),
    ("LeaveRequested", Channel::InApp, &["employee_id", "leave_type", "start_date", "end_date", "working_days"]),
];

/// A subject and body with placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The subject (an email's subject, a notice's title).
    pub subject: String,
    /// The body.
    pub body: String,
}

/// The built-in template of each notifying event type: `(event type, subject, body)`.
pub const DEFAULTS: &[(&str, &str, &str)] = &[
    (
        "UserCreated",
        "Welcome to Prism, {{name}}",
        "Hello {{name}},\n\nyour Prism account {{email}} is ready. Sign in with the password your administrator \
         gave you.\n",
    ),
    (
        "InvoiceGenerated",
        "Invoice {{number}}",
        "Dear {{customer_name}},\n\nplease find invoice {{number}} of {{issue_date}} over {{total}}, due on \
         {{due_date}}.\n",
    ),
    (
        "PurchaseOrderSubmitted",
        "Purchase order {{order_id}} awaits approval",
        "Its total is {{total_minor}} minor units.",
    ),
    (
        "LeaveRequested",
        "Leave request to approve",
        "{{working_days}} working days of {{leave_type}} leave, {{start_date}} to {{end_date}}, for employee \
         {{employee_id}}.",
    ),
];

/// The built-in template of `event_type`.
#[must_use]
pub fn default_of(event_type: &str) -> Option<Template> {
    DEFAULTS
        .iter()
        .find(|(name, _, _)| *name == event_type)
        .map(|(_, subject, body)| Template { subject: (*subject).to_owned(), body: (*body).to_owned() })
}

/// `text` with each `{{field}}` replaced by its value in `fields`.
#[must_use]
pub fn render(text: &str, fields: &BTreeMap<&'static str, String>) -> String {
    let mut rendered = text.to_owned();
    for (name, value) in fields {
        rendered = rendered.replace(&format!("{{{{{name}}}}}"), value);
    }
    rendered
}

/// Why a tenant's template is refused, with the field of the request at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRefusal {
    /// The request field: `event_type`, `channel`, `subject` or `body`.
    pub field: &'static str,
    /// What is wrong.
    pub detail: String,
}

/// Refuses a template of `event_type` on `channel` that names a field the event type does not
/// offer, an event type that does not notify on that channel, or a blank or overlong text.
///
/// # Errors
/// The first rule broken.
pub fn check(event_type: &str, channel: &str, template: &Template) -> Result<(), TemplateRefusal> {
    let refused = |field, detail: String| Err(TemplateRefusal { field, detail });
    let Some((_, notifies_on, fields)) = NOTIFYING.iter().find(|(name, _, _)| *name == event_type) else {
        let known: Vec<&str> = NOTIFYING.iter().map(|(name, _, _)| *name).collect();
        return refused("event_type", format!("{event_type} sends no notice; these do: {}", known.join(", ")));
    };
    if Channel::parse(channel) != Some(*notifies_on) {
        return refused("channel", format!("{event_type} notifies by {}", notifies_on.as_str()));
    }
    for (field, text, max) in [("subject", &template.subject, 200), ("body", &template.body, 10_000)] {
        if text.trim().is_empty() || text.chars().count() > max {
            return refused(field, format!("{field} must be 1 to {max} characters and not blank"));
        }
        for placeholder in placeholders(text) {
            if !fields.contains(&placeholder) {
                return refused(
                    field,
                    format!("{{{{{placeholder}}}}} is not a field of {event_type}: {}", fields.join(", ")),
                );
            }
        }
    }
    Ok(())
}

/// The names between `{{` and `}}` in `text`.
fn placeholders(text: &str) -> Vec<&str> {
    text.split("{{").skip(1).filter_map(|rest| rest.split_once("}}").map(|(name, _)| name)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(subject: &str, body: &str) -> Template {
        Template { subject: subject.to_owned(), body: body.to_owned() }
    }

    #[test]
    fn channels_have_names() {
        assert_eq!(Channel::parse("in_app"), Some(Channel::InApp));
        assert_eq!(Channel::parse("fax"), None);
    }

    #[test]
    fn a_template_renders_its_fields_and_every_default_checks() {
        let fields = BTreeMap::from([("name", "Ada".to_owned()), ("email", "ada@example.com".to_owned())]);
        let welcome = default_of("UserCreated").unwrap();
        assert_eq!(render(&welcome.subject, &fields), "Welcome to Prism, Ada");
        assert!(render(&welcome.body, &fields).contains("account ada@example.com is ready"));
        for (event_type, channel, _) in NOTIFYING {
            assert_eq!(check(event_type, channel.as_str(), &default_of(event_type).unwrap()), Ok(()), "{event_type}");
        }
    }

    #[test]
    fn a_tenants_template_names_only_its_event_types_fields_on_its_channel() {
        let refusal =
            |event_type, channel, subject, body| check(event_type, channel, &template(subject, body)).unwrap_err();
        assert_eq!(refusal("UserCreated", "email", "Hi {{salary}}", "x").field, "subject");
        assert_eq!(refusal("UserCreated", "email", "Hi", " ").field, "body");
        assert_eq!(refusal("UserCreated", "sms", "Hi", "x").field, "channel");
        assert_eq!(refusal("ItemRenamed", "email", "Hi", "x").field, "event_type");
        assert_eq!(refusal("UserCreated", "email", "Hi {{ name }}", "x").field, "subject", "no spaces inside");
        assert_eq!(check("UserCreated", "email", &template("Hi {{name}}", "{{email}}")), Ok(()));
    }
}
