//! Connecting to SQLite or PostgreSQL with settings that suit each, and migrating.

use crate::config::{DatabaseArgs, default_sqlite_path};
use anyhow::{Context, bail};
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use std::time::Duration;

/// Resolves the configured URL, or the embedded default (creating its folder).
pub fn resolve_url(args: &DatabaseArgs) -> anyhow::Result<String> {
    if let Some(url) = args.database_url.as_deref().filter(|u| !u.is_empty()) {
        return Ok(url.to_owned());
    }
    let path = default_sqlite_path();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    }
    Ok(format!("sqlite://{}?mode=rwc", path.display()))
}

/// Opens a pool. SQLite gets WAL, a busy timeout (writers wait rather than fail) and
/// foreign keys; both get bounded connect and acquire timeouts so a dead database fails fast.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    connect_with(url, &PoolSettings::default()).await
}

/// How a pool waits: for a connection, and (PostgreSQL) for a statement.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    /// How long a request waits for a connection, including reconnecting to a database
    /// that went away, before it fails with SERVICE_UNAVAILABLE.
    pub acquire_timeout: Duration,
    /// On PostgreSQL, the server cancels any statement running longer (SQLite has no such
    /// setting). None: no limit.
    pub statement_timeout: Option<Duration>,
    /// On PostgreSQL, plan every statement for its own values (`plan_cache_mode =
    /// force_custom_plan`) instead of switching to a generic plan after five executions.
    /// The serving pool does; bulk work (migrations, the seed) does not need it.
    pub plan_each_statement: bool,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            acquire_timeout: Duration::from_secs(3),
            statement_timeout: None,
            plan_each_statement: false,
        }
    }
}

/// Like `connect`, with these settings.
pub async fn connect_with(
    url: &str,
    settings: &PoolSettings,
) -> anyhow::Result<DatabaseConnection> {
    let scheme = url.split(':').next().unwrap_or_default();
    if !matches!(scheme, "sqlite" | "postgres" | "postgresql") {
        bail!(
            "DATABASE_URL must start with postgres:// or sqlite:// (got {:?}); unset it to use the embedded SQLite file",
            redact(url)
        );
    }
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.connect_timeout(settings.acquire_timeout)
        .acquire_timeout(settings.acquire_timeout)
        .sqlx_logging(false)
        // A connection is checked (one round trip) before it is handed out only when it has
        // been idle long enough that the server, a proxy or a firewall may have dropped it;
        // checking every checkout cost a round trip per statement. One that broke while
        // in use fails its statement and leaves the pool.
        .test_before_acquire_if_idle_for(Duration::from_secs(30));
    if scheme == "sqlite" {
        opts.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    } else {
        opts.max_connections(16).min_connections(1);
        // A generic plan assumes average selectivity: tenants of very different sizes, or a
        // filter such as `contactPhone: "42"`, then get a plan made for somebody else's
        // data. Measured (BENCHMARKS.md): the filtered list runs 40% faster planned for its
        // values; planning costs the dashboard about 0.5 ms of database time.
        let mut session = Vec::new();
        if settings.plan_each_statement {
            session.push(("plan_cache_mode", "force_custom_plan".to_owned()));
        }
        if let Some(timeout) = settings.statement_timeout {
            let ms = timeout.as_millis().max(1).to_string();
            session.push(("statement_timeout", ms));
        }
        if !session.is_empty() {
            opts.map_sqlx_postgres_opts(move |o| {
                o.options(session.iter().map(|(k, v)| (*k, v.as_str())))
            });
        }
    }
    Database::connect(opts).await.map_err(|e| {
        anyhow::anyhow!(
            "cannot connect to the database at {}: {}; check DATABASE_URL and that the server is running",
            redact(url),
            one_line(&e.to_string())
        )
    })
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.map_err(|e| {
        anyhow::anyhow!(
            "migrating the database failed: {}",
            one_line(&e.to_string())
        )
    })
}

/// The URL without its password, fit for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
