//! DataLoaders: every relation resolves through one per-request `AppLoader`, which knows the
//! request's company and batches keys into one statement per kind (and per distinct page
//! arguments for nested lists). Nothing is cached across requests.

use crate::auth::Viewer;
use crate::error::AppError;
use crate::graphql::pagination::shared;
use crate::services::conversations::{self, Parent};
use crate::services::page::{Keyset, Page};
use crate::services::tenancy::{self, CompanyOwned};
use crate::services::{calls, messages};
use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};
use entity::{call, conversation, message};
use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use futures_util::stream::FuturesUnordered;
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::task::{Context as TaskContext, Poll, Wake, Waker};
use std::time::Duration;
use tokio::sync::mpsc;
use uuid::Uuid;

/// Loads on behalf of one request's viewer.
pub struct AppLoader {
    db: DatabaseConnection,
    viewer: Viewer,
}

/// A loader for a WebSocket connection's subscriptions, whose batches run as tasks of
/// their own: an event's selection is resolved inside async-graphql's stream, where no
/// request-scoped driver (`with_loader`) can reach. It caches nothing, so each event reads
/// its relations as they are then.
pub fn spawned_loader(db: DatabaseConnection, viewer: Viewer) -> Arc<DataLoader<AppLoader>> {
    Arc::new(DataLoader::new(AppLoader { db, viewer }, tokio::spawn))
}

/// Runs `work` (a request's execution) with a fresh loader whose batches are driven by the
/// same task, never spawned. A batch is only polled, and its window only opens, once the
/// executor is truly waiting (on the database or on a batch), not when it merely yields to
/// be fair (async-graphql's list resolution yields every few dozen items). So every key a
/// resolution pass asks for (all contacts of a page, say) lands in one batch, whatever the
/// page size or the machine's load; a timer would split batches whenever a pass runs long.
pub async fn with_loader<W, F>(db: DatabaseConnection, viewer: Viewer, work: W) -> F::Output
where
    W: FnOnce(Arc<DataLoader<AppLoader>>) -> F,
    F: Future,
{
    let (spawn, mut spawned) = mpsc::unbounded_channel::<BoxFuture<'static, ()>>();
    let loader = DataLoader::new(AppLoader { db, viewer }, move |batch| {
        // The receiver lives as long as `work`, which owns the loader; a send cannot fail
        // while anyone can still wait for the batch.
        let _ = spawn.send(batch);
    })
    .delay(Duration::ZERO);
    let mut work = std::pin::pin!(work(Arc::new(loader)));
    let mut batches = FuturesUnordered::new();
    std::future::poll_fn(move |cx| {
        // Self-wakes in a row before handing back to the runtime: tokio's cooperative
        // budget only refills there, and a resource out of budget wakes the task at once.
        let mut spins = 0;
        loop {
            let flag = Arc::new(WakeFlag {
                woken: AtomicBool::new(false),
                parent: cx.waker().clone(),
            });
            let waker = Waker::from(flag.clone());
            if let Poll::Ready(out) = work.as_mut().poll(&mut TaskContext::from_waker(&waker)) {
                return Poll::Ready(out);
            }
            while let Ok(batch) = spawned.try_recv() {
                batches.push(batch);
            }
            if flag.woken.swap(false, AtomicOrdering::SeqCst) {
                spins += 1;
                // Out of budget, every further poll would only wake itself again: hand back
                // to the runtime at once (execution yields at every charged field, so this
                // is how a busy request lets the watchdog and other requests run).
                if spins > 64 || !tokio::task::coop::has_budget_remaining() {
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                continue; // it only yielded: let it register the rest of its keys first
            }
            while let Poll::Ready(Some(())) = batches.poll_next_unpin(cx) {}
            if !flag.woken.load(AtomicOrdering::SeqCst) {
                return Poll::Pending;
            }
        }
    })
    .await
}

/// A waker that notes it was woken, then wakes the task.
struct WakeFlag {
    woken: AtomicBool,
    parent: Waker,
}

impl Wake for WakeFlag {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, AtomicOrdering::SeqCst);
        self.parent.wake_by_ref();
    }
}

