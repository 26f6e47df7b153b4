//! `totalCount` of a connection: counted only when selected, batched for nested lists.

use crate::graphql::loaders::{CountOf, loader};
use crate::graphql::{db, viewer};
use crate::services::{calls, contacts, conversations, directory, events, search};
use async_graphql::Context;
use entity::AgentKind;

/// What a connection's total counts.
pub enum CountSource {
    Conversations(Box<conversations::Filter>),
    Contacts(contacts::Filter),
    Calls(calls::Filter),
    Inboxes,
    Agents(Option<AgentKind>),
    Nested(CountOf),
    Search(String, search::Filter),
    Events(events::Filter),
    /// A conversation's messages, calls and timeline events.
    Timeline(uuid::Uuid),
    /// Already counted, by the page's own statement.
    Counted(u64),
}

/// What a connection's `totalCount` counts.
pub struct ListTotal(pub CountSource);

impl ListTotal {
    /// Counts, in one statement (batched with sibling lists for nested ones).
    pub async fn count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let (db, viewer) = (db(ctx), viewer(ctx)?);
        Ok(match &self.0 {
            CountSource::Conversations(f) => conversations::count(db, viewer, f).await?,
            CountSource::Contacts(f) => contacts::count(db, viewer, f).await?,
            CountSource::Calls(f) => calls::count(db, viewer, f).await?,
            CountSource::Inboxes => directory::count_inboxes(db, viewer).await?,
            CountSource::Agents(kind) => directory::count_agents(db, viewer, *kind).await?,
            CountSource::Nested(key) => loader(ctx).load_one(key.clone()).await?.unwrap_or(0),
            CountSource::Search(q, f) => search::count(db, viewer, q, f).await?,
            CountSource::Events(f) => events::count(db, viewer, f).await?,
            CountSource::Timeline(id) => events::count_timeline(db, viewer, *id).await?,
            CountSource::Counted(n) => *n,
        })
    }
}
