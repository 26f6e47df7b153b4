//! Root query fields. Each is guarded by `read:conversations`, parses its arguments into
//! plain data (errors are BAD_USER_INPUT before any SQL) and calls one service or loader.

use super::connection::Connection;
use super::inputs::{
    CallFilter, CallOrder, ContactFilter, ContactOrder, ConversationFilter, ConversationOrder,
    MessageSearchFilter,
};
use super::loaders::{ById, loader};
use super::pagination::{
    PageArgs, PageRequest, connection, connection_cost, connection_of, shared,
};
use super::types::conversation::{CallConnection, ConversationConnection};
use super::types::enums::AgentKind;
use super::types::event::ConversationEventFilter;
use super::types::{
    Agent, Call, Contact, Conversation, ConversationEvent, CountSource, Inbox, ListTotal, Message,
    MessageSearchHit, Node, load,
};
use super::{db, plan, viewer};
use crate::auth::Scope;
use crate::error::AppError;
use crate::services::{calls, contacts, conversations, directory, events, search};
use async_graphql::{Context, ID, MergedObject, Object};
use entity::{agent, call, contact, conversation, inbox, message};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// Most ids `nodes` takes at once.
pub const MAX_NODES: usize = 100;

/// The root of every read.
#[derive(MergedObject, Default)]
pub struct Query(ReadQuery, SearchQuery, EntityQuery);

#[derive(Default)]
pub struct ReadQuery;

pub type ContactConnection = Connection<Contact>;
pub type InboxConnection = Connection<Inbox>;
pub type AgentConnection = Connection<Agent>;

/// An id argument of a lookup: malformed ids find nothing, like unknown ones.
fn lookup_id(id: &ID) -> Option<Uuid> {
    Uuid::parse_str(id).ok()
}

