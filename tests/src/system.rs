//! A whole Prism system started in-process for one test: its own Postgres database, topic
//! prefix (so its own topics, subjects and consumer groups), command API and query API on
//! port 0, the relay and the chosen projectors as tasks. Dropping it stops everything.
//!
//! Requests authenticate as the APIs demand: the first request of a tenant provisions it
//! through `POST /v1/tenants` with the operator key (admin `admin@<tenant>.example`, password
//! [`ADMIN_PASSWORD`]), logs its admin in and caches the access token; every request helper
//! sends `Authorization: Bearer <token>` ([`System::token`]). [`System::user`] adds a user of
//! given roles, for tests where who acts matters.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use prism_aggregates::identity::permissions::Role;
use prism_aggregates::tenant::TenantId;
use prism_command_api::app::CommandApi;
use prism_command_api::config::{CommandApiConfig, RelayConfig};
use prism_command_api::identity::login_attempts::LoginLimitArgs;
use prism_command_api::relay::Relay;
use prism_platform::auth::{AuthArgs, Grants, Tokens, DEV_OPERATOR_KEY, DEV_SECRET};
use prism_platform::config::{DatabaseArgs, HttpArgs, KafkaArgs, RateLimitArgs, RegistryArgs};
use prism_platform::telemetry::TelemetryArgs;
use prism_process_managers::config::{ProcessKind, SendingArgs};
use prism_process_managers::notifications::NotificationArgs;
use prism_process_managers::stores::EventStores;
use prism_process_managers::webhooks::WebhookArgs;
use prism_projections::config::{ConsumerArgs, ProjectorConfig, ProjectorKind};
use prism_projections::projectors::checkpoint::SqlWriter;
use prism_projections::projectors::postgres::LedgerWriter;
use prism_projections::runtime::ProjectorRuntime;
use prism_query_api::app::QueryApi;
use prism_query_api::config::QueryApiConfig;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::ClientConfig;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::PgPool;
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

use crate::env::{unique_suffix, StackEnv};

/// Largest request body the test systems accept (small, to test 413 cheaply).
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// Requests per tenant and per client IP a test system allows in a window unless a test
/// asks for less ([`System::start_rate_limited`]): far more than any test makes.
pub const GENEROUS_REQUESTS_PER_WINDOW: u64 = 1_000_000;

/// Lifetime of the test systems' access tokens, seconds (the APIs' default).
pub const ACCESS_TOKEN_TTL_SECONDS: u64 = 900;

/// A cached token this close to expiring is replaced by a fresh login.
const TOKEN_RENEW_MARGIN: Duration = Duration::from_secs(60);

/// The relay's pause after a failed batch before it retries, in the test systems.
pub const RELAY_RETRY_BACKOFF_MS: u64 = 200;

/// Password of every tenant's admin (`admin@<tenant>.example`) in the test systems.
pub const ADMIN_PASSWORD: &str = "prism-test-admin-password";

/// Password of the users [`System::user`] creates.
pub const USER_PASSWORD: &str = "prism-test-user-password";

/// The email of `tenant`'s admin, whom [`System::token`] provisions the tenant with.
#[must_use]
pub fn admin_email(tenant: &str) -> String {
    format!("admin@{}", email_domain(tenant))
}

/// The email domain of `tenant`'s test users: `<tenant>.example`, with `-` for the `_` a
/// domain may not hold.
fn email_domain(tenant: &str) -> String {
    format!("{}.example", tenant.replace('_', "-"))
}

/// What to start besides the command API, relay and query API.
#[derive(Debug, Clone)]
pub struct SystemOptions {
    /// Projectors to run in-process.
    pub projectors: Vec<ProjectorKind>,
    /// Kafka to use instead of the stack's broker.
    pub kafka_brokers: Option<String>,
}

impl Default for SystemOptions {
    fn default() -> Self {
        Self {
            projectors: vec![ProjectorKind::Postgres, ProjectorKind::Mongo, ProjectorKind::Timescale],
            kafka_brokers: None,
        }
    }
}

/// An HTTP answer: status, headers and the JSON body (`Null` when there is none).
#[derive(Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// Parsed JSON body.
    pub body: Value,
}

/// The position of an accepted command (its `position`), asserting its `status`.
///
/// # Panics
/// When the status differs or there is no position (a failed test), at the caller's line.
#[track_caller]
pub fn accepted(answer: &Answer, status: u16) -> i64 {
    assert_eq!(answer.status.as_u16(), status, "{}", answer.body);
    answer.body["position"].as_i64().unwrap_or_else(|| panic!("no position in {}", answer.body))
}

