//! `Message`: one message of a conversation.

use super::enums::{Channel, Direction};
use super::{Contact, Conversation, load, load_required};
use crate::auth::Scope;
use crate::graphql::budget::{charge, json_size};
use crate::graphql::scalars::Metadata;
use crate::graphql::scalars::Timestamp;
use async_graphql::{Context, ID, Object};
use entity::message::Model;
use std::sync::Arc;

/// One message of a conversation, in either direction, with its conversation when the
/// list that read it brought that along (a read plan); otherwise the loaders read it.
#[derive(Clone)]
pub struct Message(pub Arc<Model>, pub Option<Arc<entity::conversation::Model>>);

impl Message {
    /// The message's conversation: the planned row, or the loader's.
    async fn conversation_row(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Arc<entity::conversation::Model>> {
        match &self.1 {
            Some(row) => Ok(row.clone()),
            None => {
                load_required::<entity::conversation::Entity>(ctx, self.0.conversation_id).await
            }
        }
    }
}

/// One message of a conversation, in either direction.
#[Object]
impl Message {
    /// The message's id.
    pub async fn id(&self) -> ID {
        super::id(self.0.id)
    }
    /// Inbound (from the contact) or outbound (from the company).
    async fn direction(&self) -> Direction {
        self.0.direction.into()
    }
    /// The text of the message.
    #[graphql(complexity = 10)]
    async fn content(&self, ctx: &Context<'_>) -> async_graphql::Result<&str> {
        charge(ctx, self.0.content.len()).await?;
        Ok(&self.0.content)
    }
    /// The channel it went through: its own when it was given one, else its conversation's
    /// (the same rule as every filter on a message's channel).
    async fn channel(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Channel>> {
        if let Some(own) = self.0.channel {
            return Ok(Some(own.into()));
        }
        Ok(Some(self.conversation_row(ctx).await?.channel.into()))
    }
    /// Free-form data the sending system attached; null when none.
    #[graphql(complexity = 20)]
    async fn metadata(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Metadata>> {
        let Some(metadata) = &self.0.metadata else {
            return Ok(None);
        };
        // Stored metadata is at most MAX_METADATA_BYTES of compact JSON; measuring it
        // exactly would serialize it twice.
        charge(ctx, json_size(metadata)).await?;
        Ok(Some(Metadata(metadata.clone())))
    }
    /// When it was sent.
    async fn sent_at(&self) -> Timestamp {
        self.0.sent_at.into()
    }
    /// When it was recorded.
    async fn created_at(&self) -> Timestamp {
        self.0.created_at.into()
    }
    /// When it last changed.
    async fn updated_at(&self) -> Timestamp {
        self.0.updated_at.into()
    }
    /// The conversation the message belongs to.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn conversation(&self, ctx: &Context<'_>) -> async_graphql::Result<Conversation> {
        Ok(Conversation::new(self.conversation_row(ctx).await?))
    }
    /// The contact of the message's conversation; null when the conversation has none.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn contact(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Contact>> {
        let conversation = self.conversation_row(ctx).await?;
        let Some(contact_id) = conversation.contact_id else {
            return Ok(None);
        };
        Ok(load::<entity::contact::Entity>(ctx, contact_id)
            .await?
            .map(Contact))
    }
}
