//! Faults a production server meets: the database going away under load and coming back,
//! SIGTERM with a request in flight (drained within SHUTDOWN_GRACE_SECONDS, or abandoned
//! past it), and SIGKILL in the middle of a stream of writes. The server is the real binary
//! (`common::process`) or, where the test needs to cut its database connections, the real
//! router served in-process through a TCP proxy. What was written is checked with SQL on
//! the test's own connection, never through the server.

mod common;

use chrono::{DateTime, Duration as Span, TimeZone, Utc};
use common::process::{
    Proxy, Reply, Server, get, post, refuses_connections, url_host_port, with_host_port,
    writer_token,
};
use common::{Backend, SECRET, TestDb};
use conversations_graph::auth::TokenKeys;
use conversations_graph::{AppState, app, db};
use entity::{
    Channel, ConversationStatus, Direction, Priority, Source, company, conversation,
    conversation_event, inbox, message,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DbBackend, EntityTrait, IntoActiveModel, Statement, TransactionTrait,
};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Runs `async fn name(db: TestDb)` on a fresh migrated SQLite file and PostgreSQL database.
macro_rules! on_both_databases {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let db = crate::common::TestDb::create(crate::common::Backend::Sqlite).await.unwrap();
                super::$name(db).await;
            })+
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some(db) = crate::common::TestDb::create(crate::common::Backend::Postgres).await else {
                    return;
                };
                super::$name(db).await;
            })+
        }
    };
}

// ---------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

/// A seeded generator; the seed is printed so a run can be replayed with FAULTS_SEED.
fn rng(test: &str) -> StdRng {
    let seed = std::env::var("FAULTS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random::<u64>);
    eprintln!("{test}: FAULTS_SEED={seed}");
    StdRng::seed_from_u64(seed)
}

/// An instant within ±48 h of T0 with a random microsecond part (sometimes none).
fn random_instant(rng: &mut StdRng) -> DateTime<Utc> {
    let seconds = rng.random_range(-48 * 3600..=48 * 3600);
    let micros = if rng.random_bool(0.2) {
        0
    } else {
        rng.random_range(0..1_000_000)
    };
    t0() + Span::seconds(seconds) + Span::microseconds(micros)
}

/// One company with one inbox and conversations holding 0 to 4 messages each, written
/// straight through the entities; each conversation's lastMessageAt is its newest
/// message's sentAt (null without messages).
struct World {
    company: Uuid,
    conversations: Vec<Uuid>,
    messages: Vec<Uuid>,
}

async fn load_world(conn: &DatabaseConnection, conversations: usize, rng: &mut StdRng) -> World {
    let company = Uuid::new_v4();
    company::Model {
        id: company,
        name: "Faulty".into(),
        created_at: t0(),
        updated_at: t0(),
    }
    .into_active_model()
    .insert(conn)
    .await
    .unwrap();
    let inbox = Uuid::new_v4();
    inbox::Model {
        id: inbox,
        company_id: company,
        name: "Support".into(),
        channel: Channel::Email,
        phone_number: None,
        email: None,
        created_at: t0(),
        updated_at: t0(),
    }
    .into_active_model()
    .insert(conn)
    .await
    .unwrap();
    let mut world = World {
        company,
        conversations: Vec::new(),
        messages: Vec::new(),
    };
    for n in 0..conversations {
        let id = Uuid::new_v4();
        let sent: Vec<DateTime<Utc>> = (0..rng.random_range(0..=4))
            .map(|_| random_instant(rng))
            .collect();
        conversation::Model {
            id,
            company_id: company,
            inbox_id: inbox,
            contact_id: None,
            subject: Some(format!("Thread {n}")),
            status: ConversationStatus::Open,
            priority: Priority::Medium,
            channel: Channel::Email,
            source: Some(Source::Email),
            is_simulation: false,
            responded_by: None,
            agent_id: None,
            assignee_id: None,
            seen_by_id: None,
            is_chat_opened: false,
            campaign_id: None,
            listing_id: None,
            started_at: Some(t0()),
            last_message_at: sent.iter().max().copied(),
            created_at: t0(),
            updated_at: t0(),
        }
        .into_active_model()
        .insert(conn)
        .await
        .unwrap();
        for (i, at) in sent.into_iter().enumerate() {
            let m = Uuid::new_v4();
            message::Model {
                id: m,
                company_id: company,
                conversation_id: id,
                direction: Direction::Inbound,
                content: format!("fixture {n}.{i}"),
                content_folded: entity::text::fold(&format!("fixture {n}.{i}")),
                channel: None,
                metadata: None,
                sent_at: at,
                created_at: t0(),
                updated_at: t0(),
            }
            .into_active_model()
            .insert(conn)
            .await
            .unwrap();
            world.messages.push(m);
        }
        world.conversations.push(id);
    }
    world
}

/// A statement with positional parameters in the backend's own syntax (`$1` or `?`).
fn statement(conn: &impl ConnectionTrait, pg: &str, values: Vec<sea_orm::Value>) -> Statement {
    let backend = conn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => pg.to_owned(),
        _ => {
            let mut sql = pg.to_owned();
            for i in (1..=values.len()).rev() {
                sql = sql.replace(&format!("${i}"), "?");
            }
            sql
        }
    };
    Statement::from_sql_and_values(backend, sql, values)
}

