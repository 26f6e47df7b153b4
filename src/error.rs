//! `AppError`: everything a client can be told went wrong, and the one mapping to
//! `extensions.code`. It deliberately does not implement `Display`: async-graphql converts
//! any `Display` error into an error without a code, and every error here must carry one.

use crate::auth::Scope;
use async_graphql::ErrorExtensions;
use sea_orm::{DbErr, SqlErr};

#[derive(Debug)]
pub enum AppError {
    Unauthenticated,         // UNAUTHENTICATED
    Forbidden(Scope),        // FORBIDDEN
    NotFound(&'static str),  // NOT_FOUND
    BadInput(String),        // BAD_USER_INPUT
    Unavailable,             // SERVICE_UNAVAILABLE
    Internal(anyhow::Error), // INTERNAL_SERVER_ERROR; the cause is logged, never sent
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "UNAUTHENTICATED",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::NotFound(_) => "NOT_FOUND",
            AppError::BadInput(_) => "BAD_USER_INPUT",
            AppError::Unavailable => "SERVICE_UNAVAILABLE",
            AppError::Internal(_) => "INTERNAL_SERVER_ERROR",
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
            AppError::BadInput(message) => message.clone(),
            AppError::Unavailable => "the database is unavailable; try again shortly".into(),
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
        match &err {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => {
                tracing::warn!(error = %err, "database unavailable");
                AppError::Unavailable
            }
            _ => match err.sql_err() {
                Some(SqlErr::UniqueConstraintViolation(_)) => {
                    AppError::BadInput("a record with these values already exists".into())
                }
                _ => AppError::Internal(err.into()),
            },
        }
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        if let AppError::Internal(cause) = &err {
            tracing::error!(error = ?cause, "internal error");
        }
        let code = err.code();
        async_graphql::Error::new(err.message()).extend_with(|_, e| e.set("code", code))
    }
}
