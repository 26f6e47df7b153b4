//! The event log: one row per change, appended in the transaction of the write that made
//! it. It replaces the audit log (a delete's reason is kept on its event), and it is what
//! the timeline, the `events` query and the subscriptions read.
//!
//! - `position` is the log's order: an integer that only grows (AUTOINCREMENT on SQLite,
//!   so a deleted maximum is never handed out again; a sequence on PostgreSQL, where the
//!   writes of one company append under a transaction-level lock so that positions become
//!   visible in order).
//! - `conversation_id` is a plain column, not a foreign key: the events of a conversation
//!   outlive it (its delete is one of them).
//! - `changes` holds an update's changed fields (`{"status": {"old": "OPEN", "new":
//!   "CLOSED"}}`); `state` the conversation as the write left it (as it was, for a delete),
//!   so that a subscription can decide whether the conversation matched its filter before
//!   and after.
//! - `event_log` has one row: the highest position retention has pruned, below which a
//!   cursor can no longer resume.
//!
//! The existing audit rows are copied in as `<ENTITY>_DELETED` events, then dropped.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, json_null, string, string_len, text_null, timestamp_with_time_zone, uuid,
    uuid_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("conversation_events")
                    .col(
                        ColumnDef::new("position")
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(uuid("id").unique_key())
                    .col(uuid("company_id"))
                    .col(uuid_null("conversation_id"))
                    .col(string_len("entity", 16))
                    .col(uuid("entity_id"))
                    .col(string_len("kind", 32))
                    .col(string("actor"))
                    .col(text_null("reason"))
                    .col(json_null("changes"))
                    .col(json_null("state"))
                    .col(timestamp_with_time_zone("at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_conversation_events_company_id")
                            .from("conversation_events", "company_id")
                            .to("companies", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "ix_conversation_events_company_id_position",
                &["company_id", "position"][..],
            ),
            (
                "ix_conversation_events_company_id_conversation_id_position",
                &["company_id", "conversation_id", "position"][..],
            ),
            ("ix_conversation_events_at", &["at"][..]),
        ] {
            let mut index = Index::create();
            index.name(name).table("conversation_events");
            for col in cols {
                index.col(*col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("event_log")
                    .col(ColumnDef::new("id").integer().not_null().primary_key())
                    .col(big_integer("pruned_through"))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared("INSERT INTO event_log (id, pruned_through) VALUES (1, 0)")
            .await?;
        // Each audit row becomes its delete's event. The audit log kept no conversation
        // for a deleted message or call, so theirs stay without one.
        db.execute_unprepared(
            "INSERT INTO conversation_events \
               (id, company_id, conversation_id, entity, entity_id, kind, actor, reason, at) \
             SELECT id, company_id, \
               CASE WHEN entity = 'conversation' THEN entity_id END, \
               entity, entity_id, UPPER(entity) || '_DELETED', actor, reason, at \
             FROM audit_log ORDER BY at, id",
        )
        .await?;
        manager
            .drop_table(Table::drop().table("audit_log").to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("audit_log")
                    .col(ColumnDef::new("id").uuid().not_null().primary_key())
                    .col(uuid("company_id"))
                    .col(string("actor"))
                    .col(string_len("action", 32))
                    .col(string_len("entity", 32))
                    .col(uuid("entity_id"))
                    .col(text_null("reason"))
                    .col(timestamp_with_time_zone("at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO audit_log \
                   (id, company_id, actor, action, entity, entity_id, reason, at, created_at, updated_at) \
                 SELECT id, company_id, actor, 'delete', entity, entity_id, reason, at, at, at \
                 FROM conversation_events WHERE kind LIKE '%\\_DELETED' ESCAPE '\\'",
            )
            .await?;
        for table in ["event_log", "conversation_events"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