async fn scalar_i64(conn: &impl ConnectionTrait, sql: &str) -> i64 {
    conn.query_one_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
}

async fn subject_of(conn: &DatabaseConnection, id: Uuid) -> Option<String> {
    conversation::Entity::find_by_id(id)
        .one(conn)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("conversation {id} is gone"))
        .subject
}

// ---------------------------------------------------------------------------------------
// Documents (payloads select only what the write itself returns)
// ---------------------------------------------------------------------------------------

const READ_LIST: &str = "{ conversations(first: 5) { totalCount nodes { id subject lastMessageAt lastMessage { id } } } }";
const READ_ONE: &str = "query ($id: ID!) { conversation(id: $id) { id subject messages(first: 3) { nodes { id sentAt } } } }";
const CREATE_MESSAGE: &str = "mutation ($c: ID!, $input: CreateMessageInput!) { createMessage(conversationId: $c, input: $input) { message { id sentAt } conversation { id lastMessageAt } userErrors { field message code } } }";
const UPDATE_SUBJECT: &str = "mutation ($id: ID!, $subject: String) { updateConversation(id: $id, input: { subject: $subject }) { conversation { id subject } userErrors { field message code } } }";
const DELETE_MESSAGE: &str = "mutation ($id: ID!) { deleteMessage(id: $id, reason: \"fault test\") { deletedId userErrors { field message code } } }";
const DELETE_CONVERSATION: &str = "mutation ($id: ID!) { deleteConversation(id: $id, reason: \"fault test\") { deletedId userErrors { field message code } } }";

fn create_message_vars(conversation: Uuid, content: &str, at: DateTime<Utc>) -> Value {
    json!({ "c": conversation.to_string(), "input": {
        "content": content, "direction": "OUTBOUND",
        "sentAt": at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
    } })
}

/// Whether a reply is a plain success: HTTP 200, JSON, no errors, no userErrors.
fn succeeded(reply: &Reply) -> bool {
    reply.status == 200
        && reply.body.as_ref().is_ok_and(|b| {
            b.get("errors").is_none()
                && b["data"].as_object().is_some_and(|d| {
                    d.values()
                        .all(|p| p["userErrors"].as_array().is_none_or(|e| e.is_empty()))
                })
        })
}

// ---------------------------------------------------------------------------------------
// The database goes away and comes back
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Read,
    Write,
}

#[derive(Debug)]
struct Record {
    kind: Kind,
    start: Instant,
    end: Instant,
    reply: Result<Reply, String>,
    /// For a createMessage that succeeded: the new message.
    created: Option<Uuid>,
}

/// Serves the real router in-process over `url` with `acquire_timeout`; returns its base URL.
async fn serve_in_process(url: &str, acquire_timeout: Duration) -> String {
    let conn = db::connect_with(
        url,
        &db::PoolSettings {
            acquire_timeout,
            ..Default::default()
        },
    )
    .await
    .expect("connect through the proxy");
    let state = AppState::new(conn, TokenKeys::hs256(SECRET.as_bytes()), None);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(conversations_graph::http::server::serve(
        listener,
        app(state),
        conversations_graph::http::server::ConnectionLimits::default(),
        std::future::pending(),
    ));
    format!("http://{addr}")
}

/// One request of the load, chosen by `n`: two kinds of reads, two kinds of writes.
async fn one_request(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    world: &World,
    n: usize,
    rng: &mut StdRng,
) -> Record {
    let conversation = world.conversations[rng.random_range(0..world.conversations.len())];
    let (kind, query, vars) = match n % 4 {
        0 => (Kind::Read, READ_LIST, json!({})),
        1 => (
            Kind::Read,
            READ_ONE,
            json!({ "id": conversation.to_string() }),
        ),
        2 => (
            Kind::Write,
            CREATE_MESSAGE,
            create_message_vars(conversation, &format!("load {n}"), random_instant(rng)),
        ),
        _ => (
            Kind::Write,
            UPDATE_SUBJECT,
            json!({ "id": conversation.to_string(), "subject": format!("load {n}") }),
        ),
    };
    let start = Instant::now();
    let reply = post(client, base, token, query, vars)
        .await
        .map_err(|e| e.to_string());
    let end = Instant::now();
    let created = match &reply {
        Ok(r) if n % 4 == 2 && succeeded(r) => r.json()["data"]["createMessage"]["message"]["id"]
            .as_str()
            .map(|s| Uuid::parse_str(s).unwrap()),
        _ => None,
    };
    Record {
        kind,
        start,
        end,
        reply,
        created,
    }
}

