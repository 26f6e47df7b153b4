//! Live updates: one reader of the event log per process (the hub), the subscriptions that
//! follow it, and the pruning of old events.
//!
//! The hub reads the log by position, from where it last stopped, whenever it is woken (a
//! write of this process commits; on PostgreSQL, any instance's write NOTIFYs) and at
//! least every `event_poll_interval`. What it reads it broadcasts as one batch to every
//! subscription of the process; each keeps the events of its own company. A wake-up only
//! says "read now": a lost one delays events by at most the interval, never loses them.
//!
//! A subscription with a cursor first reads what it missed from the log itself, then
//! follows the broadcast, skipping what it has already delivered; it joins the broadcast
//! before reading, so nothing committed in between is missed. The broadcast holds
//! `subscription_buffer` batches: a subscriber that falls further behind (its client does
//! not read) is ended with SUBSCRIBER_TOO_SLOW and resumes from its last cursor, so memory
//! stays bounded whatever the clients do.
//!
//! Filters are decided per batch and company in one statement for every distinct filter
//! the company's subscriptions follow, however many share each, by
//! `services::conversations::matching`: the same condition a list uses, applied to the
//! conversation as the write left it, and as it was before. The decisions cover all of the
//! batch's events of the company; each subscription then keeps those after its own place.

use crate::auth::Viewer;
use crate::error::AppError;
use crate::graphql::limits::Limits;
use crate::services::conversations::{self, Filter};
use crate::services::{events, tenancy};
use entity::EventKind;
use entity::conversation_event::Model;
use sea_orm::{DatabaseConnection, DbBackend};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use tokio::sync::{OnceCell, broadcast};
use uuid::Uuid;

/// Events the hub reads in one statement.
const TAIL_BATCH: u64 = 1_000;
/// Events a resuming subscription reads from the log in one statement.
const REPLAY_BATCH: u64 = 500;

/// How an event reaches a subscription with a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// As what it is.
    As(EventKind),
    /// An update after which the conversation no longer matches the filter.
    LeftFilter,
    /// An update after which the conversation matches the filter and did not before.
    EnteredFilter,
}

/// One event as a subscription receives it.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub event: Arc<Model>,
    pub delivery: Delivery,
}

type Decisions = HashMap<i64, Delivery>;

/// A company's decisions for a batch, one per filter its subscriptions followed when the
/// first of them asked, made at once.
type Decided = Arc<OnceCell<HashMap<Filter, Arc<Decisions>>>>;

/// What the hub read in one go, for every company.
pub struct Batch {
    events: Vec<Arc<Model>>,
    /// Each company's decisions, made by the first of its subscriptions that asks.
    decided: Mutex<HashMap<Uuid, Decided>>,
}

/// The process's reader of the event log.
pub struct Hub {
    db: DatabaseConnection,
    limits: Arc<Limits>,
    sender: broadcast::Sender<Arc<Batch>>,
    started: OnceCell<()>,
    /// Open subscriptions per company.
    open: Mutex<HashMap<Uuid, usize>>,
    /// The filters open subscriptions follow, per company, with how many follow each.
    filters: Mutex<HashMap<Uuid, HashMap<Filter, usize>>>,
}

/// A subscription's filter among those its company follows; dropping it lets go.
struct Following {
    hub: Arc<Hub>,
    company: Uuid,
    filter: Filter,
}

impl Drop for Following {
    fn drop(&mut self) {
        let mut filters = self.hub.filters.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(of_company) = filters.get_mut(&self.company) {
            if let Some(n) = of_company.get_mut(&self.filter) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    of_company.remove(&self.filter);
                }
            }
            if of_company.is_empty() {
                filters.remove(&self.company);
            }
        }
    }
}

