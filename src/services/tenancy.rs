//! The one tenancy rule: every read, update or delete of company data starts here, so an id
//! of another company looks exactly like a missing one.

use crate::auth::Viewer;
use crate::error::AppError;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select};
use uuid::Uuid;

/// An entity whose rows belong to a company and have a uuid `id`.
pub trait CompanyOwned: EntityTrait {
    fn company_column() -> Self::Column;
    fn id_column() -> Self::Column;
    fn id_of(model: &Self::Model) -> Uuid;
}

macro_rules! company_owned {
    ($($module:ident),+ $(,)?) => {
        $(impl CompanyOwned for entity::$module::Entity {
            fn company_column() -> Self::Column {
                entity::$module::Column::CompanyId
            }
            fn id_column() -> Self::Column {
                entity::$module::Column::Id
            }
            fn id_of(model: &Self::Model) -> Uuid {
                model.id
            }
        })+
    };
}

company_owned!(
    agent,
    inbox,
    contact,
    conversation,
    conversation_task,
    conversation_session,
    message,
    call,
    audit_log
);

/// All rows of `E` that the viewer's company owns.
pub fn scoped<E: CompanyOwned>(viewer: &Viewer) -> Select<E> {
    E::find().filter(E::company_column().eq(viewer.company_id))
}

/// The company's rows among `ids`, in one statement.
pub async fn by_ids<E: CompanyOwned>(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    ids: &[Uuid],
) -> Result<Vec<E::Model>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(scoped::<E>(viewer)
        .filter(E::id_column().is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// The company's rows whose `parent` column is among `parents`, in one statement.
pub async fn by_parent<E: CompanyOwned, C: ColumnTrait>(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    parent: C,
    parents: &[Uuid],
) -> Result<Vec<E::Model>, AppError> {
    if parents.is_empty() {
        return Ok(Vec::new());
    }
    Ok(scoped::<E>(viewer)
        .filter(parent.is_in(parents.iter().copied()))
        .all(db)
        .await?)
}
