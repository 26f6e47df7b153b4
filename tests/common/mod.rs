//! Test support: each test gets the real router on an ephemeral port over a fresh, migrated
//! database, on SQLite (a temporary file) or PostgreSQL (a new database on the server in
//! TEST_DATABASE_URL, dropped afterwards). `both_backends!` runs a test body on each.
#![allow(dead_code)]

pub mod fixtures;
pub mod process;
pub mod read_fixtures;
pub mod search_fixtures;
pub mod writes;
pub mod ws;

use conversations_graph::auth::TokenKeys;
use conversations_graph::graphql::limits::Limits;
pub use conversations_graph::graphql::plan::ReadPlan;
use conversations_graph::{AppState, app, db};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use uuid::Uuid;

pub const SECRET: &str = "test-secret-not-for-production";
const DEFAULT_PG: &str = "postgres://postgres@127.0.0.1:5432/postgres";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs `async fn name(app: &TestApp)` once per backend, as `sqlite::name` and
/// `postgres::name`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let db = $crate::common::TestDb::create($crate::common::Backend::Sqlite).await.unwrap();
                let app = $crate::common::TestApp::serve(db).await;
                super::$name(&app).await;
            })+
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some(db) = $crate::common::TestDb::create($crate::common::Backend::Postgres).await else {
                    return;
                };
                let app = $crate::common::TestApp::serve(db).await;
                super::$name(&app).await;
            })+
        }
    };
}

/// Runs `async fn name(db: TestDb)` once per backend with a fresh database that has not
/// been migrated, for tests that drive the binary against it.
#[macro_export]
macro_rules! both_databases {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let db = $crate::common::TestDb::create_unmigrated($crate::common::Backend::Sqlite).await.unwrap();
                super::$name(db).await;
            })+
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some(db) = $crate::common::TestDb::create_unmigrated($crate::common::Backend::Postgres).await else {
                    return;
                };
                super::$name(db).await;
            })+
        }
    };
}

/// A fresh, migrated database that removes itself when dropped.
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    pub conn: DatabaseConnection,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Database { admin_url: String, name: String },
}

impl TestDb {
    /// None when PostgreSQL is unreachable outside CI (said once); in CI that fails.
    pub async fn create(backend: Backend) -> Option<TestDb> {
        let db = Self::create_unmigrated(backend).await?;
        db::migrate(&db.conn).await.expect("migrations apply");
        Some(db)
    }

