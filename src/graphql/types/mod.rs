//! GraphQL object types, one per file, each wrapping an entity model.

pub mod conversation;
pub mod enums;

pub use conversation::Conversation;
