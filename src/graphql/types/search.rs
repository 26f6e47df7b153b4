//! `MessageSearchHit`: a message found by `searchMessages`, with the text around the match.

use super::Message;
use crate::auth::Scope;
use crate::services::search;
use async_graphql::{ID, Object, SimpleObject};
use uuid::Uuid;

/// Where the query occurs in a snippet.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "MessageSearchHighlight")]
pub struct Highlight {
    /// Identifies this highlight: the hit's id with the offset and length, so the same
    /// search finds it under the same id (for normalized client caches).
    pub id: ID,
    /// Offset in the snippet, in Unicode characters (code points), from 0.
    pub start: i32,
    /// Length in Unicode characters.
    pub length: i32,
}

/// A message that contains the query.
#[derive(Clone)]
pub struct MessageSearchHit {
    pub id: Uuid,
    pub message: Message,
    pub snippet: search::Snippet,
}

impl MessageSearchHit {
    /// The hit's id: a uuid (version 5) of the message and the query text, the same
    /// whenever the same query finds the same message.
    pub fn id_for(message: Uuid, query: &str) -> Uuid {
        Uuid::new_v5(&message, query.as_bytes())
    }
}

/// A message that contains the query, with the text around the first match.
#[Object]
impl MessageSearchHit {
    /// Identifies this hit for normalized client caches: the same whenever the same query
    /// finds the same message. Not a `Node` id: `node(id:)` does not take it.
    async fn id(&self) -> ID {
        super::id(self.id)
    }
    /// The message; its `conversation` and `contact` resolve as usual.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn message(&self) -> &Message {
        &self.message
    }
    /// The content around the first match: up to 40 characters before it and 160 in all,
    /// with "…" where the content was cut.
    async fn snippet(&self) -> &str {
        &self.snippet.text
    }
    /// Every occurrence of the query in the snippet, in order, so the client chooses the
    /// markup.
    async fn highlights(&self) -> Vec<Highlight> {
        self.snippet
            .highlights
            .iter()
            .map(|&(start, length)| Highlight {
                id: ID(format!("{}:{start}:{length}", self.id)),
                start: start as i32,
                length: length as i32,
            })
            .collect()
    }
}