#[Object]
impl ReadQuery {
    /// Any object of the company by id (see `Node`); null when there is none with this id.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
    ) -> async_graphql::Result<Option<Node>> {
        let mut found = nodes_of(ctx, &[id]).await?;
        Ok(found.pop().flatten())
    }

    /// Several objects by id, in the order given; null for each id with no object.
    /// At most 100 ids.
    #[graphql(
        guard = "Scope::ReadConversations",
        complexity = "1 + ids.len().min(100) * child_complexity"
    )]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The objects' ids (at most 100).")] ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(AppError::BadInput(format!(
                "`ids` takes at most {MAX_NODES} ids, got {}",
                ids.len()
            ))
            .into());
        }
        nodes_of(ctx, &ids).await
    }

    /// One of the company's conversations by id; null when there is none with this id.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn conversation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The conversation's id.")] id: ID,
    ) -> async_graphql::Result<Option<Conversation>> {
        let Some(id) = lookup_id(&id) else {
            return Ok(None);
        };
        Ok(load::<conversation::Entity>(ctx, id)
            .await?
            .map(Conversation::new))
    }

    /// The company's conversations, filtered and ordered (default: most recently updated first).
    #[graphql(
        guard = "Scope::ReadConversations",
        complexity = "connection_cost(first, last, 20, child_complexity)"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn conversations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which conversations to list; null lists all.")] filter: Option<
            ConversationFilter,
        >,
        #[graphql(desc = "Sort order; null means UPDATED_AT DESC.")] order_by: Option<
            ConversationOrder,
        >,
        #[graphql(desc = "Page size from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "Return conversations after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return conversations before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<ConversationConnection> {
        let filter = filter
            .map(|f| f.to_service("filter"))
            .transpose()?
            .unwrap_or_default();
        let order = conversations::Order::from(order_by);
        let ordering = order.name();
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let window = PageRequest::parse(&ordering, &args)?;
        let joins = plan::conversation_joins(ctx);
        let (page, counted) =
            conversations::list_joined(db(ctx), viewer(ctx)?, &filter, &order, &window, joins)
                .await?;
        let total = ListTotal(match counted {
            Some(n) => CountSource::Counted(n),
            None => CountSource::Conversations(Box::new(filter)),
        });
        Ok(connection_of(
            page,
            &ordering,
            &order.sort(),
            |j| &j.row,
            |m| m.id,
            Conversation::planned,
            total,
        ))
    }

    /// The company's event log, oldest first (`last` gives the newest): every create,
    /// update (with its changed fields) and delete, by whom and when; for an audit screen.
    /// Events older than the retention (EVENT_RETENTION_DAYS) are gone.
    #[graphql(
        guard = "Scope::ReadConversations",
        complexity = "connection_cost(first, last, 20, child_complexity)"
    )]
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which events to list; null lists all.")] filter: Option<
            ConversationEventFilter,
        >,
        #[graphql(desc = "Page size from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "Return events after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return events before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<ConversationEvent>> {
        const ORDERING: &str = "EVENTS";
        let filter = filter
            .map(|f| f.to_service())
            .transpose()?
            .unwrap_or_default();
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let window = PageRequest::parse(ORDERING, &args)?;
        let page = events::list(db(ctx), viewer(ctx)?, &filter, &window).await?;
        Ok(connection(
            shared(page),
            ORDERING,
            &events::sort(),
            |m| m.id,
            |m| ConversationEvent {
                row: m,
                delivery: None,
            },
            ListTotal(CountSource::Events(filter)),
        ))
    }

    /// One of the company's contacts by id; null when there is none with this id.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contact's id.")] id: ID,
    ) -> async_graphql::Result<Option<Contact>> {
        let Some(id) = lookup_id(&id) else {
            return Ok(None);
        };
        Ok(load::<contact::Entity>(ctx, id).await?.map(Contact))
    }

    /// The company's contacts, filtered and ordered (default: newest first).
    #[graphql(
        guard = "Scope::ReadConversations",
        complexity = "connection_cost(first, last, 20, child_complexity)"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn contacts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which contacts to list; null lists all.")] filter: Option<ContactFilter>,
        #[graphql(desc = "Sort order; null means CREATED_AT DESC.")] order_by: Option<ContactOrder>,
        #[graphql(desc = "Page size from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "Return contacts after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return contacts before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<ContactConnection> {
        let filter = filter
            .map(|f| f.to_service("filter"))
            .transpose()?
            .unwrap_or_default();
        let order = contacts::Order::from(order_by);
        let ordering = order.name();
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let window = PageRequest::parse(&ordering, &args)?;
        let db = db(ctx);
        let page = contacts::list(db, viewer(ctx)?, &filter, &order, &window).await?;
        let sort = order.sort(sea_orm::ConnectionTrait::get_database_backend(db));
        let total = ListTotal(CountSource::Contacts(filter));
        Ok(connection(
            shared(page),
            &ordering,
            &sort,
            |m| m.id,
            Contact,
            total,
        ))
    }

    /// One of the company's inboxes by id; null when there is none with this id.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn inbox(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The inbox's id.")] id: ID,
    ) -> async_graphql::Result<Option<Inbox>> {
        let Some(id) = lookup_id(&id) else {
            return Ok(None);
        };
        Ok(load::<inbox::Entity>(ctx, id).await?.map(Inbox))
    }

    /// The company's inboxes, by name.
    #[graphql(
        guard = "Scope::ReadConversations",
        complexity = "connection_cost(first, last, 20, child_complexity)"
    )]
    async fn inboxes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "Return inboxes after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return inboxes before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<InboxConnection> {
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let window = PageRequest::parse(directory::INBOX_ORDER, &args)?;
        let db = db(ctx);
        let page = directory::inboxes(db, viewer(ctx)?, &window).await?;
        let sort = directory::inbox_sort(db);
        let total = ListTotal(CountSource::Inboxes);
        Ok(connection(
            shared(page),
            directory::INBOX_ORDER,
            &sort,
            |m| m.id,
            Inbox,
            total,
        ))
    }

    /// One of the company's messages by id; null when there is none with this id.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn message(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The message's id.")] id: ID,
    ) -> async_graphql::Result<Option<Message>> {
        let Some(id) = lookup_id(&id) else {
            return Ok(None);
        };
        Ok(load::<message::Entity>(ctx, id).await?.map(Message::from))
    }

    /// One of the company's calls by id; null when there is none with this id.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn call(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The call's id.")] id: ID,
    ) -> async_graphql::Result<Option<Call>> {
        let Some(id) = lookup_id(&id) else {
            return Ok(None);
        };
        Ok(load::<call::Entity>(ctx, id).await?.map(Call))
    }

    /// The company's calls, filtered and ordered (default: latest start first).
    #[graphql(
        guard = "Scope::ReadConversations",
        complexity = "connection_cost(first, last, 20, child_complexity)"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn calls(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which calls to list; null lists all.")] filter: Option<CallFilter>,
        #[graphql(desc = "Sort order; null means STARTED_AT DESC.")] order_by: Option<CallOrder>,
        #[graphql(desc = "Page size from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "Return calls after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return calls before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<CallConnection> {
        let filter = filter
            .map(|f| f.to_service("filter"))
            .transpose()?
            .unwrap_or_default();
        let order = calls::Order::from(order_by);
        let ordering = order.name();
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let window = PageRequest::parse(&ordering, &args)?;
        let page = calls::list(db(ctx), viewer(ctx)?, &filter, &order, &window).await?;
        let total = ListTotal(CountSource::Calls(filter));
        Ok(connection(
            shared(page),
            &ordering,
            &order.sort(),
            |m| m.id,
            Call,
            total,
        ))
    }

    /// One of the company's agents by id; null when there is none with this id.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn agent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The agent's id.")] id: ID,
    ) -> async_graphql::Result<Option<Agent>> {
        let Some(id) = lookup_id(&id) else {
            return Ok(None);
        };
        Ok(load::<agent::Entity>(ctx, id).await?.map(Agent))
    }

    /// The company's agents, by name.
    #[graphql(
        guard = "Scope::ReadConversations",
        complexity = "connection_cost(first, last, 20, child_complexity)"
    )]
    async fn agents(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only agents of this kind; null lists all.")] kind: Option<AgentKind>,
        #[graphql(desc = "Page size from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "Return agents after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return agents before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<AgentConnection> {
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let window = PageRequest::parse(directory::AGENT_ORDER, &args)?;
        let kind = kind.map(Into::into);
        let db = db(ctx);
        let page = directory::agents(db, viewer(ctx)?, kind, &window).await?;
        let sort = directory::agent_sort(db);
        let total = ListTotal(CountSource::Agents(kind));
        Ok(connection(
            shared(page),
            directory::AGENT_ORDER,
            &sort,
            |m| m.id,
            Agent,
            total,
        ))
    }
}

