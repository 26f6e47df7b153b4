//! Creating, changing and deleting inboxes.

use super::apply_patch;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::services::events::NewEvent;
use crate::services::tenancy::{self, scoped};
use crate::services::validate::{Outcome, Patch, UserError, UserErrorCode};
use crate::services::write::{WriteTx, delete_row, find, update_row};
use entity::Channel;
use entity::EventKind;
use entity::inbox::{ActiveModel, Entity, Model};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct NewInbox {
    pub name: String,
    pub channel: Channel,
    pub phone_number: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct InboxPatch {
    pub name: Patch<String>,
    pub channel: Patch<Channel>,
    pub phone_number: Patch<Option<String>>,
    pub email: Patch<Option<String>>,
}

pub async fn create(
    db: &DatabaseConnection,
    viewer: &Viewer,
    new: NewInbox,
) -> Result<Outcome<Model>, AppError> {
    let mut tx = WriteTx::begin(db, viewer).await?;
    let now = crate::services::now();
    let model = tenancy::insert(&*tx, viewer, |company_id| Model {
        id: Uuid::new_v4(),
        company_id,
        name: new.name,
        channel: new.channel,
        phone_number: new.phone_number,
        email: new.email,
        created_at: now,
        updated_at: now,
    })
    .await?;
    tx.record(NewEvent::new(EventKind::InboxCreated, model.id));
    tx.commit().await?;
    Ok(Ok(model))
}

pub async fn update(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: Uuid,
    patch: InboxPatch,
) -> Result<Outcome<Model>, AppError> {
    let mut tx = WriteTx::begin(db, viewer).await?;
    let Some(current) = find::<Entity>(&*tx, viewer, id).await? else {
        return Ok(Err(vec![UserError::not_found(&["id"], "inbox")]));
    };
    let mut am = ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        ..Default::default()
    };
    let changed = apply_patch!(am, patch, current, name, channel, phone_number, email);
    if !changed {
        // Nothing differs: nothing is written, and the transaction ends at once (releasing
        // the row's lock) rather than when the connection is next used.
        tx.commit().await?;
        return Ok(Ok(current));
    }
    am.updated_at = Set(crate::services::now());
    let model = update_row(&*tx, viewer, id, am).await?;
    tx.record(NewEvent::new(EventKind::InboxUpdated, id).changes(&current, &model));
    tx.commit().await?;
    Ok(Ok(model))
}

pub async fn delete(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: Uuid,
    cascade: bool,
    reason: Option<String>,
) -> Result<Outcome<Uuid>, AppError> {
    let mut tx = WriteTx::begin(db, viewer).await?;
    if find::<Entity>(&*tx, viewer, id).await?.is_none() {
        return Ok(Err(vec![UserError::not_found(&["id"], "inbox")]));
    }
    let conversations =
        conversation_ids(&*tx, viewer, entity::conversation::Column::InboxId, id).await?;
    if !conversations.is_empty() && !cascade {
        return Ok(Err(vec![has_conversations("inbox", conversations.len())]));
    }
    super::conversations::delete_rows(&mut tx, viewer, &conversations, reason.as_deref()).await?;
    delete_row::<Entity>(
        &mut tx,
        viewer,
        id,
        NewEvent::new(EventKind::InboxDeleted, id).reason(reason.as_deref()),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// Ids of the company's conversations whose `column` is `id`.
pub(super) async fn conversation_ids(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    column: entity::conversation::Column,
    id: Uuid,
) -> Result<Vec<Uuid>, AppError> {
    Ok(scoped::<entity::conversation::Entity>(viewer)
        .filter(column.eq(id))
        .ids(db)
        .await?)
}

/// The refusal of deleting a parent that still has conversations.
pub(super) fn has_conversations(what: &str, n: usize) -> UserError {
    UserError::new(
        &["id"],
        UserErrorCode::Conflict,
        format!("this {what} still has {n} conversation(s); pass cascade: true to delete them too"),
    )
}
