//! Command line and environment: every setting has a flag and most an environment variable;
//! a flag wins over the environment. Parsed once in `main`, then passed down as plain data.

use crate::graphql::limits::Limits;
use crate::http::server::ConnectionLimits;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The default database: a SQLite file under ./data, created on first use.
pub const DEFAULT_SQLITE_PATH: &str = "data/conversations.db";

#[derive(Debug, Parser)]
#[command(
    name = "conversations-graph",
    version,
    about = "GraphQL API (Apollo Federation v2 subgraph) over customer conversations",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Settings for `serve`, which runs when no subcommand is given.
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database, fill an empty one with demo data (embedded default) and serve.
    Serve(Box<ServeArgs>),
    /// Apply pending migrations to the database and exit.
    Migrate(DatabaseArgs),
    /// Fill the database with a generated, deterministic data set.
    Seed(SeedArgs),
    /// Print a bearer token signed with JWT_SECRET, for local use.
    Token(TokenArgs),
    /// Print the schema: the subgraph SDL, as served at `_service { sdl }`, or with `--api`
    /// the client schema.
    Schema(SchemaArgs),
}

#[derive(Debug, Clone, Args)]
pub struct SchemaArgs {
    /// Print the client schema (schema.api.graphql): the API as clients see it, without the
    /// federation machinery (no `@link`, `@key`, `@shareable`, `_service`, `_entities`).
    #[arg(long)]
    pub api: bool,
}

#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Database URL: postgres://user@host:5432/db or sqlite://path.db. Default: a SQLite
    /// file at data/conversations.db, created if missing.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
}

impl DatabaseArgs {
    /// True when no database was configured and the embedded SQLite file is used.
    pub fn is_embedded_default(&self) -> bool {
        self.database_url.as_deref().is_none_or(str::is_empty)
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Address to listen on.
    #[arg(long, env = "LISTEN_ADDR", default_value = "127.0.0.1:8000")]
    pub listen_addr: SocketAddr,
    #[command(flatten)]
    pub auth: AuthArgs,
    /// Fill an empty database with demo data before serving. Default: on for the embedded
    /// SQLite default, off when DATABASE_URL is set.
    #[arg(long, env = "SEED_DEMO")]
    pub seed_demo: Option<bool>,
    #[command(flatten)]
    pub limits: LimitsArgs,
    /// How long a request waits for a database connection (reconnecting to a database that
    /// went away included) before failing with SERVICE_UNAVAILABLE.
    #[arg(
        long,
        env = "DATABASE_ACQUIRE_TIMEOUT_SECONDS",
        default_value = "3",
        value_parser = parse_seconds,
        value_name = "SECONDS"
    )]
    pub database_acquire_timeout: Duration,
    /// After SIGTERM or Ctrl-C, how long requests in flight may take to finish before the
    /// server exits anyway.
    #[arg(
        long,
        env = "SHUTDOWN_GRACE_SECONDS",
        default_value = "10",
        value_parser = parse_seconds,
        value_name = "SECONDS"
    )]
    pub shutdown_grace: Duration,
    /// Plan reads from the selection: a conversation list reads the relations a query
    /// selects beneath it (contact, inbox, agents, last message) in its own statement.
    /// Off resolves every relation through the batching loaders instead; the answers are
    /// the same either way.
    #[arg(
        long,
        env = "READ_PLAN",
        default_value_t = true,
        action = clap::ArgAction::Set,
        value_name = "BOOL"
    )]
    pub read_plan: bool,
}

