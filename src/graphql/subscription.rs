//! Root subscription fields: the company's event log, live. Each is guarded by
//! `read:conversations`, takes a place among the connection's and the company's open
//! subscriptions (TOO_MANY_SUBSCRIPTIONS past either limit) and follows the process's hub
//! (`crate::live`).

use super::inputs::ConversationFilter;
use super::scalars::EventCursor;
use super::types::ConversationEvent;
use super::{db, viewer};
use crate::auth::Scope;
use crate::error::AppError;
use crate::live::{Delivered, Hub};
use crate::services::tenancy;
use async_graphql::{Context, ID, Subscription};
use entity::EventKind;
use futures_util::{Stream, StreamExt};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

/// The open subscriptions of one WebSocket connection (the connection's data holds it).
#[derive(Clone, Default)]
pub struct ConnectionSubscriptions(pub Arc<AtomicUsize>);

#[derive(Default)]
pub struct Subscription;

fn started(
    ctx: &Context<'_>,
    filter: Option<crate::services::conversations::Filter>,
    after: Option<EventCursor>,
) -> Result<impl Stream<Item = Result<Delivered, AppError>> + Send + 'static, AppError> {
    let viewer = viewer(ctx)?.clone();
    let hub = ctx
        .data_opt::<Arc<Hub>>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no event hub in the context")))?
        .clone();
    let connection = ctx
        .data_opt::<ConnectionSubscriptions>()
        .map(|c| c.0.clone());
    let slot = hub.reserve(viewer.company_id, connection)?;
    Ok(hub.follow(viewer, filter, after.map(|c| c.0), slot))
}

fn events(
    stream: impl Stream<Item = Result<Delivered, AppError>> + Send + 'static,
) -> impl Stream<Item = async_graphql::Result<ConversationEvent>> + Send + 'static {
    stream.map(|item| {
        item.map(ConversationEvent::from)
            .map_err(async_graphql::Error::from)
    })
}

/// Live updates of the company's event log, over a WebSocket at this endpoint
/// (graphql-transport-ws, or the legacy graphql-ws); the token goes in `connection_init`.
#[Subscription]
impl Subscription {
    /// The company's events as they are written: with a `filter`, those about
    /// conversations that match it (exactly as `conversations(filter:)` decides), an update
    /// that moves a conversation out of or into it arriving as LEFT_FILTER or
    /// ENTERED_FILTER; without one, every event (contacts, inboxes and agents too).
    /// With `after` (the cursor of the last event received), every event since it arrives
    /// first, in order and once each; a cursor older than retention is CURSOR_EXPIRED.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn conversation_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only events about conversations that match (as the list's filter).")]
        filter: Option<ConversationFilter>,
        #[graphql(desc = "Resume after this event's cursor.")] after: Option<EventCursor>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<ConversationEvent>>> {
        let filter = filter.map(|f| f.to_service("filter")).transpose()?;
        Ok(events(started(ctx, filter, after)?))
    }

    /// Each new message of one conversation, for an open thread (`message` is the message).
    /// With `after`, the messages since that cursor arrive first.
    #[graphql(guard = "Scope::ReadConversations")]
    async fn message_created(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The conversation's id.")] conversation_id: ID,
        #[graphql(desc = "Resume after this event's cursor.")] after: Option<EventCursor>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<ConversationEvent>>> {
        let not_found = || AppError::NotFound("conversation");
        let id = uuid::Uuid::parse_str(&conversation_id).map_err(|_| not_found())?;
        let found =
            tenancy::by_ids::<entity::conversation::Entity>(db(ctx), viewer(ctx)?, &[id]).await?;
        if found.is_empty() {
            return Err(not_found().into());
        }
        let stream = started(ctx, None, after)?.filter(move |item| {
            let keep = match item {
                Ok(d) => {
                    d.event.kind == EventKind::MessageCreated && d.event.conversation_id == Some(id)
                }
                Err(_) => true,
            };
            std::future::ready(keep)
        });
        Ok(events(stream))
    }
}