/// Waits until `check` holds, polling every 100 ms for at most `limit`; the time it took.
async fn eventually<F, Fut>(limit: Duration, mut check: F) -> Option<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while started.elapsed() < limit {
        if check().await {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_going_away_fails_fast_and_the_server_recovers_without_a_restart() {
    let Some(db) = TestDb::create(Backend::Postgres).await else {
        return;
    };
    let mut rng = rng("postgres_going_away");
    let world = Arc::new(load_world(&db.conn, 8, &mut rng).await);
    let token = writer_token(world.company);
    let mut proxy = Proxy::start(&url_host_port(&db.url)).await;
    let acquire = Duration::from_secs(1);
    let base = serve_in_process(&with_host_port(&db.url, &proxy.addr.to_string()), acquire).await;
    let client = reqwest::Client::new();
    // "Fail fast": a request gets its error within the acquire timeout and a second.
    let fast = acquire + Duration::from_secs(1);

    // Four clients read and write without pause until told to stop.
    let stop = Arc::new(AtomicBool::new(false));
    let records = Arc::new(Mutex::new(Vec::<Record>::new()));
    let clients: Vec<_> = (0..4)
        .map(|c| {
            let (stop, records, world) = (stop.clone(), records.clone(), world.clone());
            let (client, base, token) = (client.clone(), base.clone(), token.clone());
            let mut rng = StdRng::seed_from_u64(rng.random());
            tokio::spawn(async move {
                let mut n = c;
                while !stop.load(Ordering::SeqCst) {
                    let record = one_request(&client, &base, &token, &world, n, &mut rng).await;
                    records.lock().unwrap().push(record);
                    n += 1;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
        })
        .collect();

    tokio::time::sleep(Duration::from_millis(800)).await;
    let cut_begin = Instant::now();
    proxy.stop().await;
    let cut_done = Instant::now();

    // While the database is down: not ready (within the timeout), but alive.
    let asked = Instant::now();
    let (status, body) = get(&client, &base, "/readyz").await.unwrap();
    assert_eq!(status, 503, "{body:?}");
    assert_eq!(body.as_ref().unwrap()["status"], "unavailable");
    assert!(
        asked.elapsed() <= Duration::from_secs(3),
        "/readyz took {:?}",
        asked.elapsed()
    );
    let (status, body) = get(&client, &base, "/healthz").await.unwrap();
    assert_eq!((status, body.unwrap()), (200, json!({ "status": "ok" })));

    tokio::time::sleep(Duration::from_millis(5000).saturating_sub(cut_done.elapsed())).await;
    let (status, _) = get(&client, &base, "/readyz").await.unwrap();
    assert_eq!(status, 503, "still down");

    // The database comes back on the same address; the server reconnects by itself.
    let restore_begin = Instant::now();
    proxy.start_again().await;
    let recovery = eventually(Duration::from_secs(10), || {
        let (client, base, token, world) = (&client, &base, &token, &world);
        async move {
            let ready = get(client, base, "/readyz")
                .await
                .is_ok_and(|(s, _)| s == 200);
            let read = post(client, base, token, READ_LIST, json!({}))
                .await
                .is_ok_and(|r| succeeded(&r));
            let write = post(
                client,
                base,
                token,
                UPDATE_SUBJECT,
                json!({ "id": world.conversations[0].to_string(), "subject": "recovered" }),
            )
            .await
            .is_ok_and(|r| succeeded(&r));
            ready && read && write
        }
    })
    .await
    .expect("the server did not recover within 10 s of the database coming back");
    assert!(
        recovery <= Duration::from_secs(5),
        "recovery took {recovery:?} after the database came back"
    );
    let recovered = Instant::now();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    stop.store(true, Ordering::SeqCst);
    for c in clients {
        c.await.unwrap();
    }

    // A burst right after: every request succeeds.
    let burst = futures_util::future::join_all((0..16).map(|n| {
        let (client, base, token, world) = (&client, &base, &token, &world);
        async move {
            let mut rng = StdRng::seed_from_u64(n as u64);
            one_request(client, base, token, world, n, &mut rng).await
        }
    }))
    .await;
    for r in &burst {
        let reply = r.reply.as_ref().unwrap();
        assert!(succeeded(reply), "after recovery: {:?}", reply.body);
    }

    let records = std::mem::take(&mut *records.lock().unwrap());
    let mut before = 0;
    let mut down = (0, 0);
    let mut after = 0;
    let mut slowest_failure = Duration::ZERO;
    for r in &records {
        let took = r.end - r.start;
        // The server itself never went away: every request got an HTTP answer, JSON, whose
        // errors (if any) say SERVICE_UNAVAILABLE, never INTERNAL_SERVER_ERROR.
        let reply = r
            .reply
            .as_ref()
            .unwrap_or_else(|e| panic!("no HTTP answer from the server: {e}"));
        assert_eq!(reply.status, 200, "{reply:?}");
        assert!(
            reply.content_type.starts_with("application/json"),
            "{reply:?}"
        );
        let codes = reply.error_codes();
        assert!(
            codes.iter().all(|c| c == "SERVICE_UNAVAILABLE"),
            "{:?} request answered {codes:?} after {took:?}: {:#}",
            r.kind,
            reply.json()
        );
        let ok = succeeded(reply);
        if !ok {
            assert!(
                !codes.is_empty(),
                "a failure without an error: {:#}",
                reply.json()
            );
            assert!(
                took <= fast,
                "{:?} request failed only after {took:?}",
                r.kind
            );
            slowest_failure = slowest_failure.max(took);
        }
        if r.end < cut_begin {
            assert!(ok, "before the outage: {:#}", reply.json());
            before += 1;
        } else if r.start >= cut_done && r.end <= restore_begin {
            assert!(
                !ok,
                "a {:?} request succeeded while the database was down",
                r.kind
            );
            match r.kind {
                Kind::Read => down.0 += 1,
                Kind::Write => down.1 += 1,
            }
        } else if r.start >= recovered {
            assert!(ok, "after recovery: {:#}", reply.json());
            after += 1;
        }
    }
    eprintln!(
        "{before} requests before the outage, {} reads and {} writes during it, {after} after; \
         the slowest failure took {slowest_failure:?}; recovered {recovery:?} after the restart",
        down.0, down.1
    );
    assert!(before >= 8, "too little load before the outage: {before}");
    assert!(
        down.0 >= 2 && down.1 >= 2,
        "too little load during the outage: {down:?}"
    );
    assert!(after >= 8, "too little load after recovery: {after}");

    // Every message a client was told was created is there.
    let stored: BTreeSet<Uuid> = message::Entity::find()
        .all(&db.conn)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    for r in records.iter().chain(&burst) {
        if let Some(id) = r.created {
            assert!(stored.contains(&id), "created message {id} is missing");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_answers_service_unavailable_while_postgres_is_down() {
    let Some(db) = TestDb::create(Backend::Postgres).await else {
        return;
    };
    let mut rng = rng("binary_postgres_down");
    let world = load_world(&db.conn, 2, &mut rng).await;
    let token = writer_token(world.company);
    let mut proxy = Proxy::start(&url_host_port(&db.url)).await;
    let url = with_host_port(&db.url, &proxy.addr.to_string());
    let server = Server::spawn(&url, &[("DATABASE_ACQUIRE_TIMEOUT_SECONDS", "1")]).await;
    let (client, base) = (reqwest::Client::new(), server.base());
    let write = || json!({ "id": world.conversations[0].to_string(), "subject": "while down" });
    assert!(succeeded(
        &post(&client, &base, &token, READ_LIST, json!({}))
            .await
            .unwrap()
    ));

    proxy.stop().await;
    for (query, vars) in [(READ_LIST, json!({})), (UPDATE_SUBJECT, write())] {
        let asked = Instant::now();
        let reply = post(&client, &base, &token, query, vars).await.unwrap();
        let took = asked.elapsed();
        assert_eq!(reply.status, 200, "{reply:?}");
        assert_eq!(
            reply.error_codes(),
            ["SERVICE_UNAVAILABLE"],
            "{:#}",
            reply.json()
        );
        assert!(took <= Duration::from_secs(2), "failed only after {took:?}");
    }
    let (status, body) = get(&client, &base, "/readyz").await.unwrap();
    assert_eq!(status, 503, "{body:?}");
    assert_eq!(body.unwrap()["status"], "unavailable");
    assert_eq!(
        subject_of(&db.conn, world.conversations[0])
            .await
            .as_deref(),
        Some("Thread 0"),
        "the write that failed wrote nothing"
    );

    proxy.start_again().await;
    let recovery = eventually(Duration::from_secs(10), || {
        let (client, base, token) = (&client, &base, &token);
        let vars = write();
        async move {
            get(client, base, "/readyz")
                .await
                .is_ok_and(|(s, _)| s == 200)
                && post(client, base, token, UPDATE_SUBJECT, vars)
                    .await
                    .is_ok_and(|r| succeeded(&r))
        }
    })
    .await
    .expect("the binary did not recover within 10 s of the database coming back");
    assert!(
        recovery <= Duration::from_secs(5),
        "recovery took {recovery:?}"
    );
    assert_eq!(
        subject_of(&db.conn, world.conversations[0])
            .await
            .as_deref(),
        Some("while down")
    );
}

// ---------------------------------------------------------------------------------------
// SIGTERM with a request in flight
// ---------------------------------------------------------------------------------------

/// Holds, on the test's own connection, a lock that makes an update of `target` wait: on
/// PostgreSQL that row FOR UPDATE; on SQLite the database's write lock (an UPDATE of
/// another row, `other`, in an open transaction).
async fn hold_lock(db: &TestDb, target: Uuid, other: Uuid) -> DatabaseTransaction {
    let txn = db.conn.begin().await.unwrap();
    let stmt = match db.backend {
        Backend::Postgres => statement(
            &txn,
            "SELECT id FROM conversations WHERE id = $1 FOR UPDATE",
            vec![target.into()],
        ),
        Backend::Sqlite => statement(
            &txn,
            "UPDATE conversations SET subject = 'held' WHERE id = $1",
            vec![other.into()],
        ),
    };
    txn.execute_raw(stmt).await.unwrap();
    txn
}

/// Waits until a statement of the server waits for the test's lock (PostgreSQL shows it in
/// pg_stat_activity; SQLite shows nothing, so there it waits half a second).
async fn until_blocked(db: &TestDb) {
    match db.backend {
        Backend::Postgres => {
            eventually(Duration::from_secs(5), || async {
                scalar_i64(
                    &db.conn,
                    "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
                )
                .await
                    == 1
            })
            .await
            .expect("the update never waited for the lock");
        }
        Backend::Sqlite => tokio::time::sleep(Duration::from_millis(500)).await,
    }
}

/// Starts the server, holds the lock, sends the update that waits for it and SIGTERM.
/// Returns the server, the lock, the update's pending reply and the instant of SIGTERM.
async fn update_in_flight_then_sigterm(
    db: &TestDb,
    grace: &str,
) -> (
    Server,
    DatabaseTransaction,
    tokio::task::JoinHandle<Result<Reply, reqwest::Error>>,
    Uuid,
    Instant,
) {
    let mut rng = rng("sigterm");
    let world = load_world(&db.conn, 2, &mut rng).await;
    let (target, other) = (world.conversations[0], world.conversations[1]);
    let server = Server::spawn(&db.url, &[("SHUTDOWN_GRACE_SECONDS", grace)]).await;
    let token = writer_token(world.company);
    let base = server.base();
    assert!(succeeded(
        &post(&reqwest::Client::new(), &base, &token, READ_LIST, json!({}))
            .await
            .unwrap()
    ));

    let lock = hold_lock(db, target, other).await;
    let request = tokio::spawn(async move {
        post(
            &reqwest::Client::new(),
            &base,
            &token,
            UPDATE_SUBJECT,
            json!({ "id": target.to_string(), "subject": "Changed during shutdown" }),
        )
        .await
    });
    until_blocked(db).await;
    assert!(
        !request.is_finished(),
        "the update should wait for the test's lock, but it answered: {:?}",
        request.await
    );
    server.sigterm();
    (server, lock, request, target, Instant::now())
}

async fn sigterm_drains_the_request_in_flight_and_exits_0(db: TestDb) {
    let (mut server, lock, request, target, _) = update_in_flight_then_sigterm(&db, "10").await;

    // The listener closes at once: new connections are refused ...
    let addr = server.addr;
    eventually(Duration::from_secs(2), || refuses_connections(addr))
        .await
        .expect("new connections are still accepted 2 s after SIGTERM");
    // ... while the process waits for the request in flight.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.try_status(), None, "exited with a request in flight");
    assert!(
        !request.is_finished(),
        "the request in flight answered while blocked"
    );

    // The lock goes: the request completes, and then the process exits 0.
    lock.rollback().await.unwrap();
    let reply = tokio::time::timeout(Duration::from_secs(5), request)
        .await
        .expect("the request in flight did not finish within 5 s of the lock going")
        .unwrap()
        .expect("the request in flight got its answer");
    assert!(succeeded(&reply), "{:?}", reply.body);
    assert_eq!(
        reply.json()["data"]["updateConversation"]["conversation"]["subject"],
        "Changed during shutdown"
    );
    let status = server
        .wait_exit(Duration::from_secs(5))
        .await
        .expect("the process did not exit within 5 s of its last request");
    let stderr = server.stderr();
    assert!(
        status.success(),
        "exit status {status:?}; stderr:\n{stderr}"
    );
    assert!(
        stderr.contains("stopped"),
        "no \"stopped\" in the log:\n{stderr}"
    );
    assert!(
        !stderr.lines().any(|l| l.starts_with("error:")),
        "an error line:\n{stderr}"
    );
    assert_eq!(
        subject_of(&db.conn, target).await.as_deref(),
        Some("Changed during shutdown")
    );
}

async fn sigterm_past_the_grace_period_exits_non_zero_without_the_write(db: TestDb) {
    let (mut server, lock, request, target, signalled) =
        update_in_flight_then_sigterm(&db, "1").await;

    // The lock stays; after the 1 s grace the process gives up on the request.
    let Some(status) = server.wait_exit(Duration::from_secs(6)).await else {
        // Say what it does instead: release the lock and watch.
        lock.rollback().await.unwrap();
        let late = server.wait_exit(Duration::from_secs(5)).await;
        let reply = tokio::time::timeout(Duration::from_secs(5), request).await;
        panic!(
            "the process did not exit within 6 s of SIGTERM with SHUTDOWN_GRACE_SECONDS=1 while \
             its request waited for a lock. Once the lock went: exit {late:?} after {:?}, the \
             request got {reply:?}, the subject is now {:?}; stderr:\n{}",
            signalled.elapsed(),
            subject_of(&db.conn, target).await,
            server.stderr()
        );
    };
    let took = signalled.elapsed();
    assert!(
        took >= Duration::from_millis(900),
        "exited {took:?} after SIGTERM, before the 1 s grace period ended"
    );
    let stderr = server.stderr();
    assert_eq!(status.code(), Some(1), "stderr:\n{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "one error line:\n{stderr}");
    assert!(
        errors[0].contains("SHUTDOWN_GRACE_SECONDS"),
        "{}",
        errors[0]
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let reply = tokio::time::timeout(Duration::from_secs(5), request)
        .await
        .expect("the abandoned request's connection stayed open")
        .unwrap();
    assert!(
        reply.is_err(),
        "the abandoned request got an answer: {reply:?}"
    );

    // The abandoned update never commits, also once the lock is gone.
    lock.rollback().await.unwrap();
    if db.backend == Backend::Postgres {
        // The server's backend (still waiting for the lock when the process died) ends.
        eventually(Duration::from_secs(5), || async {
            scalar_i64(
                &db.conn,
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'",
            )
            .await
                == 0
        })
        .await
        .expect("the dead server's transaction is still open");
    }
    assert_eq!(
        subject_of(&db.conn, target).await.as_deref(),
        Some("Thread 0")
    );
}

// ---------------------------------------------------------------------------------------
// SIGKILL during a stream of writes
// ---------------------------------------------------------------------------------------

/// What the clients were told, before the process died.
#[derive(Default)]
struct Seen {
    /// Messages created: id -> (conversation, sentAt).
    created: BTreeMap<Uuid, (Uuid, DateTime<Utc>)>,
    deleted_messages: BTreeSet<Uuid>,
    deleted_conversations: BTreeSet<Uuid>,
    answered: usize,
    not_found: usize,
    conflicts: usize,
    /// Answers that must not happen (any error but CONFLICT, userErrors but NOT_FOUND).
    problems: Vec<String>,
}

/// One client: random writes until the server stops answering.
async fn writer_client(
    base: String,
    token: String,
    conversations: Vec<Uuid>,
    messages: Arc<Mutex<Vec<Uuid>>>,
    seen: Arc<Mutex<Seen>>,
    mut rng: StdRng,
) {
    let client = reqwest::Client::new();
    for n in 0.. {
        let conversation = conversations[rng.random_range(0..conversations.len())];
        let roll = rng.random_range(0..100);
        let (field, query, vars, sent_at) = if roll < 45 {
            let at = random_instant(&mut rng);
            (
                "createMessage",
                CREATE_MESSAGE,
                create_message_vars(conversation, &format!("stream {n}"), at),
                Some(at),
            )
        } else if roll < 70 {
            let message = {
                let known = messages.lock().unwrap();
                if known.is_empty() {
                    continue;
                }
                known[rng.random_range(0..known.len())]
            };
            (
                "deleteMessage",
                DELETE_MESSAGE,
                json!({ "id": message.to_string() }),
                None,
            )
        } else if roll < 96 {
            (
                "updateConversation",
                UPDATE_SUBJECT,
                json!({ "id": conversation.to_string(), "subject": format!("stream {n}") }),
                None,
            )
        } else {
            (
                "deleteConversation",
                DELETE_CONVERSATION,
                json!({ "id": conversation.to_string() }),
                None,
            )
        };
        let Ok(reply) = post(&client, &base, &token, query, vars.clone()).await else {
            return; // the server is gone
        };
        let mut seen = seen.lock().unwrap();
        seen.answered += 1;
        let Ok(body) = &reply.body else {
            seen.problems.push(format!(
                "{field} {vars}: HTTP {} not JSON: {:?}",
                reply.status, reply.body
            ));
            continue;
        };
        let codes = reply.error_codes();
        if !codes.is_empty() {
            if codes.iter().all(|c| c == "CONFLICT") {
                seen.conflicts += 1;
            } else {
                seen.problems.push(format!("{field} {vars}: {body:#}"));
            }
            continue;
        }
        let payload = &body["data"][field];
        match payload["userErrors"].as_array().map(Vec::as_slice) {
            Some([]) => {}
            Some([e]) if e["code"] == "NOT_FOUND" => {
                seen.not_found += 1;
                continue;
            }
            _ => {
                seen.problems.push(format!("{field} {vars}: {body:#}"));
                continue;
            }
        }
        match field {
            "createMessage" => {
                let id = Uuid::parse_str(payload["message"]["id"].as_str().unwrap()).unwrap();
                seen.created.insert(id, (conversation, sent_at.unwrap()));
                messages.lock().unwrap().push(id);
            }
            "deleteMessage" => {
                seen.deleted_messages
                    .insert(Uuid::parse_str(vars["id"].as_str().unwrap()).unwrap());
            }
            "deleteConversation" => {
                seen.deleted_conversations.insert(conversation);
            }
            _ => {}
        }
    }
}

async fn sigkill_during_writes_leaves_consistent_data(db: TestDb) {
    let mut rng = rng("sigkill");
    let world = load_world(&db.conn, 24, &mut rng).await;
    let mut server = Server::spawn(&db.url, &[]).await;
    let token = writer_token(world.company);
    let messages = Arc::new(Mutex::new(world.messages.clone()));
    let seen = Arc::new(Mutex::new(Seen::default()));
    let clients: Vec<_> = (0..4)
        .map(|_| {
            tokio::spawn(writer_client(
                server.base(),
                token.clone(),
                world.conversations.clone(),
                messages.clone(),
                seen.clone(),
                StdRng::seed_from_u64(rng.random()),
            ))
        })
        .collect();
    // Kill at a random moment once writes are flowing (however slow the machine is).
    let flowing = std::time::Instant::now();
    while seen.lock().unwrap().answered < 30 {
        assert!(
            flowing.elapsed() < Duration::from_secs(60),
            "writes did not start flowing"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let kill_after = Duration::from_millis(rng.random_range(0..600));
    tokio::time::sleep(kill_after).await;
    server.sigkill();
    server
        .wait_exit(Duration::from_secs(5))
        .await
        .expect("SIGKILL ends the process");
    for c in clients {
        tokio::time::timeout(Duration::from_secs(10), c)
            .await
            .expect("a client kept running after the server died")
            .unwrap();
    }
    let seen = std::mem::take(&mut *seen.lock().unwrap());
    eprintln!(
        "killed {kill_after:?} after 30 answers: {} answers, {} created, {} messages and {} conversations deleted, {} NOT_FOUND, {} CONFLICT",
        seen.answered,
        seen.created.len(),
        seen.deleted_messages.len(),
        seen.deleted_conversations.len(),
        seen.not_found,
        seen.conflicts
    );
    assert!(
        seen.answered >= 20,
        "too few writes before the kill: {}",
        seen.answered
    );

    // The binary starts again on the same database and serves it.
    let server = Server::spawn(&db.url, &[]).await;
    let conversations = conversation::Entity::find().all(&db.conn).await.unwrap();
    let reply = post(
        &reqwest::Client::new(),
        &server.base(),
        &token,
        "{ conversations { totalCount } }",
        json!({}),
    )
    .await
    .unwrap();
    assert_eq!(
        reply.json()["data"]["conversations"]["totalCount"],
        conversations.len(),
        "{:?}",
        reply.body
    );
    drop(server);

    // Invariants, on the test's own connection.
    let stored_messages = message::Entity::find().all(&db.conn).await.unwrap();
    let audit: Vec<_> = conversation_event::Entity::find()
        .all(&db.conn)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind.to_value().ends_with("_DELETED"))
        .collect();
    let conversation_ids: BTreeSet<Uuid> = conversations.iter().map(|c| c.id).collect();
    let message_ids: BTreeMap<Uuid, &message::Model> =
        stored_messages.iter().map(|m| (m.id, m)).collect();
    let audited: BTreeSet<(String, Uuid)> = audit
        .iter()
        .map(|a| (a.entity.clone(), a.entity_id))
        .collect();
    assert_eq!(
        audited.len(),
        audit.len(),
        "one audit row per deleted entity"
    );
    for m in &stored_messages {
        assert!(
            conversation_ids.contains(&m.conversation_id),
            "message {} outlives its conversation {}",
            m.id,
            m.conversation_id
        );
    }
    for c in &conversations {
        let newest = stored_messages
            .iter()
            .filter(|m| m.conversation_id == c.id)
            .map(|m| m.sent_at)
            .max();
        assert_eq!(
            c.last_message_at, newest,
            "conversation {}: lastMessageAt is not its newest message's sentAt",
            c.id
        );
    }
    for (entity, id) in &audited {
        let gone = match entity.as_str() {
            "message" => !message_ids.contains_key(id),
            "conversation" => !conversation_ids.contains(id),
            other => panic!("an audit row for a {other}"),
        };
        assert!(gone, "audited {entity} {id} still exists");
    }
    for id in &seen.deleted_messages {
        assert!(
            audited.contains(&("message".to_owned(), *id)),
            "deleted message {id} has no audit row"
        );
        assert!(!message_ids.contains_key(id), "deleted message {id} exists");
    }
    for id in &seen.deleted_conversations {
        assert!(
            audited.contains(&("conversation".to_owned(), *id)),
            "deleted conversation {id} has no audit row"
        );
        assert!(
            !conversation_ids.contains(id),
            "deleted conversation {id} exists"
        );
    }
    for (id, (conversation, sent_at)) in &seen.created {
        match message_ids.get(id) {
            Some(m) => {
                assert_eq!(m.conversation_id, *conversation, "message {id}");
                assert_eq!(m.sent_at, *sent_at, "message {id}: sentAt as sent");
            }
            None => assert!(
                audited.contains(&("message".to_owned(), *id))
                    || audited.contains(&("conversation".to_owned(), *conversation)),
                "created message {id} is gone without a delete"
            ),
        }
    }
    // The event log agrees with the data: every message written through the server has
    // its MESSAGE_CREATED event, and every such event's message exists or was deleted
    // (its own delete event or its conversation's). The world's own messages were
    // written straight to the tables, without events.
    let log = conversation_event::Entity::find()
        .all(&db.conn)
        .await
        .unwrap();
    let created_events: BTreeSet<Uuid> = log
        .iter()
        .filter(|e| e.kind == entity::EventKind::MessageCreated)
        .map(|e| e.entity_id)
        .collect();
    let initial: BTreeSet<Uuid> = world.messages.iter().copied().collect();
    for m in &stored_messages {
        assert!(
            initial.contains(&m.id) || created_events.contains(&m.id),
            "message {} exists without its MESSAGE_CREATED event",
            m.id
        );
    }
    for id in &created_events {
        let event = log.iter().find(|e| e.entity_id == *id).unwrap();
        let conversation = event
            .conversation_id
            .expect("a message's event names its conversation");
        assert!(
            message_ids.contains_key(id)
                || audited.contains(&("message".to_owned(), *id))
                || audited.contains(&("conversation".to_owned(), conversation)),
            "MESSAGE_CREATED {id} without its message, and no delete"
        );
    }
    for id in seen.created.keys() {
        assert!(
            created_events.contains(id),
            "acknowledged message {id} has no MESSAGE_CREATED event"
        );
    }
    let positions: BTreeSet<i64> = log.iter().map(|e| e.position).collect();
    assert_eq!(positions.len(), log.len(), "positions are unique");
    if db.backend == Backend::Sqlite {
        let row = db
            .conn
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA integrity_check",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.try_get_by_index::<String>(0).unwrap(), "ok");
        let broken = db
            .conn
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA foreign_key_check",
            ))
            .await
            .unwrap();
        assert!(
            broken.is_empty(),
            "{} rows break a foreign key",
            broken.len()
        );
    }
    assert!(
        seen.problems.is_empty(),
        "{} answers that must not happen; the first:\n{}",
        seen.problems.len(),
        seen.problems[0]
    );
}

on_both_databases!(
    sigterm_drains_the_request_in_flight_and_exits_0,
    sigterm_past_the_grace_period_exits_non_zero_without_the_write,
    sigkill_during_writes_leaves_consistent_data,
);
