//! The subcommands: serve, migrate, seed, token, schema.

use crate::auth::{TokenChecks, TokenKeys};
use crate::config::{
    AuthArgs, Cli, Command, DatabaseArgs, JwtAlgorithm, KeySource, SeedArgs, ServeArgs, TokenArgs,
};
use crate::graphql::plan::ReadPlan;
use crate::seed;
use crate::{AppState, app, db};
use anyhow::{Context, bail};
use jsonwebtoken::Algorithm;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Notify;

pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => serve(cli.serve).await,
        Some(Command::Serve(args)) => serve(*args).await,
        Some(Command::Migrate(args)) => migrate(args).await,
        Some(Command::Seed(args)) => seed_cmd(args).await,
        Some(Command::Token(args)) => token(args),
        Some(Command::Schema(args)) => {
            if args.api {
                print!("{}", crate::graphql::api_sdl());
            } else {
                print!("{}", crate::graphql::sdl().await);
            }
            Ok(())
        }
    }
}

async fn open(args: &DatabaseArgs) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let url = db::resolve_url(args)?;
    let conn = db::connect(&url).await?;
    db::migrate(&conn).await?;
    Ok(conn)
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    // Keys first: a bad key configuration fails before the port or the database is touched.
    let (keys, generated) = token_keys(&args.auth)?;
    // Then bind: a port in use fails before the database is touched.
    let listener = tokio::net::TcpListener::bind(args.listen_addr)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {}; is another process using it? Set LISTEN_ADDR or --listen-addr",
                args.listen_addr
            )
        })?;
    let conn = open(&args.database).await?;
    let seed_demo = args
        .seed_demo
        .unwrap_or_else(|| args.database.is_embedded_default());
    if seed_demo && seed::is_empty(&conn).await? {
        let started = Instant::now();
        let report = seed::seed(&conn, seed::DEMO_SCALE, seed::DEMO_SEED).await?;
        tracing::info!(
            conversations = report.conversations,
            messages = report.messages,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "filled the empty database with demo data"
        );
    }
    if generated {
        tracing::warn!(
            "JWT_SECRET is not set: generated a random secret for this run; only tokens printed below work, and only until restart"
        );
    } else if !keys.can_sign() {
        tracing::info!(
            "verifying bearer tokens with {}; serve cannot sign tokens with public keys, so it prints no demo token and GraphiQL gets no prefilled Authorization header",
            keys.describe()
        );
    }
    // Only a secret signs: with a public key or JWKS there is no demo token to print or to
    // prefill in GraphiQL.
    let demo_token = keys.can_sign().then(|| {
        keys.issue(
            seed::demo_company_id(),
            "read:conversations write:conversations",
            "demo",
            30 * 86_400,
        )
    });
    let limits = args.limits.limits();
    // Serve through a pool with the serving settings (statements stop at the request
    // timeout on PostgreSQL); migrations and the seed above ran without them.
    let settings = db::PoolSettings {
        acquire_timeout: args.database_acquire_timeout,
        statement_timeout: Some(limits.timeout),
        plan_each_statement: true,
    };
    conn.close().await.ok();
    let conn = db::connect_with(&db::resolve_url(&args.database)?, &settings).await?;
    let addr = listener.local_addr()?;
    let prefill = demo_token.as_deref().filter(|_| seed_demo);
    let state = AppState::new(conn.clone(), keys, prefill)
        .with_limits(limits)
        .with_read_plan(ReadPlan(args.read_plan));
    // Retention: events past EVENT_RETENTION_DAYS are pruned once a minute.
    tokio::spawn(crate::live::prune_forever(
        conn.clone(),
        state.limits.clone(),
    ));
    println!("GraphiQL: http://{addr}/graphql");
    if let Some(token) = &demo_token {
        println!("Demo company token (valid 30 days):");
        println!("Authorization: Bearer {token}");
    }
    tracing::info!(%addr, "ready");
    // On SIGTERM or Ctrl-C the listener closes at once; requests in flight get the grace
    // period to finish, then the pool closes.
    let signalled = Arc::new(Notify::new());
    let notify = signalled.clone();
    let mut connections = args.limits.connections();
    connections.max_connections = crate::http::server::fit_connections(connections.max_connections);
    let server = crate::http::server::serve(listener, app(state), connections, async move {
        shutdown_signal().await;
        notify.notify_one();
    });
    let grace = args.shutdown_grace;
    let drained = tokio::select! {
        () = server => true,
        () = async {
            signalled.notified().await;
            tokio::time::sleep(grace).await;
        } => false,
    };
    if !drained {
        // The pool is not closed: closing waits for the connections still in use.
        bail!(
            "requests were still running {:.1} s after the shutdown signal (SHUTDOWN_GRACE_SECONDS); exited without them",
            grace.as_secs_f64()
        );
    }
    conn.close().await.ok();
    tracing::info!("stopped");
    Ok(())
}