/// Asserts `answer` is a problem of `status` and `code`, of content type problem+json, naming
/// `field` (`None`: naming none).
///
/// # Panics
/// When it is not (a failed test), at the caller's line.
#[track_caller]
pub fn assert_refused(answer: &Answer, status: u16, code: &str, field: Option<&str>) {
    answer.assert_problem(status, code);
    assert_eq!(answer.body["field"].as_str(), field, "{}", answer.body);
    let content_type = answer.headers.get("content-type").and_then(|value| value.to_str().ok());
    assert_eq!(content_type, Some("application/problem+json"), "{}", answer.body);
}

impl Answer {
    /// Asserts the answer is a problem of `status` whose type is `urn:prism:problem:<code>`.
    ///
    /// # Panics
    /// When it is not (a failed test), at the caller's line.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "{}", self.body);
        assert_eq!(self.body["type"], format!("urn:prism:problem:{code}"), "{}", self.body);
    }
}

/// A user [`System::user`] created and logged in.
#[derive(Debug, Clone)]
pub struct TestUser {
    /// The user id the command API gave it.
    pub user_id: String,
    /// Its email (its login).
    pub email: String,
    /// An access token of it.
    pub token: String,
}

/// An access token cached for a tenant's admin, and when it was obtained.
#[derive(Debug, Clone)]
struct CachedToken {
    token: String,
    obtained: Instant,
}

/// A process manager running in-process.
pub struct ProcessTask {
    /// Which one.
    pub kind: ProcessKind,
    task: tokio::task::JoinHandle<Result<(), prism_projections::projection::ProjectionError>>,
    /// What runs beside it: the webhooks' dispatcher, the scheduled reports' sender.
    beside: Vec<tokio::task::JoinHandle<()>>,
}

impl ProcessTask {
    /// Kills it where it stands, like SIGKILL: a reaction in progress stops between two of
    /// its commands, and the group offsets of what it had not finished stay uncommitted.
    pub async fn kill(self) {
        self.task.abort();
        let _ = self.task.await;
        for task in self.beside {
            task.abort();
            let _ = task.await;
        }
    }
}

/// A running Prism system.
pub struct System {
    /// The stack it runs on.
    pub env: StackEnv,
    /// URL of this system's own database.
    pub database_url: String,
    /// Pool on that database.
    pub pool: PgPool,
    /// Topic prefix of this system.
    pub topic_prefix: String,
    /// Kafka it publishes to.
    pub kafka_brokers: String,
    /// Base URL of the command API.
    pub command_url: String,
    /// Base URL of the query API.
    pub query_url: String,
    /// The APIs' rate limits; their counters are under a key prefix of this system's own.
    pub rate_limit: RateLimitArgs,
    /// The APIs' token settings: the development secret and operator key.
    pub auth: AuthArgs,
    http: reqwest::Client,
    /// Access tokens of each tenant's admin, by tenant slug.
    tokens: Mutex<HashMap<String, CachedToken>>,
    shutdown: CancellationToken,
}

impl Drop for System {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

impl System {
    /// Starts a system with every projector in-process.
    pub async fn start() -> Self {
        Self::start_with(SystemOptions::default()).await
    }

    /// Starts a system as `options` say.
    ///
    /// # Panics
    /// When a part cannot start (the test fails).
    pub async fn start_with(options: SystemOptions) -> Self {
        Self::start_rate_limited(options, |_| {}).await
    }

    /// Starts a system as `options` say, whose APIs' rate limits `limit` changes from the
    /// generous defaults (the Redis URL comes from the environment, the key prefix is the
    /// system's own, so systems never share counters).
    ///
    /// # Panics
    /// When a part cannot start (the test fails).
    pub async fn start_rate_limited(options: SystemOptions, limit: impl FnOnce(&mut RateLimitArgs)) -> Self {
        Self::assemble(StackEnv::from_env(), options, limit, true).await
    }

    /// Starts a system as `options` say on the services `env` names instead of the stack's
    /// (a private Postgres or schema registry the test may stop and start).
    ///
    /// # Panics
    /// When a part cannot start (the test fails).
    pub async fn start_on(env: StackEnv, options: SystemOptions) -> Self {
        Self::assemble(env, options, |_| {}, true).await
    }

    /// Starts a system as `options` say, but without a relay: its outbox fills until the test
    /// starts one ([`System::start_relay`], or a relay process it can kill).
    ///
    /// # Panics
    /// When a part cannot start (the test fails).
    pub async fn start_without_relay(options: SystemOptions) -> Self {
        Self::assemble(StackEnv::from_env(), options, |_| {}, false).await
    }

