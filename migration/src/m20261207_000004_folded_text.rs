//! Folded shadow columns: the text every case-insensitive match compares, written by the
//! service with `entity::text::fold` beside the original (the databases fold nothing, so
//! both give the same answers).
//!
//! - `messages.content_folded`, indexed for substring search in place of `content`: a
//!   pg_trgm GIN index on PostgreSQL; on SQLite the FTS5 trigram table now indexes the
//!   folded column, case-sensitively (the text is already folded).
//! - `contacts.name_folded`, `surname_folded`, `email_folded`: contact filters scan one
//!   company's contacts, as before, now over these.
//!
//! Existing rows are folded here, in batches by id. The fold belongs to the service: a
//! later change of the rule (a new Unicode version) comes with a migration that folds
//! again.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::prelude::Uuid;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &[&str] = &[
    "ALTER TABLE messages ADD COLUMN content_folded TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE contacts ADD COLUMN name_folded TEXT",
    "ALTER TABLE contacts ADD COLUMN surname_folded TEXT",
    "ALTER TABLE contacts ADD COLUMN email_folded TEXT",
];

/// The FTS5 trigram table over `column` of `messages`, rebuilt from the rows and kept in
/// step by triggers (dropping the one there was first).
fn sqlite_fts(column: &str, case_sensitive: u8) -> Vec<String> {
    let mut statements: Vec<String> = [
        "DROP TRIGGER IF EXISTS messages_fts_after_update",
        "DROP TRIGGER IF EXISTS messages_fts_after_delete",
        "DROP TRIGGER IF EXISTS messages_fts_after_insert",
        "DROP TABLE IF EXISTS messages_fts",
    ]
    .map(String::from)
    .into();
    statements.extend([
        format!(
            "CREATE VIRTUAL TABLE messages_fts USING fts5({column}, content='messages', \
             content_rowid='rowid', tokenize='trigram case_sensitive {case_sensitive}')"
        ),
        "INSERT INTO messages_fts(messages_fts) VALUES('rebuild')".to_owned(),
        format!(
            "CREATE TRIGGER messages_fts_after_insert AFTER INSERT ON messages BEGIN \
             INSERT INTO messages_fts(rowid, {column}) VALUES (NEW.rowid, NEW.{column}); END"
        ),
        format!(
            "CREATE TRIGGER messages_fts_after_delete AFTER DELETE ON messages BEGIN \
             INSERT INTO messages_fts(messages_fts, rowid, {column}) \
             VALUES ('delete', OLD.rowid, OLD.{column}); END"
        ),
        format!(
            "CREATE TRIGGER messages_fts_after_update AFTER UPDATE OF {column} ON messages BEGIN \
             INSERT INTO messages_fts(messages_fts, rowid, {column}) \
             VALUES ('delete', OLD.rowid, OLD.{column}); \
             INSERT INTO messages_fts(rowid, {column}) VALUES (NEW.rowid, NEW.{column}); END"
        ),
    ]);
    statements
}

const SQLITE_DOWN: &[&str] = &[
    "ALTER TABLE messages DROP COLUMN content_folded",
    "ALTER TABLE contacts DROP COLUMN name_folded",
    "ALTER TABLE contacts DROP COLUMN surname_folded",
    "ALTER TABLE contacts DROP COLUMN email_folded",
];

const POSTGRES_UP: &[&str] = &[
    "ALTER TABLE messages ADD COLUMN content_folded TEXT",
    "ALTER TABLE contacts ADD COLUMN name_folded TEXT, ADD COLUMN surname_folded TEXT, \
       ADD COLUMN email_folded TEXT",
];

const POSTGRES_INDEX: &[&str] = &[
    "ALTER TABLE messages ALTER COLUMN content_folded SET NOT NULL",
    "CREATE INDEX ix_messages_content_folded_trgm ON messages USING gin (content_folded gin_trgm_ops)",
    "DROP INDEX IF EXISTS ix_messages_content_trgm",
];

const POSTGRES_DOWN: &[&str] = &[
    "CREATE INDEX IF NOT EXISTS ix_messages_content_trgm ON messages USING gin (content gin_trgm_ops)",
    "DROP INDEX IF EXISTS ix_messages_content_folded_trgm",
    "ALTER TABLE messages DROP COLUMN content_folded",
    "ALTER TABLE contacts DROP COLUMN name_folded, DROP COLUMN surname_folded, \
       DROP COLUMN email_folded",
];

/// Rows read and written per statement while folding existing rows.
const BATCH: usize = 500;

async fn run<S: AsRef<str>>(manager: &SchemaManager<'_>, statements: &[S]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for sql in statements {
        db.execute_unprepared(sql.as_ref()).await?;
    }
    Ok(())
}

/// Folds `sources` of every row of `table` into `targets`, in batches by id.
async fn backfill(
    manager: &SchemaManager<'_>,
    table: &str,
    sources: &[&str],
    targets: &[&str],
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    // The n-th (from 1) parameter of a statement.
    let slot = |n: usize| match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    };
    let mut after: Option<Uuid> = None;
    loop {
        let (filter, values) = match after {
            Some(id) => (format!("WHERE id > {}", slot(1)), vec![Value::from(id)]),
            None => (String::new(), vec![]),
        };
        let sql = format!(
            "SELECT id, {} FROM {table} {filter} ORDER BY id LIMIT {BATCH}",
            sources.join(", ")
        );
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = Some(last.try_get::<Uuid>("", "id")?);
        let mut tuples = Vec::with_capacity(rows.len());
        let mut values = Vec::with_capacity(rows.len() * (1 + sources.len()));
        for row in &rows {
            let mut slots = vec![slot(values.len() + 1)];
            values.push(Value::from(row.try_get::<Uuid>("", "id")?));
            for source in sources {
                let text: Option<String> = row.try_get("", source)?;
                slots.push(slot(values.len() + 1));
                values.push(Value::from(text.as_deref().map(entity::text::fold)));
            }
            tuples.push(format!("({})", slots.join(", ")));
        }
        let sets: Vec<String> = targets
            .iter()
            .enumerate()
            .map(|(i, target)| format!("{target} = v.column{}", i + 2))
            .collect();
        let sql = format!(
            "UPDATE {table} SET {} FROM (VALUES {}) AS v WHERE {table}.id = v.column1",
            sets.join(", "),
            tuples.join(", ")
        );
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
    }
}

async fn fold_existing(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    backfill(manager, "messages", &["content"], &["content_folded"]).await?;
    backfill(
        manager,
        "contacts",
        &["name", "surname", "email"],
        &["name_folded", "surname_folded", "email_folded"],
    )
    .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                run(manager, SQLITE_UP).await?;
                fold_existing(manager).await?;
                run(manager, &sqlite_fts("content_folded", 1)).await
            }
            DbBackend::Postgres => {
                run(manager, POSTGRES_UP).await?;
                fold_existing(manager).await?;
                run(manager, POSTGRES_INDEX).await
            }
            other => Err(DbErr::Migration(format!("unsupported database: {other:?}"))),
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                run(manager, &sqlite_fts("content", 0)).await?;
                run(manager, SQLITE_DOWN).await
            }
            DbBackend::Postgres => run(manager, POSTGRES_DOWN).await,
            other => Err(DbErr::Migration(format!("unsupported database: {other:?}"))),
        }
    }
}
