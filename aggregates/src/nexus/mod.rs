//! Integrations (Nexus): what Prism tells people and systems outside it — the notifications'
//! templates ([`notification_templates`]).

pub mod notification_templates;
