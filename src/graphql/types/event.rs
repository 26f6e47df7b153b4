//! `ConversationEvent`: one entry of the event log (a create, an update with its changed
//! fields, a delete), as the timeline, `events` and the subscriptions give it.

use super::{Call, Conversation, Message, load};
use crate::graphql::scalars::{EventCursor, EventValue, Timestamp};
use crate::live::Delivery;
use async_graphql::{Context, Enum, ID, Object, SimpleObject, Union};
use entity::EventKind;
use entity::conversation_event::Model;
use std::sync::Arc;

/// What an event records. A subscription with a filter also receives LEFT_FILTER and
/// ENTERED_FILTER, never stored: an update after which the conversation stopped or
/// started matching the filter.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ConversationEventKind {
    /// A conversation was created.
    ConversationCreated,
    /// A conversation was changed (`changedFields` says how).
    ConversationUpdated,
    /// A conversation was deleted (with its messages and calls).
    ConversationDeleted,
    /// A message was added to a conversation.
    MessageCreated,
    /// A message was deleted.
    MessageDeleted,
    /// A call was recorded on a conversation.
    CallCreated,
    /// A call was changed (`changedFields` says how).
    CallUpdated,
    /// A call was deleted.
    CallDeleted,
    /// A contact was created.
    ContactCreated,
    /// A contact was changed (`changedFields` says how).
    ContactUpdated,
    /// A contact was deleted.
    ContactDeleted,
    /// An inbox was created.
    InboxCreated,
    /// An inbox was changed (`changedFields` says how).
    InboxUpdated,
    /// An inbox was deleted.
    InboxDeleted,
    /// An agent was created.
    AgentCreated,
    /// An agent was changed (`changedFields` says how).
    AgentUpdated,
    /// An agent was deleted.
    AgentDeleted,
    /// An update after which the conversation no longer matches the subscription's filter
    /// (subscriptions only). `changedFields` says what changed.
    LeftFilter,
    /// An update after which the conversation matches the subscription's filter, and did
    /// not before (subscriptions only).
    EnteredFilter,
}

impl From<EventKind> for ConversationEventKind {
    fn from(kind: EventKind) -> Self {
        use ConversationEventKind as K;
        match kind {
            EventKind::ConversationCreated => K::ConversationCreated,
            EventKind::ConversationUpdated => K::ConversationUpdated,
            EventKind::ConversationDeleted => K::ConversationDeleted,
            EventKind::MessageCreated => K::MessageCreated,
            EventKind::MessageDeleted => K::MessageDeleted,
            EventKind::CallCreated => K::CallCreated,
            EventKind::CallUpdated => K::CallUpdated,
            EventKind::CallDeleted => K::CallDeleted,
            EventKind::ContactCreated => K::ContactCreated,
            EventKind::ContactUpdated => K::ContactUpdated,
            EventKind::ContactDeleted => K::ContactDeleted,
            EventKind::InboxCreated => K::InboxCreated,
            EventKind::InboxUpdated => K::InboxUpdated,
            EventKind::InboxDeleted => K::InboxDeleted,
            EventKind::AgentCreated => K::AgentCreated,
            EventKind::AgentUpdated => K::AgentUpdated,
            EventKind::AgentDeleted => K::AgentDeleted,
        }
    }
}

impl ConversationEventKind {
    /// The stored kind, for filters (LEFT_FILTER and ENTERED_FILTER are never stored).
    pub fn stored(self) -> Option<EventKind> {
        use ConversationEventKind as K;
        Some(match self {
            K::ConversationCreated => EventKind::ConversationCreated,
            K::ConversationUpdated => EventKind::ConversationUpdated,
            K::ConversationDeleted => EventKind::ConversationDeleted,
            K::MessageCreated => EventKind::MessageCreated,
            K::MessageDeleted => EventKind::MessageDeleted,
            K::CallCreated => EventKind::CallCreated,
            K::CallUpdated => EventKind::CallUpdated,
            K::CallDeleted => EventKind::CallDeleted,
            K::ContactCreated => EventKind::ContactCreated,
            K::ContactUpdated => EventKind::ContactUpdated,
            K::ContactDeleted => EventKind::ContactDeleted,
            K::InboxCreated => EventKind::InboxCreated,
            K::InboxUpdated => EventKind::InboxUpdated,
            K::InboxDeleted => EventKind::InboxDeleted,
            K::AgentCreated => EventKind::AgentCreated,
            K::AgentUpdated => EventKind::AgentUpdated,
            K::AgentDeleted => EventKind::AgentDeleted,
            K::LeftFilter | K::EnteredFilter => return None,
        })
    }
}