    /// Starts the parts of a system on `env`'s services: the relay only when `with_relay`.
    async fn assemble(
        env: StackEnv,
        options: SystemOptions,
        limit: impl FnOnce(&mut RateLimitArgs),
        with_relay: bool,
    ) -> Self {
        let mut telemetry = TelemetryArgs::from_env();
        telemetry.log = std::env::var("PRISM_TEST_LOG").unwrap_or_else(|_| "warn".to_owned());
        prism_platform::telemetry::init(&telemetry, "prism-tests");
        let suffix = unique_suffix();
        let database_url = create_database(&env, &suffix).await;
        let pool = prism_platform::db::connect_url(&database_url, 4).await.expect("test database reachable");
        let kafka_brokers = options.kafka_brokers.clone().unwrap_or_else(|| env.kafka_brokers.clone());
        let mut rate_limit = RateLimitArgs {
            redis_url: env.redis_url.clone(),
            tenant_per_window: GENEROUS_REQUESTS_PER_WINDOW,
            ip_per_window: GENEROUS_REQUESTS_PER_WINDOW,
            window_secs: 60,
            trusted_proxy_hops: 0,
            redis_timeout_ms: 250,
            key_prefix: format!("prism:rl:t{suffix}"),
        };
        limit(&mut rate_limit);
        let mut system = Self {
            database_url,
            pool,
            topic_prefix: format!("t{suffix}"),
            kafka_brokers,
            command_url: String::new(),
            query_url: String::new(),
            rate_limit,
            auth: AuthArgs {
                jwt_secret: DEV_SECRET.to_owned(),
                access_token_ttl_seconds: ACCESS_TOKEN_TTL_SECONDS,
                operator_key: DEV_OPERATOR_KEY.to_owned(),
            },
            http: reqwest::Client::new(),
            tokens: Mutex::new(HashMap::new()),
            shutdown: CancellationToken::new(),
            env,
        };
        system.start_command_api().await;
        if with_relay {
            system.start_relay().await;
        }
        for kind in &options.projectors {
            system.start_projector(*kind).await;
        }
        system.start_query_api().await;
        system
    }

    fn database(&self) -> DatabaseArgs {
        DatabaseArgs { url: self.database_url.clone(), max_connections: 8 }
    }

    fn http_args(&self) -> HttpArgs {
        HttpArgs {
            addr: "127.0.0.1:0".to_owned(),
            body_limit_bytes: BODY_LIMIT_BYTES,
            rate_limit: self.rate_limit.clone(),
            auth: self.auth.clone(),
        }
    }

    /// Kafka settings of this system.
    #[must_use]
    pub fn kafka(&self) -> KafkaArgs {
        KafkaArgs { brokers: self.kafka_brokers.clone(), topic_prefix: self.topic_prefix.clone(), topic_partitions: 3 }
    }

    /// The journal-entry topic of this system.
    #[must_use]
    pub fn journal_topic(&self) -> String {
        format!("{}.finance.journal-entry.v1", self.topic_prefix)
    }

    async fn start_command_api(&mut self) {
        let config = CommandApiConfig {
            database: self.database(),
            http: self.http_args(),
            login_limit: LoginLimitArgs::default(),
            mongodb_url: self.env.mongodb_url.clone(),
            telemetry: TelemetryArgs::default(),
        };
        let api = CommandApi::build(&config).await.expect("command API builds");
        self.command_url = format!("http://{}", api.local_addr().expect("bound"));
        tokio::spawn(api.run(self.shutdown.clone()));
    }

    /// Starts one more relay on this system's database (only one leads at a time).
    ///
    /// # Panics
    /// When it cannot start.
    pub async fn start_relay(&self) {
        let config = RelayConfig {
            database: self.database(),
            kafka: self.kafka(),
            registry: RegistryArgs { url: self.env.registry_url.clone() },
            batch_max_events: 5_000,
            poll_interval_ms: 200,
            retry_backoff_ms: RELAY_RETRY_BACKOFF_MS,
            http_addr: None,
            telemetry: TelemetryArgs::default(),
        };
        let relay = Relay::build(config).await.expect("relay builds");
        tokio::spawn(relay.run(self.shutdown.clone()));
    }

    /// Settings of projector `kind` for this system.
    #[must_use]
    pub fn projector_config(&self, kind: ProjectorKind) -> ProjectorConfig {
        ProjectorConfig {
            projector: kind,
            database: self.database(),
            timeseries_database_url: None,
            mongodb_url: self.env.mongodb_url.clone(),
            consumer: self.consumer_args(),
            http_addr: None,
            telemetry: TelemetryArgs::default(),
        }
    }

