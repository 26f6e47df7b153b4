//! Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database
//! does). Readiness asks the database on a connection of its own, outside the serving pool:
//! a pool that is busy serving (every connection in use, requests waiting) is not a
//! database that is down, and must not make a load balancer pull the instance for
//! everybody. The answer says both: 503 only when the database does not answer, and the
//! pool's state (`"pool": "busy"` when every connection is in use) either way.

use super::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Json;
use sea_orm::sqlx::Connection;
use sea_orm::{DatabaseBackend, DatabaseConnection};
use serde_json::{Value, json};
use std::time::Duration;

pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let up = matches!(
        tokio::time::timeout(Duration::from_secs(2), answers(&state.db)).await,
        Ok(true)
    );
    let (size, idle, max) = crate::metrics::pool_state(&state.db);
    let pool = if size >= max && idle == 0 {
        "busy"
    } else {
        "ok"
    };
    if up {
        (
            StatusCode::OK,
            Json(json!({ "status": "ready", "database": "up", "pool": pool })),
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "database": "down", "pool": pool })),
        )
    }
}

/// Whether the database answers `SELECT 1` on a new connection (PostgreSQL), or on the
/// pool (SQLite, a file in this process: there is no server to be down, and a pool
/// connection is never held by another process).
async fn answers(db: &DatabaseConnection) -> bool {
    match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let options = db.get_postgres_connection_pool().connect_options();
            let Ok(mut conn) = sea_orm::sqlx::PgConnection::connect_with(&options).await else {
                return false;
            };
            let answered = conn.ping().await.is_ok();
            let _ = conn.close().await;
            answered
        }
        _ => db.ping().await.is_ok(),
    }
}
