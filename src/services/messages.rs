//! Messages: pages of a conversation's messages (batched over many conversations).

use super::page::{self, KeyKind, Keyset, Page, Sort};
use super::tenancy::scoped;
use crate::auth::Viewer;
use crate::error::AppError;
use entity::message::{Column, Entity, Model};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::Expr;
use std::collections::HashMap;
use uuid::Uuid;

/// Message order: by `sentAt`, newest first unless `desc` is false.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Order {
    pub desc: bool,
}

impl Default for Order {
    fn default() -> Self {
        Order { desc: true }
    }
}

impl Order {
    pub fn name(&self) -> String {
        format!("message:sent_at:{}", if self.desc { "desc" } else { "asc" })
    }

    pub fn sort(&self) -> Sort<Model> {
        Sort {
            key: Expr::col((Entity, Column::SentAt)),
            kind: KeyKind::Time,
            id: Expr::col((Entity, Column::Id)),
            nullable: false,
            desc: self.desc,
            value: |m| m.sent_at.into(),
        }
    }
}

/// Which of a message's unbounded columns a read brings along (every other column is
/// always read): a read plan leaves out what nothing selected (see `page::read_or_not`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Bodies {
    pub content: bool,
    pub metadata: bool,
}

impl Default for Bodies {
    fn default() -> Self {
        Bodies {
            content: true,
            metadata: true,
        }
    }
}

impl Bodies {
    /// The columns left unread.
    pub fn unread(&self) -> Vec<Column> {
        let mut out = Vec::new();
        if !self.content {
            out.push(Column::Content);
            out.push(Column::ContentFolded);
        }
        if !self.metadata {
            out.push(Column::Metadata);
        }
        out
    }
}

/// The same page of messages for each conversation, in one statement, with `bodies`.
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

/// How many messages each conversation has.
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