    pub async fn create_unmigrated(backend: Backend) -> Option<TestDb> {
        let suffix = Uuid::new_v4().simple().to_string();
        match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("cg-test-{suffix}.db"));
                let url = format!("sqlite://{}?mode=rwc", path.display());
                let conn = db::connect(&url).await.expect("open SQLite test database");
                Some(TestDb {
                    backend,
                    url,
                    conn,
                    cleanup: Cleanup::File(path),
                })
            }
            Backend::Postgres => {
                let admin_url =
                    std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_PG.to_owned());
                let admin = match db::connect(&admin_url).await {
                    Ok(c) => c,
                    Err(e) => {
                        if std::env::var_os("CI").is_some() {
                            panic!(
                                "PostgreSQL is required in CI but unreachable at {admin_url}: {e:#}. \
                                 Start it or set TEST_DATABASE_URL."
                            );
                        }
                        static SAID: AtomicBool = AtomicBool::new(false);
                        if !SAID.swap(true, Ordering::SeqCst) {
                            eprintln!(
                                "PostgreSQL unreachable at {admin_url}: PostgreSQL tests skipped (set CI=1 to make this fail)"
                            );
                        }
                        return None;
                    }
                };
                let name = format!("cg_test_{suffix}");
                admin
                    .execute_raw(Statement::from_string(
                        admin.get_database_backend(),
                        format!("CREATE DATABASE {name}"),
                    ))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                let url = with_database(&admin_url, &name);
                let conn = db::connect(&url)
                    .await
                    .expect("open PostgreSQL test database");
                Some(TestDb {
                    backend,
                    url,
                    conn,
                    cleanup: Cleanup::Database { admin_url, name },
                })
            }
        }
    }
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let root = match base.rfind('/') {
        Some(i) if i > base.find("://").map_or(0, |s| s + 2) => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for ext in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(ext);
                    let _ = std::fs::remove_file(p);
                }
            }
            Cleanup::Database { admin_url, name } => {
                // Drop runs inside the test's runtime (or while unwinding a failed test), so
                // the DROP runs on a runtime of its own in another thread.
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("cleanup runtime");
                    rt.block_on(async {
                        if let Ok(admin) = db::connect(&admin_url).await {
                            let _ = admin
                                .execute_raw(Statement::from_string(
                                    admin.get_database_backend(),
                                    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                                ))
                                .await;
                            admin.close().await.ok();
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// The real router served on 127.0.0.1:<ephemeral> over a test database.
pub struct TestApp {
    pub addr: SocketAddr,
    pub db: std::sync::Arc<TestDb>,
    pub client: reqwest::Client,
    keys: TokenKeys,
    state: AppState,
}

impl TestApp {
    pub async fn serve(db: TestDb) -> TestApp {
        Self::serve_with_keys(db, TokenKeys::hs256(SECRET.as_bytes())).await
    }

    /// Like `serve`, with the server verifying tokens with `verifier` (a public key, a JWKS,
    /// other checks). `token()` and `reader()` still sign with the test secret, so their
    /// tokens work only when `verifier` is `TokenKeys::hs256(SECRET)` with default checks.
    pub async fn serve_with_keys(db: TestDb, verifier: TokenKeys) -> TestApp {
        Self::serve_with(db, verifier, Limits::default()).await
    }

    /// Like `serve`, with these request limits instead of the defaults.
    pub async fn serve_with_limits(db: TestDb, limits: Limits) -> TestApp {
        Self::serve_with(db, TokenKeys::hs256(SECRET.as_bytes()), limits).await
    }

    pub async fn serve_with(db: TestDb, verifier: TokenKeys, limits: Limits) -> TestApp {
        Self::serve_planned(db, verifier, limits, ReadPlan::default()).await
    }

    /// Like `serve`, with read planning on or off (`plan`).
    pub async fn serve_with_plan(db: TestDb, plan: ReadPlan) -> TestApp {
        Self::serve_planned(
            db,
            TokenKeys::hs256(SECRET.as_bytes()),
            Limits::default(),
            plan,
        )
        .await
    }

    /// A second server over the same database (statements counted apart), with read
    /// planning on or off (`plan`): for comparing the two on the same data.
    pub async fn sibling(&self, plan: ReadPlan) -> TestApp {
        Self::serve_shared(
            self.db.clone(),
            TokenKeys::hs256(SECRET.as_bytes()),
            Limits::default(),
            plan,
        )
        .await
    }

    async fn serve_planned(
        db: TestDb,
        verifier: TokenKeys,
        limits: Limits,
        plan: ReadPlan,
    ) -> TestApp {
        Self::serve_shared(std::sync::Arc::new(db), verifier, limits, plan).await
    }

    async fn serve_shared(
        db: std::sync::Arc<TestDb>,
        verifier: TokenKeys,
        limits: Limits,
        plan: ReadPlan,
    ) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        // The server counts every statement it runs (SeaORM's metric hook).
        let state = AppState::new(db.conn.clone(), verifier, None)
            .with_limits(limits)
            .with_read_plan(plan);
        let served = state.clone();
        tokio::spawn(conversations_graph::http::server::serve(
            listener,
            app(served),
            conversations_graph::http::server::ConnectionLimits::default(),
            std::future::pending(),
        ));
        TestApp {
            addr,
            db,
            client: reqwest::Client::new(),
            keys: TokenKeys::hs256(SECRET.as_bytes()),
            state,
        }
    }

    /// How many SQL statements the server has run so far.
    pub fn statements(&self) -> usize {
        self.state.statements() as usize
    }

    pub fn conn(&self) -> &DatabaseConnection {
        &self.db.conn
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A valid token for `company` with the given space-separated scopes.
    pub fn token(&self, company: Uuid, scope: &str) -> String {
        self.keys.issue(company, scope, "tester", 3600)
    }

    /// A read-and-write token for `company`.
    pub fn reader(&self, company: Uuid) -> String {
        self.token(company, "read:conversations")
    }

    /// POSTs a GraphQL document; returns the parsed body (any status).
    pub async fn graphql(&self, token: &str, query: &str, variables: Value) -> Value {
        let response = self
            .client
            .post(self.url("/graphql"))
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request reaches the server");
        response.json().await.expect("the body is JSON")
    }

    /// Like `graphql`, asserting there are no errors, returning `data`.
    pub async fn data(&self, token: &str, query: &str, variables: Value) -> Value {
        let body = self.graphql(token, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }
}

/// The `extensions.code` of the first error of a response body.
pub fn first_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error with a code, got {body:#}"))
}
