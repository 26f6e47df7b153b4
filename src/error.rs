//! `AppError`: everything a client can be told went wrong, and the one mapping to
//! `extensions.code`. It deliberately does not implement `Display`: async-graphql converts
//! any `Display` error into an error without a code, and every error here must carry one.

use crate::auth::Scope;
use crate::codes;
use async_graphql::ErrorExtensions;
use sea_orm::{DbErr, RuntimeErr, SqlErr};

#[derive(Debug)]
pub enum AppError {
    Unauthenticated,              // UNAUTHENTICATED
    Forbidden(Scope),             // FORBIDDEN
    NotFound(&'static str),       // NOT_FOUND
    Vanished,         // NOT_FOUND: deleted by a write that committed during this request
    BadInput(String), // BAD_USER_INPUT
    Conflict(&'static str), // CONFLICT
    Unavailable,      // SERVICE_UNAVAILABLE
    Timeout,          // TIMEOUT
    Cancelled,        // TIMEOUT: the request ran past its time; the watchdog stopped it
    ResponseTooLarge(usize), // RESPONSE_TOO_LARGE: the response passed this many bytes
    CursorExpired,    // CURSOR_EXPIRED
    TooManySubscriptions(String), // TOO_MANY_SUBSCRIPTIONS
    TooSlow(usize),   // SUBSCRIBER_TOO_SLOW: fell this many batches behind
    Internal(anyhow::Error), // INTERNAL_SERVER_ERROR; the cause is logged, never sent
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => codes::UNAUTHENTICATED,
            AppError::Forbidden(_) => codes::FORBIDDEN,
            AppError::NotFound(_) | AppError::Vanished => codes::NOT_FOUND,
            AppError::BadInput(_) => codes::BAD_USER_INPUT,
            AppError::Conflict(_) => codes::CONFLICT,
            AppError::Unavailable => codes::SERVICE_UNAVAILABLE,
            AppError::Timeout | AppError::Cancelled => codes::TIMEOUT,
            AppError::ResponseTooLarge(_) => codes::RESPONSE_TOO_LARGE,
            AppError::CursorExpired => codes::CURSOR_EXPIRED,
            AppError::TooManySubscriptions(_) => codes::TOO_MANY_SUBSCRIPTIONS,
            AppError::TooSlow(_) => codes::SUBSCRIBER_TOO_SLOW,
            AppError::Internal(_) => codes::INTERNAL_SERVER_ERROR,
        }
    }
}

impl AppError {
    /// The message the client sees; never a cause of an internal error.
    pub fn message(&self) -> String {
        match self {
            AppError::Unauthenticated => "authentication required".into(),
            AppError::Forbidden(scope) => format!("this token lacks the {scope} scope"),
            AppError::NotFound(what) => format!("{what} not found"),
            AppError::Vanished => {
                "this related record was deleted by another request while this one ran".into()
            }
            AppError::BadInput(message) => message.clone(),
            AppError::Conflict(message) => (*message).into(),
            AppError::Unavailable => "the database is unavailable; try again shortly".into(),
            AppError::Timeout => {
                "the database took too long and the statement was cancelled".into()
            }
            AppError::Cancelled => "the request ran past its time limit and was cancelled".into(),
            AppError::ResponseTooLarge(limit) => format!(
                "the response would be larger than {limit} bytes; ask for fewer or smaller fields, or smaller pages"
            ),
            AppError::CursorExpired => "this cursor is older than the event log keeps \
                (EVENT_RETENTION_DAYS): the events after it are gone; read the list again \
                and subscribe without `after`"
                .into(),
            AppError::TooManySubscriptions(message) => message.clone(),
            AppError::TooSlow(behind) => format!(
                "this subscription fell {behind} batches of events behind and was ended; \
                 resubscribe with `after` set to the last cursor received"
            ),
            AppError::Internal(_) => "internal error".into(),
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        AppError::Internal(err)
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        match classify(&err) {
            Some(DbFailure::Unavailable) => {
                tracing::warn!(error = %err, "database unavailable");
                return AppError::Unavailable;
            }
            Some(DbFailure::Cancelled) => {
                tracing::warn!(error = %err, "statement cancelled by statement_timeout");
                return AppError::Timeout;
            }
            Some(DbFailure::Contended) => {
                tracing::info!(error = %err, "write lost a race with a concurrent write");
                return AppError::Conflict(
                    "the change conflicted with a concurrent change; retry it",
                );
            }
            None => {}
        }
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                AppError::BadInput("a record with these values already exists".into())
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => AppError::Conflict(
                "a record this change refers to was changed or deleted concurrently; retry it",
            ),
            _ => AppError::Internal(err.into()),
        }
    }
}

/// Database failures that are not the request's fault and not a bug.
enum DbFailure {
    /// The database cannot be reached, or the connection broke.
    Unavailable,
    /// PostgreSQL cancelled the statement (statement_timeout).
    Cancelled,
    /// A deadlock or serialization failure between concurrent transactions.
    Contended,
}

fn classify(err: &DbErr) -> Option<DbFailure> {
    use sea_orm::sqlx::Error as Sqlx;
    let runtime = match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return Some(DbFailure::Unavailable),
        DbErr::Exec(runtime) | DbErr::Query(runtime) => runtime,
        _ => return None,
    };
    let RuntimeErr::SqlxError(sqlx) = runtime else {
        return None;
    };
    match sqlx.as_ref() {
        Sqlx::Io(_)
        | Sqlx::Tls(_)
        | Sqlx::PoolTimedOut
        | Sqlx::PoolClosed
        | Sqlx::WorkerCrashed => Some(DbFailure::Unavailable),
        Sqlx::Database(db) => {
            let code = db.code()?;
            // PostgreSQL SQLSTATEs: class 08 is a connection exception; 57P01-57P03 are
            // shutdowns and "cannot connect now"; 57014 is a cancelled query; 40001 and
            // 40P01 are serialization failures and deadlocks.
            match code.as_ref() {
                c if c.starts_with("08") => Some(DbFailure::Unavailable),
                "57P01" | "57P02" | "57P03" => Some(DbFailure::Unavailable),
                "57014" => Some(DbFailure::Cancelled),
                // SQLite: SQLITE_BUSY (and its extended codes) after the busy timeout: another
                // process held the write lock that long.
                "5" | "261" | "517" => Some(DbFailure::Unavailable),
                "40001" | "40P01" => Some(DbFailure::Contended),
                _ => None,
            }
        }
        _ => None,
    }
}

impl AppError {
    /// The error as the client sees it: its message and code, nothing more. An internal
    /// error's cause is logged here, once (inside the request's span, so with its request
    /// id); this is the only place errors become responses, loaders included.
    pub fn to_graphql(&self) -> async_graphql::Error {
        if let AppError::Internal(cause) = self {
            tracing::error!(error = ?cause, "internal error");
        }
        let code = self.code();
        let error = async_graphql::Error::new(self.message());
        match self {
            AppError::ResponseTooLarge(limit) => error.extend_with(|_, e| {
                e.set("code", code);
                e.set("limit", *limit as u64);
            }),
            _ => error.extend_with(|_, e| e.set("code", code)),
        }
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        err.to_graphql()
    }
}
