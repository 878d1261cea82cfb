//! The tenant-account aggregate: [`TenantAccount::decide`] checks every rule and returns the
//! events, `apply` folds them. Pure — no I/O, no clock.
//!
//! Provisioning checks, in order: the slug, not provisioned yet, the display name. Every other
//! command: provisioned, then — suspending: active, reason; reactivating: suspended.

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::TenantAccountCommand;
use super::errors::TenantAccountError;
use super::events::{TenantAccountEvent, TenantProvisioned, TenantReactivated, TenantSuspended};
use super::{MAX_DISPLAY_NAME_CHARS, MAX_REASON_CHARS};
use crate::tenant::TenantId;
use crate::text::check_text;

/// A tenant account, folded from its events; the default is a tenant not yet provisioned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantAccount {
    account: Option<Account>,
}

/// What a provisioned tenant is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Account {
    tenant: String,
    display_name: String,
    /// Why it is suspended; `None` while active.
    suspension: Option<String>,
}

impl TenantAccount {
    /// The display name, once provisioned.
    #[must_use]
    pub fn display_name(&self) -> Option<&str> {
        self.account.as_ref().map(|a| a.display_name.as_str())
    }

    /// Whether the tenant is provisioned and not suspended.
    #[must_use]
    pub fn is_active(&self) -> bool {
        self.account.as_ref().is_some_and(|a| a.suspension.is_none())
    }

    /// Why the tenant is suspended; `None` while active or before it is provisioned.
    #[must_use]
    pub fn suspension_reason(&self) -> Option<&str> {
        self.account.as_ref().and_then(|a| a.suspension.as_deref())
    }

    /// Decides `command` against the current state: the events to record, or why not.
    ///
    /// # Errors
    /// The first rule the command breaks, as a [`TenantAccountError`].
    pub fn decide(&self, command: TenantAccountCommand) -> Result<Vec<TenantAccountEvent>, TenantAccountError> {
        let event = match command {
            TenantAccountCommand::Provision { tenant, display_name } => {
                let tenant = TenantId::parse(&tenant).map_err(TenantAccountError::InvalidTenant)?;
                if let Some(account) = &self.account {
                    return Err(TenantAccountError::AlreadyProvisioned { tenant: account.tenant.clone() });
                }
                check_text(
                    &display_name,
                    MAX_DISPLAY_NAME_CHARS,
                    TenantAccountError::DisplayNameBlank,
                    |chars, max| TenantAccountError::DisplayNameTooLong { chars, max },
                )?;
                TenantAccountEvent::TenantProvisioned(TenantProvisioned {
                    tenant: tenant.as_str().to_owned(),
                    display_name,
                })
            }
            TenantAccountCommand::Suspend { reason } => {
                let account = self.provisioned()?;
                if account.suspension.is_some() {
                    return Err(TenantAccountError::AlreadySuspended { tenant: account.tenant.clone() });
                }
                check_text(&reason, MAX_REASON_CHARS, TenantAccountError::ReasonBlank, |chars, max| {
                    TenantAccountError::ReasonTooLong { chars, max }
                })?;
                TenantAccountEvent::TenantSuspended(TenantSuspended { tenant: account.tenant.clone(), reason })
            }
            TenantAccountCommand::Reactivate => {
                let account = self.provisioned()?;
                if account.suspension.is_none() {
                    return Err(TenantAccountError::AlreadyActive { tenant: account.tenant.clone() });
                }
                TenantAccountEvent::TenantReactivated(TenantReactivated { tenant: account.tenant.clone() })
            }
        };
        Ok(vec![event])
    }

    fn provisioned(&self) -> Result<&Account, TenantAccountError> {
        self.account.as_ref().ok_or(TenantAccountError::NotFound)
    }
}

impl Aggregate for TenantAccount {
    const TYPE: &'static str = "platform.tenant";
    type Command = TenantAccountCommand;
    type Event = TenantAccountEvent;
    type Error = TenantAccountError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            TenantAccountEvent::TenantProvisioned(provisioned) => {
                debug_assert!(self.account.is_none(), "tenant {} provisioned twice", provisioned.tenant);
                self.account = Some(Account {
                    tenant: provisioned.tenant,
                    display_name: provisioned.display_name,
                    suspension: None,
                });
            }
            TenantAccountEvent::TenantSuspended(suspended) => {
                if let Some(account) = self.account.as_mut() {
                    account.suspension = Some(suspended.reason);
                }
            }
            TenantAccountEvent::TenantReactivated(_) => {
                if let Some(account) = self.account.as_mut() {
                    account.suspension = None;
                }
            }
        }
    }
}
