//! Conversations: lookups and the keyset-paginated list, always within the viewer's company.

use super::page::{Keyset, Page, Position};
use super::tenancy::scoped;
use crate::auth::Viewer;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use entity::conversation::{Column, Entity, Model};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

/// One of the company's conversations, or None (missing and foreign look the same).
pub async fn get(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: Uuid,
) -> Result<Option<Model>, AppError> {
    Ok(scoped::<Entity>(viewer)
        .filter(Column::Id.eq(id))
        .one(db)
        .await?)
}

/// The list ordering: most recently updated first, ties broken by id.
pub type ListKey = DateTime<Utc>;

/// A page of the company's conversations, newest update first.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    window: &Keyset<ListKey>,
) -> Result<Page<Model>, AppError> {
    // List order is (updated_at DESC, id DESC); "after" a position means smaller keys.
    let mut query = scoped::<Entity>(viewer);
    if let Some(after) = &window.after {
        query = query.filter(beyond(after, true));
    }
    if let Some(before) = &window.before {
        query = query.filter(beyond(before, false));
    }
    let order = if window.from_end {
        Order::Asc
    } else {
        Order::Desc
    };
    let rows = query
        .order_by(Column::UpdatedAt, order.clone())
        .order_by(Column::Id, order)
        .limit(window.limit + 1)
        .all(db)
        .await?;
    Ok(window.finish(rows))
}

/// How many conversations the company has.
pub async fn count(db: &impl ConnectionTrait, viewer: &Viewer) -> Result<u64, AppError> {
    Ok(scoped::<Entity>(viewer).count(db).await?)
}

/// Rows strictly after (`later` = true) or before `pos` in list order.
fn beyond(pos: &Position<ListKey>, later: bool) -> Condition {
    let (key, id) = (Column::UpdatedAt, Column::Id);
    let tie = Condition::all().add(key.eq(pos.key));
    if later {
        Condition::any()
            .add(key.lt(pos.key))
            .add(tie.add(id.lt(pos.id)))
    } else {
        Condition::any()
            .add(key.gt(pos.key))
            .add(tie.add(id.gt(pos.id)))
    }
}
