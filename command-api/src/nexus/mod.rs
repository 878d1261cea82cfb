//! Integrations (Nexus) over REST: the notifications' per-tenant templates and the in-app
//! notifications' read state ([`notifications`]); the webhook subscriptions ([`webhooks`]).

pub mod notifications;
pub mod webhooks;