#[derive(Default)]
pub struct SearchQuery;

/// A page of search hits.
pub type MessageSearchConnection = Connection<MessageSearchHit>;

#[Object]
impl SearchQuery {
    /// The company's messages whose content contains `query`, ignoring case (the README's
    /// text rule: Unicode full case folding and NFC, no accent folding; `%`, `_` and `\`
    /// are literal), newest first, with their context. A blank query is refused.
    #[graphql(
        guard = "Scope::ReadConversations",
        complexity = "connection_cost(first, None, 10, child_complexity)"
    )]
    async fn search_messages(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Text to find: 1 to 200 characters, not only whitespace.")] query: String,
        #[graphql(
            desc = "Page size (default 10, at most 50); null means 10.",
            default = 10
        )]
        first: Option<i32>,
        #[graphql(desc = "Return hits after this cursor.")] after: Option<String>,
        #[graphql(desc = "Narrow the search.")] filter: Option<MessageSearchFilter>,
    ) -> async_graphql::Result<MessageSearchConnection> {
        search::check_query(&query)?;
        let first = first.unwrap_or(10);
        if !(0..=search::MAX_PAGE).contains(&first) {
            return Err(AppError::BadInput(format!(
                "`first` must be between 0 and {}, got {first}",
                search::MAX_PAGE
            ))
            .into());
        }
        let filter = filter
            .map(|f| f.to_service("filter"))
            .transpose()?
            .unwrap_or_default();
        let args = PageArgs {
            first: Some(first),
            after,
            last: None,
            before: None,
        };
        let window = PageRequest::parse(search::ORDERING, &args)?;
        let with_conversation = crate::graphql::plan::search_joins_conversation(ctx);
        let page = search::search(
            db(ctx),
            viewer(ctx)?,
            &query,
            &filter,
            &window,
            with_conversation,
        )
        .await?;
        let page = page.map(|(message, conversation)| Message(Arc::new(message), conversation));
        let sort = crate::services::messages::Order::default().sort();
        let hit_query = query.clone();
        let conn = connection_of(
            page,
            search::ORDERING,
            &sort,
            |m: &Message| &*m.0,
            |m| m.id,
            |m| m,
            ListTotal(CountSource::Search(query, filter)),
        );
        Ok(conn.map_nodes(|message| MessageSearchHit {
            id: MessageSearchHit::id_for(message.0.id, &hit_query),
            snippet: search::snippet(&message.0.content, &hit_query),
            message,
        }))
    }
}