/// The request's loader, from the context.
pub fn loader<'a>(ctx: &Context<'a>) -> &'a DataLoader<AppLoader> {
    ctx.data_unchecked::<Arc<DataLoader<AppLoader>>>()
}

/// A failed batch, shared by every key of the batch: the client's error, made (and an
/// internal cause logged) once per batch, not once per key.
#[derive(Clone, Debug)]
pub struct LoadError(async_graphql::Error);

impl From<AppError> for LoadError {
    fn from(e: AppError) -> Self {
        LoadError(e.to_graphql())
    }
}

impl From<LoadError> for async_graphql::Error {
    fn from(e: LoadError) -> Self {
        e.0
    }
}

/// A row of `E` by id.
pub struct ById<E>(pub Uuid, PhantomData<fn() -> E>);

impl<E> ById<E> {
    pub fn new(id: Uuid) -> Self {
        ById(id, PhantomData)
    }
}
impl<E> Clone for ById<E> {
    fn clone(&self) -> Self {
        ById::new(self.0)
    }
}
impl<E> PartialEq for ById<E> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<E> Eq for ById<E> {}
impl<E> Hash for ById<E> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state)
    }
}

impl<E> Loader<ById<E>> for AppLoader
where
    E: CompanyOwned + Send + Sync + 'static,
    E::Model: Clone + Send + Sync + 'static,
{
    type Value = Arc<E::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[ById<E>]) -> Result<HashMap<ById<E>, Self::Value>, LoadError> {
        let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        let rows = tenancy::by_ids::<E>(&self.db, &self.viewer, &ids).await?;
        Ok(rows
            .into_iter()
            .map(|m| (ById::new(E::id_of(&m)), Arc::new(m)))
            .collect())
    }
}

/// Groups keys that share page arguments: one statement per group.
fn groups<K, G: Hash + Eq>(keys: &[K], split: impl Fn(&K) -> (G, Uuid)) -> HashMap<G, Vec<Uuid>> {
    let mut out: HashMap<G, Vec<Uuid>> = HashMap::new();
    for k in keys {
        let (g, id) = split(k);
        out.entry(g).or_default().push(id);
    }
    out
}

/// A page of a conversation's messages.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct MessagesOf {
    pub conversation: Uuid,
    pub order: messages::Order,
    pub window: Keyset,
}

impl Loader<MessagesOf> for AppLoader {
    type Value = Page<Arc<message::Model>>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[MessagesOf],
    ) -> Result<HashMap<MessagesOf, Self::Value>, LoadError> {
        let mut out = HashMap::new();
        for ((order, window), ids) in
            groups(keys, |k| ((k.order, k.window.clone()), k.conversation))
        {
            let pages = messages::list_by_conversation(
                &self.db,
                &self.viewer,
                &ids,
                &order,
                &window,
                messages::Bodies::default(),
            )
            .await?;
            for (conversation, page) in pages {
                let key = MessagesOf {
                    conversation,
                    order,
                    window: window.clone(),
                };
                out.insert(key, shared(page));
            }
        }
        Ok(out)
    }
}

/// A page of a conversation's calls.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CallsOf {
    pub conversation: Uuid,
    pub order: calls::Order,
    pub window: Keyset,
}

impl Loader<CallsOf> for AppLoader {
    type Value = Page<Arc<call::Model>>;
    type Error = LoadError;

    async fn load(&self, keys: &[CallsOf]) -> Result<HashMap<CallsOf, Self::Value>, LoadError> {
        let mut out = HashMap::new();
        for ((order, window), ids) in
            groups(keys, |k| ((k.order, k.window.clone()), k.conversation))
        {
            let pages = calls::list_by_conversation(
                &self.db,
                &self.viewer,
                &ids,
                &order,
                &window,
                calls::Bodies::default(),
            )
            .await?;
            for (conversation, page) in pages {
                let key = CallsOf {
                    conversation,
                    order,
                    window: window.clone(),
                };
                out.insert(key, shared(page));
            }
        }
        Ok(out)
    }
}

/// A page of a contact's or an inbox's conversations.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ConversationsOf {
    pub parent: Parent,
    pub id: Uuid,
    pub filter: conversations::Filter,
    pub order: conversations::Order,
    pub window: Keyset,
}

type ConversationGroup = (Parent, conversations::Filter, conversations::Order, Keyset);

