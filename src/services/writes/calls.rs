//! Creating, changing and deleting calls.

use super::apply_patch;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::services::events::NewEvent;
use crate::services::tenancy;
use crate::services::validate::{Outcome, Patch, UserError};
use crate::services::write::{WriteTx, delete_row, find, update_row};
use chrono::{DateTime, Utc};
use entity::EventKind;
use entity::call::{ActiveModel, Entity, Model};
use entity::{CallStatus, Direction, Responder};
use sea_orm::{ActiveValue::Set, DatabaseConnection};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct NewCall {
    pub direction: Direction,
    pub status: CallStatus,
    pub duration_seconds: Option<i32>,
    pub recording_url: Option<String>,
    pub handled_by: Option<Responder>,
    pub summary: Option<String>,
    pub campaign_id: Option<Uuid>,
    pub started_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default)]
pub struct CallPatch {
    pub direction: Patch<Direction>,
    pub status: Patch<CallStatus>,
    pub duration_seconds: Patch<Option<i32>>,
    pub recording_url: Patch<Option<String>>,
    pub handled_by: Patch<Option<Responder>>,
    pub summary: Patch<Option<String>>,
    pub campaign_id: Patch<Option<Uuid>>,
    pub started_at: Patch<Option<DateTime<Utc>>>,
}

pub async fn create(
    db: &DatabaseConnection,
    viewer: &Viewer,
    conversation_id: Uuid,
    new: NewCall,
) -> Result<Outcome<Model>, AppError> {
    let mut tx = WriteTx::begin(db, viewer).await?;
    if super::conversations::find(&*tx, viewer, conversation_id)
        .await?
        .is_none()
    {
        return Ok(Err(vec![UserError::not_found(
            &["conversationId"],
            "conversation",
        )]));
    }
    let now = crate::services::now();
    let model = tenancy::insert(&*tx, viewer, |company_id| Model {
        id: Uuid::new_v4(),
        company_id,
        conversation_id,
        direction: new.direction,
        status: new.status,
        duration_seconds: new.duration_seconds,
        recording_url: new.recording_url,
        handled_by: new.handled_by,
        summary: new.summary,
        campaign_id: new.campaign_id,
        started_at: new.started_at,
        created_at: now,
        updated_at: now,
    })
    .await?;
    tx.record(
        NewEvent::new(EventKind::CallCreated, model.id).in_conversation(model.conversation_id),
    );
    tx.commit().await?;
    Ok(Ok(model))
}

pub async fn update(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: Uuid,
    patch: CallPatch,
) -> Result<Outcome<Model>, AppError> {
    let mut tx = WriteTx::begin(db, viewer).await?;
    let Some(current) = find::<Entity>(&*tx, viewer, id).await? else {
        return Ok(Err(vec![UserError::not_found(&["id"], "call")]));
    };
    let mut am = ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        ..Default::default()
    };
    let changed = apply_patch!(
        am,
        patch,
        current,
        direction,
        status,
        duration_seconds,
        recording_url,
        handled_by,
        summary,
        campaign_id,
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
        NewEvent::new(EventKind::CallUpdated, id)
            .changes(&current, &model)
            .in_conversation(model.conversation_id),
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
    let Some(call) = find::<Entity>(&*tx, viewer, id).await? else {
        return Ok(Err(vec![UserError::not_found(&["id"], "call")]));
    };
    delete_row::<Entity>(
        &mut tx,
        viewer,
        id,
        NewEvent::new(EventKind::CallDeleted, id)
            .in_conversation(call.conversation_id)
            .reason(reason.as_deref()),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(id))
}
