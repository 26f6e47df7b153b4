//! The event log: what every write appends (in its own transaction, as it commits), what
//! the timeline and the `events` query page through, and what subscriptions follow.
//!
//! Positions become visible in order. On SQLite writes are serialised anyway; on
//! PostgreSQL a sequence hands out positions as transactions ask, and they may commit in
//! another order, so appending takes a transaction-level advisory lock held until commit:
//! appending is each write's last statement, so the lock is held only for the INSERT, the
//! NOTIFY and the COMMIT, and a reader that has seen position `p` has seen every position
//! below it. Subscriptions read by position, so a dropped wake-up loses nothing.

use super::page::{self, KeyKind, Keyset, Page, Position, Sort, SortValue};
use super::tenancy::{self, scoped};
use crate::auth::Viewer;
use crate::error::AppError;
use entity::EventKind;
use entity::conversation_event::{ActiveModel, Column, Entity, Model};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, Order, Statement, TransactionTrait,
};
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::sync::LazyLock;
use tokio::sync::watch;
use uuid::Uuid;

/// The PostgreSQL channel instances wake each other on.
pub const CHANNEL: &str = "conversation_events";

/// The advisory lock key appends serialise on (PostgreSQL).
const APPEND_LOCK: i64 = 0x636f_6e76_6576; // "convev"

/// Fields that are not a change worth reporting: every update moves `updatedAt`.
const UNREPORTED: &[&str] = &["id", "companyId", "createdAt", "updatedAt"];

/// An event a write records, appended when its transaction commits.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub kind: EventKind,
    pub entity_id: Uuid,
    pub conversation_id: Option<Uuid>,
    pub reason: Option<String>,
    pub changes: Option<Value>,
    pub state: Option<Value>,
}

/// The kind of row an event is about.
pub fn entity_of(kind: EventKind) -> &'static str {
    use EventKind::*;
    match kind {
        ConversationCreated | ConversationUpdated | ConversationDeleted => "conversation",
        MessageCreated | MessageDeleted => "message",
        CallCreated | CallUpdated | CallDeleted => "call",
        ContactCreated | ContactUpdated | ContactDeleted => "contact",
        InboxCreated | InboxUpdated | InboxDeleted => "inbox",
        AgentCreated | AgentUpdated | AgentDeleted => "agent",
    }
}

impl NewEvent {
    pub fn new(kind: EventKind, entity_id: Uuid) -> Self {
        NewEvent {
            kind,
            entity_id,
            conversation_id: None,
            reason: None,
            changes: None,
            state: None,
        }
    }

    /// An event about a conversation (itself, or one of its messages or calls), with the
    /// conversation as the write left it.
    pub fn of(mut self, conversation: &entity::conversation::Model) -> Self {
        self.conversation_id = Some(conversation.id);
        self.state = serde_json::to_value(conversation).ok();
        self
    }

    /// An event about a conversation whose state after the write is not at hand.
    pub fn in_conversation(mut self, conversation_id: Uuid) -> Self {
        self.conversation_id = Some(conversation_id);
        self
    }

    pub fn reason(mut self, reason: Option<&str>) -> Self {
        self.reason = reason.map(str::to_owned);
        self
    }

    /// The fields that differ between `before` and `after`, with both values.
    pub fn changes<T: Serialize>(mut self, before: &T, after: &T) -> Self {
        self.changes = changes(before, after);
        self
    }
}

/// `{"field": {"old": ..., "new": ...}}` for each reported field whose value differs.
pub fn changes<T: Serialize>(before: &T, after: &T) -> Option<Value> {
    let (Ok(Value::Object(before)), Ok(Value::Object(after))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return None;
    };
    let mut out = Map::new();
    for (field, new) in after {
        if UNREPORTED.contains(&field.as_str()) {
            continue;
        }
        let old = before.get(&field).cloned().unwrap_or(Value::Null);
        if old != new {
            out.insert(field, json!({ "old": old, "new": new }));
        }
    }
    Some(Value::Object(out))
}

/// A conversation as an event's state and changes say it was before the write: the state
/// with each changed field's old value.
pub fn state_before(event: &Model) -> Option<entity::conversation::Model> {
    let mut state = event.state.clone()?;
    if let (Value::Object(fields), Some(Value::Object(changes))) = (&mut state, &event.changes) {
        for (field, change) in changes {
            if let Some(old) = change.get("old") {
                fields.insert(field.clone(), old.clone());
            }
        }
    }
    serde_json::from_value(state).ok()
}

/// A conversation as an event's state says the write left it.
pub fn state_after(event: &Model) -> Option<entity::conversation::Model> {
    serde_json::from_value(event.state.clone()?).ok()
}