/// Federation entity resolvers: each type is an entity keyed by `id`, and `_entities`
/// resolves representations through the same loaders as everything else (one statement
/// per type, however many representations), scoped to the caller's company: another
/// company's id resolves to null.
#[derive(Default)]
pub struct EntityQuery;

#[Object]
impl EntityQuery {
    #[graphql(entity)]
    async fn find_conversation_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<Conversation>> {
        entity::<conversation::Entity, _>(ctx, &id, Conversation::new).await
    }

    #[graphql(entity)]
    async fn find_message_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<Message>> {
        entity::<message::Entity, _>(ctx, &id, Message::from).await
    }

    #[graphql(entity)]
    async fn find_contact_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<Contact>> {
        entity::<contact::Entity, _>(ctx, &id, Contact).await
    }

    #[graphql(entity)]
    async fn find_inbox_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<Inbox>> {
        entity::<inbox::Entity, _>(ctx, &id, Inbox).await
    }

    #[graphql(entity)]
    async fn find_call_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<Call>> {
        entity::<call::Entity, _>(ctx, &id, Call).await
    }

    #[graphql(entity)]
    async fn find_agent_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<Agent>> {
        entity::<agent::Entity, _>(ctx, &id, Agent).await
    }
}

/// One entity by its key, through the loader; a malformed id finds nothing. async-graphql
/// does not run `guard` on entity resolvers, so the scope is checked here.
async fn entity<E, T>(
    ctx: &Context<'_>,
    id: &ID,
    wrap: fn(std::sync::Arc<E::Model>) -> T,
) -> async_graphql::Result<Option<T>>
where
    E: crate::services::tenancy::CompanyOwned + Send + Sync + 'static,
    E::Model: Clone + Send + Sync + 'static,
{
    super::guards::require(ctx, Scope::ReadConversations)?;
    let Some(id) = lookup_id(id) else {
        return Ok(None);
    };
    Ok(load::<E>(ctx, id).await?.map(wrap))
}

/// Resolves ids of any type: one batched statement per type, whatever the number of ids.
async fn nodes_of(ctx: &Context<'_>, ids: &[ID]) -> async_graphql::Result<Vec<Option<Node>>> {
    let uuids: Vec<Uuid> = ids.iter().filter_map(lookup_id).collect();
    let loader = loader(ctx);
    let mut found: HashMap<Uuid, Node> = HashMap::new();
    macro_rules! collect {
        ($entity:ty, $wrap:ident) => {
            let rows = loader
                .load_many(uuids.iter().map(|id| ById::<$entity>::new(*id)))
                .await?;
            found.extend(rows.into_iter().map(|(k, m)| (k.0, Node::$wrap(m.into()))));
        };
    }
    if !uuids.is_empty() {
        collect!(conversation::Entity, Conversation);
        collect!(message::Entity, Message);
        collect!(contact::Entity, Contact);
        collect!(inbox::Entity, Inbox);
        collect!(call::Entity, Call);
        collect!(agent::Entity, Agent);
    }
    Ok(ids
        .iter()
        .map(|id| lookup_id(id).and_then(|u| found.get(&u).cloned()))
        .collect())
}
