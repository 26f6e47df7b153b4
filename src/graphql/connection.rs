//! Relay cursor connections: one documented generic type, named per node type
//! (`ConversationConnection`, `ConversationEdge`, ...), sharing one `PageInfo`.

use super::types::event::TimelineItem;
use super::types::{
    Agent, Call, Contact, Conversation, ConversationEvent, Inbox, ListTotal, Message,
    MessageSearchHit,
};
use async_graphql::{Context, Object, OutputType, SimpleObject};

/// Where a page sits in its list.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(shareable)]
pub struct PageInfo {
    /// True when the list goes on after this page. When paging backwards (`last`), true
    /// exactly when `before` was given.
    pub has_next_page: bool,
    /// True when the list has items before this page. When paging forwards (`first`), true
    /// exactly when `after` was given.
    pub has_previous_page: bool,
    /// The cursor of the first item of the page; null when the page is empty.
    pub start_cursor: Option<String>,
    /// The cursor of the last item of the page; null when the page is empty.
    pub end_cursor: Option<String>,
}

/// An item of a page and the cursor that points at it.
pub struct Edge<N> {
    pub cursor: String,
    pub node: N,
}

/// An item of a page and the cursor that points at it.
#[Object(
    concrete(name = "ConversationEdge", params(Conversation)),
    concrete(name = "MessageEdge", params(Message)),
    concrete(name = "ContactEdge", params(Contact)),
    concrete(name = "InboxEdge", params(Inbox)),
    concrete(name = "CallEdge", params(Call)),
    concrete(name = "AgentEdge", params(Agent)),
    concrete(name = "MessageSearchEdge", params(MessageSearchHit)),
    concrete(name = "ConversationEventEdge", params(ConversationEvent)),
    concrete(name = "ConversationTimelineEdge", params(TimelineItem))
)]
impl<N: OutputType> Edge<N> {
    /// An opaque cursor: pass it as `after` or `before` to continue from this item.
    async fn cursor(&self) -> &str {
        &self.cursor
    }
    /// The item; null only when it could not be read whole (see the connection's `edges`).
    async fn node(&self) -> Option<&N> {
        Some(&self.node)
    }
}

/// One page of a list: its items with their cursors, where it sits, and the list's total.
pub struct Connection<N> {
    pub edges: Vec<Edge<N>>,
    pub page_info: PageInfo,
    pub total: ListTotal,
}

impl<N> Connection<N> {
    /// The same page with every node turned into another.
    pub fn map_nodes<M>(self, f: impl Fn(N) -> M) -> Connection<M> {
        Connection {
            edges: self
                .edges
                .into_iter()
                .map(|e| Edge {
                    cursor: e.cursor,
                    node: f(e.node),
                })
                .collect(),
            page_info: self.page_info,
            total: self.total,
        }
    }
}

/// One page of a list: its items with their cursors, where it sits, and the list's total.
#[Object(
    concrete(name = "ConversationConnection", params(Conversation)),
    concrete(name = "MessageConnection", params(Message)),
    concrete(name = "ContactConnection", params(Contact)),
    concrete(name = "InboxConnection", params(Inbox)),
    concrete(name = "CallConnection", params(Call)),
    concrete(name = "AgentConnection", params(Agent)),
    concrete(name = "MessageSearchConnection", params(MessageSearchHit)),
    concrete(name = "ConversationEventConnection", params(ConversationEvent)),
    concrete(name = "ConversationTimelineConnection", params(TimelineItem))
)]
impl<N: OutputType> Connection<N>
where
    Edge<N>: OutputType,
{
    /// The page's items with their cursors, in list order. An item is null only when it
    /// could not be read whole (deleted by another request while this one ran: its error
    /// says so), so that one such row costs no more than itself.
    async fn edges(&self) -> Vec<Option<&Edge<N>>> {
        self.edges.iter().map(Some).collect()
    }
    /// The page's items without cursors, in list order; null items as in `edges`.
    async fn nodes(&self) -> Vec<Option<&N>> {
        self.edges.iter().map(|e| Some(&e.node)).collect()
    }
    /// Where this page sits in the list.
    async fn page_info(&self) -> &PageInfo {
        &self.page_info
    }
    /// How many items the whole list holds across all pages (with the same filter).
    /// Counted only when selected.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        self.total.count(ctx).await
    }
}
