//! Command append without HTTP: the same `PostJournalEntry` commands as the HTTP load
//! ([`crate::load`]) executed in-process through the command side's framework, on the code
//! path `POST /v1/journal-entries` takes once its request is parsed and authorised —
//! `dispatch::execute` on journal-entry stores built as the command API builds them
//! (`TenantEventStores` with the tenant's books as services, a pool as large as the API's),
//! with a request context as the API makes one (new command id and trace, the admin as user).
//! What it leaves out is what HTTP costs: the client, the connection, axum's routing and
//! middleware (authentication, rate limit, idempotency, authorisation, suspension), JSON
//! parsing and the answer.

use std::sync::Arc;
use std::time::Instant;

use prism_aggregates::finance::journal_entry::{JournalEntry, JournalEntryCommand, PostJournalEntry};
use prism_aggregates::tenant::TenantId;
use prism_command_api::app::books_source;
use prism_command_api::books::BooksCache;
use prism_command_api::dispatch::execute;
use prism_command_api::event_store::{TenantEventStores, TENANT_SETS};
use prism_command_api::group_commit::NewAggregateId;
use prism_command_api::journal_entries::PostJournalEntryRequest;
use prism_command_api::request_context::{new_traceparent, RequestContext};
use prism_platform::auth::{Caller, Tokens};
use prism_platform::tenancy::TenantProvisioner;
use prism_tests::ledger::entry;
use prism_tests::system::System;
use sqlx::PgPool;
use uuid::Uuid;

use crate::load::{self, Accepted, LoadOutcome};
use crate::BoxError;

/// Connections of the direct path's pool: as many as `prism_tests::system::System` gives the
/// in-process command API's pool, so both paths queue for the same number of connections.
const COMMAND_API_POOL_CONNECTIONS: u32 = 8;

/// One tenant's journal-entry stores, reached without HTTP.
pub struct DirectAppend {
    pool: PgPool,
    stores: TenantEventStores<JournalEntry>,
    tenant: TenantId,
    user_id: String,
}

impl DirectAppend {
    /// Journal-entry stores on `system`'s database for `tenant`, acting as the user whose
    /// access token `token` is (the one the HTTP load posts with).
    ///
    /// # Errors
    /// When the database is unreachable, the tenant slug is invalid or the token names no user.
    pub async fn connect(system: &System, tenant: &str, token: &str) -> Result<Self, BoxError> {
        let tenant = TenantId::parse(tenant).map_err(|e| format!("tenant {tenant:?}: {e:?}"))?;
        let user_id = match Tokens::new(&system.auth).caller(token).map_err(|e| format!("{e:?}"))? {
            Caller::User(identity) => identity.user_id,
            Caller::Operator => return Err("the load's token is the operator's, not a user's".into()),
        };
        let pool = prism_platform::db::connect_url(&system.database_url, COMMAND_API_POOL_CONNECTIONS).await?;
        let provisioner = Arc::new(TenantProvisioner::new(pool.clone(), TENANT_SETS));
        let books = Arc::new(BooksCache::new(pool.clone()));
        let stores = TenantEventStores::new(pool.clone(), provisioner, books_source::<JournalEntry>(&books));
        Ok(Self { pool, stores, tenant, user_id })
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Executes entry `number`'s command (the HTTP load's entry of that number) and returns
    /// its latency and position. The latency covers what the handler does after parsing:
    /// building the command and context, and `execute`.
    async fn post_one(&self, number: usize) -> Result<Accepted, BoxError> {
        let request: PostJournalEntryRequest =
            serde_json::from_value(entry("1000", "3000", load::entry_amount(number)))?;
        let started = Instant::now();
        let new_id = NewAggregateId::named_or_minted(request.entry_id);
        let entry_id = new_id.uuid();
        let command = JournalEntryCommand::Post(PostJournalEntry {
            entry_id,
            tenant: self.tenant.as_str().to_owned(),
            entry_date: request.date,
            description: request.description,
            source_reference: request.source_reference,
            lines: request.lines,
        });
        let command_id = Uuid::now_v7();
        let context = RequestContext {
            command_id,
            correlation_id: command_id.to_string(),
            traceparent: new_traceparent(),
            user_id: Some(self.user_id.clone()),
        };
        let committed = new_id
            .run(execute(&self.stores, &self.tenant, &entry_id.to_string(), command, &context))
            .await
            .map_err(|problem| format!("command {number} refused: {problem:?}"))?;
        Ok(Accepted { latency: started.elapsed(), position: committed.position })
    }
}

/// Runs `concurrency` tasks, each executing the next entry's command until `deadline`.
///
/// # Errors
/// The first refused or failed command (the others are abandoned).
pub async fn run(direct: &Arc<DirectAppend>, concurrency: usize, deadline: Instant) -> Result<LoadOutcome, BoxError> {
    let direct = direct.clone();
    load::closed_loop(concurrency, usize::MAX, deadline, move |number| {
        let direct = direct.clone();
        async move { direct.post_one(number).await }
    })
    .await
}
