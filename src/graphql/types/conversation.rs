//! `Conversation`: a thread between a contact and the company, with its relations.

use super::enums::{AgentKind, Channel, ConversationStatus, Priority, Source};
use super::references::{Campaign, Listing, Session, Task};
use super::{Agent, Call, Contact, CountSource, Inbox, ListTotal, Message, load, load_required};
use crate::auth::Scope;
use crate::graphql::budget::charge;
use crate::graphql::connection::Connection;
use crate::graphql::inputs::{CallOrder, ConversationFilter, ConversationOrder, MessageOrder};
use crate::graphql::loaders::{
    AppLoader, CallsOf, ConversationsOf, CountOf, LinksOf, LoadError, MessagesOf, loader,
};
use crate::graphql::pagination::{PageArgs, PageRequest, connection, connection_cost};
use crate::graphql::scalars::Timestamp;
use crate::services::conversations::{self, ChildPage, Joined, Parent, Related};
use crate::services::page::{Keyset, Page};
use crate::services::{calls, messages};
use async_graphql::dataloader::Loader;
use async_graphql::{Context, ID, Object};
use entity::conversation::Model;
use entity::{agent, contact, inbox};
use std::sync::Arc;
use uuid::Uuid;

/// A conversation thread between a contact and the company, through one inbox, with the
/// relations its read plan already loaded.
#[derive(Clone)]
pub struct Conversation(pub Arc<Model>, Related);

/// A child page of a conversation: the one the read plan brought along, when it was read
/// for this `order` and `window`, else the loader's page for the key `key` makes of them.
async fn planned_or_loaded<K, O, M>(
    ctx: &Context<'_>,
    planned: Option<&ChildPage<O, M>>,
    order: O,
    window: Keyset,
    key: impl FnOnce(O, Keyset) -> K,
) -> async_graphql::Result<Page<Arc<M>>>
where
    O: PartialEq,
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    AppLoader: Loader<K, Value = Page<Arc<M>>, Error = LoadError>,
{
    if let Some(page) = planned.and_then(|p| p.matching(&order, &window)) {
        return Ok(page);
    }
    let page = loader(ctx).load_one(key(order, window)).await?;
    Ok(page.unwrap_or_else(Page::empty))
}

impl Conversation {
    /// A conversation whose relations load when asked for.
    pub fn new(row: Arc<Model>) -> Self {
        Conversation(row, Related::default())
    }

    /// A conversation with the relations its page statement read.
    pub fn planned(joined: Joined) -> Self {
        Conversation(Arc::new(joined.row), joined.related)
    }
}

impl From<Model> for Conversation {
    fn from(row: Model) -> Self {
        Conversation::new(Arc::new(row))
    }
}

impl From<Arc<Model>> for Conversation {
    fn from(row: Arc<Model>) -> Self {
        Conversation::new(row)
    }
}

pub type ConversationConnection = Connection<Conversation>;
pub type MessageConnection = Connection<Message>;
pub type CallConnection = Connection<Call>;

/// A page of conversations of a contact or an inbox, batched across parents.
pub async fn nested_conversations(
    ctx: &Context<'_>,
    parent: Parent,
    id: Uuid,
    filter: Option<ConversationFilter>,
    order_by: Option<ConversationOrder>,
    args: PageArgs,
) -> async_graphql::Result<ConversationConnection> {
    let filter = filter
        .map(|f| f.to_service("filter"))
        .transpose()?
        .unwrap_or_default();
    let order = conversations::Order::from(order_by);
    let ordering = order.name();
    let window = PageRequest::parse(&ordering, &args)?;
    let key = ConversationsOf {
        parent,
        id,
        filter: filter.clone(),
        order,
        window,
    };
    let page = loader(ctx).load_one(key).await?.unwrap_or_else(Page::empty);
    let total = ListTotal(CountSource::Nested(CountOf::Conversations {
        parent,
        id,
        filter: Box::new(filter),
    }));
    Ok(connection(
        page,
        &ordering,
        &order.sort(),
        |m| m.id,
        Conversation::new,
        total,
    ))
}