    /// How this system's in-process consumers consume: small retries, batches of 2,000 as in
    /// production.
    #[must_use]
    pub fn consumer_args(&self) -> ConsumerArgs {
        ConsumerArgs {
            kafka: self.kafka(),
            registry: RegistryArgs { url: self.env.registry_url.clone() },
            consumer_group: None,
            apply_attempts_max: 3,
            batch_max_events: 2_000,
            retry_backoff_ms: 50,
        }
    }

    /// Starts projector `kind` in-process.
    ///
    /// # Panics
    /// When it cannot start.
    pub async fn start_projector(&self, kind: ProjectorKind) {
        let config = self.projector_config(kind);
        let projection = prism_projections::projectors::build(&config).await.expect("projection connects");
        let runtime =
            ProjectorRuntime::build(kind.name(), &config.consumer, projection).await.expect("projector starts");
        tokio::spawn(runtime.run(self.shutdown.clone()));
    }

    /// Starts the payment-allocation process manager in-process.
    ///
    /// # Panics
    /// When it cannot start.
    pub async fn start_payment_allocations(&self) {
        self.start_process(ProcessKind::PaymentAllocations).await;
    }

    /// Starts the inventory-postings, order-fulfilment and procure-to-pay process managers
    /// in-process, each as its own consumer group like `scripts/prism up` does.
    ///
    /// # Panics
    /// When one cannot start.
    pub async fn start_supply_processes(&self) -> Vec<ProcessTask> {
        let mut tasks = Vec::new();
        for kind in [ProcessKind::InventoryPostings, ProcessKind::OrderFulfilment, ProcessKind::ProcureToPay] {
            tasks.push(self.start_process(kind).await);
        }
        tasks
    }

    /// Starts process manager `kind` in-process, on a pool of its own as its own process has;
    /// the answer can kill it.
    ///
    /// # Panics
    /// When it cannot start.
    pub async fn start_process(&self, kind: ProcessKind) -> ProcessTask {
        self.spawn_process(kind, &self.consumer_args(), &test_sending()).await
    }

    /// Starts the notification process manager in-process, sending email through the SMTP
    /// server at `smtp_addr`; in a consumer group of its own when `rereading` (so every event is
    /// delivered to it again).
    ///
    /// # Panics
    /// When it cannot start.
    pub async fn start_notifications(&self, smtp_addr: &str, rereading: bool) -> ProcessTask {
        let consumer = self.process_consumer(ProcessKind::Notifications, rereading);
        let mut settings = test_sending();
        settings.notifications.smtp_addr = Some(smtp_addr.to_owned());
        self.spawn_process(ProcessKind::Notifications, &consumer, &settings).await
    }

    /// Starts the webhook process manager in-process, sending as `webhooks` says; in a
    /// consumer group of its own when `rereading` (so every event is delivered to it again).
    ///
    /// # Panics
    /// When it cannot start.
    pub async fn start_webhooks(&self, webhooks: WebhookArgs, rereading: bool) -> ProcessTask {
        let settings = SendingArgs { webhooks, ..test_sending() };
        self.spawn_process(ProcessKind::Webhooks, &self.process_consumer(ProcessKind::Webhooks, rereading), &settings)
            .await
    }

    /// Starts process manager `kind` as [`Self::start_process`] does, but in a consumer group of
    /// its own, so that it reads the topics from their first records: every event is delivered
    /// to it again.
    ///
    /// # Panics
    /// When it cannot start.
    pub async fn start_process_rereading(&self, kind: ProcessKind) -> ProcessTask {
        self.spawn_process(kind, &self.process_consumer(kind, true), &test_sending()).await
    }

    /// How process manager `kind` consumes: in the system's consumer group, or, when
    /// `rereading`, in a new one of its own that reads the topics from their first records.
    fn process_consumer(&self, kind: ProcessKind, rereading: bool) -> ConsumerArgs {
        let mut consumer = self.consumer_args();
        if rereading {
            consumer.consumer_group = Some(format!("{}-{}-again-{}", self.topic_prefix, kind.name(), unique_suffix()));
        }
        consumer
    }

    async fn spawn_process(&self, kind: ProcessKind, consumer: &ConsumerArgs, settings: &SendingArgs) -> ProcessTask {
        let pool = prism_platform::db::connect_url(&self.database_url, 8).await.expect("test database reachable");
        let process = kind.build(Arc::new(EventStores::new(pool)), settings).await.expect("process manager builds");
        let mut beside = Vec::new();
        if let Some(dispatcher) = process.dispatcher {
            beside.push(tokio::spawn(dispatcher.run(self.shutdown.clone())));
        }
        if let Some(reports) = process.scheduled_reports {
            beside.push(tokio::spawn(reports.run(self.shutdown.clone())));
        }
        let runtime =
            ProjectorRuntime::build(kind.name(), consumer, process.projection).await.expect("process manager starts");
        ProcessTask { kind, task: tokio::spawn(runtime.run(self.shutdown.clone())), beside }
    }

