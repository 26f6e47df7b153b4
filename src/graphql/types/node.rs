//! The Relay `Node` interface: every entity, refetchable by its id.

use super::{Agent, Call, Contact, Conversation, Inbox, Message};
use async_graphql::{ID, Interface};

/// An object with a globally unique id (a uuid, unique across all types).
#[derive(Interface, Clone)]
#[graphql(field(
    name = "id",
    ty = "ID",
    desc = "The object's id, unique across all types."
))]
pub enum Node {
    Conversation(Conversation),
    Message(Message),
    Contact(Contact),
    Inbox(Inbox),
    Call(Call),
    Agent(Agent),
}
