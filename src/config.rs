//! Command line and environment: every setting has a flag and most an environment variable;
//! a flag wins over the environment. Parsed once in `main`, then passed down as plain data.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

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
    Serve(ServeArgs),
    /// Apply pending migrations to the database and exit.
    Migrate(DatabaseArgs),
    /// Fill the database with a generated, deterministic data set.
    Seed(SeedArgs),
    /// Print a bearer token signed with JWT_SECRET, for local use.
    Token(TokenArgs),
    /// Print the schema (federation SDL, as served at `_service { sdl }`).
    Schema,
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
    /// HS256 secret that verifies bearer tokens. Without one, a random secret is generated
    /// at each start, so only the demo token printed at start is accepted.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Fill an empty database with demo data before serving. Default: on for the embedded
    /// SQLite default, off when DATABASE_URL is set.
    #[arg(long, env = "SEED_DEMO")]
    pub seed_demo: Option<bool>,
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
}

/// Where the embedded default database lives, relative to the working directory.
pub fn default_sqlite_path() -> PathBuf {
    PathBuf::from(DEFAULT_SQLITE_PATH)
}