/// An open subscription's place in the per-company count (and its connection's, when
/// given); dropping it frees both.
pub struct Slot {
    hub: Arc<Hub>,
    company: Uuid,
    connection: Option<Arc<std::sync::atomic::AtomicUsize>>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.hub.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.company) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.company);
            }
        }
        if let Some(connection) = &self.connection {
            connection.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

impl Hub {
    pub fn new(db: DatabaseConnection, limits: Arc<Limits>) -> Arc<Hub> {
        let (sender, _) = broadcast::channel(limits.subscription_buffer.max(1));
        Arc::new(Hub {
            db,
            limits,
            sender,
            started: OnceCell::new(),
            open: Mutex::new(HashMap::new()),
            filters: Mutex::new(HashMap::new()),
        })
    }

    /// Counts `filter` among those `company` follows while the guard lives.
    fn following(self: &Arc<Self>, company: Uuid, filter: &Filter) -> Following {
        let mut filters = self.filters.lock().unwrap_or_else(|e| e.into_inner());
        *filters
            .entry(company)
            .or_default()
            .entry(filter.clone())
            .or_insert(0) += 1;
        Following {
            hub: self.clone(),
            company,
            filter: filter.clone(),
        }
    }

    /// The filters `company`'s open subscriptions follow.
    fn filters_of(&self, company: Uuid) -> Vec<Filter> {
        let filters = self.filters.lock().unwrap_or_else(|e| e.into_inner());
        filters
            .get(&company)
            .map(|f| f.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Open subscriptions of `company` on this instance.
    pub fn open_of(&self, company: Uuid) -> usize {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.get(&company).copied().unwrap_or(0)
    }

    /// Takes a subscription's place for `company` (and on `connection`), or refuses when
    /// either is full.
    pub fn reserve(
        self: &Arc<Self>,
        company: Uuid,
        connection: Option<Arc<std::sync::atomic::AtomicUsize>>,
    ) -> Result<Slot, AppError> {
        use std::sync::atomic::Ordering;
        if let Some(connection) = &connection {
            let max = self.limits.max_subscriptions_per_connection;
            if connection
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                    (n < max).then_some(n + 1)
                })
                .is_err()
            {
                return Err(AppError::TooManySubscriptions(format!(
                    "this connection has {max} open subscriptions, the most it may; \
                     complete one first"
                )));
            }
        }
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let n = open.entry(company).or_insert(0);
        let max = self.limits.max_subscriptions_per_company;
        if *n >= max {
            if let Some(connection) = &connection {
                connection.fetch_sub(1, Ordering::Relaxed);
            }
            return Err(AppError::TooManySubscriptions(format!(
                "the company has {max} open subscriptions on this server, the most it may"
            )));
        }
        *n += 1;
        Ok(Slot {
            hub: self.clone(),
            company,
            connection,
        })
    }

    /// Joins the broadcast, starting the reader the first time.
    async fn join(self: &Arc<Self>) -> Result<broadcast::Receiver<Arc<Batch>>, AppError> {
        let receiver = self.sender.subscribe();
        self.started
            .get_or_try_init(|| async {
                let from = events::head(&self.db).await?;
                tokio::spawn(read_log(Arc::downgrade(self), from));
                Ok::<(), AppError>(())
            })
            .await?;
        Ok(receiver)
    }

    /// The events of the viewer's company after `after` (or, without it, from now on)
    /// that `filter` lets through, each with how it is delivered: first those already in
    /// the log, then as they are written. Ends with an error when the cursor is older than
    /// retention or the subscriber falls too far behind.
    pub fn follow(
        self: Arc<Self>,
        viewer: Viewer,
        filter: Option<Filter>,
        after: Option<i64>,
        slot: Slot,
    ) -> impl futures_util::Stream<Item = Result<Delivered, AppError>> + Send + 'static {
        async_stream::try_stream! {
            let _slot = slot;
            let _following = filter.as_ref().map(|f| self.following(viewer.company_id, f));
            let mut receiver = self.join().await?;
            let mut position = match after {
                Some(after) => {
                    if after < events::pruned_through(&self.db).await? {
                        Err(AppError::CursorExpired)?;
                    }
                    // What was written since the cursor, from the log.
                    let mut position = after;
                    loop {
                        let missed = events::after(&self.db, &viewer, position, REPLAY_BATCH).await?;
                        let Some(last) = missed.last() else { break };
                        position = last.position;
                        let full = missed.len() as u64 == REPLAY_BATCH;
                        let missed: Vec<Arc<Model>> = missed.into_iter().map(Arc::new).collect();
                        let decisions = match &filter {
                            Some(filter) => decide(&self.db, &viewer, &[filter], &missed).await?.remove(0),
                            None => unfiltered(&missed),
                        };
                        for delivered in deliveries(&missed, &decisions) {
                            yield delivered;
                        }
                        if !full { break; }
                    }
                    position
                }
                None => events::head(&self.db).await?,
            };
            loop {
                let batch = match receiver.recv().await {
                    Ok(batch) => batch,
                    Err(broadcast::error::RecvError::Lagged(behind)) => {
                        Err(AppError::TooSlow(usize::try_from(behind).unwrap_or(usize::MAX)))?;
                        unreachable!()
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                };
                let mine: Vec<Arc<Model>> = batch
                    .events
                    .iter()
                    .filter(|e| e.company_id == viewer.company_id && e.position > position)
                    .cloned()
                    .collect();
                let Some(last) = mine.last() else { continue };
                position = last.position;
                let decisions = match &filter {
                    Some(filter) => batch.decide(&self, &viewer, filter).await?,
                    None => Arc::new(unfiltered(&mine)),
                };
                for delivered in deliveries(&mine, &decisions) {
                    yield delivered;
                }
            }
        }
    }
}

impl Batch {
    /// The decisions for `filter` over this batch's events of the viewer's company. The
    /// first subscription of the company to ask decides every filter the company follows
    /// in one statement; a filter that began to be followed after that is decided alone.
    async fn decide(
        &self,
        hub: &Hub,
        viewer: &Viewer,
        filter: &Filter,
    ) -> Result<Arc<Decisions>, AppError> {
        let company = viewer.company_id;
        let events = || -> Vec<Arc<Model>> {
            self.events
                .iter()
                .filter(|e| e.company_id == company)
                .cloned()
                .collect()
        };
        let cell = {
            let mut decided = self.decided.lock().unwrap_or_else(|e| e.into_inner());
            decided.entry(company).or_default().clone()
        };
        let all = cell
            .get_or_try_init(|| async {
                let filters = hub.filters_of(company);
                let refs: Vec<&Filter> = filters.iter().collect();
                let decided = decide(&hub.db, viewer, &refs, &events()).await?;
                Ok::<_, AppError>(
                    filters
                        .into_iter()
                        .zip(decided.into_iter().map(Arc::new))
                        .collect(),
                )
            })
            .await?;
        match all.get(filter) {
            Some(decisions) => Ok(decisions.clone()),
            None => Ok(Arc::new(
                decide(&hub.db, viewer, &[filter], &events())
                    .await?
                    .remove(0),
            )),
        }
    }
}

/// The events of `events` that `decisions` lets through, in order.
fn deliveries<'a>(
    events: &'a [Arc<Model>],
    decisions: &'a Decisions,
) -> impl Iterator<Item = Delivered> + 'a {
    events.iter().filter_map(|event| {
        decisions.get(&event.position).map(|delivery| Delivered {
            event: event.clone(),
            delivery: *delivery,
        })
    })
}