/// A conversation thread between a contact and the company, through one inbox.
#[Object]
impl Conversation {
    /// The conversation's id (a uuid, unique across all types).
    pub async fn id(&self) -> ID {
        super::id(self.0.id)
    }
    /// The subject line; null when none was given.
    async fn subject(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        charge(ctx, self.0.subject.as_ref().map_or(0, String::len)).await?;
        Ok(self.0.subject.as_deref())
    }
    /// Where the conversation stands.
    async fn status(&self) -> ConversationStatus {
        self.0.status.into()
    }
    /// How urgent it is.
    async fn priority(&self) -> Priority {
        self.0.priority.into()
    }
    /// The medium it uses.
    async fn channel(&self) -> Channel {
        self.0.channel.into()
    }
    /// How it reached the company; null when unknown.
    async fn source(&self) -> Option<Source> {
        self.0.source.map(Into::into)
    }
    /// True for test conversations made by a simulation.
    async fn is_simulation(&self) -> bool {
        self.0.is_simulation
    }
    /// Whether an AI or a human responded; null when nobody has yet.
    async fn responded_by(&self) -> Option<AgentKind> {
        self.0.responded_by.map(Into::into)
    }
    /// True while the contact has the chat window open.
    async fn is_chat_opened(&self) -> bool {
        self.0.is_chat_opened
    }
    /// The marketing campaign it belongs to (another subgraph's entity); null when none.
    async fn campaign(&self) -> Option<Campaign> {
        self.0.campaign_id.map(Campaign::from)
    }
    /// The listing (product, property) it is about (another subgraph's entity); null when
    /// none.
    async fn listing(&self) -> Option<Listing> {
        self.0.listing_id.map(Listing::from)
    }
    /// When the conversation started; null when unknown.
    async fn started_at(&self) -> Option<Timestamp> {
        self.0.started_at.map(Timestamp)
    }
    /// When its newest message was sent; null when it has none.
    async fn last_message_at(&self) -> Option<Timestamp> {
        self.0.last_message_at.map(Timestamp)
    }
    /// When it was created.
    async fn created_at(&self) -> Timestamp {
        self.0.created_at.into()
    }
    /// When it last changed.
    async fn updated_at(&self) -> Timestamp {
        self.0.updated_at.into()
    }
    /// The contact on the other side; null when unknown.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn contact(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Contact>> {
        if let Some(planned) = &self.1.contact {
            return Ok(planned.clone().map(Contact));
        }
        let Some(id) = self.0.contact_id else {
            return Ok(None);
        };
        Ok(load::<contact::Entity>(ctx, id).await?.map(Contact))
    }
    /// The inbox the conversation came through.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn inbox(&self, ctx: &Context<'_>) -> async_graphql::Result<Inbox> {
        // A conversation always has its inbox; none joined leaves it to the loader, which
        // answers as it always does.
        if let Some(Some(planned)) = &self.1.inbox {
            return Ok(Inbox(planned.clone()));
        }
        Ok(Inbox(
            load_required::<inbox::Entity>(ctx, self.0.inbox_id).await?,
        ))
    }
    /// The AI agent handling it; null when none.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn agent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Agent>> {
        if let Some(planned) = &self.1.agent {
            return Ok(planned.clone().map(Agent));
        }
        agent_of(ctx, self.0.agent_id).await
    }
    /// The agent it is assigned to; null when unassigned.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn assignee(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Agent>> {
        if let Some(planned) = &self.1.assignee {
            return Ok(planned.clone().map(Agent));
        }
        agent_of(ctx, self.0.assignee_id).await
    }
    /// The agent who last saw it; null when nobody has.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn seen_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Agent>> {
        if let Some(planned) = &self.1.seen_by {
            return Ok(planned.clone().map(Agent));
        }
        agent_of(ctx, self.0.seen_by_id).await
    }
    /// The newest message (by sentAt); null when there are none.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn last_message(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Message>> {
        if let Some(planned) = &self.1.last_message {
            return Ok(planned.clone().map(Message::from));
        }
        let key = MessagesOf {
            conversation: self.0.id,
            order: messages::Order::default(),
            window: Keyset::first(1),
        };
        let page = loader(ctx).load_one(key).await?;
        Ok(page
            .and_then(|p| p.items.into_iter().next())
            .map(Message::from))
    }
    /// Everything that happened in the conversation, newest first: its messages, its calls
    /// and the events of its log (changes with their fields, deleted messages, changed or
    /// deleted calls), ordered by their time (a message's sentAt, a call's createdAt, an
    /// event's at), then id. Keyset-paginated like every list.
    #[graphql(
        guard = "Scope::ReadConversations",
        complexity = "connection_cost(first, last, 20, child_complexity)"
    )]
    async fn timeline(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<super::event::TimelineItem>> {
        const ORDERING: &str = "TIMELINE";
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let window = PageRequest::parse(ORDERING, &args)?;
        let page = crate::services::events::timeline(
            crate::graphql::db(ctx),
            crate::graphql::viewer(ctx)?,
            self.0.id,
            &window,
        )
        .await?;
        Ok(crate::graphql::pagination::connection_of_positions(
            page,
            ORDERING,
            crate::services::events::TimelineItem::position,
            super::event::TimelineItem::from,
            ListTotal(CountSource::Timeline(self.0.id)),
        ))
    }
    /// The conversation's messages, newest first unless `orderBy` says otherwise.
    #[graphql(
        guard = "Scope::ReadConversations",
        complexity = "connection_cost(first, last, 20, child_complexity)"
    )]
    async fn messages(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "Return messages after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return messages before this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; null means SENT_AT DESC.")] order_by: Option<MessageOrder>,
    ) -> async_graphql::Result<MessageConnection> {
        let order = messages::Order::from(order_by);
        let ordering = order.name();
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let window = PageRequest::parse(&ordering, &args)?;
        let page = planned_or_loaded(
            ctx,
            self.1.messages.as_deref(),
            order,
            window,
            |order, window| MessagesOf {
                conversation: self.0.id,
                order,
                window,
            },
        )
        .await?;
        let total = ListTotal(CountSource::Nested(CountOf::Messages(self.0.id)));
        Ok(connection(
            page,
            &ordering,
            &order.sort(),
            |m| m.id,
            Message::from,
            total,
        ))
    }
    /// The calls behind the conversation, latest start first unless `orderBy` says otherwise.
    #[graphql(
        guard = "Scope::ReadConversations",
        complexity = "connection_cost(first, last, 20, child_complexity)"
    )]
    async fn calls(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "Return calls after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return calls before this cursor.")] before: Option<String>,
        #[graphql(desc = "Sort order; null means STARTED_AT DESC.")] order_by: Option<CallOrder>,
    ) -> async_graphql::Result<CallConnection> {
        let order = calls::Order::from(order_by);
        let ordering = order.name();
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let window = PageRequest::parse(&ordering, &args)?;
        let page = planned_or_loaded(
            ctx,
            self.1.calls.as_deref(),
            order,
            window,
            |order, window| CallsOf {
                conversation: self.0.id,
                order,
                window,
            },
        )
        .await?;
        let total = ListTotal(CountSource::Nested(CountOf::Calls(self.0.id)));
        Ok(connection(
            page,
            &ordering,
            &order.sort(),
            |m| m.id,
            Call,
            total,
        ))
    }
    /// The latest call (by start; calls never started come last); null when there are none.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn latest_call(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Call>> {
        let key = CallsOf {
            conversation: self.0.id,
            order: calls::Order::default(),
            window: Keyset::first(1),
        };
        let page = loader(ctx).load_one(key).await?;
        Ok(page.and_then(|p| p.items.into_iter().next()).map(Call))
    }
    /// The tasks (another subgraph's entities) linked to the conversation, by id ascending.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn tasks(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Task>> {
        let ids = loader(ctx).load_one(LinksOf::Tasks(self.0.id)).await?;
        Ok(ids
            .unwrap_or_default()
            .into_iter()
            .map(Task::from)
            .collect())
    }
    /// The sessions (another subgraph's entities) linked to the conversation, by id
    /// ascending.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn sessions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Session>> {
        let ids = loader(ctx).load_one(LinksOf::Sessions(self.0.id)).await?;
        Ok(ids
            .unwrap_or_default()
            .into_iter()
            .map(Session::from)
            .collect())
    }
}

async fn agent_of(ctx: &Context<'_>, id: Option<Uuid>) -> async_graphql::Result<Option<Agent>> {
    let Some(id) = id else {
        return Ok(None);
    };
    Ok(load::<agent::Entity>(ctx, id).await?.map(Agent))
}
