//! axum only: the router, GraphQL over HTTP at /graphql, GraphiQL's files under /graphiql/,
//! health endpoints.

mod graphiql;
mod graphql;
mod health;

use crate::auth::TokenKeys;
use crate::graphql::Served;
use crate::graphql::limits::Limits;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json};
use axum::routing::get;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

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
    /// SQL statements run through `db` so far.
    statements: Arc<AtomicU64>,
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
            schema: Served::new(db.clone(), limits.clone()),
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
            schema: Served::new(self.db.clone(), limits.clone()),
            limits,
            ..self
        }
    }
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
