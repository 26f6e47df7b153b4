//! The one tenancy rule: every read, update or delete of company data starts here, so an id
//! of another company looks exactly like a missing one.

use crate::auth::Viewer;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};

/// An entity whose rows belong to a company.
pub trait CompanyOwned: EntityTrait {
    fn company_column() -> Self::Column;
}

macro_rules! company_owned {
    ($($module:ident),+ $(,)?) => {
        $(impl CompanyOwned for entity::$module::Entity {
            fn company_column() -> Self::Column {
                entity::$module::Column::CompanyId
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