    async fn start_query_api(&mut self) {
        let config = QueryApiConfig {
            database: self.database(),
            http: self.http_args(),
            timeseries_database_url: None,
            mongodb_url: self.env.mongodb_url.clone(),
            min_position_wait_ms: 20_000,
            page_size_max: 500,
            bucket_count_max: 1_000,
            report_timeout_ms: 5_000,
            telemetry: TelemetryArgs::default(),
        };
        let api = QueryApi::build(&config).await.expect("query API builds");
        self.query_url = format!("http://{}", api.local_addr().expect("bound"));
        tokio::spawn(api.run(self.shutdown.clone()));
    }

    /// `POST` `body` (raw bytes) to the command API as `tenant`'s admin, with `extra` headers.
    ///
    /// # Panics
    /// When the tenant cannot be provisioned or its admin not logged in.
    pub async fn post_raw(&self, tenant: &str, path: &str, body: Vec<u8>, extra: &[(&str, &str)]) -> Answer {
        let token = self.token(tenant).await;
        self.send_post(Some(&token), path, body, extra).await
    }

    /// `POST` JSON to the command API as `tenant`'s admin.
    ///
    /// # Panics
    /// When the tenant cannot be provisioned or its admin not logged in.
    pub async fn post(&self, tenant: &str, path: &str, body: &Value) -> Answer {
        self.post_raw(tenant, path, serde_json::to_vec(body).expect("json"), &[]).await
    }

    /// `POST` `body` (raw bytes) to the command API as `tenant`'s admin with header `name` set
    /// to the raw bytes `value`, which may be what no well-behaved client sends (a tab, bytes
    /// past ASCII).
    ///
    /// # Panics
    /// When `value` has bytes no HTTP header may carry (other control characters).
    pub async fn post_with_header_bytes(
        &self,
        tenant: &str,
        path: &str,
        body: Vec<u8>,
        name: &str,
        value: &[u8],
    ) -> Answer {
        let value = reqwest::header::HeaderValue::from_bytes(value).expect("bytes a header may carry");
        let token = self.token(tenant).await;
        let request = self.command_post(Some(&token), path, body).header(name, value);
        answer(request.send().await.expect("command API answers")).await
    }

    /// `POST` JSON to the command API with access token `token` (a [`TestUser`]'s, say).
    pub async fn post_as(&self, token: &str, path: &str, body: &Value) -> Answer {
        self.send_post(Some(token), path, serde_json::to_vec(body).expect("json"), &[]).await
    }

    /// `POST` `body` (raw bytes) to the command API with `Authorization: Bearer <bearer>`, or
    /// no `Authorization` header when `bearer` is `None`, and `extra` headers.
    pub async fn send_post(&self, bearer: Option<&str>, path: &str, body: Vec<u8>, extra: &[(&str, &str)]) -> Answer {
        let mut request = self.command_post(bearer, path, body);
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        answer(request.send().await.expect("command API answers")).await
    }

    /// A JSON `POST` of `body` to the command API's `path`, with `Authorization: Bearer
    /// <bearer>` unless `bearer` is `None`.
    fn command_post(&self, bearer: Option<&str>, path: &str, body: Vec<u8>) -> reqwest::RequestBuilder {
        let request =
            self.http.post(format!("{}{path}", self.command_url)).header("content-type", "application/json").body(body);
        match bearer {
            Some(bearer) => request.bearer_auth(bearer),
            None => request,
        }
    }

    /// An access token of `tenant`'s admin. On the tenant's first use the operator provisions
    /// it (`POST /v1/tenants`, admin `admin@<tenant>.example` with [`ADMIN_PASSWORD`]; a
    /// tenant that exists already is fine) and the admin logs in; the token is cached, and
    /// replaced by a new login shortly before it expires.
    ///
    /// # Panics
    /// When provisioning or the login is refused (a failed test).
    pub async fn token(&self, tenant: &str) -> String {
        let mut tokens = self.tokens.lock().await;
        let lifetime = Duration::from_secs(self.auth.access_token_ttl_seconds);
        if let Some(cached) = tokens.get(tenant) {
            if cached.obtained.elapsed() + TOKEN_RENEW_MARGIN < lifetime {
                return cached.token.clone();
            }
        } else {
            self.provision(tenant).await;
        }
        let token = self.login(tenant, &admin_email(tenant), ADMIN_PASSWORD).await;
        tokens.insert(tenant.to_owned(), CachedToken { token: token.clone(), obtained: Instant::now() });
        token
    }

