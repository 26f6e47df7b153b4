//! Creating and deleting messages; both keep the conversation's lastMessageAt true.

use crate::auth::Viewer;
use crate::error::AppError;
use crate::services::events::NewEvent;
use crate::services::tenancy::{self, scoped_sub_select, scoped_update};
use crate::services::validate::{Outcome, UserError};
use crate::services::write::{WriteTx, delete_row, find, peek};
use chrono::{DateTime, Utc};
use entity::EventKind;
use entity::message::{Column, Entity, Model};
use entity::{Channel, Direction, conversation};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct NewMessage {
    pub content: String,
    pub direction: Direction,
    pub channel: Option<Channel>,
    pub metadata: Option<serde_json::Value>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// The created message and its conversation as saved after the change. The UPDATE of the
/// conversation comes first: it finds the conversation (none: NOT_FOUND, nothing written),
/// locks it as every other write does before touching its messages, moves its
/// lastMessageAt forward (never back: one expression, so concurrent messages cannot move it
/// backwards) and returns it as saved; then the INSERT returns the message. On PostgreSQL
/// the two are one statement (`tenancy::update_then_insert`); on SQLite, two. The event
/// is appended in the same transaction.
pub async fn create(
    db: &DatabaseConnection,
    viewer: &Viewer,
    conversation_id: Uuid,
    new: NewMessage,
) -> Result<Outcome<(Model, conversation::Model)>, AppError> {
    let now = crate::services::now();
    let sent_at = new.sent_at.unwrap_or(now);
    let last = Expr::col(conversation::Column::LastMessageAt);
    let update = scoped_update::<conversation::Entity>(viewer)
        .col_expr(
            conversation::Column::LastMessageAt,
            Expr::case(
                last.clone().is_null().or(last.clone().lt(sent_at)),
                Expr::value(sent_at),
            )
            .finally(last)
            .into(),
        )
        .col_expr(conversation::Column::UpdatedAt, Expr::value(now))
        .filter(conversation::Column::Id.eq(conversation_id));
    let row = |company_id| Model {
        id: Uuid::new_v4(),
        company_id,
        conversation_id,
        direction: new.direction,
        content_folded: entity::text::fold(&new.content),
        content: new.content,
        channel: new.channel,
        metadata: new.metadata,
        sent_at,
        created_at: now,
        updated_at: now,
    };
    let mut tx = WriteTx::begin(db, viewer).await?;
    let saved = if db.get_database_backend() == DbBackend::Postgres {
        tenancy::update_then_insert(&*tx, viewer, update, row)
            .await?
            .pop()
    } else {
        match update.exec_with_returning(&*tx).await?.pop() {
            Some(conversation) => Some((tenancy::insert(&*tx, viewer, row).await?, conversation)),
            None => None,
        }
    };
    if let Some((message, conversation)) = &saved {
        tx.record(NewEvent::new(EventKind::MessageCreated, message.id).of(conversation));
    }
    tx.commit().await?;
    Ok(saved.ok_or_else(|| vec![UserError::not_found(&["conversationId"], "conversation")]))
}

pub async fn delete(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: Uuid,
    reason: Option<String>,
) -> Result<Outcome<Uuid>, AppError> {
    let mut tx = WriteTx::begin(db, viewer).await?;
    // Lock the conversation before the message, in the order every other write locks them
    // (a conversation's delete locks it, then its messages), so the two never deadlock;
    // and so that the newest message is read only after concurrent creates have committed.
    let not_found = || Ok(Err(vec![UserError::not_found(&["id"], "message")]));
    let Some(message) = peek::<Entity>(&*tx, viewer, id).await? else {
        return not_found();
    };
    if super::conversations::find(&*tx, viewer, message.conversation_id)
        .await?
        .is_none()
        || find::<Entity>(&*tx, viewer, id).await?.is_none()
    {
        return not_found();
    }
    delete_row::<Entity>(
        &mut tx,
        viewer,
        id,
        NewEvent::new(EventKind::MessageDeleted, id)
            .in_conversation(message.conversation_id)
            .reason(reason.as_deref()),
    )
    .await?;
    refresh_last_message(&*tx, viewer, message.conversation_id).await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// Sets a conversation's lastMessageAt to its newest message (null when none) and moves
/// its updatedAt.
async fn refresh_last_message(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    conversation_id: Uuid,
) -> Result<(), AppError> {
    let newest = scoped_sub_select::<Entity>(viewer, Expr::col((Entity, Column::SentAt)).max())
        .and_where(Column::ConversationId.eq(conversation_id))
        .into_statement();
    scoped_update::<conversation::Entity>(viewer)
        .col_expr(
            conversation::Column::LastMessageAt,
            Expr::SubQuery(
                None,
                Box::new(sea_orm::sea_query::SubQueryStatement::SelectStatement(
                    newest,
                )),
            ),
        )
        .col_expr(
            conversation::Column::UpdatedAt,
            Expr::value(crate::services::now()),
        )
        .filter(conversation::Column::Id.eq(conversation_id))
        .exec(db)
        .await?;
    Ok(())
}
