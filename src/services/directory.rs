//! Inboxes and agents: short lists ordered by name (byte-wise), then id.

use super::contacts::binary_text;
use super::page::{self, KeyKind, Keyset, Page, Sort};
use super::tenancy::{Scoped, scoped};
use crate::auth::Viewer;
use crate::error::AppError;
use entity::{AgentKind, agent, inbox};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait};

pub const INBOX_ORDER: &str = "inbox:name:asc";
pub const AGENT_ORDER: &str = "agent:name:asc";

pub fn inbox_sort(db: &impl ConnectionTrait) -> Sort<inbox::Model> {
    Sort {
        key: binary_text(db.get_database_backend(), "inboxes", "name"),
        kind: KeyKind::Text,
        id: Expr::col((inbox::Entity, inbox::Column::Id)),
        nullable: false,
        desc: false,
        value: |m| page::SortValue::Text(m.name.clone()),
    }
}

pub fn agent_sort(db: &impl ConnectionTrait) -> Sort<agent::Model> {
    Sort {
        key: binary_text(db.get_database_backend(), "agents", "name"),
        kind: KeyKind::Text,
        id: Expr::col((agent::Entity, agent::Column::Id)),
        nullable: false,
        desc: false,
        value: |m| page::SortValue::Text(m.name.clone()),
    }
}

pub async fn inboxes(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    window: &Keyset,
) -> Result<Page<inbox::Model>, AppError> {
    page::page(db, scoped::<inbox::Entity>(viewer), &inbox_sort(db), window).await
}

pub async fn count_inboxes(db: &impl ConnectionTrait, viewer: &Viewer) -> Result<u64, AppError> {
    Ok(scoped::<inbox::Entity>(viewer).count(db).await?)
}

fn agents_of(viewer: &Viewer, kind: Option<AgentKind>) -> Scoped<agent::Entity> {
    let select = scoped::<agent::Entity>(viewer);
    match kind {
        Some(k) => select.filter(agent::Column::Kind.eq(k)),
        None => select,
    }
}

pub async fn agents(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    kind: Option<AgentKind>,
    window: &Keyset,
) -> Result<Page<agent::Model>, AppError> {
    page::page(db, agents_of(viewer, kind), &agent_sort(db), window).await
}

pub async fn count_agents(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    kind: Option<AgentKind>,
) -> Result<u64, AppError> {
    Ok(agents_of(viewer, kind).count(db).await?)
}
