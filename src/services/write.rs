//! Plumbing shared by every write: a transaction (serialised per process on SQLite, whose
//! single writer would otherwise refuse concurrent upgrades from read to write) that
//! appends the write's events to the log as it commits, and existence checks that report NOT_FOUND at an input path. Every statement
//! here is one of `tenancy`'s scoped ones.

use super::events::{self, NewEvent};
use super::tenancy::{CompanyOwned, scoped, scoped_delete, scoped_update};
use super::validate::UserError;
use crate::auth::Viewer;
use crate::error::AppError;
use sea_orm::sea_query::LockType;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DbBackend, IntoActiveModel, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::ops::Deref;
use tokio::sync::{Mutex, MutexGuard};
use uuid::Uuid;

static SQLITE_WRITER: Mutex<()> = Mutex::const_new(());

/// A write transaction and the events it records. Dropping it without `commit` rolls
/// everything back, and no event is appended.
pub struct WriteTx {
    txn: DatabaseTransaction,
    viewer: Viewer,
    events: Vec<NewEvent>,
    _writer: Option<MutexGuard<'static, ()>>,
}

impl Deref for WriteTx {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl WriteTx {
    pub async fn begin(db: &DatabaseConnection, viewer: &Viewer) -> Result<WriteTx, AppError> {
        let writer = match db.get_database_backend() {
            DbBackend::Sqlite => Some(SQLITE_WRITER.lock().await),
            _ => None,
        };
        // On SQLite the transaction takes the write lock at BEGIN (IMMEDIATE), where SQLite
        // waits on its busy timeout for another process's writer; a deferred transaction
        // that reads first and then writes would fail at once instead.
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        };
        Ok(WriteTx {
            txn: db.begin_with_options(options).await?,
            viewer: viewer.clone(),
            events: Vec::new(),
            _writer: writer,
        })
    }

    /// Records an event, appended to the log when the transaction commits.
    pub fn record(&mut self, event: NewEvent) {
        self.events.push(event);
    }

    /// Appends the recorded events (the transaction's last statements: see
    /// `events::append`) and commits; then wakes this process's subscriptions.
    pub async fn commit(self) -> Result<(), AppError> {
        let appended = !self.events.is_empty();
        if appended {
            events::append(&self.txn, &self.viewer, self.events).await?;
        }
        self.txn.commit().await?;
        if appended {
            events::wake();
        }
        Ok(())
    }
}

/// Pushes NOT_FOUND at `path` unless `id` is a row of `E` in the viewer's company. On
/// PostgreSQL the row is then locked against deletion (FOR KEY SHARE) until the transaction
/// ends, so what refers to it can be written without racing its delete.
pub async fn must_exist<E: CompanyOwned>(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Option<Uuid>,
    path: &[&str],
    what: &str,
    errors: &mut Vec<UserError>,
) -> Result<(), AppError> {
    if let Some(id) = id {
        let found = scoped::<E>(viewer)
            .filter(E::id_column().eq(id))
            .lock(LockType::KeyShare)
            .one(db)
            .await?;
        if found.is_none() {
            errors.push(UserError::not_found(path, what));
        }
    }
    Ok(())
}

/// The viewer's row of `E` with this id, if any, locked (FOR UPDATE on PostgreSQL; SQLite
/// writes are serialised anyway) until the transaction ends: what a write reads to decide,
/// no concurrent write changes or deletes before it commits. A row deleted by a write that
/// committed while this one waited is not found.
pub async fn find<E: CompanyOwned>(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> Result<Option<E::Model>, AppError> {
    Ok(scoped::<E>(viewer)
        .filter(E::id_column().eq(id))
        .lock(LockType::Update)
        .one(db)
        .await?)
}

/// The viewer's row of `E` with this id, if any, without locking it.
pub async fn peek<E: CompanyOwned>(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> Result<Option<E::Model>, AppError> {
    Ok(scoped::<E>(viewer)
        .filter(E::id_column().eq(id))
        .one(db)
        .await?)
}

/// Writes the set columns of `changes` to the viewer's row `id` (one UPDATE, nothing
/// else), returning the row as saved.
pub async fn update_row<E, A>(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
    changes: A,
) -> Result<E::Model, AppError>
where
    E: CompanyOwned,
    A: ActiveModelTrait<Entity = E> + Send,
    E::Model: IntoActiveModel<A>,
{
    scoped_update::<E>(viewer)
        .set(changes)
        .filter(E::id_column().eq(id))
        .exec_with_returning(db)
        .await?
        .pop()
        .ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("updated row vanished in its transaction"))
        })
}

/// Deletes the viewer's row `id` of `E` and records `event` (its delete, with its reason).
pub async fn delete_row<E: CompanyOwned>(
    tx: &mut WriteTx,
    viewer: &Viewer,
    id: Uuid,
    event: NewEvent,
) -> Result<(), AppError> {
    scoped_delete::<E>(viewer)
        .filter(E::id_column().eq(id))
        .exec(&tx.txn)
        .await?;
    tx.record(event);
    Ok(())
}
