//! Creating, changing and deleting conversations.

use super::apply_patch;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::services::events::NewEvent;
use crate::services::tenancy::{self, by_ids, scoped_delete};
use crate::services::validate::{Outcome, Patch, UserError};
use crate::services::write::{self, WriteTx, must_exist, update_row};
use chrono::{DateTime, Utc};
use entity::EventKind;
use entity::conversation::{ActiveModel, Column, Entity, Model};
use entity::{Channel, ConversationStatus, Priority, Responder, Source, agent, contact, inbox};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection};
use uuid::Uuid;

/// A conversation to create, validated for shape.
#[derive(Debug, Clone)]
pub struct NewConversation {
    pub inbox_id: Uuid,
    pub subject: Option<String>,
    pub contact_id: Option<Uuid>,
    pub channel: Channel,
    pub priority: Priority,
    pub status: ConversationStatus,
    pub source: Option<Source>,
    pub assignee_id: Option<Uuid>,
    pub agent_id: Option<Uuid>,
    pub seen_by_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    pub listing_id: Option<Uuid>,
    pub is_simulation: bool,
    pub is_chat_opened: bool,
    pub responded_by: Option<Responder>,
    pub started_at: Option<DateTime<Utc>>,
}

/// The fields an update changes.
#[derive(Debug, Clone, Default)]
pub struct ConversationPatch {
    pub subject: Patch<Option<String>>,
    pub status: Patch<ConversationStatus>,
    pub priority: Patch<Priority>,
    pub channel: Patch<Channel>,
    pub source: Patch<Option<Source>>,
    pub inbox_id: Patch<Uuid>,
    pub contact_id: Patch<Option<Uuid>>,
    pub assignee_id: Patch<Option<Uuid>>,
    pub agent_id: Patch<Option<Uuid>>,
    pub seen_by_id: Patch<Option<Uuid>>,
    pub campaign_id: Patch<Option<Uuid>>,
    pub listing_id: Patch<Option<Uuid>>,
    pub is_simulation: Patch<bool>,
    pub is_chat_opened: Patch<bool>,
    pub responded_by: Patch<Option<Responder>>,
    pub started_at: Patch<Option<DateTime<Utc>>>,
}

fn set<T: Clone>(p: &Patch<Option<T>>) -> Option<T> {
    match p {
        Patch::Set(v) => v.clone(),
        Patch::Keep => None,
    }
}

/// Checks that every referenced row is the company's.
async fn check_references(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    inbox_id: Option<Uuid>,
    contact_id: Option<Uuid>,
    agents: [(Option<Uuid>, &str); 3],
) -> Result<Vec<UserError>, AppError> {
    let mut errors = Vec::new();
    must_exist::<inbox::Entity>(
        db,
        viewer,
        inbox_id,
        &["input", "inboxId"],
        "inbox",
        &mut errors,
    )
    .await?;
    must_exist::<contact::Entity>(
        db,
        viewer,
        contact_id,
        &["input", "contactId"],
        "contact",
        &mut errors,
    )
    .await?;
    for (id, field) in agents {
        must_exist::<agent::Entity>(db, viewer, id, &["input", field], "agent", &mut errors)
            .await?;
    }
    Ok(errors)
}

pub async fn create(
    db: &DatabaseConnection,
    viewer: &Viewer,
    new: NewConversation,
) -> Result<Outcome<Model>, AppError> {
    let mut tx = WriteTx::begin(db, viewer).await?;
    let errors = check_references(
        &*tx,
        viewer,
        Some(new.inbox_id),
        new.contact_id,
        [
            (new.assignee_id, "assigneeId"),
            (new.agent_id, "agentId"),
            (new.seen_by_id, "seenById"),
        ],
    )
    .await?;
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let now = crate::services::now();
    let model = tenancy::insert(&*tx, viewer, |company_id| Model {
        id: Uuid::new_v4(),
        company_id,
        inbox_id: new.inbox_id,
        contact_id: new.contact_id,
        subject: new.subject,
        status: new.status,
        priority: new.priority,
        channel: new.channel,
        source: new.source,
        is_simulation: new.is_simulation,
        responded_by: new.responded_by,
        agent_id: new.agent_id,
        assignee_id: new.assignee_id,
        seen_by_id: new.seen_by_id,
        is_chat_opened: new.is_chat_opened,
        campaign_id: new.campaign_id,
        listing_id: new.listing_id,
        started_at: new.started_at,
        last_message_at: None,
        created_at: now,
        updated_at: now,
    })
    .await?;
    tx.record(NewEvent::new(EventKind::ConversationCreated, model.id).of(&model));
    tx.commit().await?;
    Ok(Ok(model))
}

pub async fn update(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: Uuid,
    patch: ConversationPatch,
) -> Result<Outcome<Model>, AppError> {
    let mut tx = WriteTx::begin(db, viewer).await?;
    let Some(current) = find(&*tx, viewer, id).await? else {
        return Ok(Err(vec![UserError::not_found(&["id"], "conversation")]));
    };
    let inbox = match patch.inbox_id {
        Patch::Set(v) => Some(v),
        Patch::Keep => None,
    };
    let errors = check_references(
        &*tx,
        viewer,
        inbox,
        set(&patch.contact_id),
        [
            (set(&patch.assignee_id), "assigneeId"),
            (set(&patch.agent_id), "agentId"),
            (set(&patch.seen_by_id), "seenById"),
        ],
    )
    .await?;
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let mut am = ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        ..Default::default()
    };
    let changed = apply_patch!(
        am,
        patch,
        current,
        subject,
        status,
        priority,
        channel,
        source,
        inbox_id,
        contact_id,
        assignee_id,
        agent_id,
        seen_by_id,
        campaign_id,
        listing_id,
        is_simulation,
        is_chat_opened,
        responded_by,
        started_at
    );
    if !changed {
        // Nothing differs: nothing is written, and the transaction ends at once (releasing
        // the row's lock) rather than when the connection is next used.
        tx.commit().await?;
        return Ok(Ok(current));
    }
    am.updated_at = Set(crate::services::now());
    let model = update_row(&*tx, viewer, id, am).await?;
    tx.record(
        NewEvent::new(EventKind::ConversationUpdated, id)
            .changes(&current, &model)
            .of(&model),
    );
    tx.commit().await?;
    Ok(Ok(model))
}

pub async fn delete(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: Uuid,
    reason: Option<String>,
) -> Result<Outcome<Uuid>, AppError> {
    let mut tx = WriteTx::begin(db, viewer).await?;
    if find(&*tx, viewer, id).await?.is_none() {
        return Ok(Err(vec![UserError::not_found(&["id"], "conversation")]));
    }
    delete_rows(&mut tx, viewer, &[id], reason.as_deref()).await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// Deletes conversations (messages, calls and links cascade with them), recording each
/// delete with the conversation as it was.
pub async fn delete_rows(
    tx: &mut WriteTx,
    viewer: &Viewer,
    ids: &[Uuid],
    reason: Option<&str>,
) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    let rows = by_ids::<Entity>(&**tx, viewer, ids).await?;
    scoped_delete::<Entity>(viewer)
        .filter(Column::Id.is_in(ids.iter().copied()))
        .exec(&**tx)
        .await?;
    for row in rows {
        tx.record(
            NewEvent::new(EventKind::ConversationDeleted, row.id)
                .of(&row)
                .reason(reason),
        );
    }
    Ok(())
}

pub async fn find(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> Result<Option<Model>, AppError> {
    write::find::<Entity>(db, viewer, id).await
}