/// What one request may ask for; each refusal is an error with its own code.
#[derive(Debug, Clone, Args)]
pub struct LimitsArgs {
    /// Deepest nesting of fields in an operation (introspection aside).
    #[arg(long, env = "MAX_QUERY_DEPTH", default_value_t = Limits::default().max_depth, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_query_depth: u64,
    /// Largest complexity of an operation: each field costs 1 plus its selection, and a
    /// connection costs `first`/`last` (default 20) times its selection.
    #[arg(long, env = "MAX_QUERY_COMPLEXITY", default_value_t = Limits::default().max_complexity, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_query_complexity: u64,
    /// Most aliased fields in an operation, fragments expanded.
    #[arg(long, env = "MAX_ALIASES", default_value_t = Limits::default().max_aliases)]
    pub max_aliases: u64,
    /// Most root fields in an operation, fragments expanded.
    #[arg(long, env = "MAX_ROOT_FIELDS", default_value_t = Limits::default().max_root_fields, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_root_fields: u64,
    /// Most operations in one batched request (a JSON array body).
    #[arg(long, env = "MAX_BATCH_SIZE", default_value_t = Limits::default().max_batch as u64, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_batch_size: u64,
    /// Largest request body, in bytes.
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = Limits::default().max_body_bytes as u64, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_body_bytes: u64,
    /// Longest a request may execute before it is cancelled (fractions allowed); on
    /// PostgreSQL also each statement's `statement_timeout`.
    #[arg(
        long,
        env = "REQUEST_TIMEOUT_SECONDS",
        default_value = "10",
        value_parser = parse_seconds,
        value_name = "SECONDS"
    )]
    pub request_timeout: Duration,
    /// Serve introspection (`__schema`, `__type`); GraphiQL and code generators need it.
    #[arg(
        long,
        env = "INTROSPECTION",
        default_value_t = true,
        action = clap::ArgAction::Set,
        value_name = "BOOL"
    )]
    pub introspection: bool,
    /// Largest response of one HTTP request (a batch's responses together), in bytes;
    /// enforced while executing.
    #[arg(long, env = "MAX_RESPONSE_BYTES", default_value_t = Limits::default().max_response_bytes as u64, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_response_bytes: u64,
    /// Requests of one company that execute at once; the company's others wait their turn.
    #[arg(long, env = "MAX_COMPANY_CONCURRENCY", default_value_t = Limits::default().max_company_concurrency as u64, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_company_concurrency: u64,
    /// How long a request waits for its company's turn before it is refused as OVERLOADED.
    #[arg(
        long,
        env = "COMPANY_QUEUE_TIMEOUT_SECONDS",
        default_value = "2",
        value_parser = parse_seconds,
        value_name = "SECONDS"
    )]
    pub company_queue_timeout: Duration,
    /// Longest a client may take to send a request body, from its head to its end (HTTP 408).
    #[arg(
        long,
        env = "BODY_READ_TIMEOUT_SECONDS",
        default_value = "30",
        value_parser = parse_seconds,
        value_name = "SECONDS"
    )]
    pub body_read_timeout: Duration,
    /// Most open subscriptions on one WebSocket connection.
    #[arg(long, env = "MAX_SUBSCRIPTIONS_PER_CONNECTION", default_value_t = Limits::default().max_subscriptions_per_connection as u64, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_subscriptions_per_connection: u64,
    /// Most open subscriptions of one company on this instance.
    #[arg(long, env = "MAX_SUBSCRIPTIONS_PER_COMPANY", default_value_t = Limits::default().max_subscriptions_per_company as u64, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_subscriptions_per_company: u64,
    /// Batches of events a subscriber may fall behind before it is ended
    /// (SUBSCRIBER_TOO_SLOW); it then resumes from its last cursor.
    #[arg(long, env = "SUBSCRIPTION_BUFFER", default_value_t = Limits::default().subscription_buffer as u64, value_parser = clap::value_parser!(u64).range(1..=65_536))]
    pub subscription_buffer: u64,
    /// How long a WebSocket may take to send `connection_init` before it is closed (4408).
    #[arg(
        long,
        env = "CONNECTION_INIT_TIMEOUT_SECONDS",
        default_value = "10",
        value_parser = parse_seconds,
        value_name = "SECONDS"
    )]
    pub connection_init_timeout: Duration,
    /// How often the event log is read when no wake-up came (writes of this instance, and
    /// on PostgreSQL of every instance, wake subscriptions at once).
    #[arg(
        long,
        env = "EVENT_POLL_INTERVAL_SECONDS",
        default_value = "1",
        value_parser = parse_seconds,
        value_name = "SECONDS"
    )]
    pub event_poll_interval: Duration,
    /// Days events are kept; older ones are pruned, and a cursor older than that expires.
    #[arg(long, env = "EVENT_RETENTION_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=36_500))]
    pub event_retention_days: u64,
    /// Most events one pruning run deletes (a run each minute).
    #[arg(long, env = "EVENT_PRUNE_BATCH", default_value_t = Limits::default().event_prune_batch, value_parser = clap::value_parser!(u64).range(1..))]
    pub event_prune_batch: u64,
    /// Most open client connections; past it the server stops accepting until one closes.
    /// Also capped by the open-file limit, which `serve` raises to its hard limit.
    #[arg(long, env = "MAX_CONNECTIONS", default_value_t = ConnectionLimits::default().max_connections as u64, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_connections: u64,
    /// Longest a client may take to send a request's head (on a new connection: from
    /// opening it); then the connection is closed.
    #[arg(
        long,
        env = "HEADER_READ_TIMEOUT_SECONDS",
        default_value = "10",
        value_parser = parse_seconds,
        value_name = "SECONDS"
    )]
    pub header_read_timeout: Duration,
    /// A connection with no request in flight and no traffic for this long is closed
    /// (keep-alive included).
    #[arg(
        long,
        env = "IDLE_TIMEOUT_SECONDS",
        default_value = "60",
        value_parser = parse_seconds,
        value_name = "SECONDS"
    )]
    pub idle_timeout: Duration,
}

