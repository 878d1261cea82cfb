//! The platform: what every module stands on. [`tenant_account`] is the aggregate that
//! records a tenant's life — provisioned, suspended, reactivated — so the event stream says
//! when a customer of Prism came and when it was shut out, like any other fact.

pub mod tenant_account;
