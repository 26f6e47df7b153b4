//! Creating, changing and deleting agents. Deleting one leaves its conversations without
//! that assignee, AI agent or seen-by (the foreign keys set null).

use super::apply_patch;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::services::events::NewEvent;
use crate::services::tenancy::{self, scoped_update};
use crate::services::validate::{Outcome, Patch, UserError};
use crate::services::write::{WriteTx, delete_row, find, update_row};
use entity::AgentKind;
use entity::EventKind;
use entity::agent::{ActiveModel, Entity, Model};
use entity::conversation;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct NewAgent {
    pub name: String,
    pub email: Option<String>,
    pub kind: AgentKind,
}

#[derive(Debug, Clone, Default)]
pub struct AgentPatch {
    pub name: Patch<String>,
    pub email: Patch<Option<String>>,
    pub kind: Patch<AgentKind>,
}

pub async fn create(
    db: &DatabaseConnection,
    viewer: &Viewer,
    new: NewAgent,
) -> Result<Outcome<Model>, AppError> {
    let mut tx = WriteTx::begin(db, viewer).await?;
    let now = crate::services::now();
    let model = tenancy::insert(&*tx, viewer, |company_id| Model {
        id: Uuid::new_v4(),
        company_id,
        name: new.name,
        email: new.email,
        kind: new.kind,
        created_at: now,
        updated_at: now,
    })
    .await?;
    tx.record(NewEvent::new(EventKind::AgentCreated, model.id));
    tx.commit().await?;
    Ok(Ok(model))
}

pub async fn update(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: Uuid,
    patch: AgentPatch,
) -> Result<Outcome<Model>, AppError> {
    let mut tx = WriteTx::begin(db, viewer).await?;
    let Some(current) = find::<Entity>(&*tx, viewer, id).await? else {
        return Ok(Err(vec![UserError::not_found(&["id"], "agent")]));
    };
    let mut am = ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        ..Default::default()
    };
    let changed = apply_patch!(am, patch, current, name, email, kind);
    if !changed {
        // Nothing differs: nothing is written, and the transaction ends at once (releasing
        // the row's lock) rather than when the connection is next used.
        tx.commit().await?;
        return Ok(Ok(current));
    }
    am.updated_at = Set(crate::services::now());
    let model = update_row(&*tx, viewer, id, am).await?;
    tx.record(NewEvent::new(EventKind::AgentUpdated, id).changes(&current, &model));
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
    if find::<Entity>(&*tx, viewer, id).await?.is_none() {
        return Ok(Err(vec![UserError::not_found(&["id"], "agent")]));
    }
    // Clear the agent from its conversations here rather than by the foreign keys alone,
    // so those conversations' updatedAt moves too.
    let now = crate::services::now();
    for column in [
        conversation::Column::AssigneeId,
        conversation::Column::AgentId,
        conversation::Column::SeenById,
    ] {
        scoped_update::<conversation::Entity>(viewer)
            .col_expr(column, Expr::value(Option::<Uuid>::None))
            .col_expr(conversation::Column::UpdatedAt, Expr::value(now))
            .filter(column.eq(id))
            .exec(&*tx)
            .await?;
    }
    delete_row::<Entity>(
        &mut tx,
        viewer,
        id,
        NewEvent::new(EventKind::AgentDeleted, id).reason(reason.as_deref()),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(id))
}
