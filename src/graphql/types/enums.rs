//! GraphQL enums mirroring the stored enums of the `entity` crate (converted both ways).
//! Their GraphQL names carry their owner's name (`ConversationChannel`, not `Channel`): the
//! supergraph is one namespace, and a neighbour's `Channel` with other values would not compose.

use async_graphql::Enum;

/// Where a conversation stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::ConversationStatus")]
pub enum ConversationStatus {
    /// Waiting for or in active exchange ("Active" in the replaced APIs).
    Open,
    /// Waiting on something outside the conversation.
    Pending,
    /// Resolved.
    Closed,
    /// Put away; kept for the record.
    Archived,
}

/// How urgent a conversation is.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "ConversationPriority", remote = "entity::Priority")]
pub enum Priority {
    /// Can wait.
    Low,
    /// The default.
    Medium,
    /// Needs attention soon.
    High,
    /// Needs attention now.
    Urgent,
}

/// The medium a conversation, message or inbox uses.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "ConversationChannel", remote = "entity::Channel")]
pub enum Channel {
    /// WhatsApp.
    Whatsapp,
    /// Text messages.
    Sms,
    /// Email.
    Email,
    /// Live chat.
    Chat,
    /// Phone calls.
    Phone,
    /// Telegram.
    Telegram,
    /// A web form or page.
    Web,
}

/// How a conversation reached the company.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "ConversationSource", remote = "entity::Source")]
pub enum Source {
    /// The website widget.
    Widget,
    /// A phone call.
    Phone,
    /// Created through an API.
    Api,
    /// An email.
    Email,
}

/// Which way a message or call went, seen from the company.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "ConversationDirection", remote = "entity::Direction")]
pub enum Direction {
    /// From the contact to the company.
    Inbound,
    /// From the company to the contact.
    Outbound,
}

/// The state of a phone call.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::CallStatus")]
pub enum CallStatus {
    /// Waiting to be placed.
    Queued,
    /// Ringing.
    Ringing,
    /// Connected.
    InProgress,
    /// Ended after connecting.
    Completed,
    /// The other side was busy.
    Busy,
    /// Could not be placed.
    Failed,
    /// Nobody answered.
    NoAnswer,
    /// Called off before connecting.
    Canceled,
}

/// A person or an AI: what an agent is, and who responded to a conversation or took a
/// call.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::AgentKind")]
pub enum AgentKind {
    /// A person.
    Human,
    /// An AI agent.
    Ai,
}

// Who responded or took a call is stored as its own column type; it says the same thing.
impl From<entity::Responder> for AgentKind {
    fn from(r: entity::Responder) -> Self {
        match r {
            entity::Responder::Ai => AgentKind::Ai,
            entity::Responder::Human => AgentKind::Human,
        }
    }
}

impl From<AgentKind> for entity::Responder {
    fn from(k: AgentKind) -> Self {
        match k {
            AgentKind::Ai => entity::Responder::Ai,
            AgentKind::Human => entity::Responder::Human,
        }
    }
}
