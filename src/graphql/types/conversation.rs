//! `Conversation`: a thread between a contact and the company.

use super::enums::{Channel, ConversationStatus, Priority, Responder, Source};
use async_graphql::{ID, Object};
use chrono::{DateTime, Utc};
use entity::conversation::Model;

/// A conversation thread between a contact and the company, through one inbox.
pub struct Conversation(pub Model);

#[Object]
impl Conversation {
    /// The conversation's id (a uuid, unique across all types).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The subject line; null when none was given.
    async fn subject(&self) -> Option<&str> {
        self.0.subject.as_deref()
    }
    /// Where the conversation stands.
    async fn status(&self) -> ConversationStatus {
        self.0.status.into()
    }
    /// How urgent it is.
    async fn priority(&self) -> Priority {
        self.0.priority.into()
    }
    /// The medium it uses.
    async fn channel(&self) -> Channel {
        self.0.channel.into()
    }
    /// How it reached the company; null when unknown.
    async fn source(&self) -> Option<Source> {
        self.0.source.map(Into::into)
    }
    /// Whether an AI or a human responded; null when nobody has yet.
    async fn responded_by(&self) -> Option<Responder> {
        self.0.responded_by.map(Into::into)
    }
    /// True for test conversations made by a simulation.
    async fn is_simulation(&self) -> bool {
        self.0.is_simulation
    }
    /// True while the contact has the chat window open.
    async fn is_chat_opened(&self) -> bool {
        self.0.is_chat_opened
    }
    /// When the conversation started; null when unknown.
    async fn started_at(&self) -> Option<DateTime<Utc>> {
        self.0.started_at
    }
    /// When its newest message was sent; null when it has none.
    async fn last_message_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_message_at
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
