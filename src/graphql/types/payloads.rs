//! Mutation payloads: the changed object, or `userErrors` saying what the caller can fix.

use super::{Agent, Call, Contact, Conversation, Inbox, Message};
use crate::services::validate::{self, Outcome};
use async_graphql::{Enum, ID, SimpleObject};

/// Why a mutation refused its input.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "ConversationsUserErrorCode")]
pub enum UserErrorCode {
    /// The input is malformed or out of bounds.
    BadUserInput,
    /// A referenced id does not exist in the company.
    NotFound,
    /// The change conflicts with existing data (a delete that would orphan rows).
    Conflict,
}

/// A refusal the caller can act on. Nothing was written.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "ConversationsUserError")]
pub struct UserError {
    /// The path of the offending input, e.g. `["input", "subject"]`.
    pub field: Vec<String>,
    /// What is wrong, for people.
    pub message: String,
    /// What is wrong, for programs.
    pub code: UserErrorCode,
}

impl From<validate::UserError> for UserError {
    fn from(e: validate::UserError) -> Self {
        UserError {
            field: e.field,
            message: e.message,
            code: match e.code {
                validate::UserErrorCode::BadUserInput => UserErrorCode::BadUserInput,
                validate::UserErrorCode::NotFound => UserErrorCode::NotFound,
                validate::UserErrorCode::Conflict => UserErrorCode::Conflict,
            },
        }
    }
}

/// Splits an outcome into the payload's object and its user errors.
pub fn split<T, U>(outcome: Outcome<T>, wrap: impl FnOnce(T) -> U) -> (Option<U>, Vec<UserError>) {
    match outcome {
        Ok(v) => (Some(wrap(v)), Vec::new()),
        Err(errors) => (None, errors.into_iter().map(Into::into).collect()),
    }
}

macro_rules! payload {
    ($(#[doc = $doc:literal] $name:ident { $field:ident: $ty:ty, $fdoc:literal })+) => {
        $(
            #[doc = $doc]
            #[derive(SimpleObject)]
            pub struct $name {
                #[doc = $fdoc]
                pub $field: Option<$ty>,
                /// What the caller can fix; empty when the mutation succeeded.
                pub user_errors: Vec<UserError>,
            }

            impl $name {
                pub fn new((value, user_errors): (Option<$ty>, Vec<UserError>)) -> Self {
                    $name { $field: value, user_errors }
                }
            }
        )+
    };
}

payload! {
    /// The result of createConversation.
    CreateConversationPayload { conversation: Conversation, "The new conversation; null when refused." }
    /// The result of updateConversation.
    UpdateConversationPayload { conversation: Conversation, "The conversation as saved; null when refused." }
    /// The result of deleteConversation.
    DeleteConversationPayload { deleted_id: ID, "The id of the deleted conversation; null when refused." }
    /// The result of deleteMessage.
    DeleteMessagePayload { deleted_id: ID, "The id of the deleted message; null when refused." }
    /// The result of createContact.
    CreateContactPayload { contact: Contact, "The new contact; null when refused." }
    /// The result of updateContact.
    UpdateContactPayload { contact: Contact, "The contact as saved; null when refused." }
    /// The result of deleteContact.
    DeleteContactPayload { deleted_id: ID, "The id of the deleted contact; null when refused." }
    /// The result of createInbox.
    CreateInboxPayload { inbox: Inbox, "The new inbox; null when refused." }
    /// The result of updateInbox.
    UpdateInboxPayload { inbox: Inbox, "The inbox as saved; null when refused." }
    /// The result of deleteInbox.
    DeleteInboxPayload { deleted_id: ID, "The id of the deleted inbox; null when refused." }
    /// The result of createCall.
    CreateCallPayload { call: Call, "The new call; null when refused." }
    /// The result of updateCall.
    UpdateCallPayload { call: Call, "The call as saved; null when refused." }
    /// The result of deleteCall.
    DeleteCallPayload { deleted_id: ID, "The id of the deleted call; null when refused." }
    /// The result of createAgent.
    CreateAgentPayload { agent: Agent, "The new agent; null when refused." }
    /// The result of updateAgent.
    UpdateAgentPayload { agent: Agent, "The agent as saved; null when refused." }
    /// The result of deleteAgent.
    DeleteAgentPayload { deleted_id: ID, "The id of the deleted agent; null when refused." }
}

/// The result of createMessage.
#[derive(SimpleObject)]
pub struct CreateMessagePayload {
    /// The new message; null when refused.
    pub message: Option<Message>,
    /// The message's conversation, with lastMessageAt and updatedAt moved; null when refused.
    pub conversation: Option<Conversation>,
    /// What the caller can fix; empty when the mutation succeeded.
    pub user_errors: Vec<UserError>,
}
