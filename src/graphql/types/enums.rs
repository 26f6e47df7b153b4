//! GraphQL enums mirroring the stored enums of the `entity` crate (converted both ways).

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
#[graphql(remote = "entity::Priority")]
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
#[graphql(remote = "entity::Channel")]
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
#[graphql(remote = "entity::Source")]
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
#[graphql(remote = "entity::Direction")]
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

/// Whether an AI agent or a human answered.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::Responder")]
pub enum Responder {
    /// An AI agent.
    Ai,
    /// A person.
    Human,
}

/// Whether an agent is a person or an AI.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::AgentKind")]
pub enum AgentKind {
    /// A person.
    Human,
    /// An AI agent.
    Ai,
}
