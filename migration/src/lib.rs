//! Schema migrations, applied in order on SQLite and PostgreSQL alike.
//! Each migration is frozen once released: a schema change is a new file.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_tables;
mod m20261122_000002_message_search;
mod m20261207_000003_conversation_listing_index;
mod m20261207_000004_folded_text;
mod m20261207_000005_conversation_events;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_tables::Migration),
            Box::new(m20261122_000002_message_search::Migration),
            Box::new(m20261207_000003_conversation_listing_index::Migration),
            Box::new(m20261207_000004_folded_text::Migration),
            Box::new(m20261207_000005_conversation_events::Migration),
        ]
    }
}
