//! Substring search over message content, case-insensitive, Unicode included.
//!
//! - PostgreSQL: a trigram GIN index (pg_trgm) that serves `content ILIKE '%…%'`.
//! - SQLite: an FTS5 table with the trigram tokenizer (case folding on, no diacritics
//!   folding: "ecole" must not find "école"), holding the content of `messages` by rowid
//!   (external content, nothing stored twice) and kept in step by triggers.
//!
//! The FTS index refers to `messages` rows by rowid. SQLite keeps rowids through ordinary
//! writes; a `VACUUM` may renumber them, after which the index must be rebuilt with
//! `INSERT INTO messages_fts(messages_fts) VALUES('rebuild')` (the README says so).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE messages_fts USING fts5(content, content='messages', content_rowid='rowid', tokenize='trigram case_sensitive 0')",
    "INSERT INTO messages_fts(messages_fts) VALUES('rebuild')",
    "CREATE TRIGGER messages_fts_after_insert AFTER INSERT ON messages BEGIN \
       INSERT INTO messages_fts(rowid, content) VALUES (NEW.rowid, NEW.content); END",
    "CREATE TRIGGER messages_fts_after_delete AFTER DELETE ON messages BEGIN \
       INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', OLD.rowid, OLD.content); END",
    "CREATE TRIGGER messages_fts_after_update AFTER UPDATE OF content ON messages BEGIN \
       INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', OLD.rowid, OLD.content); \
       INSERT INTO messages_fts(rowid, content) VALUES (NEW.rowid, NEW.content); END",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS messages_fts_after_update",
    "DROP TRIGGER IF EXISTS messages_fts_after_delete",
    "DROP TRIGGER IF EXISTS messages_fts_after_insert",
    "DROP TABLE IF EXISTS messages_fts",
];

const POSTGRES_UP: &[&str] = &[
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_messages_content_trgm ON messages USING gin (content gin_trgm_ops)",
];

const POSTGRES_DOWN: &[&str] = &["DROP INDEX IF EXISTS ix_messages_content_trgm"];

async fn run(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for sql in statements {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Sqlite => run(manager, SQLITE_UP).await,
            DbBackend::Postgres => run(manager, POSTGRES_UP).await,
            other => Err(DbErr::Migration(format!("unsupported database: {other:?}"))),
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Sqlite => run(manager, SQLITE_DOWN).await,
            DbBackend::Postgres => run(manager, POSTGRES_DOWN).await,
            other => Err(DbErr::Migration(format!("unsupported database: {other:?}"))),
        }
    }
}