    /// Provisions `tenant` with its admin through `POST /v1/tenants` and the operator key;
    /// a tenant that exists already (409 `tenant-exists`) is fine.
    ///
    /// # Panics
    /// When the command API refuses otherwise.
    async fn provision(&self, tenant: &str) {
        let body = json!({"tenant": tenant, "display_name": format!("Test tenant {tenant}"), "chart_of_accounts": "empty",
            "admin": {"email": admin_email(tenant), "name": "Test Admin", "password": ADMIN_PASSWORD}});
        let operator_key = self.auth.operator_key.clone();
        let answer =
            self.send_post(Some(&operator_key), "/v1/tenants", serde_json::to_vec(&body).expect("json"), &[]).await;
        let exists = answer.status == StatusCode::CONFLICT && answer.body["type"] == "urn:prism:problem:tenant-exists";
        assert!(
            answer.status == StatusCode::CREATED || exists,
            "provisioning tenant {tenant}: {} {}",
            answer.status,
            answer.body
        );
    }

    /// Logs `email` of `tenant` in with `password` through `POST /v1/auth/login`; the access
    /// token.
    ///
    /// # Panics
    /// When the login is refused.
    pub async fn login(&self, tenant: &str, email: &str, password: &str) -> String {
        let body = json!({"tenant": tenant, "email": email, "password": password});
        let answer = self.send_post(None, "/v1/auth/login", serde_json::to_vec(&body).expect("json"), &[]).await;
        assert_eq!(answer.status, StatusCode::OK, "login of {email} to {tenant}: {}", answer.body);
        answer.body["access_token"].as_str().expect("an access_token in the login answer").to_owned()
    }

    /// A new user of `tenant` holding `roles` (role names: `accountant`, `approver`, …), created
    /// by the tenant's admin through `POST /v1/users` with [`USER_PASSWORD`], and logged in.
    ///
    /// # Panics
    /// When the command API refuses to create it or to log it in.
    pub async fn user(&self, tenant: &str, roles: &[&str]) -> TestUser {
        let suffix = unique_suffix();
        let email = format!("user-{suffix}@{}", email_domain(tenant));
        let body = json!({"email": email, "name": format!("User {suffix}"), "roles": roles, "password": USER_PASSWORD});
        let created = self.post(tenant, "/v1/users", &body).await;
        assert_eq!(created.status, StatusCode::CREATED, "user with roles {roles:?}: {}", created.body);
        let user_id = created.body["user_id"].as_str().expect("a user_id in the answer").to_owned();
        let token = self.login(tenant, &email, USER_PASSWORD).await;
        TestUser { user_id, email, token }
    }

    /// An access token of a new user of `tenant` holding `roles` (see [`System::user`]).
    ///
    /// # Panics
    /// When the command API refuses to create it or to log it in.
    pub async fn user_token(&self, tenant: &str, roles: &[&str]) -> String {
        self.user(tenant, roles).await.token
    }

    /// An access token for user `user_id` of `tenant` with the built-in `roles` (and their
    /// permissions), signed with this system's
    /// secret without asking the APIs: the tenant need not exist, nothing is provisioned and
    /// no request is made (for tests that count requests, or of tenants the APIs do not know).
    ///
    /// # Panics
    /// When `tenant` is not a valid slug.
    #[must_use]
    pub fn signed_token(&self, tenant: &str, user_id: &str, roles: &[Role]) -> String {
        let tenant = TenantId::parse(tenant).expect("a valid tenant slug");
        Tokens::new(&self.auth).issue(&tenant, user_id, &Grants::of_builtin(roles)).expect("HMAC signing works").token
    }

    /// A fresh tenant whose books are open: the default chart of accounts and fiscal year 2026
    /// in monthly periods, so that [`crate::ledger::entry`] posts. Returns its slug.
    ///
    /// # Panics
    /// When the command API refuses (a failed test).
    pub async fn ledger_tenant(&self) -> String {
        let tenant = new_tenant();
        self.open_books(&tenant).await;
        tenant
    }

    /// Loads the default chart and opens fiscal year 2026 for `tenant`.
    ///
    /// # Panics
    /// When the command API refuses (a failed test).
    pub async fn open_books(&self, tenant: &str) {
        let chart = self.post(tenant, "/v1/chart-of-accounts/default", &Value::Null).await;
        assert_eq!(chart.status, StatusCode::CREATED, "default chart: {}", chart.body);
        let year = self.post(tenant, "/v1/fiscal-years", &crate::ledger::fiscal_year(2026)).await;
        assert_eq!(year.status, StatusCode::CREATED, "fiscal year: {}", year.body);
    }

