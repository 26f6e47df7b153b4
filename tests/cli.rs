//! The binary: serve, migrate, seed, token and schema, run as a user would, and the clear
//! one-line failures for bad configuration.

mod common;

use common::TestDb;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_conversations-graph");

/// The binary with none of the settings it reads from the environment inherited.
fn bin() -> Command {
    let mut cmd = Command::new(BIN);
    for var in [
        "DATABASE_URL",
        "LISTEN_ADDR",
        "JWT_SECRET",
        "JWT_PUBLIC_KEY_FILE",
        "JWT_ALGORITHM",
        "JWT_JWKS_FILE",
        "JWT_ISSUER",
        "JWT_AUDIENCE",
        "JWT_LEEWAY_SECONDS",
        "SEED_DEMO",
        "RUST_LOG",
        "DATABASE_ACQUIRE_TIMEOUT_SECONDS",
        "SHUTDOWN_GRACE_SECONDS",
        "MAX_QUERY_DEPTH",
        "MAX_QUERY_COMPLEXITY",
        "MAX_ALIASES",
        "MAX_ROOT_FIELDS",
        "MAX_BATCH_SIZE",
        "MAX_BODY_BYTES",
        "REQUEST_TIMEOUT_SECONDS",
        "INTROSPECTION",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// A running `serve`, killed on drop.
struct Server {
    child: Child,
    base: String,
    demo_token: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `serve` and waits for the lines it prints once it listens.
fn start(mut cmd: Command) -> Server {
    let mut child = cmd
        .arg("serve")
        .env("LISTEN_ADDR", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut base, mut demo_token) = (None, None);
    while let Some(Ok(line)) = lines.next() {
        if let Some(url) = line.strip_prefix("GraphiQL: ") {
            base = Some(url.trim_end_matches("/graphql").to_owned());
        }
        if let Some(token) = line.strip_prefix("Authorization: Bearer ") {
            demo_token = Some(token.to_owned());
            break;
        }
    }
    Server {
        child,
        base: base.expect("serve prints the GraphiQL address"),
        demo_token: demo_token.expect("serve prints a demo token"),
    }
}

async fn total_count(base: &str, token: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": "{ conversations { totalCount } }" }))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_with_no_configuration_uses_sqlite_demo_data_and_a_working_token() {
    let dir = std::env::temp_dir().join(format!("cg-serve-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut cmd = bin();
    cmd.current_dir(&dir);
    let server = start(cmd);
    assert!(dir.join("data/conversations.db").exists());
    // The demo set has 200 conversations over 2 companies, 100 each.
    let (status, body) = total_count(&server.base, &server.demo_token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["conversations"]["totalCount"], 100);
    let page = reqwest::Client::new()
        .get(format!("{}/graphql", server.base))
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&server.demo_token),
        "GraphiQL carries the demo token"
    );
    drop(server);
    // A second start reuses the file and does not seed again.
    let mut cmd = bin();
    cmd.current_dir(&dir);
    let server = start(cmd);
    let (_, body) = total_count(&server.base, &server.demo_token).await;
    assert_eq!(body["data"]["conversations"]["totalCount"], 100);
    drop(server);
    std::fs::remove_dir_all(&dir).unwrap();
}

async fn serve_honours_tokens_of_the_token_command(db: TestDb) {
    let secret = "a-shared-secret";
    let mut cmd = bin();
    cmd.env("DATABASE_URL", &db.url)
        .env("JWT_SECRET", secret)
        .env("SEED_DEMO", "true");
    let server = start(cmd);
    let made = run(bin()
        .args(["token", "--scope", "read:conversations"])
        .env("JWT_SECRET", secret));
    assert!(made.status.success(), "{}", stderr(&made));
    let token = stdout(&made).trim().to_owned();
    let (status, body) = total_count(&server.base, &token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["conversations"]["totalCount"], 100);

    let other = run(bin().args(["token"]).env("JWT_SECRET", "another-secret"));
    let (status, body) = total_count(&server.base, stdout(&other).trim()).await;
    assert_eq!(status, 401);
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}

async fn migrate_creates_every_table(db: TestDb) {
    let out = run(bin().arg("migrate").env("DATABASE_URL", &db.url));
    assert!(out.status.success(), "{}", stderr(&out));
    for table in [
        "companies",
        "agents",
        "inboxes",
        "contacts",
        "conversations",
        "conversation_tasks",
        "conversation_sessions",
        "messages",
        "calls",
        "conversation_events",
    ] {
        assert_eq!(
            count(&db, &format!("SELECT COUNT(*) FROM {table}")).await,
            0
        );
    }
    // Applying again is a no-op.
    let again = run(bin().arg("migrate").env("DATABASE_URL", &db.url));
    assert!(again.status.success(), "{}", stderr(&again));
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    let row = db
        .conn
        .query_one_raw(Statement::from_string(db.conn.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn seed_writes_the_promised_data_set(db: TestDb) {
    let out = run(bin()
        .args(["seed", "--scale", "0.2", "--seed", "7"])
        .env("DATABASE_URL", &db.url));
    assert!(out.status.success(), "{}", stderr(&out));
    // Scale 0.2: 200 conversations, 2,000 messages, at least two companies.
    assert_eq!(count(&db, "SELECT COUNT(*) FROM companies").await, 2);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM conversations").await, 200);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM messages").await, 2000);
    let distinct = |col: &str, table: &str| format!("SELECT COUNT(DISTINCT {col}) FROM {table}");
    assert_eq!(count(&db, &distinct("status", "conversations")).await, 4);
    assert_eq!(count(&db, &distinct("priority", "conversations")).await, 4);
    assert_eq!(count(&db, &distinct("channel", "conversations")).await, 7);
    assert_eq!(count(&db, &distinct("status", "calls")).await, 8);
    assert_eq!(count(&db, &distinct("direction", "messages")).await, 2);
    assert!(count(&db, "SELECT COUNT(*) FROM conversation_tasks").await > 0);
    assert!(count(&db, "SELECT COUNT(*) FROM conversation_sessions").await > 0);
    assert!(count(&db, "SELECT COUNT(*) FROM contacts").await > 0);
    // Consistency: children share their conversation's company; lastMessageAt is the newest message.
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.company_id <> m.company_id").await,
        0
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM conversations c WHERE c.last_message_at <> (SELECT MAX(sent_at) FROM messages m WHERE m.conversation_id = c.id)").await,
        0
    );

    // The same seed writes the same rows; seeding it twice into one database is refused.
    let twin = TestDb::create_unmigrated(db.backend).await.unwrap();
    let out = run(bin()
        .args(["seed", "--scale", "0.2", "--seed", "7"])
        .env("DATABASE_URL", &twin.url));
    assert!(out.status.success(), "{}", stderr(&out));
    let ids = |d: &TestDb| {
        let conn = d.conn.clone();
        async move {
            let rows = conn
                .query_all_raw(Statement::from_string(
                    conn.get_database_backend(),
                    "SELECT id, subject FROM conversations ORDER BY id",
                ))
                .await
                .unwrap();
            rows.iter()
                .map(|r| {
                    (
                        r.try_get_by_index::<uuid::Uuid>(0).unwrap(),
                        r.try_get_by_index::<String>(1).unwrap(),
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(ids(&db).await, ids(&twin).await);
    let again = run(bin()
        .args(["seed", "--scale", "0.2", "--seed", "7"])
        .env("DATABASE_URL", &db.url));
    assert!(!again.status.success());
    assert!(stderr(&again).contains("--seed 7"), "{}", stderr(&again));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM conversations").await, 200);
}

both_databases!(
    serve_honours_tokens_of_the_token_command,
    migrate_creates_every_table,
    seed_writes_the_promised_data_set,
);

/// Exits non-zero with one `error:` line (no panic, no backtrace) that contains `needle`.
fn assert_clear_failure(out: &Output, code: i32, needle: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let first = err.lines().next().unwrap_or_default();
    assert!(first.starts_with("error: "), "{err}");
    assert!(first.contains(needle), "expected {needle:?} in {first:?}");
}

#[test]
fn a_database_url_of_another_kind_is_refused() {
    let out = run(bin()
        .args(["migrate"])
        .env("DATABASE_URL", "mysql://root@127.0.0.1/test"));
    assert_clear_failure(
        &out,
        1,
        "DATABASE_URL must start with postgres:// or sqlite://",
    );
    assert_eq!(stderr(&out).lines().count(), 1);
}

#[test]
fn an_unreachable_database_fails_fast_with_one_line() {
    let started = Instant::now();
    let out = run(bin().args(["serve", "--listen-addr", "127.0.0.1:0"]).env(
        "DATABASE_URL",
        "postgres://postgres:hunter2@127.0.0.1:1/nothing",
    ));
    assert_clear_failure(&out, 1, "cannot connect to the database");
    assert!(
        !stderr(&out).contains("hunter2"),
        "the password is never printed"
    );
    assert_eq!(stderr(&out).lines().count(), 1);
    assert!(started.elapsed() < Duration::from_secs(15));
}

#[test]
fn a_port_in_use_is_reported() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = run(bin().args(["serve", "--listen-addr", &addr]));
    assert_clear_failure(&out, 1, "cannot listen on");
    assert_eq!(stderr(&out).lines().count(), 1);
}

#[test]
fn malformed_flags_are_reported_by_name() {
    let out = run(bin().args(["serve", "--listen-addr", "nowhere"]));
    assert_clear_failure(&out, 2, "--listen-addr");
    let out = run(bin().args(["seed", "--scale", "lots"]));
    assert_clear_failure(&out, 2, "--scale");
    let out = run(bin().args(["seed", "--scale", "0", "--database-url", "sqlite::memory:"]));
    assert_clear_failure(&out, 1, "--scale must be");
    let out = run(bin().args(["token"]));
    assert_clear_failure(&out, 1, "JWT_SECRET is not set");
}

#[test]
fn schema_prints_the_federation_sdl() {
    let out = run(bin().arg("schema"));
    assert!(out.status.success());
    let sdl = stdout(&out);
    assert!(
        sdl.contains("extend schema @link(")
            && sdl.contains("url: \"https://specs.apollo.dev/federation/v2"),
        "{sdl}"
    );
    assert!(sdl.contains("type Conversation"));
}

#[test]
fn malformed_limits_are_reported_by_name() {
    for (var, value, flag) in [
        ("MAX_QUERY_DEPTH", "0", "--max-query-depth"),
        ("MAX_QUERY_COMPLEXITY", "lots", "--max-query-complexity"),
        ("MAX_BATCH_SIZE", "-1", "--max-batch-size"),
        ("MAX_BODY_BYTES", "0", "--max-body-bytes"),
        ("REQUEST_TIMEOUT_SECONDS", "-1", "--request-timeout"),
        ("REQUEST_TIMEOUT_SECONDS", "NaN", "--request-timeout"),
        ("SHUTDOWN_GRACE_SECONDS", "soon", "--shutdown-grace"),
        (
            "DATABASE_ACQUIRE_TIMEOUT_SECONDS",
            "0",
            "--database-acquire-timeout",
        ),
        ("INTROSPECTION", "maybe", "--introspection"),
    ] {
        let out = run(bin().args(["serve"]).env(var, value));
        assert_clear_failure(&out, 2, flag);
    }
}

/// The limits set in the environment are the ones the server enforces.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_from_the_environment_are_enforced() {
    let db = TestDb::create(common::Backend::Sqlite).await.unwrap();
    let mut cmd = bin();
    cmd.env("DATABASE_URL", &db.url)
        .env("JWT_SECRET", "a-shared-secret")
        .env("SEED_DEMO", "true")
        .env("MAX_QUERY_DEPTH", "2")
        .env("MAX_BATCH_SIZE", "1")
        .env("INTROSPECTION", "false");
    let server = start(cmd);
    let client = reqwest::Client::new();
    let post = |body: Value| {
        client
            .post(format!("{}/graphql", server.base))
            .bearer_auth(&server.demo_token)
            .json(&body)
            .send()
    };

    // Depth 2 passes; depth 3 is refused with the configured limit.
    let ok: Value = post(json!({ "query": "{ conversations(first: 1) { totalCount } }" }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ok["data"]["conversations"]["totalCount"], 100, "{ok}");
    let deep: Value = post(json!({ "query": "{ conversations(first: 1) { nodes { id } } }" }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        deep["errors"][0]["extensions"]["code"], "QUERY_TOO_DEEP",
        "{deep}"
    );
    assert_eq!(deep["errors"][0]["extensions"]["limit"], 2);
    assert_eq!(deep["errors"][0]["extensions"]["actual"], 3);
    assert!(deep.get("data").is_none(), "{deep}");

    let introspection: Value = post(json!({ "query": "{ __schema { queryType { name } } }" }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        introspection["errors"][0]["extensions"]["code"], "INTROSPECTION_DISABLED",
        "{introspection}"
    );
    let typename: Value = post(json!({ "query": "{ __typename }" }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(typename["data"]["__typename"], "Query", "{typename}");

    let batch = post(json!([{ "query": "{ __typename }" }, { "query": "{ __typename }" }]))
        .await
        .unwrap();
    assert_eq!(batch.status(), 400);
    let batch: Value = batch.json().await.unwrap();
    assert_eq!(
        batch["errors"][0]["extensions"]["code"], "BATCH_TOO_LARGE",
        "{batch}"
    );
}
