//! Orderings of lists: a field and a direction; ties are broken by id in the same direction.

use crate::services::{calls, contacts, conversations, messages};
use async_graphql::{Enum, InputObject};

/// Sort direction of every list of this API.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
#[graphql(name = "ConversationsOrderDirection")]
pub enum OrderDirection {
    /// Smallest first.
    Asc,
    /// Largest (newest) first.
    #[default]
    Desc,
}

impl OrderDirection {
    fn desc(self) -> bool {
        self == OrderDirection::Desc
    }
}

/// What a conversation list is sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum ConversationOrderField {
    /// When the conversation was created.
    CreatedAt,
    /// When it last changed (REST: sort_by=last_update, updated_at).
    #[default]
    UpdatedAt,
    /// When its newest message was sent; conversations without messages come last.
    LastMessageAt,
    /// Priority rank: LOW < MEDIUM < HIGH < URGENT.
    Priority,
}

/// How a conversation list is sorted.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct ConversationOrder {
    /// The sort key.
    #[graphql(default)]
    pub field: ConversationOrderField,
    /// The direction.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl From<Option<ConversationOrder>> for conversations::Order {
    fn from(o: Option<ConversationOrder>) -> Self {
        let Some(o) = o else {
            return conversations::Order::default();
        };
        conversations::Order {
            field: match o.field {
                ConversationOrderField::CreatedAt => conversations::OrderField::CreatedAt,
                ConversationOrderField::UpdatedAt => conversations::OrderField::UpdatedAt,
                ConversationOrderField::LastMessageAt => conversations::OrderField::LastMessageAt,
                ConversationOrderField::Priority => conversations::OrderField::Priority,
            },
            desc: o.direction.desc(),
        }
    }
}

/// What a contact list is sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum ContactOrderField {
    /// When the contact was created.
    #[default]
    CreatedAt,
    /// When the contact last changed.
    UpdatedAt,
    /// First name, compared byte-wise; contacts without one come last.
    FirstName,
}

/// How a contact list is sorted.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct ContactOrder {
    /// The sort key.
    #[graphql(default)]
    pub field: ContactOrderField,
    /// The direction.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl From<Option<ContactOrder>> for contacts::Order {
    fn from(o: Option<ContactOrder>) -> Self {
        let Some(o) = o else {
            return contacts::Order::default();
        };
        contacts::Order {
            field: match o.field {
                ContactOrderField::CreatedAt => contacts::OrderField::CreatedAt,
                ContactOrderField::UpdatedAt => contacts::OrderField::UpdatedAt,
                ContactOrderField::FirstName => contacts::OrderField::Name,
            },
            desc: o.direction.desc(),
        }
    }
}

/// What a call list is sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum CallOrderField {
    /// When the call started; calls without a start come last.
    #[default]
    StartedAt,
    /// When the call was recorded.
    CreatedAt,
}

/// How a call list is sorted.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct CallOrder {
    /// The sort key.
    #[graphql(default)]
    pub field: CallOrderField,
    /// The direction.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl From<Option<CallOrder>> for calls::Order {
    fn from(o: Option<CallOrder>) -> Self {
        let Some(o) = o else {
            return calls::Order::default();
        };
        calls::Order {
            field: match o.field {
                CallOrderField::StartedAt => calls::OrderField::StartedAt,
                CallOrderField::CreatedAt => calls::OrderField::CreatedAt,
            },
            desc: o.direction.desc(),
        }
    }
}

/// What a message list is sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum MessageOrderField {
    /// When the message was sent.
    #[default]
    SentAt,
}

/// How a message list is sorted.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct MessageOrder {
    /// The sort key.
    #[graphql(default)]
    pub field: MessageOrderField,
    /// The direction.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl From<Option<MessageOrder>> for messages::Order {
    fn from(o: Option<MessageOrder>) -> Self {
        match o {
            Some(o) => messages::Order {
                desc: o.direction.desc(),
            },
            None => messages::Order::default(),
        }
    }
}
