//! `Inbox`: a number, address or widget contacts reach the company through.

use super::conversation::{ConversationConnection, nested_conversations};
use super::enums::Channel;
use crate::auth::Scope;
use crate::graphql::inputs::{ConversationFilter, ConversationOrder};
use crate::graphql::pagination::{PageArgs, connection_cost};
use crate::graphql::scalars::Timestamp;
use crate::services::conversations::Parent;
use async_graphql::{Context, ID, Object};
use entity::inbox::Model;
use std::sync::Arc;

/// A phone number, email address or widget through which contacts reach the company.
#[derive(Clone)]
pub struct Inbox(pub Arc<Model>);

/// A phone number, email address or widget through which contacts reach the company.
#[Object]
impl Inbox {
    /// The inbox's id.
    pub async fn id(&self) -> ID {
        super::id(self.0.id)
    }
    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The channel it receives on.
    async fn channel(&self) -> Channel {
        self.0.channel.into()
    }
    /// Its phone number; null for channels without one.
    async fn phone_number(&self) -> Option<&str> {
        self.0.phone_number.as_deref()
    }
    /// Its email address; null for channels without one.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    /// When the inbox was created.
    async fn created_at(&self) -> Timestamp {
        self.0.created_at.into()
    }
    /// When the inbox last changed.
    async fn updated_at(&self) -> Timestamp {
        self.0.updated_at.into()
    }
    /// Conversations that came through this inbox, filtered and ordered like the root
    /// `conversations`.
    #[allow(clippy::too_many_arguments)]
    #[graphql(
        guard = "Scope::ReadConversations",
        complexity = "connection_cost(first, last, 20, child_complexity)"
    )]
    async fn conversations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which of the inbox's conversations to list.")] filter: Option<
            ConversationFilter,
        >,
        #[graphql(desc = "Sort order; null means UPDATED_AT DESC.")] order_by: Option<
            ConversationOrder,
        >,
        #[graphql(desc = "Page size from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "Return conversations after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return conversations before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<ConversationConnection> {
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        nested_conversations(ctx, Parent::Inbox, self.0.id, filter, order_by, args).await
    }
}
