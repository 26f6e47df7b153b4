//! Prometheus metrics at GET /metrics: GraphQL requests by operation and outcome (count
//! and latency), the SQL statements each request ran and their time, database pool use,
//! and errors by code. Recorded through the `metrics` facade into one process-wide
//! Prometheus recorder.

use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sea_orm::{DatabaseConnection, DbBackend};
use std::cell::Cell;
use std::collections::HashSet;
use std::future::Future;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// Latency buckets, in seconds: 0.5 ms to 10 s.
const SECONDS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Statements-per-request buckets.
const STATEMENTS: &[f64] = &[0.0, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0, 34.0, 55.0, 100.0];

/// Distinct operation names kept as labels; later ones are counted as "other", so that
/// clients cannot grow the metrics without bound.
const MAX_OPERATION_NAMES: usize = 200;

/// The process's recorder, installed on first use.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let handle = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS)
            .and_then(|b| {
                b.set_buckets_for_metric(
                    Matcher::Full("graphql_request_sql_statements".into()),
                    STATEMENTS,
                )
            })
            .expect("bucket lists are not empty")
            .install_recorder()
            .expect("the only metrics recorder of the process");
        describe();
        // Histograms are kept in per-thread buffers until upkeep folds them in.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let upkeep = handle.clone();
            runtime.spawn(async move {
                let mut every = tokio::time::interval(Duration::from_secs(5));
                loop {
                    every.tick().await;
                    upkeep.run_upkeep();
                }
            });
        }
        handle
    })
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "graphql_requests_total",
        "GraphQL operations executed, by operation name and outcome (ok, error, rejected, timeout)"
    );
    describe_histogram!(
        "graphql_request_duration_seconds",
        Unit::Seconds,
        "Time to answer a GraphQL operation, by operation name and outcome"
    );
    describe_histogram!(
        "graphql_request_sql_statements",
        Unit::Count,
        "SQL statements one HTTP request ran, by operation name"
    );
    describe_histogram!(
        "graphql_request_sql_seconds",
        Unit::Seconds,
        "Time one HTTP request spent in SQL statements, by operation name"
    );
    describe_counter!(
        "graphql_errors_total",
        "Errors answered, by extensions.code"
    );
    describe_counter!(
        "sql_statements_total",
        "SQL statements run, by outcome (ok, failed)"
    );
    describe_histogram!(
        "sql_statement_duration_seconds",
        Unit::Seconds,
        "Time of one SQL statement"
    );
    describe_gauge!(
        "db_pool_connections",
        "Database pool connections, by state (idle, in_use), when /metrics was read"
    );
    describe_gauge!("db_pool_max_connections", "The database pool's size limit");
    describe_gauge!(
        "graphql_websockets_open",
        "Open GraphQL WebSocket connections"
    );
    describe_counter!(
        "graphql_events_delivered_total",
        "Events delivered to subscriptions"
    );
}

/// The metrics text, with the pool's state read now.
pub fn render(db: &DatabaseConnection) -> String {
    let (size, idle, max) = pool_state(db);
    gauge!("db_pool_connections", "state" => "idle").set(idle as f64);
    gauge!("db_pool_connections", "state" => "in_use").set(size.saturating_sub(idle) as f64);
    gauge!("db_pool_max_connections").set(max as f64);
    handle().render()
}

pub(crate) fn pool_state(db: &DatabaseConnection) -> (u32, u32, u32) {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (
                pool.size(),
                pool.num_idle() as u32,
                pool.options().get_max_connections(),
            )
        }
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (
                pool.size(),
                pool.num_idle() as u32,
                pool.options().get_max_connections(),
            )
        }
        _ => (0, 0, 0),
    }
}

tokio::task_local! {
    /// The SQL of the HTTP request running on this task: statements and nanoseconds.
    static REQUEST_SQL: (Cell<u64>, Cell<u64>);
}

/// Runs `work` (one HTTP request's execution) counting the SQL it runs (`sql_so_far`).
pub async fn counting_sql<F: Future>(work: F) -> F::Output {
    REQUEST_SQL.scope((Cell::new(0), Cell::new(0)), work).await
}

/// Called for every statement the server runs (SeaORM's metric hook).
pub fn statement(elapsed: Duration, failed: bool) {
    counter!("sql_statements_total", "outcome" => if failed { "failed" } else { "ok" })
        .increment(1);
    histogram!("sql_statement_duration_seconds").record(elapsed.as_secs_f64());
    let _ = REQUEST_SQL.try_with(|(n, t)| {
        n.set(n.get() + 1);
        t.set(t.get().saturating_add(elapsed.as_nanos() as u64));
    });
}

/// Records one executed GraphQL operation.
pub fn request(operation: &str, outcome: &'static str, elapsed: Duration) {
    let operation = operation_label(operation);
    counter!("graphql_requests_total", "operation" => operation.clone(), "outcome" => outcome)
        .increment(1);
    histogram!("graphql_request_duration_seconds", "operation" => operation, "outcome" => outcome)
        .record(elapsed.as_secs_f64());
}

/// Records the SQL one HTTP request ran.
pub fn request_sql(operation: &str, statements: u64, time: Duration) {
    let operation = operation_label(operation);
    histogram!("graphql_request_sql_statements", "operation" => operation.clone())
        .record(statements as f64);
    histogram!("graphql_request_sql_seconds", "operation" => operation).record(time.as_secs_f64());
}

/// Records an error answered with `code`.
pub fn error(code: &str) {
    counter!("graphql_errors_total", "code" => code.to_owned()).increment(1);
}

/// Records a panic caught while answering a request (the process carried on).
pub fn panic() {
    counter!("http_panics_total").increment(1);
}

/// A GraphQL WebSocket opened (1) or closed (-1).
pub fn websocket(delta: i64) {
    gauge!("graphql_websockets_open").increment(delta as f64);
}

/// The label for an operation name: the name itself when it is a GraphQL name of at most
/// 64 characters among the first `MAX_OPERATION_NAMES` seen, else "other"; no name is
/// "anonymous".
fn operation_label(name: &str) -> String {
    static SEEN: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    if name.is_empty() {
        return "anonymous".into();
    }
    let valid = name.len() <= 64
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return "other".into();
    }
    let mut seen = SEEN
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if seen.contains(name) || seen.len() < MAX_OPERATION_NAMES {
        seen.insert(name.to_owned());
        name.to_owned()
    } else {
        "other".into()
    }
}

/// Statements and SQL time of this task's request so far.
pub fn sql_so_far() -> (u64, Duration) {
    REQUEST_SQL
        .try_with(|(n, t)| (n.get(), Duration::from_nanos(t.get())))
        .unwrap_or_default()
}
