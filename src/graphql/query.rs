//! Root query fields.

use super::pagination::{PageRequest, encode_cursor};
use super::types::Conversation;
use super::{db, viewer};
use crate::auth::{Scope, Viewer};
use crate::error::AppError;
use crate::services::{self, page::Position};
use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, ID, MergedObject, Object};
use uuid::Uuid;

#[derive(MergedObject, Default)]
pub struct Query(ConversationQuery);

#[derive(Default)]
pub struct ConversationQuery;

/// The ordering name carried in conversation cursors.
const CONVERSATION_ORDER: &str = "conversations:UPDATED_AT:DESC";

/// Fields of a conversation list beside its edges.
pub struct ConversationConnectionFields {
    viewer: Viewer,
}

#[Object]
impl ConversationConnectionFields {
    /// How many conversations the whole list holds (all pages). Counted only when asked.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<u64, AppError> {
        services::conversations::count(db(ctx), &self.viewer).await
    }
}

pub type ConversationConnection = Connection<String, Conversation, ConversationConnectionFields>;

#[Object]
impl ConversationQuery {
    /// One of the company's conversations by id; null when there is none with this id.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn conversation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The conversation's id.")] id: ID,
    ) -> Result<Option<Conversation>, AppError> {
        let Ok(id) = Uuid::parse_str(&id) else {
            return Ok(None);
        };
        let found = services::conversations::get(db(ctx), viewer(ctx)?, id).await?;
        Ok(found.map(Conversation))
    }

    /// The company's conversations, most recently updated first.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn conversations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "Return rows after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return rows before this cursor.")] before: Option<String>,
    ) -> Result<ConversationConnection, AppError> {
        let window = PageRequest::parse(
            CONVERSATION_ORDER,
            first,
            after.as_deref(),
            last,
            before.as_deref(),
        )?;
        let viewer = viewer(ctx)?;
        let page = services::conversations::list(db(ctx), viewer, &window).await?;
        let mut conn = Connection::with_additional_fields(
            page.has_previous,
            page.has_next,
            ConversationConnectionFields {
                viewer: viewer.clone(),
            },
        );
        conn.edges.extend(page.items.into_iter().map(|row| {
            let pos = Position {
                key: row.updated_at,
                id: row.id,
            };
            Edge::new(encode_cursor(CONVERSATION_ORDER, &pos), Conversation(row))
        }));
        Ok(conn)
    }
}
