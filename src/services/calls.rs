//! Calls: the filtered list, and pages of a conversation's calls (batched).

use super::filters::TimeRange;
use super::page::{self, KeyKind, Keyset, Page, Sort};
use super::tenancy::{Scoped, scoped};
use crate::auth::Viewer;
use crate::error::AppError;
use entity::call::{Column, Entity, Model};
use entity::{CallStatus, Direction, Responder};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait};
use std::collections::HashMap;
use uuid::Uuid;

/// Which calls a list holds; set fields combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    pub direction: Option<Direction>,
    pub status_in: Option<Vec<CallStatus>>,
    pub handled_by: Option<Responder>,
    pub campaign_id: Option<Uuid>,
    pub conversation_id: Option<Uuid>,
    pub started_at: Option<TimeRange>,
}

impl Filter {
    pub fn condition(&self) -> Condition {
        let mut c = Condition::all();
        if let Some(v) = self.direction {
            c = c.add(Column::Direction.eq(v));
        }
        if let Some(list) = &self.status_in {
            c = c.add(Column::Status.is_in(list.iter().copied()));
        }
        if let Some(v) = self.handled_by {
            c = c.add(Column::HandledBy.eq(v));
        }
        if let Some(v) = self.campaign_id {
            c = c.add(Column::CampaignId.eq(v));
        }
        if let Some(v) = self.conversation_id {
            c = c.add(Column::ConversationId.eq(v));
        }
        if let Some(range) = &self.started_at {
            c = c.add(range.condition(Expr::col((Entity, Column::StartedAt))));
        }
        c
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OrderField {
    #[default]
    StartedAt,
    CreatedAt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Order {
    pub field: OrderField,
    pub desc: bool,
}

impl Default for Order {
    fn default() -> Self {
        Order {
            field: OrderField::StartedAt,
            desc: true,
        }
    }
}

impl Order {
    pub fn name(&self) -> String {
        format!(
            "call:{:?}:{}",
            self.field,
            if self.desc { "desc" } else { "asc" }
        )
    }

    pub fn sort(&self) -> Sort<Model> {
        let (key, nullable, value): (Column, bool, fn(&Model) -> page::SortValue) = match self.field
        {
            OrderField::StartedAt => (Column::StartedAt, true, |m| m.started_at.into()),
            OrderField::CreatedAt => (Column::CreatedAt, false, |m| m.created_at.into()),
        };
        Sort {
            key: Expr::col((Entity, key)),
            kind: KeyKind::Time,
            id: Expr::col((Entity, Column::Id)),
            nullable,
            desc: self.desc,
            value,
        }
    }
}

fn filtered(viewer: &Viewer, filter: &Filter) -> Scoped<Entity> {
    scoped::<Entity>(viewer).filter(filter.condition())
}

pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &Filter,
    order: &Order,
    window: &Keyset,
) -> Result<Page<Model>, AppError> {
    page::page(db, filtered(viewer, filter), &order.sort(), window).await
}

pub async fn count(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &Filter,
) -> Result<u64, AppError> {
    Ok(filtered(viewer, filter).count(db).await?)
}

/// Which of a call's unbounded columns a read brings along (every other column is always
/// read): a read plan leaves out what nothing selected (see `page::read_or_not`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Bodies {
    pub summary: bool,
}

impl Default for Bodies {
    fn default() -> Self {
        Bodies { summary: true }
    }
}

impl Bodies {
    /// The columns left unread.
    pub fn unread(&self) -> Vec<Column> {
        if self.summary {
            Vec::new()
        } else {
            vec![Column::Summary]
        }
    }
}

/// The same page of calls for each conversation, in one statement, with `bodies`.
pub async fn list_by_conversation(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    conversations: &[Uuid],
    order: &Order,
    window: &Keyset,
    bodies: Bodies,
) -> Result<HashMap<Uuid, Page<Model>>, AppError> {
    page::pages_by_parent(
        db,
        scoped::<Entity>(viewer),
        Column::ConversationId,
        |m| m.conversation_id,
        conversations,
        &order.sort(),
        window,
        &bodies.unread(),
    )
    .await
}

pub async fn count_by_conversation(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    conversations: &[Uuid],
) -> Result<HashMap<Uuid, u64>, AppError> {
    page::counts_by_parent(
        db,
        scoped::<Entity>(viewer),
        Column::ConversationId,
        conversations,
    )
    .await
}
