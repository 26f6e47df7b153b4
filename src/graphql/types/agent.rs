//! `Agent`: a person or AI that answers conversations.

use super::enums::AgentKind;
use crate::graphql::scalars::Timestamp;
use async_graphql::{ID, Object};
use entity::agent::Model;
use std::sync::Arc;

/// A person or an AI agent who answers, is assigned to, or has seen conversations.
#[derive(Clone)]
pub struct Agent(pub Arc<Model>);

/// A person or an AI agent who answers, is assigned to, or has seen conversations.
#[Object]
impl Agent {
    /// The agent's id.
    pub async fn id(&self) -> ID {
        super::id(self.0.id)
    }
    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Email address; null for AI agents and when unknown.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    /// Person or AI.
    async fn kind(&self) -> AgentKind {
        self.0.kind.into()
    }
    /// When the agent was created.
    async fn created_at(&self) -> Timestamp {
        self.0.created_at.into()
    }
    /// When the agent last changed.
    async fn updated_at(&self) -> Timestamp {
        self.0.updated_at.into()
    }
}