    /// `GET` from the query API as `tenant`'s admin, waiting for `min_position` when given.
    ///
    /// # Panics
    /// When the tenant cannot be provisioned or its admin not logged in.
    pub async fn get(&self, tenant: &str, path: &str, min_position: Option<i64>) -> Answer {
        let token = self.token(tenant).await;
        self.send_get(Some(&token), path, min_position).await
    }

    /// `GET` from the query API with access token `token` (a [`TestUser`]'s, say), waiting for
    /// `min_position` when given.
    pub async fn get_as(&self, token: &str, path: &str, min_position: Option<i64>) -> Answer {
        self.send_get(Some(token), path, min_position).await
    }

    /// `GET` from the query API with `Authorization: Bearer <bearer>` (none when `None`),
    /// waiting for `min_position` when given.
    pub async fn send_get(&self, bearer: Option<&str>, path: &str, min_position: Option<i64>) -> Answer {
        let mut request = self.http.get(format!("{}{path}", self.query_url));
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        if let Some(position) = min_position {
            request = request.header("x-prism-min-position", position.to_string());
        }
        answer(request.send().await.expect("query API answers")).await
    }

    /// A consumer in a group of its own, subscribed to `topic` from its first record.
    ///
    /// # Panics
    /// When the consumer cannot be created.
    pub fn topic_reader(&self, topic: &str) -> StreamConsumer {
        self.topics_reader(&[topic])
    }

    /// A consumer in a group of its own, subscribed to `topics` from their first records.
    ///
    /// # Panics
    /// When the consumer cannot be created.
    pub fn topics_reader(&self, topics: &[&str]) -> StreamConsumer {
        let consumer: StreamConsumer = ClientConfig::new()
            .set("bootstrap.servers", &self.kafka_brokers)
            .set("group.id", format!("{}-reader-{}", self.topic_prefix, unique_suffix()))
            .set("auto.offset.reset", "earliest")
            .set("enable.auto.commit", "false")
            .create()
            .expect("Kafka consumer");
        consumer.subscribe(topics).expect("topic subscription");
        consumer
    }

    /// Number of rows in `table` of `tenant`'s schema, which may end in a `WHERE` clause (0 when
    /// the schema does not exist).
    pub async fn count(&self, tenant: &str, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT count(*) FROM tenant_{tenant}.{table}"))
            .fetch_one(&self.pool)
            .await
            .unwrap_or(0)
    }

    /// Waits until the `postgres` projector has applied every event of `tenant` so far.
    ///
    /// # Panics
    /// When it has not within 30 s.
    pub async fn await_postgres_caught_up(&self, tenant: &str) {
        self.await_caught_up::<LedgerWriter>(tenant).await;
    }

    /// Waits until the SQL projector `W` has applied every event of `tenant` so far that it
    /// follows. A consistency token only promises its own event; reports that read many
    /// aggregates, whose events travel on several topics and partitions, need all of them.
    ///
    /// # Panics
    /// When it has not within 30 s.
    pub async fn await_caught_up<W: SqlWriter>(&self, tenant: &str) {
        let sql = format!(
            "SELECT count(*) FROM tenant_{tenant}.events e
              WHERE e.aggregate_type = ANY($1)
                AND NOT EXISTS (SELECT 1 FROM tenant_{tenant}.projection_applied a
                                 WHERE a.projector = $2 AND a.global_position = e.global_position)"
        );
        let what = format!("the {} projector to catch up", W::NAME);
        eventually(Duration::from_secs(30), &what, || async {
            let missing: i64 = sqlx::query_scalar(&sql)
                .bind(W::AGGREGATE_TYPES)
                .bind(W::NAME)
                .fetch_one(&self.pool)
                .await
                .unwrap_or(-1);
            (missing == 0).then_some(())
        })
        .await;
    }

    /// The event stores as the process managers see them, to read aggregates (stock, orders,
    /// invoices) as they stand — the truth the read models follow — or issue a command as a
    /// process manager would.
    #[must_use]
    pub fn event_stores(&self) -> EventStores {
        EventStores::new(self.pool.clone())
    }

    /// Opens warehouse `code` for `tenant`.
    ///
    /// # Panics
    /// When the command API refuses.
    pub async fn open_warehouse(&self, tenant: &str, code: &str) {
        let warehouse = serde_json::json!({"code": code, "name": format!("Warehouse {code}"), "kind": "warehouse"});
        let opened = self.post(tenant, "/v1/locations", &warehouse).await;
        assert_eq!(opened.status, StatusCode::CREATED, "location: {}", opened.body);
    }