/// Appends `events` to the log in `txn` (see the module's note on order).
pub(crate) async fn append(
    txn: &impl ConnectionTrait,
    viewer: &Viewer,
    events: Vec<NewEvent>,
) -> Result<(), AppError> {
    let postgres = txn.get_database_backend() == DbBackend::Postgres;
    if postgres {
        txn.execute_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT pg_advisory_xact_lock({APPEND_LOCK})"),
        ))
        .await?;
    }
    let at = super::now();
    let actor = if viewer.subject.is_empty() {
        "unknown".to_owned()
    } else {
        viewer.subject.clone()
    };
    let rows = events.into_iter().map(|e| ActiveModel {
        position: NotSet,
        id: Set(Uuid::new_v4()),
        company_id: NotSet,
        conversation_id: Set(e.conversation_id),
        entity: Set(entity_of(e.kind).to_owned()),
        entity_id: Set(e.entity_id),
        kind: Set(e.kind),
        actor: Set(actor.clone()),
        reason: Set(e.reason),
        changes: Set(e.changes),
        state: Set(e.state),
        at: Set(at),
    });
    tenancy::insert_all(txn, viewer, rows).await?;
    if postgres {
        txn.execute_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("NOTIFY {CHANNEL}"),
        ))
        .await?;
    }
    Ok(())
}

/// Counts commits that appended events, in this process.
static APPENDED: LazyLock<watch::Sender<u64>> = LazyLock::new(|| watch::channel(0).0);

/// Tells this process's subscriptions that events were appended.
pub fn wake() {
    APPENDED.send_modify(|n| *n = n.wrapping_add(1));
}

/// Changes whenever this process appends events.
pub fn woken() -> watch::Receiver<u64> {
    APPENDED.subscribe()
}

/// The viewer's events after `position`, oldest first, at most `limit`.
pub async fn after(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    position: i64,
    limit: u64,
) -> Result<Vec<Model>, AppError> {
    Ok(scoped::<Entity>(viewer)
        .filter(Column::Position.gt(position))
        .order_by(Column::Position, Order::Asc)
        .limit(limit)
        .all(db)
        .await?)
}

/// The highest position appended so far (0 for an empty log), across companies: where a
/// subscription without a cursor starts.
pub async fn head(db: &impl ConnectionTrait) -> Result<i64, AppError> {
    Ok(tenancy::event_head(db).await?)
}

/// The highest position retention has pruned: a cursor below it cannot resume.
pub async fn pruned_through(db: &impl ConnectionTrait) -> Result<i64, AppError> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT pruned_through FROM event_log WHERE id = 1",
        ))
        .await?;
    Ok(match row {
        Some(row) => row.try_get_by_index::<i64>(0)?,
        None => 0,
    })
}

/// Deletes at most `limit` events older than `cutoff`, oldest first, and moves the pruned
/// position forward; returns how many it deleted.
pub async fn prune(
    db: &DatabaseConnection,
    cutoff: chrono::DateTime<chrono::Utc>,
    limit: u64,
) -> Result<u64, AppError> {
    let txn = db.begin().await?;
    let (deleted, through) = tenancy::prune_events(&txn, cutoff, limit).await?;
    if let Some(through) = through {
        let backend = txn.get_database_backend();
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            match backend {
                DbBackend::Postgres => {
                    "UPDATE event_log SET pruned_through = GREATEST(pruned_through, $1) WHERE id = 1"
                }
                _ => "UPDATE event_log SET pruned_through = MAX(pruned_through, $1) WHERE id = 1",
            },
            [through.into()],
        ))
        .await?;
    }
    txn.commit().await?;
    Ok(deleted)
}

/// Which events an audit list holds. Set fields combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    pub conversation_id: Option<Uuid>,
    pub kind_in: Option<Vec<EventKind>>,
    pub actor: Option<String>,
    pub at: Option<super::filters::TimeRange>,
}

impl Filter {
    fn condition(&self) -> sea_orm::Condition {
        let mut c = sea_orm::Condition::all();
        if let Some(id) = self.conversation_id {
            c = c.add(Column::ConversationId.eq(id));
        }
        if let Some(kinds) = &self.kind_in {
            c = c.add(Column::Kind.is_in(kinds.iter().copied()));
        }
        if let Some(actor) = &self.actor {
            c = c.add(Column::Actor.eq(actor.clone()));
        }
        if let Some(at) = &self.at {
            c = c.add(at.condition(sea_orm::sea_query::Expr::col((Entity, Column::At))));
        }
        c
    }
}

/// The log's order: by position, oldest first.
pub fn sort() -> Sort<Model> {
    use sea_orm::sea_query::Expr;
    Sort {
        key: Expr::col((Entity, Column::Position)),
        kind: KeyKind::Int,
        id: Expr::col((Entity, Column::Id)),
        nullable: false,
        desc: false,
        value: |m| SortValue::Int(m.position),
    }
}

/// One page of the viewer's events that `filter` holds, oldest first.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &Filter,
    window: &Keyset,
) -> Result<Page<Model>, AppError> {
    page::page(
        db,
        scoped::<Entity>(viewer).filter(filter.condition()),
        &sort(),
        window,
    )
    .await
}

pub async fn count(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &Filter,
) -> Result<u64, AppError> {
    Ok(scoped::<Entity>(viewer)
        .filter(filter.condition())
        .count(db)
        .await?)
}

/// One item of a conversation's timeline.
#[derive(Debug, Clone)]
pub enum TimelineItem {
    Message(entity::message::Model),
    Call(entity::call::Model),
    Event(Model),
}