/// Every event, as what it is: what a subscription without a filter receives.
fn unfiltered(events: &[Arc<Model>]) -> Decisions {
    events
        .iter()
        .map(|e| (e.position, Delivery::As(e.kind)))
        .collect()
}

/// How each of `events` (all of the viewer's company) reaches a subscription with each of
/// `filters` (in order); an event left out is not delivered.
///
/// Only events about a conversation are, by whether the conversation matches before and
/// after the write: as the write left it (the event's state; for an event without one, a
/// message's delete or a call's change, the conversation as it is now), and for an update
/// also as it was before (the state with each changed field's old value). An update is
/// delivered as itself when both match, as LEFT_FILTER or ENTERED_FILTER when one does; a
/// create when the new conversation matches; a delete when the deleted conversation did.
async fn decide(
    db: &DatabaseConnection,
    viewer: &Viewer,
    filters: &[&Filter],
    events: &[Arc<Model>],
) -> Result<Vec<Decisions>, AppError> {
    if filters.is_empty() {
        return Ok(Vec::new());
    }
    // The conversations of events that carry no state, as they are now.
    let stateless: Vec<Uuid> = events
        .iter()
        .filter(|e| e.state.is_none())
        .filter_map(|e| e.conversation_id)
        .collect();
    let current: HashMap<Uuid, entity::conversation::Model> =
        tenancy::by_ids::<entity::conversation::Entity>(db, viewer, &stateless)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
    // Tags: 2 * position for the conversation before the write, 2 * position + 1 after.
    let mut rows: Vec<(i64, entity::conversation::Model)> = Vec::new();
    for event in events {
        let Some(conversation) = event.conversation_id else {
            continue;
        };
        let (before, after) = (2 * event.position, 2 * event.position + 1);
        match event.kind {
            EventKind::ConversationUpdated => {
                if let Some(state) = events::state_before(event) {
                    rows.push((before, state));
                }
                if let Some(state) = events::state_after(event) {
                    rows.push((after, state));
                }
            }
            EventKind::ConversationDeleted => {
                if let Some(state) = events::state_after(event) {
                    rows.push((before, state));
                }
            }
            _ => {
                let state =
                    events::state_after(event).or_else(|| current.get(&conversation).cloned());
                if let Some(state) = state {
                    rows.push((after, state));
                }
            }
        }
    }
    let refs: Vec<(i64, &entity::conversation::Model)> =
        rows.iter().map(|(t, m)| (*t, m)).collect();
    let matched = conversations::matching(db, viewer, filters, &refs).await?;
    Ok(matched
        .iter()
        .map(|matched| {
            let mut decisions = Decisions::new();
            for event in events {
                let before = matched.contains(&(2 * event.position));
                let after = matched.contains(&(2 * event.position + 1));
                let delivery = match event.kind {
                    EventKind::ConversationUpdated => match (before, after) {
                        (true, true) => Some(Delivery::As(event.kind)),
                        (true, false) => Some(Delivery::LeftFilter),
                        (false, true) => Some(Delivery::EnteredFilter),
                        (false, false) => None,
                    },
                    EventKind::ConversationDeleted => before.then_some(Delivery::As(event.kind)),
                    _ => after.then_some(Delivery::As(event.kind)),
                };
                if let Some(delivery) = delivery {
                    decisions.insert(event.position, delivery);
                }
            }
            decisions
        })
        .collect())
}