/// One field an update changed, with its value before and after.
#[derive(SimpleObject, Clone, Debug)]
pub struct ConversationEventFieldChange {
    /// The field, as the input of the update names it (`status`, `assigneeId`).
    pub field: String,
    /// Its value before the update.
    pub old_value: Option<EventValue>,
    /// Its value after the update.
    pub new_value: Option<EventValue>,
}

/// One entry of the company's event log: something created, changed or deleted, by whom
/// and when.
#[derive(Clone)]
pub struct ConversationEvent {
    pub row: Arc<Model>,
    /// How a subscription received it; None when read from the log.
    pub delivery: Option<Delivery>,
}

impl From<Model> for ConversationEvent {
    fn from(row: Model) -> Self {
        ConversationEvent {
            row: Arc::new(row),
            delivery: None,
        }
    }
}

impl From<crate::live::Delivered> for ConversationEvent {
    fn from(delivered: crate::live::Delivered) -> Self {
        ConversationEvent {
            row: delivered.event,
            delivery: Some(delivered.delivery),
        }
    }
}

fn value(v: &serde_json::Value) -> Option<EventValue> {
    (!v.is_null()).then(|| EventValue(v.clone()))
}

/// One entry of the company's event log: something created, changed or deleted, by whom
/// and when.
#[Object]
impl ConversationEvent {
    /// The event's id.
    async fn id(&self) -> ID {
        super::id(self.row.id)
    }
    /// Its place in the log: pass it as `after` to resume from here.
    async fn cursor(&self) -> EventCursor {
        EventCursor(self.row.position)
    }
    /// What happened (for a subscription with a filter, LEFT_FILTER or ENTERED_FILTER when
    /// the update moved the conversation out of or into it).
    async fn kind(&self) -> ConversationEventKind {
        match self.delivery {
            Some(Delivery::LeftFilter) => ConversationEventKind::LeftFilter,
            Some(Delivery::EnteredFilter) => ConversationEventKind::EnteredFilter,
            _ => self.row.kind.into(),
        }
    }
    /// The id of what it happened to (a conversation, message, call, contact, inbox or
    /// agent, as `kind` says).
    async fn entity_id(&self) -> ID {
        super::id(self.row.entity_id)
    }
    /// The conversation it concerns, if any (its id stays after the conversation is
    /// deleted).
    async fn conversation_id(&self) -> Option<ID> {
        self.row.conversation_id.map(super::id)
    }
    /// The conversation as it is now; null when the event concerns none or it was deleted.
    async fn conversation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Conversation>> {
        let Some(id) = self.row.conversation_id else {
            return Ok(None);
        };
        Ok(load::<entity::conversation::Entity>(ctx, id)
            .await?
            .map(Conversation::new))
    }
    /// The message, for a message's event, as it is now; null once deleted.
    async fn message(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Message>> {
        if self.row.entity != "message" {
            return Ok(None);
        }
        Ok(load::<entity::message::Entity>(ctx, self.row.entity_id)
            .await?
            .map(|m| Message(m, None)))
    }
    /// The call, for a call's event, as it is now; null once deleted.
    async fn call(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Call>> {
        if self.row.entity != "call" {
            return Ok(None);
        }
        Ok(load::<entity::call::Entity>(ctx, self.row.entity_id)
            .await?
            .map(Call))
    }
    /// Who acted: the token's subject ("unknown" for a token without one).
    async fn actor(&self) -> &str {
        &self.row.actor
    }
    /// Why, for a delete that was given a reason.
    async fn reason(&self) -> Option<&str> {
        self.row.reason.as_deref()
    }
    /// When it happened.
    async fn at(&self) -> Timestamp {
        self.row.at.into()
    }
    /// For an update, each field it changed with the old and new value; empty otherwise.
    async fn changed_fields(&self) -> Vec<ConversationEventFieldChange> {
        let Some(serde_json::Value::Object(changes)) = &self.row.changes else {
            return Vec::new();
        };
        changes
            .iter()
            .map(|(field, change)| ConversationEventFieldChange {
                field: field.clone(),
                old_value: change.get("old").and_then(value),
                new_value: change.get("new").and_then(value),
            })
            .collect()
    }
}

/// One item of a conversation's timeline: a message, a call, or an event of the log (a
/// change of the conversation, a deleted message, a changed or deleted call; a message's
/// or call's creation is the message or call itself).
#[derive(Union, Clone)]
#[graphql(name = "ConversationTimelineItem")]
pub enum TimelineItem {
    Message(Message),
    Call(Call),
    ConversationEvent(ConversationEvent),
}

impl From<crate::services::events::TimelineItem> for TimelineItem {
    fn from(item: crate::services::events::TimelineItem) -> Self {
        use crate::services::events::TimelineItem as Item;
        match item {
            Item::Message(m) => TimelineItem::Message(Message(Arc::new(m), None)),
            Item::Call(c) => TimelineItem::Call(Call(Arc::new(c))),
            Item::Event(e) => TimelineItem::ConversationEvent(e.into()),
        }
    }
}

/// Which events `events` lists. Set fields combine with AND.
#[derive(async_graphql::InputObject, Clone, Debug, Default)]
pub struct ConversationEventFilter {
    /// Only events about this conversation.
    pub conversation_id: Option<ID>,
    /// Only events of this kind.
    pub kind: Option<ConversationEventKind>,
    /// Only events of one of these kinds (at most 32).
    pub kind_in: Option<Vec<ConversationEventKind>>,
    /// Only events by this actor (a token subject).
    pub actor: Option<String>,
    /// Only events in this time range.
    pub at: Option<crate::graphql::inputs::DateTimeRange>,
}

impl ConversationEventFilter {
    pub fn to_service(&self) -> Result<crate::services::events::Filter, crate::error::AppError> {
        use crate::error::AppError;
        let kinds: Vec<ConversationEventKind> = self
            .kind
            .iter()
            .copied()
            .chain(self.kind_in.iter().flatten().copied())
            .collect();
        if self.kind_in.as_ref().is_some_and(|k| k.len() > 32) {
            return Err(AppError::BadInput(
                "`filter.kindIn` takes at most 32 kinds".into(),
            ));
        }
        let mut kind_in = None;
        if self.kind.is_some() || self.kind_in.is_some() {
            let mut stored = Vec::new();
            for kind in kinds {
                match kind.stored() {
                    Some(k) if !stored.contains(&k) => stored.push(k),
                    Some(_) => {}
                    None => {
                        return Err(AppError::BadInput(
                            "LEFT_FILTER and ENTERED_FILTER are delivered to subscriptions, \
                             never stored: `events` cannot filter by them"
                                .into(),
                        ));
                    }
                }
            }
            kind_in = Some(stored);
        }
        let conversation_id =
            match &self.conversation_id {
                Some(id) => Some(uuid::Uuid::parse_str(id).map_err(|_| {
                    AppError::BadInput("`filter.conversationId` is not an id".into())
                })?),
                None => None,
            };
        if self.actor.as_ref().is_some_and(|a| a.len() > 255) {
            return Err(AppError::BadInput(
                "`filter.actor` takes at most 255 characters".into(),
            ));
        }
        Ok(crate::services::events::Filter {
            conversation_id,
            kind_in,
            actor: self.actor.clone(),
            at: self.at.as_ref().map(Into::into),
        })
    }
}