impl LimitsArgs {
    /// The connection-level limits.
    pub fn connections(&self) -> ConnectionLimits {
        ConnectionLimits {
            max_connections: usize::try_from(self.max_connections).unwrap_or(usize::MAX),
            header_read_timeout: self.header_read_timeout,
            idle_timeout: self.idle_timeout,
        }
    }

    pub fn limits(&self) -> Limits {
        Limits {
            max_depth: self.max_query_depth,
            max_complexity: self.max_query_complexity,
            max_aliases: self.max_aliases,
            max_root_fields: self.max_root_fields,
            max_batch: usize::try_from(self.max_batch_size).unwrap_or(usize::MAX),
            max_body_bytes: usize::try_from(self.max_body_bytes).unwrap_or(usize::MAX),
            timeout: self.request_timeout,
            introspection: self.introspection,
            max_response_bytes: usize::try_from(self.max_response_bytes).unwrap_or(usize::MAX),
            max_company_concurrency: usize::try_from(self.max_company_concurrency)
                .unwrap_or(usize::MAX),
            company_queue_timeout: self.company_queue_timeout,
            body_read_timeout: self.body_read_timeout,
            max_subscriptions_per_connection: usize::try_from(
                self.max_subscriptions_per_connection,
            )
            .unwrap_or(usize::MAX),
            max_subscriptions_per_company: usize::try_from(self.max_subscriptions_per_company)
                .unwrap_or(usize::MAX),
            subscription_buffer: usize::try_from(self.subscription_buffer).unwrap_or(65_536),
            connection_init_timeout: self.connection_init_timeout,
            event_poll_interval: self.event_poll_interval,
            event_retention: Duration::from_secs(self.event_retention_days.saturating_mul(86_400)),
            event_prune_batch: self.event_prune_batch,
        }
    }
}

/// A positive number of seconds, fractions allowed ("0.5").
fn parse_seconds(value: &str) -> Result<Duration, String> {
    let seconds: f64 = value
        .trim()
        .parse()
        .map_err(|_| format!("expected a number of seconds, got {value:?}"))?;
    if !seconds.is_finite() || seconds <= 0.0 || seconds > 86_400.0 {
        return Err(format!(
            "expected a number of seconds above 0 and at most 86400, got {value:?}"
        ));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// How `serve` verifies bearer tokens: exactly one key source (a secret, a public key file
/// or a JWKS file), and the claim checks.
#[derive(Debug, Clone, Args)]
pub struct AuthArgs {
    /// HS256 secret that verifies (and, for the demo token, signs) bearer tokens. With no
    /// key source at all, a random secret is generated at each start, so only the demo
    /// token printed at start is accepted.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// PEM public key file that verifies bearer tokens instead of a secret: RSA for RS256,
    /// EC P-256 for ES256. `serve` then cannot sign, so it prints no demo token.
    #[arg(long, env = "JWT_PUBLIC_KEY_FILE", value_name = "PATH")]
    pub jwt_public_key_file: Option<PathBuf>,
    /// The algorithm of --jwt-public-key-file. Default: detected from the key.
    #[arg(long, env = "JWT_ALGORITHM", value_enum)]
    pub jwt_algorithm: Option<JwtAlgorithm>,
    /// JWKS file (JSON Web Key Set) whose RS256/ES256 keys verify bearer tokens, chosen by
    /// the token's `kid`, instead of a secret. `serve` then prints no demo token.
    #[arg(long, env = "JWT_JWKS_FILE", value_name = "PATH")]
    pub jwt_jwks_file: Option<PathBuf>,
    /// When set, tokens must carry this `iss`.
    #[arg(long, env = "JWT_ISSUER")]
    pub jwt_issuer: Option<String>,
    /// When set, tokens must carry this `aud` (alone or in a list).
    #[arg(long, env = "JWT_AUDIENCE")]
    pub jwt_audience: Option<String>,
    /// Clock skew allowed on `exp` and `nbf`, in seconds.
    #[arg(
        long,
        env = "JWT_LEEWAY_SECONDS",
        default_value_t = 30,
        value_name = "SECONDS"
    )]
    pub jwt_leeway_seconds: u64,
}