impl Loader<ConversationsOf> for AppLoader {
    type Value = Page<Arc<conversation::Model>>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[ConversationsOf],
    ) -> Result<HashMap<ConversationsOf, Self::Value>, LoadError> {
        let mut out = HashMap::new();
        let grouped = groups(keys, |k| -> (ConversationGroup, Uuid) {
            (
                (k.parent, k.filter.clone(), k.order, k.window.clone()),
                k.id,
            )
        });
        for ((parent, filter, order, window), ids) in grouped {
            let pages = conversations::list_by_parent(
                &self.db,
                &self.viewer,
                parent,
                &ids,
                &filter,
                &order,
                &window,
            )
            .await?;
            for (id, page) in pages {
                let key = ConversationsOf {
                    parent,
                    id,
                    filter: filter.clone(),
                    order,
                    window: window.clone(),
                };
                out.insert(key, shared(page));
            }
        }
        Ok(out)
    }
}

/// How many rows a nested list holds in all.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum CountOf {
    Messages(Uuid),
    Calls(Uuid),
    Conversations {
        parent: Parent,
        id: Uuid,
        filter: Box<conversations::Filter>,
    },
}

impl Loader<CountOf> for AppLoader {
    type Value = u64;
    type Error = LoadError;

    async fn load(&self, keys: &[CountOf]) -> Result<HashMap<CountOf, u64>, LoadError> {
        #[derive(Hash, PartialEq, Eq)]
        enum Group {
            Messages,
            Calls,
            Conversations(Parent, Box<conversations::Filter>),
        }
        let grouped = groups(keys, |k| match k {
            CountOf::Messages(id) => (Group::Messages, *id),
            CountOf::Calls(id) => (Group::Calls, *id),
            CountOf::Conversations { parent, id, filter } => {
                (Group::Conversations(*parent, filter.clone()), *id)
            }
        });
        let mut out = HashMap::new();
        for (group, ids) in grouped {
            match group {
                Group::Messages => {
                    let counts =
                        messages::count_by_conversation(&self.db, &self.viewer, &ids).await?;
                    out.extend(counts.into_iter().map(|(id, n)| (CountOf::Messages(id), n)));
                }
                Group::Calls => {
                    let counts = calls::count_by_conversation(&self.db, &self.viewer, &ids).await?;
                    out.extend(counts.into_iter().map(|(id, n)| (CountOf::Calls(id), n)));
                }
                Group::Conversations(parent, filter) => {
                    let counts = conversations::count_by_parent(
                        &self.db,
                        &self.viewer,
                        parent,
                        &ids,
                        &filter,
                    )
                    .await?;
                    out.extend(counts.into_iter().map(|(id, n)| {
                        let key = CountOf::Conversations {
                            parent,
                            id,
                            filter: filter.clone(),
                        };
                        (key, n)
                    }));
                }
            }
        }
        Ok(out)
    }
}

/// The task or session ids linked to a conversation.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum LinksOf {
    Tasks(Uuid),
    Sessions(Uuid),
}

impl Loader<LinksOf> for AppLoader {
    type Value = Vec<Uuid>;
    type Error = LoadError;

    async fn load(&self, keys: &[LinksOf]) -> Result<HashMap<LinksOf, Vec<Uuid>>, LoadError> {
        let tasks: Vec<Uuid> = keys
            .iter()
            .filter_map(|k| match k {
                LinksOf::Tasks(id) => Some(*id),
                _ => None,
            })
            .collect();
        let sessions: Vec<Uuid> = keys
            .iter()
            .filter_map(|k| match k {
                LinksOf::Sessions(id) => Some(*id),
                _ => None,
            })
            .collect();
        let mut out = HashMap::new();
        if !tasks.is_empty() {
            let found = conversations::task_ids(&self.db, &self.viewer, &tasks).await?;
            out.extend(found.into_iter().map(|(id, v)| (LinksOf::Tasks(id), v)));
        }
        if !sessions.is_empty() {
            let found = conversations::session_ids(&self.db, &self.viewer, &sessions).await?;
            out.extend(found.into_iter().map(|(id, v)| (LinksOf::Sessions(id), v)));
        }
        Ok(out)
    }
}