    /// Defines item `sku` in EUR valued by `valuation` (`fifo` or `moving_average`).
    ///
    /// # Panics
    /// When the command API refuses.
    pub async fn define_item(&self, tenant: &str, sku: &str, valuation: &str) {
        let item = serde_json::json!({"sku": sku, "name": format!("Item {sku}"), "unit_of_measure": "each",
            "valuation_method": valuation, "currency": "EUR", "reorder_point": "1", "reorder_quantity": "10"});
        let defined = self.post(tenant, "/v1/items", &item).await;
        assert_eq!(defined.status, StatusCode::CREATED, "item: {}", defined.body);
    }

    /// Every account's EUR balance in `tenant`'s trial balance once the `postgres` projector has
    /// caught up: debit balance positive, credit balance negative; accounts without lines are
    /// absent. Asserts that it balances.
    ///
    /// # Panics
    /// When the query API does not answer 200 or the trial balance does not balance.
    pub async fn trial_balance(&self, tenant: &str) -> std::collections::BTreeMap<String, i64> {
        self.await_postgres_caught_up(tenant).await;
        let answer = self.get(tenant, "/v1/reports/trial-balance?currency=EUR", None).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        let eur = &answer.body["currencies"][0];
        assert_eq!(eur["balanced"], true, "{}", answer.body);
        let amount = |line: &Value, field: &str| line[field].as_i64().unwrap_or_default();
        eur["lines"]
            .as_array()
            .map(|lines| {
                lines
                    .iter()
                    .map(|line| {
                        let code = line["code"].as_str().unwrap_or_default().to_owned();
                        (code, amount(line, "debit_balance_minor") - amount(line, "credit_balance_minor"))
                    })
                    .filter(|(_, balance)| *balance != 0)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Journal-entry events in `tenant`'s event store (0 when the schema does not exist).
    pub async fn journal_event_count(&self, tenant: &str) -> i64 {
        self.count(tenant, "events WHERE aggregate_type = 'finance.journal_entry'").await
    }

    /// Outbox rows waiting for `tenant`.
    pub async fn outbox_depth(&self, tenant: &str) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM shared.outbox WHERE tenant = $1")
            .bind(tenant)
            .fetch_one(&self.pool)
            .await
            .expect("outbox readable")
    }
}

async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap_or_default();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer { status, headers, body }
}

/// Test databases older than this are dropped when a new system starts: no test runs longer.
const STALE_DATABASE_AGE_SECS: u64 = 2 * 60 * 60;

/// Creates database `prism_test_<unix seconds>_<suffix>`, first dropping test databases left
/// by runs long finished (a test cannot drop its own: `Drop` cannot wait for Postgres).
async fn create_database(env: &StackEnv, suffix: &str) -> String {
    let admin = prism_platform::db::connect_url(&env.database_url, 1).await.expect("stack Postgres reachable");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let existing: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'prism\\_test\\_%'")
            .fetch_all(&admin)
            .await
            .expect("databases listed");
    for name in existing {
        let created = name.split('_').nth(2).and_then(|secs| secs.parse::<u64>().ok());
        if created.is_some_and(|created| now.saturating_sub(created) > STALE_DATABASE_AGE_SECS) {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&admin).await;
        }
    }
    let name = format!("prism_test_{now}_{suffix}");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.expect("test database created");
    admin.close().await;
    env.database_url_named(&name)
}

/// The sending settings of a test's process managers: emails logged instead of sent (no SMTP
/// server), report schedules looked at every second, webhooks as [`quick_webhooks`].
#[must_use]
pub fn test_sending() -> SendingArgs {
    SendingArgs {
        notifications: NotificationArgs {
            smtp_addr: None,
            mail_from: "Prism <no-reply@prism.test>".to_owned(),
            mongodb_url: StackEnv::from_env().mongodb_url,
            report_poll_seconds: 1,
            report_timeout_ms: 5_000,
        },
        webhooks: quick_webhooks(),
    }
}

/// Webhook settings for tests: an answer within 2 s, retries after 100 ms doubling up to 800 ms
/// for 3 s (attempts at about 0, 0.1, 0.3, 0.7, 1.5 and 2.3 s), a subscription disabled after 2
/// deliveries given up in a row.
#[must_use]
pub fn quick_webhooks() -> WebhookArgs {
    WebhookArgs {
        timeout_ms: 2_000,
        first_backoff_ms: 100,
        max_backoff_ms: 800,
        retry_for_seconds: 3,
        disable_after: 2,
    }
}

/// A fresh tenant slug.
#[must_use]
pub fn new_tenant() -> String {
    format!("t_{}", unique_suffix())
}

/// Polls `check` every 50 ms until it returns `Some`, for at most `timeout`.
///
/// # Panics
/// When `timeout` passes first, with `what` in the message.
pub async fn eventually<T, F, Fut>(timeout: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