/// The public key algorithms a key file can be for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum JwtAlgorithm {
    /// RSA key, RSASSA-PKCS1-v1_5 with SHA-256.
    #[value(name = "RS256")]
    Rs256,
    /// EC P-256 key, ECDSA with SHA-256.
    #[value(name = "ES256")]
    Es256,
}

/// Where `serve` takes its token keys from: at most one of these may be configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource<'a> {
    /// Nothing configured: a random secret for this run.
    None,
    Secret(&'a str),
    PublicKeyFile(&'a std::path::Path),
    JwksFile(&'a std::path::Path),
}

impl AuthArgs {
    /// The one configured key source (empty values count as unset).
    pub fn key_source(&self) -> anyhow::Result<KeySource<'_>> {
        let secret = self.jwt_secret.as_deref().filter(|s| !s.is_empty());
        let pem = self
            .jwt_public_key_file
            .as_deref()
            .filter(|p| !p.as_os_str().is_empty());
        let jwks = self
            .jwt_jwks_file
            .as_deref()
            .filter(|p| !p.as_os_str().is_empty());
        let set: Vec<&str> = [
            secret.map(|_| "JWT_SECRET"),
            pem.map(|_| "JWT_PUBLIC_KEY_FILE"),
            jwks.map(|_| "JWT_JWKS_FILE"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if set.len() > 1 {
            anyhow::bail!(
                "more than one token key source is configured ({}): set exactly one of JWT_SECRET, JWT_PUBLIC_KEY_FILE or JWT_JWKS_FILE (or their --jwt-* flags)",
                set.join(", ")
            );
        }
        if self.jwt_algorithm.is_some() && pem.is_none() {
            anyhow::bail!(
                "JWT_ALGORITHM (--jwt-algorithm) applies only to a public key file: set JWT_PUBLIC_KEY_FILE or drop it"
            );
        }
        Ok(match (secret, pem, jwks) {
            (Some(s), _, _) => KeySource::Secret(s),
            (_, Some(p), _) => KeySource::PublicKeyFile(p),
            (_, _, Some(p)) => KeySource::JwksFile(p),
            _ => KeySource::None,
        })
    }

    /// The configured issuer and audience (empty values count as unset) and leeway.
    pub fn checks(&self) -> crate::auth::TokenChecks {
        crate::auth::TokenChecks {
            issuer: self.jwt_issuer.clone().filter(|s| !s.is_empty()),
            audience: self.jwt_audience.clone().filter(|s| !s.is_empty()),
            leeway_seconds: self.jwt_leeway_seconds,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct SeedArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Size: N×1,000 conversations and N×10,000 messages, the rest in proportion.
    /// Fractions are allowed (0.05 = 50 conversations).
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// Random seed; the same seed and scale give the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Debug, Clone, Args)]
pub struct TokenArgs {
    /// The company (uuid) the token acts for. Default: the demo company.
    #[arg(long)]
    pub company: Option<uuid::Uuid>,
    /// Space-separated scopes.
    #[arg(long, default_value = "read:conversations write:conversations")]
    pub scope: String,
    /// The token's subject (`sub`), recorded as the actor of writes.
    #[arg(long, default_value = "local-user")]
    pub subject: String,
    /// Lifetime in seconds.
    #[arg(long, default_value_t = 86_400)]
    pub ttl: u64,
    /// The secret `serve` verifies tokens with.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// The token's `iss`, for a server started with JWT_ISSUER.
    #[arg(long, env = "JWT_ISSUER")]
    pub issuer: Option<String>,
    /// The token's `aud`, for a server started with JWT_AUDIENCE.
    #[arg(long, env = "JWT_AUDIENCE")]
    pub audience: Option<String>,
}

/// Where the embedded default database lives, relative to the working directory.
pub fn default_sqlite_path() -> PathBuf {
    PathBuf::from(DEFAULT_SQLITE_PATH)
}
