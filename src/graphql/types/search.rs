//! `MessageSearchHit`: a message found by `searchMessages`, with the text around the match.

use super::Message;
use crate::services::search;
use async_graphql::{Object, SimpleObject};

/// Where the query occurs in a snippet.
#[derive(SimpleObject, Clone, Debug)]
pub struct Highlight {
    /// Offset in the snippet, in Unicode characters (code points), from 0.
    pub start: i32,
    /// Length in Unicode characters.
    pub length: i32,
}

/// A message that contains the query.
#[derive(Clone)]
pub struct MessageSearchHit {
    pub message: Message,
    pub snippet: search::Snippet,
}

/// A message that contains the query, with the text around the first match.
#[Object]
impl MessageSearchHit {
    /// The message; its `conversation` and `contact` resolve as usual.
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
                start: start as i32,
                length: length as i32,
            })
            .collect()
    }
}
