//! Integrations (Nexus) over REST: the notifications' per-tenant templates and the in-app
//! notifications' read state ([`notifications`]).

pub mod notifications;