/// The keys `serve` verifies tokens with, from the one configured source, with the
/// configured checks; with no source, a random secret for this run (then `true`). Nothing
/// is logged here, so that a failure after it is still the only line printed.
fn token_keys(args: &AuthArgs) -> anyhow::Result<(TokenKeys, bool)> {
    let source = args.key_source()?;
    let keys = match source {
        KeySource::None => TokenKeys::hs256(TokenKeys::random_secret().as_bytes()),
        KeySource::Secret(secret) => TokenKeys::hs256(secret.as_bytes()),
        KeySource::PublicKeyFile(path) => {
            let pem = read_key_file(path, "JWT_PUBLIC_KEY_FILE")?;
            let algorithm = args.jwt_algorithm.map(|a| match a {
                JwtAlgorithm::Rs256 => Algorithm::RS256,
                JwtAlgorithm::Es256 => Algorithm::ES256,
            });
            TokenKeys::from_public_key_pem(&pem, algorithm).with_context(|| {
                format!(
                    "JWT_PUBLIC_KEY_FILE {} cannot verify tokens",
                    path.display()
                )
            })?
        }
        KeySource::JwksFile(path) => {
            let json = read_key_file(path, "JWT_JWKS_FILE")?;
            TokenKeys::from_jwks(&json)
                .with_context(|| format!("JWT_JWKS_FILE {} cannot verify tokens", path.display()))?
        }
    };
    Ok((keys.with_checks(args.checks()), source == KeySource::None))
}

fn read_key_file(path: &Path, setting: &str) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {setting} {}", path.display()))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

async fn migrate(args: DatabaseArgs) -> anyhow::Result<()> {
    let url = db::resolve_url(&args)?;
    let conn = db::connect(&url).await?;
    db::migrate(&conn).await?;
    println!("migrations applied to {}", db::redact(&url));
    Ok(())
}

async fn seed_cmd(args: SeedArgs) -> anyhow::Result<()> {
    let conn = open(&args.database).await?;
    let started = Instant::now();
    let report = seed::seed(&conn, args.scale, args.seed).await?;
    println!(
        "seeded {} companies, {} agents, {} inboxes, {} contacts, {} conversations, {} messages, {} calls, {} task/session links in {:.1}s",
        report.companies,
        report.agents,
        report.inboxes,
        report.contacts,
        report.conversations,
        report.messages,
        report.calls,
        report.links,
        started.elapsed().as_secs_f64()
    );
    println!(
        "first company: {} (make a token with `token --company {}`)",
        seed::company_id(args.seed, 0),
        seed::company_id(args.seed, 0)
    );
    Ok(())
}

fn token(args: TokenArgs) -> anyhow::Result<()> {
    let Some(secret) = args.jwt_secret.filter(|s| !s.is_empty()) else {
        bail!(
            "JWT_SECRET is not set: pass --jwt-secret or set JWT_SECRET to the secret `serve` uses"
        );
    };
    let keys = TokenKeys::hs256(secret.as_bytes()).with_checks(TokenChecks {
        issuer: args.issuer.filter(|s| !s.is_empty()),
        audience: args.audience.filter(|s| !s.is_empty()),
        ..TokenChecks::default()
    });
    let company = args.company.unwrap_or_else(seed::demo_company_id);
    println!(
        "{}",
        keys.issue(company, &args.scope, &args.subject, args.ttl)
    );
    Ok(())
}
