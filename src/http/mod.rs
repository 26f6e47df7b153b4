//! axum only: the router, GraphQL over HTTP at /graphql, GraphiQL's files under /graphiql/,
//! health endpoints.

mod graphiql;
mod graphql;
mod health;
pub mod server;
mod ws;

use crate::auth::TokenKeys;
use crate::fairness::Fairness;
use crate::graphql::Served;
use crate::graphql::limits::Limits;
use crate::graphql::plan::ReadPlan;
use axum::Router;
use axum::extract::Request;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::HeaderValue;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::response::{IntoResponse, Json};
use axum::routing::get;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tower_http::catch_panic::CatchPanicLayer;

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub schema: Served,
    pub keys: Arc<TokenKeys>,
    /// The GraphiQL page served to browsers at GET /graphql.
    pub graphiql: Arc<str>,
    /// What one request may ask for.
    pub limits: Arc<Limits>,
    /// Whether reads are planned from the selection.
    pub read_plan: ReadPlan,
    /// SQL statements run through `db` so far.
    statements: Arc<AtomicU64>,
    /// Each company's turns to execute.
    pub fairness: Arc<Fairness>,
    /// The event log's reader, which subscriptions follow.
    pub hub: Arc<crate::live::Hub>,
}

impl AppState {
    /// `demo_token`, when given, is prefilled in GraphiQL's headers. The limits are the
    /// defaults; `with_limits` changes them.
    pub fn new(mut db: DatabaseConnection, keys: TokenKeys, demo_token: Option<&str>) -> Self {
        let limits = Arc::new(Limits::default());
        crate::metrics::handle();
        let statements = Arc::new(AtomicU64::new(0));
        let count = statements.clone();
        db.set_metric_callback(move |info| {
            count.fetch_add(1, Ordering::Relaxed);
            crate::metrics::statement(info.elapsed, info.failed);
            tracing::debug!(target: "conversations_graph::sql", "{}", info.statement);
        });
        AppState {
            statements,
            fairness: Arc::new(fairness(&limits)),
            schema: Served::new(db.clone(), limits.clone(), ReadPlan::default()),
            hub: crate::live::Hub::new(db.clone(), limits.clone()),
            read_plan: ReadPlan::default(),
            graphiql: graphiql::page("/graphql", demo_token).into(),
            db,
            keys: Arc::new(keys),
            limits,
        }
    }

    /// How many SQL statements the server has run.
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// The same state, refusing requests that exceed `limits` instead.
    pub fn with_limits(self, limits: Limits) -> Self {
        let limits = Arc::new(limits);
        AppState {
            schema: Served::new(self.db.clone(), limits.clone(), self.read_plan),
            fairness: Arc::new(fairness(&limits)),
            hub: crate::live::Hub::new(self.db.clone(), limits.clone()),
            limits,
            ..self
        }
    }

    /// The same state, planning reads from the selection or not (`plan`).
    pub fn with_read_plan(self, plan: ReadPlan) -> Self {
        AppState {
            schema: Served::new(self.db.clone(), self.limits.clone(), plan),
            read_plan: plan,
            ..self
        }
    }
}

fn fairness(limits: &Limits) -> Fairness {
    Fairness::new(limits.max_company_concurrency, limits.company_queue_timeout)
}

/// The id of one HTTP request: the client's `X-Request-Id` when it is a sane token (at
/// most 128 characters of letters, digits, `-`, `_`, `.`), else a new uuid. Every log line
/// of the request carries it, and the response echoes it.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

const REQUEST_ID: &str = "x-request-id";

async fn request_id(mut request: Request, next: Next) -> Response {
    let given = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 128
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
        .map(str::to_owned);
    let id = given.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let header = HeaderValue::from_str(&id).ok();
    request.extensions_mut().insert(RequestId(id));
    let mut response = next.run(request).await;
    if let Some(header) = header {
        response.headers_mut().insert(REQUEST_ID, header);
    }
    response
}

/// A panic outside GraphQL execution (which catches its own) answers 500 with an
/// INTERNAL_SERVER_ERROR error, is logged and counted, and leaves the process running.
fn panicked(cause: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = cause
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| cause.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %what, "a request handler panicked");
    crate::metrics::panic();
    crate::metrics::error(crate::codes::INTERNAL_SERVER_ERROR);
    let body = serde_json::json!({ "errors": [{
        "message": "internal error",
        "extensions": { "code": crate::codes::INTERNAL_SERVER_ERROR },
    }] });
    (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
}

/// The whole HTTP application; tests serve exactly this.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route(
            "/graphql",
            get(graphql::get_graphql).post(graphql::post_graphql),
        )
        .merge(graphiql::routes())
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(state.limits.max_body_bytes))
        .layer(CatchPanicLayer::custom(panicked))
        .layer(middleware::from_fn(request_id))
        .with_state(state)
}

/// Prometheus metrics, in its text format.
async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        crate::metrics::render(&state.db),
    )
}

async fn not_found() -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        Json(serde_json::json!({ "error": "not found; the API is at /graphql" })),
    )
}
