//! `Contact`: a customer who writes or calls in.

use super::conversation::{ConversationConnection, nested_conversations};
use crate::auth::Scope;
use crate::graphql::inputs::{ConversationFilter, ConversationOrder};
use crate::graphql::pagination::{PageArgs, connection_cost};
use crate::graphql::scalars::Timestamp;
use crate::services::conversations::Parent;
use async_graphql::{Context, ID, Object};
use entity::contact::Model;
use std::sync::Arc;

/// A customer who writes or calls in.
#[derive(Clone)]
pub struct Contact(pub Arc<Model>);

/// A customer who writes or calls in.
#[Object]
impl Contact {
    /// The contact's id.
    pub async fn id(&self) -> ID {
        super::id(self.0.id)
    }
    /// First (given) name; null when unknown.
    async fn first_name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }
    /// Last (family) name; null when unknown.
    async fn last_name(&self) -> Option<&str> {
        self.0.surname.as_deref()
    }
    /// First and last name joined by a space, either alone when the other is missing; null
    /// when both are.
    async fn full_name(&self) -> Option<String> {
        let parts: Vec<&str> = [self.0.name.as_deref(), self.0.surname.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }
    /// Phone number as entered; null when unknown.
    async fn phone_number(&self) -> Option<&str> {
        self.0.phone_number.as_deref()
    }
    /// Email address; null when unknown.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    /// When the contact was created.
    async fn created_at(&self) -> Timestamp {
        self.0.created_at.into()
    }
    /// When the contact last changed.
    async fn updated_at(&self) -> Timestamp {
        self.0.updated_at.into()
    }
    /// The contact's conversations, filtered and ordered like the root `conversations`.
    #[allow(clippy::too_many_arguments)]
    #[graphql(
        guard = "Scope::ReadConversations",
        complexity = "connection_cost(first, last, 20, child_complexity)"
    )]
    async fn conversations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which of the contact's conversations to list.")] filter: Option<
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
        nested_conversations(ctx, Parent::Contact, self.0.id, filter, order_by, args).await
    }
}
