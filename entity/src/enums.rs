//! Enumerations stored as strings (SCREAMING_CASE, the same words the GraphQL enums use).
//! The migration guards each column with a CHECK constraint built from `values()`.

use sea_orm::entity::prelude::*;
use sea_orm::{ActiveEnum, Iterable};

/// Every stored word of an enum, for CHECK constraints and seeding.
pub fn values<E: ActiveEnum<Value = String> + Iterable>() -> Vec<String> {
    E::iter().map(|v| v.to_value()).collect()
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
        pub enum $name {
            $(
                #[sea_orm(string_value = $word)]
                #[serde(rename = $word)]
                $variant,
            )+
        }
    };
}

string_enum!(
    /// Where a conversation stands.
    ConversationStatus { Open = "OPEN", Pending = "PENDING", Closed = "CLOSED", Archived = "ARCHIVED" }
);

string_enum!(
    /// How urgent a conversation is, LOW to URGENT.
    Priority { Low = "LOW", Medium = "MEDIUM", High = "HIGH", Urgent = "URGENT" }
);

string_enum!(
    /// The medium a conversation, message or inbox uses.
    Channel {
        Whatsapp = "WHATSAPP",
        Sms = "SMS",
        Email = "EMAIL",
        Chat = "CHAT",
        Phone = "PHONE",
        Telegram = "TELEGRAM",
        Web = "WEB",
    }
);

string_enum!(
    /// How a conversation reached the company.
    Source { Widget = "WIDGET", Phone = "PHONE", Api = "API", Email = "EMAIL" }
);

string_enum!(
    /// Which way a message or call went, seen from the company.
    Direction { Inbound = "INBOUND", Outbound = "OUTBOUND" }
);

string_enum!(
    /// The state of a phone call.
    CallStatus {
        Queued = "QUEUED",
        Ringing = "RINGING",
        InProgress = "IN_PROGRESS",
        Completed = "COMPLETED",
        Busy = "BUSY",
        Failed = "FAILED",
        NoAnswer = "NO_ANSWER",
        Canceled = "CANCELED",
    }
);

string_enum!(
    /// Whether an AI agent or a human answered.
    Responder { Ai = "AI", Human = "HUMAN" }
);

string_enum!(
    /// Whether an agent is a person or an AI.
    AgentKind { Human = "HUMAN", Ai = "AI" }
);

impl Priority {
    /// Rank for ordering: LOW = 0 ... URGENT = 3.
    pub fn rank(self) -> i16 {
        match self {
            Priority::Low => 0,
            Priority::Medium => 1,
            Priority::High => 2,
            Priority::Urgent => 3,
        }
    }
}

string_enum!(
    /// What an event of the log records: which kind of row, and what happened to it.
    EventKind {
        ConversationCreated = "CONVERSATION_CREATED",
        ConversationUpdated = "CONVERSATION_UPDATED",
        ConversationDeleted = "CONVERSATION_DELETED",
        MessageCreated = "MESSAGE_CREATED",
        MessageDeleted = "MESSAGE_DELETED",
        CallCreated = "CALL_CREATED",
        CallUpdated = "CALL_UPDATED",
        CallDeleted = "CALL_DELETED",
        ContactCreated = "CONTACT_CREATED",
        ContactUpdated = "CONTACT_UPDATED",
        ContactDeleted = "CONTACT_DELETED",
        InboxCreated = "INBOX_CREATED",
        InboxUpdated = "INBOX_UPDATED",
        InboxDeleted = "INBOX_DELETED",
        AgentCreated = "AGENT_CREATED",
        AgentUpdated = "AGENT_UPDATED",
        AgentDeleted = "AGENT_DELETED",
    }
);
