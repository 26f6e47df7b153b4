//! axum only: the router, GraphQL over HTTP at /graphql, GraphiQL's files under /graphiql/,
//! health endpoints.

mod graphiql;
mod graphql;
mod health;

use crate::auth::TokenKeys;
use crate::graphql::AppSchema;
use crate::graphql::limits::Limits;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json};
use axum::routing::get;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub schema: AppSchema,
    pub keys: Arc<TokenKeys>,
    /// The GraphiQL page served to browsers at GET /graphql.
    pub graphiql: Arc<str>,
    /// What one request may ask for.
    pub limits: Arc<Limits>,
}

impl AppState {
    /// `demo_token`, when given, is prefilled in GraphiQL's headers. The limits are the
    /// defaults; `with_limits` changes them.
    pub fn new(db: DatabaseConnection, keys: TokenKeys, demo_token: Option<&str>) -> Self {
        let limits = Arc::new(Limits::default());
        AppState {
            schema: crate::graphql::schema(db.clone(), limits.clone()),
            graphiql: graphiql::page("/graphql", demo_token).into(),
            db,
            keys: Arc::new(keys),
            limits,
        }
    }

    /// The same state, refusing requests that exceed `limits` instead.
    pub fn with_limits(self, limits: Limits) -> Self {
        let limits = Arc::new(limits);
        AppState {
            schema: crate::graphql::schema(self.db.clone(), limits.clone()),
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
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(state.limits.max_body_bytes))
        .with_state(state)
}

async fn not_found() -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        Json(serde_json::json!({ "error": "not found; the API is at /graphql" })),
    )
}
