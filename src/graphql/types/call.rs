//! `Call`: a phone call behind a conversation.

use super::enums::{AgentKind, CallStatus, Direction};
use super::references::Campaign;
use super::{Conversation, load_required};
use crate::auth::Scope;
use crate::graphql::budget::charge;
use crate::graphql::scalars::Timestamp;
use async_graphql::{Context, ID, Object};
use entity::call::Model;
use std::sync::Arc;

/// A phone call behind a conversation.
#[derive(Clone)]
pub struct Call(pub Arc<Model>);

/// A phone call behind a conversation.
#[Object]
impl Call {
    /// The call's id.
    pub async fn id(&self) -> ID {
        super::id(self.0.id)
    }
    /// Inbound (the contact called) or outbound.
    async fn direction(&self) -> Direction {
        self.0.direction.into()
    }
    /// Where the call stands.
    async fn status(&self) -> CallStatus {
        self.0.status.into()
    }
    /// Talk time in seconds; null when unknown.
    async fn duration_seconds(&self) -> Option<i32> {
        self.0.duration_seconds
    }
    /// Where the recording can be fetched; null when there is none.
    #[graphql(complexity = 2)]
    async fn recording_url(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        charge(ctx, self.0.recording_url.as_ref().map_or(0, String::len)).await?;
        Ok(self.0.recording_url.as_deref())
    }
    /// Whether an AI or a person took the call; null when nobody did.
    async fn handled_by(&self) -> Option<AgentKind> {
        self.0.handled_by.map(Into::into)
    }
    /// A summary of what was said; null when none was made.
    #[graphql(complexity = 10)]
    async fn summary(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        charge(ctx, self.0.summary.as_ref().map_or(0, String::len)).await?;
        Ok(self.0.summary.as_deref())
    }
    /// The campaign the call belongs to (another subgraph's entity); null when none.
    async fn campaign(&self) -> Option<Campaign> {
        self.0.campaign_id.map(Campaign::from)
    }
    /// When the call started; null when it never did.
    async fn started_at(&self) -> Option<Timestamp> {
        self.0.started_at.map(Timestamp)
    }
    /// When the call was recorded.
    async fn created_at(&self) -> Timestamp {
        self.0.created_at.into()
    }
    /// When the call last changed.
    async fn updated_at(&self) -> Timestamp {
        self.0.updated_at.into()
    }
    /// The conversation the call belongs to.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn conversation(&self, ctx: &Context<'_>) -> async_graphql::Result<Conversation> {
        let row =
            load_required::<entity::conversation::Entity>(ctx, self.0.conversation_id).await?;
        Ok(Conversation::new(row))
    }
}
