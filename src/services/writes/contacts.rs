//! Creating, changing and deleting contacts.

use super::apply_patch;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::services::events::NewEvent;
use crate::services::tenancy;
use crate::services::validate::{Outcome, Patch, UserError};
use crate::services::write::{WriteTx, delete_row, find, update_row};
use entity::EventKind;
use entity::contact::{ActiveModel, Entity, Model};
use entity::text::fold_opt;
use sea_orm::{ActiveValue, ActiveValue::Set, DatabaseConnection};
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct NewContact {
    pub name: Option<String>,
    pub surname: Option<String>,
    pub phone_number: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ContactPatch {
    pub name: Patch<Option<String>>,
    pub surname: Patch<Option<String>>,
    pub phone_number: Patch<Option<String>>,
    pub email: Patch<Option<String>>,
}

pub async fn create(
    db: &DatabaseConnection,
    viewer: &Viewer,
    new: NewContact,
) -> Result<Outcome<Model>, AppError> {
    let mut tx = WriteTx::begin(db, viewer).await?;
    let now = crate::services::now();
    let model = tenancy::insert(&*tx, viewer, |company_id| Model {
        id: Uuid::new_v4(),
        company_id,
        name_folded: fold_opt(new.name.as_deref()),
        surname_folded: fold_opt(new.surname.as_deref()),
        email_folded: fold_opt(new.email.as_deref()),
        name: new.name,
        surname: new.surname,
        phone_number: new.phone_number,
        email: new.email,
        created_at: now,
        updated_at: now,
    })
    .await?;
    tx.record(NewEvent::new(EventKind::ContactCreated, model.id));
    tx.commit().await?;
    Ok(Ok(model))
}

pub async fn update(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: Uuid,
    patch: ContactPatch,
) -> Result<Outcome<Model>, AppError> {
    let mut tx = WriteTx::begin(db, viewer).await?;
    let Some(current) = find::<Entity>(&*tx, viewer, id).await? else {
        return Ok(Err(vec![UserError::not_found(&["id"], "contact")]));
    };
    let mut am = ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        ..Default::default()
    };
    let changed = apply_patch!(am, patch, current, name, surname, phone_number, email);
    if !changed {
        // Nothing differs: nothing is written, and the transaction ends at once (releasing
        // the row's lock) rather than when the connection is next used.
        tx.commit().await?;
        return Ok(Ok(current));
    }
    refold(&mut am);
    am.updated_at = Set(crate::services::now());
    let model = update_row(&*tx, viewer, id, am).await?;
    tx.record(NewEvent::new(EventKind::ContactUpdated, id).changes(&current, &model));
    tx.commit().await?;
    Ok(Ok(model))
}

/// Sets the folded shadow of each text the change sets.
fn refold(am: &mut ActiveModel) {
    if let ActiveValue::Set(v) = &am.name {
        am.name_folded = Set(fold_opt(v.as_deref()));
    }
    if let ActiveValue::Set(v) = &am.surname {
        am.surname_folded = Set(fold_opt(v.as_deref()));
    }
    if let ActiveValue::Set(v) = &am.email {
        am.email_folded = Set(fold_opt(v.as_deref()));
    }
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
        return Ok(Err(vec![UserError::not_found(&["id"], "contact")]));
    }
    let conversations =
        super::inboxes::conversation_ids(&*tx, viewer, entity::conversation::Column::ContactId, id)
            .await?;
    if !conversations.is_empty() && !cascade {
        return Ok(Err(vec![super::inboxes::has_conversations(
            "contact",
            conversations.len(),
        )]));
    }
    super::conversations::delete_rows(&mut tx, viewer, &conversations, reason.as_deref()).await?;
    delete_row::<Entity>(
        &mut tx,
        viewer,
        id,
        NewEvent::new(EventKind::ContactDeleted, id).reason(reason.as_deref()),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(id))
}
