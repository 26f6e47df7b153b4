//! SeaORM entities of the conversations graph: one module per table, plus the enums that
//! columns store as strings. Nothing here knows about GraphQL or HTTP.

pub mod agent;
pub mod call;
pub mod company;
pub mod contact;
pub mod conversation;
pub mod conversation_event;
pub mod conversation_session;
pub mod conversation_task;
pub mod enums;
pub mod inbox;
pub mod message;
pub mod text;

pub use enums::*;