/// The hub's reader: reads the log after `position` whenever woken, and broadcasts what
/// it read; ends when the hub is gone.
async fn read_log(hub: Weak<Hub>, mut position: i64) {
    let mut woken = events::woken();
    let (db, interval) = match hub.upgrade() {
        Some(hub) => (hub.db.clone(), hub.limits.event_poll_interval),
        None => return,
    };
    let mut listener = listen(&db).await;
    loop {
        loop {
            let rows = match tenancy::event_tail(&db, position, TAIL_BATCH).await {
                Ok(rows) => rows,
                Err(error) => {
                    tracing::warn!(%error, "reading the event log failed; retrying");
                    break;
                }
            };
            let Some(last) = rows.last() else { break };
            position = last.position;
            let full = rows.len() as u64 == TAIL_BATCH;
            let Some(hub) = hub.upgrade() else { return };
            let batch = Batch {
                events: rows.into_iter().map(Arc::new).collect(),
                decided: Mutex::new(HashMap::new()),
            };
            // No receiver is no error: nobody is subscribed right now.
            let _ = hub.sender.send(Arc::new(batch));
            if !full {
                break;
            }
        }
        if hub.strong_count() == 0 {
            return;
        }
        let notified = async {
            match &mut listener {
                Some(listener) => {
                    if let Err(error) = listener.recv().await {
                        tracing::warn!(%error, "LISTEN connection lost; polling until it is back");
                        tokio::time::sleep(interval).await;
                    }
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = woken.changed() => {}
            _ = notified => {}
            _ = tokio::time::sleep(interval) => {}
        }
    }
}

/// On PostgreSQL, a connection that LISTENs for other instances' appends.
async fn listen(db: &DatabaseConnection) -> Option<sea_orm::sqlx::postgres::PgListener> {
    if db.get_database_backend() != DbBackend::Postgres {
        return None;
    }
    let pool = db.get_postgres_connection_pool();
    let mut listener = match sea_orm::sqlx::postgres::PgListener::connect_with(pool).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::warn!(%error, "cannot LISTEN for events; polling instead");
            return None;
        }
    };
    match listener.listen(events::CHANNEL).await {
        Ok(()) => Some(listener),
        Err(error) => {
            tracing::warn!(%error, "cannot LISTEN for events; polling instead");
            None
        }
    }
}

/// Prunes events older than retention, once a minute, at most `event_prune_batch` a run.
pub async fn prune_forever(db: DatabaseConnection, limits: Arc<Limits>) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        let Ok(retention) = chrono::TimeDelta::from_std(limits.event_retention) else {
            continue;
        };
        let cutoff = crate::services::now() - retention;
        match events::prune(&db, cutoff, limits.event_prune_batch).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(pruned = n, "pruned events past retention"),
            Err(error) => tracing::warn!(?error, "pruning events failed"),
        }
    }
}