impl TimelineItem {
    /// Its place in the timeline: its time (a message's sentAt, a call's createdAt, an
    /// event's at) and its id (unique across every table).
    pub fn position(&self) -> Position {
        let (at, id) = match self {
            TimelineItem::Message(m) => (m.sent_at, m.id),
            TimelineItem::Call(c) => (c.created_at, c.id),
            TimelineItem::Event(e) => (e.at, e.id),
        };
        Position {
            key: SortValue::Time(at),
            id,
        }
    }
}

/// The kinds the timeline shows as events: a message's or call's creation is the message
/// or call itself.
const TIMELINE_KINDS: &[EventKind] = &[
    EventKind::ConversationCreated,
    EventKind::ConversationUpdated,
    EventKind::MessageDeleted,
    EventKind::CallUpdated,
    EventKind::CallDeleted,
];

/// One page of a conversation's timeline, newest first: its messages, its calls and its
/// events, merged. Each source is read as a page of the same window (at most `limit` + 1
/// rows past the cursor, on its own index) and the three are merged by (time, id).
pub async fn timeline(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    conversation: Uuid,
    window: &Keyset,
) -> Result<Page<TimelineItem>, AppError> {
    use entity::{call, message};
    use sea_orm::sea_query::Expr;
    let messages = page::page(
        db,
        scoped::<message::Entity>(viewer).filter(message::Column::ConversationId.eq(conversation)),
        &Sort {
            key: Expr::col((message::Entity, message::Column::SentAt)),
            kind: KeyKind::Time,
            id: Expr::col((message::Entity, message::Column::Id)),
            nullable: false,
            desc: true,
            value: |m: &message::Model| SortValue::Time(m.sent_at),
        },
        window,
    )
    .await?;
    let calls = page::page(
        db,
        scoped::<call::Entity>(viewer).filter(call::Column::ConversationId.eq(conversation)),
        &Sort {
            key: Expr::col((call::Entity, call::Column::CreatedAt)),
            kind: KeyKind::Time,
            id: Expr::col((call::Entity, call::Column::Id)),
            nullable: false,
            desc: true,
            value: |c: &call::Model| SortValue::Time(c.created_at),
        },
        window,
    )
    .await?;
    let events = page::page(
        db,
        scoped::<Entity>(viewer)
            .filter(Column::ConversationId.eq(conversation))
            .filter(Column::Kind.is_in(TIMELINE_KINDS.iter().copied())),
        &Sort {
            key: Expr::col((Entity, Column::At)),
            kind: KeyKind::Time,
            id: Expr::col((Entity, Column::Id)),
            nullable: false,
            desc: true,
            value: |e: &Model| SortValue::Time(e.at),
        },
        window,
    )
    .await?;
    let more_before = messages.has_previous || calls.has_previous || events.has_previous;
    let more_after = messages.has_next || calls.has_next || events.has_next;
    let mut items: Vec<TimelineItem> = messages
        .items
        .into_iter()
        .map(TimelineItem::Message)
        .chain(calls.items.into_iter().map(TimelineItem::Call))
        .chain(events.items.into_iter().map(TimelineItem::Event))
        .collect();
    // Newest first: by time, then id, both descending.
    items.sort_by(|a, b| {
        let (a, b) = (a.position(), b.position());
        (&b.key, b.id).cmp_key().cmp(&(&a.key, a.id).cmp_key())
    });
    let limit = usize::try_from(window.limit).unwrap_or(usize::MAX);
    let cut = items.len() > limit;
    if window.from_end {
        // The last `limit` of the window.
        let drop = items.len().saturating_sub(limit);
        items.drain(..drop);
        Ok(Page {
            items,
            has_previous: cut || more_before,
            has_next: window.before.is_some(),
        })
    } else {
        items.truncate(limit);
        Ok(Page {
            items,
            has_previous: window.after.is_some(),
            has_next: cut || more_after,
        })
    }
}

/// How many items a conversation's timeline holds.
pub async fn count_timeline(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    conversation: Uuid,
) -> Result<u64, AppError> {
    use entity::{call, message};
    let messages = scoped::<message::Entity>(viewer)
        .filter(message::Column::ConversationId.eq(conversation))
        .count(db)
        .await?;
    let calls = scoped::<call::Entity>(viewer)
        .filter(call::Column::ConversationId.eq(conversation))
        .count(db)
        .await?;
    let events = scoped::<Entity>(viewer)
        .filter(Column::ConversationId.eq(conversation))
        .filter(Column::Kind.is_in(TIMELINE_KINDS.iter().copied()))
        .count(db)
        .await?;
    Ok(messages + calls + events)
}

/// A timeline position as something that orders: time, then id.
trait CmpKey {
    fn cmp_key(&self) -> (i64, Uuid);
}

impl CmpKey for (&SortValue, Uuid) {
    fn cmp_key(&self) -> (i64, Uuid) {
        match self.0 {
            SortValue::Time(t) => (t.timestamp_micros(), self.1),
            _ => (i64::MIN, self.1),
        }
    }
}
