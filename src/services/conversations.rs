//! Conversations: the filter of every replaced API, the orderings, lookups and pages,
//! always within the viewer's company.

use super::filters::{TimeRange, complement, equals_folded, never, phone_contains};
use super::page::{self, KeyKind, Keyset, Page, Sort, SortValue};
use super::tenancy::{CompanyOwned, Scoped, joined, scoped, scoped_sub_select};
use crate::auth::Viewer;
use crate::error::AppError;
use entity::conversation::{Column, Entity, Model};
use entity::{Channel, ConversationStatus, Priority, Responder, Source};
use entity::{agent, call, contact, conversation_session, conversation_task, inbox, message};
use sea_orm::sea_query::{Alias, Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, FromQueryResult, QueryResult,
};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// Which conversations a list holds. Set fields combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    pub inbox_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub agent_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub unassigned: Option<bool>,
    pub campaign_id: Option<Uuid>,
    pub listing_id: Option<Uuid>,
    pub task_id: Option<Uuid>,
    pub session_id: Option<Uuid>,
    pub status_in: Option<Vec<ConversationStatus>>,
    pub priority_in: Option<Vec<Priority>>,
    pub channel_in: Option<Vec<Channel>>,
    pub source: Option<Source>,
    pub is_chat_opened: Option<bool>,
    pub is_simulation: Option<bool>,
    pub responded_by: Option<Responder>,
    /// Digits only; the contact's phone digits contain them.
    pub contact_phone_digits: Option<String>,
    pub contact_email: Option<String>,
    pub created_at: Option<TimeRange>,
    pub updated_at: Option<TimeRange>,
    pub last_message_at: Option<TimeRange>,
    pub and: Vec<Filter>,
    pub or: Option<Vec<Filter>>,
    pub not: Option<Box<Filter>>,
}

impl Filter {
    /// The SQL condition; its sub-selects are scoped to the viewer's company as well.
    pub fn condition(&self, viewer: &Viewer) -> Condition {
        let mut c = Condition::all();
        let eq = |c: Condition, col: Column, v: Option<Uuid>| match v {
            Some(v) => c.add(col.eq(v)),
            None => c,
        };
        c = eq(c, Column::InboxId, self.inbox_id);
        c = eq(c, Column::ContactId, self.contact_id);
        c = eq(c, Column::AgentId, self.agent_id);
        c = eq(c, Column::AssigneeId, self.assignee_id);
        c = eq(c, Column::ListingId, self.listing_id);
        if let Some(unassigned) = self.unassigned {
            c = c.add(if unassigned {
                Column::AssigneeId.is_null()
            } else {
                Column::AssigneeId.is_not_null()
            });
        }
        if let Some(campaign) = self.campaign_id {
            let via_calls =
                scoped_sub_select::<call::Entity>(viewer, Expr::col(call::Column::ConversationId))
                    .and_where(call::Column::CampaignId.eq(campaign));
            c = c.add(
                Condition::any()
                    .add(Column::CampaignId.eq(campaign))
                    .add(Column::Id.in_subquery(via_calls.into_statement())),
            );
        }
        if let Some(task) = self.task_id {
            let tasks = scoped_sub_select::<conversation_task::Entity>(
                viewer,
                Expr::col(conversation_task::Column::ConversationId),
            )
            .and_where(conversation_task::Column::TaskId.eq(task));
            c = c.add(Column::Id.in_subquery(tasks.into_statement()));
        }
        if let Some(session) = self.session_id {
            let sessions = scoped_sub_select::<conversation_session::Entity>(
                viewer,
                Expr::col(conversation_session::Column::ConversationId),
            )
            .and_where(conversation_session::Column::SessionId.eq(session));
            c = c.add(Column::Id.in_subquery(sessions.into_statement()));
        }
        if let Some(list) = &self.status_in {
            c = c.add(Column::Status.is_in(list.iter().copied()));
        }
        if let Some(list) = &self.priority_in {
            c = c.add(Column::Priority.is_in(list.iter().copied()));
        }
        if let Some(list) = &self.channel_in {
            c = c.add(Column::Channel.is_in(list.iter().copied()));
        }
        if let Some(v) = self.source {
            c = c.add(Column::Source.eq(v));
        }
        if let Some(v) = self.is_chat_opened {
            c = c.add(Column::IsChatOpened.eq(v));
        }
        if let Some(v) = self.is_simulation {
            c = c.add(Column::IsSimulation.eq(v));
        }
        if let Some(v) = self.responded_by {
            c = c.add(Column::RespondedBy.eq(v));
        }
        let contacts_where = |cond: sea_orm::sea_query::SimpleExpr| {
            scoped_sub_select::<contact::Entity>(viewer, Expr::col(contact::Column::Id))
                .and_where(cond)
                .into_statement()
        };
        if let Some(digits) = &self.contact_phone_digits {
            // The phone's digits are an expression no index serves, and a substring of a
            // few digits matches many contacts: it is computed for the conversations the
            // other conditions leave, one contact each by key (a scalar sub-select, which
            // the planner never turns into a join over all the company's contacts).
            let phone = scoped_sub_select::<contact::Entity>(
                viewer,
                Expr::col((contact::Entity, contact::Column::PhoneNumber)),
            )
            .and_where(
                Expr::col((contact::Entity, contact::Column::Id))
                    .equals((Entity, Column::ContactId)),
            );
            let phone = Expr::SubQuery(None, Box::new(phone.into_statement().into()));
            c = c.add(phone_contains(phone, digits));
        }
        if let Some(email) = &self.contact_email {
            let col = Expr::col((contact::Entity, contact::Column::EmailFolded));
            c = c.add(Column::ContactId.in_subquery(contacts_where(equals_folded(col, email))));
        }
        let ranges = [
            (&self.created_at, Column::CreatedAt),
            (&self.updated_at, Column::UpdatedAt),
            (&self.last_message_at, Column::LastMessageAt),
        ];
        for (range, col) in ranges {
            if let Some(range) = range {
                c = c.add(range.condition(Expr::col((Entity, col))));
            }
        }
        for sub in &self.and {
            c = c.add(sub.condition(viewer));
        }
        if let Some(any) = &self.or {
            c = c.add(if any.is_empty() {
                Condition::all().add(never())
            } else {
                any.iter()
                    .fold(Condition::any(), |acc, f| acc.add(f.condition(viewer)))
            });
        }
        if let Some(not) = &self.not {
            c = c.add(complement(not.condition(viewer)));
        }
        c
    }
}

/// The orderings of a conversation list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OrderField {
    CreatedAt,
    #[default]
    UpdatedAt,
    LastMessageAt,
    Priority,
}

/// An ordering with its direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Order {
    pub field: OrderField,
    pub desc: bool,
}

impl Default for Order {
    fn default() -> Self {
        Order {
            field: OrderField::UpdatedAt,
            desc: true,
        }
    }
}

impl Order {
    /// A stable name, carried in cursors so a cursor only fits its own ordering.
    pub fn name(&self) -> String {
        format!(
            "conversation:{:?}:{}",
            self.field,
            if self.desc { "desc" } else { "asc" }
        )
    }

    pub fn sort(&self) -> Sort<Model> {
        let col = |c: Column| Expr::col((Entity, c));
        let (key, nullable, value): (Expr, bool, fn(&Model) -> SortValue) = match self.field {
            OrderField::CreatedAt => (col(Column::CreatedAt), false, |m| m.created_at.into()),
            OrderField::UpdatedAt => (col(Column::UpdatedAt), false, |m| m.updated_at.into()),
            OrderField::LastMessageAt => (col(Column::LastMessageAt), true, |m| {
                m.last_message_at.into()
            }),
            OrderField::Priority => (priority_rank(), false, |m| {
                SortValue::Int(m.priority.rank().into())
            }),
        };
        let kind = match self.field {
            OrderField::Priority => KeyKind::Int,
            _ => KeyKind::Time,
        };
        Sort {
            key,
            kind,
            id: col(Column::Id),
            nullable,
            desc: self.desc,
            value,
        }
    }
}

/// LOW = 0 ... URGENT = 3, as SQL.
fn priority_rank() -> Expr {
    let col = Expr::col((Entity, Column::Priority));
    Expr::case(col.clone().eq(Priority::Low), 0)
        .case(col.clone().eq(Priority::Medium), 1)
        .case(col.eq(Priority::High), 2)
        .finally(3)
        .into()
}

fn filtered(viewer: &Viewer, filter: &Filter) -> Scoped<Entity> {
    scoped::<Entity>(viewer).filter(filter.condition(viewer))
}

/// What a page of conversations brings along: to-one relations in its own statement, each
/// row's first page of calls or messages in one more.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Joins {
    pub contact: bool,
    pub inbox: bool,
    pub agent: bool,
    pub assignee: bool,
    pub seen_by: bool,
    /// The newest message (`messages::Order::default()`, first 1).
    pub last_message: bool,
    /// Which unbounded columns of the last message are read.
    pub last_message_bodies: super::messages::Bodies,
    /// Which unbounded columns of the calls page's and the messages page's rows are read.
    pub call_bodies: super::calls::Bodies,
    pub message_bodies: super::messages::Bodies,
    /// How many conversations match the filter, as a window over the same rows. Only a
    /// window without cursors can count them (a cursor's condition narrows the rows).
    pub count: bool,
    /// The same page of calls of every row, in this order and window.
    pub calls: Option<(super::calls::Order, Keyset)>,
    /// The same page of messages of every row, in this order and window.
    pub messages: Option<(super::messages::Order, Keyset)>,
}

/// The relations a conversation's page statement brought along: each `Some` when it was
/// joined (holding `None` when the conversation has no such row), `None` when it was not
/// (its resolver loads it).
#[derive(Debug, Clone, Default)]
pub struct Related {
    pub contact: Option<Option<Arc<contact::Model>>>,
    pub inbox: Option<Option<Arc<inbox::Model>>>,
    pub agent: Option<Option<Arc<agent::Model>>>,
    pub assignee: Option<Option<Arc<agent::Model>>>,
    pub seen_by: Option<Option<Arc<agent::Model>>>,
    pub last_message: Option<Option<Arc<message::Model>>>,
    pub calls: Option<Box<ChildPage<super::calls::Order, call::Model>>>,
    pub messages: Option<Box<ChildPage<super::messages::Order, message::Model>>>,
}

/// A page of a conversation's calls or messages that the plan read, with the order and
/// window it was read for: a resolver uses it only for that same order and window.
#[derive(Debug, Clone)]
pub struct ChildPage<O, M> {
    pub order: O,
    pub window: Keyset,
    pub page: Page<Arc<M>>,
}

impl<O: PartialEq, M> ChildPage<O, M> {
    fn new(order: O, window: &Keyset, rows: Page<M>) -> Self {
        ChildPage {
            order,
            window: window.clone(),
            page: Page {
                items: rows.items.into_iter().map(Arc::new).collect(),
                has_previous: rows.has_previous,
                has_next: rows.has_next,
            },
        }
    }

    /// The page, when it was read for `order` and `window`.
    pub fn matching(&self, order: &O, window: &Keyset) -> Option<Page<Arc<M>>> {
        (self.order == *order && self.window == *window).then(|| self.page.clone())
    }
}

/// A conversation with what its statement brought along.
#[derive(Debug, Clone)]
pub struct Joined {
    pub row: Model,
    pub related: Related,
    /// How many conversations match in all, when the statement counted them.
    pub total: Option<u64>,
}

/// A page of the company's conversations, with the relations `joins` asks for read by the
/// same statement (LEFT JOINs on the keys; the newest message by a sub-select of its id on
/// the (conversation_id, sent_at, id) index), and, when `joins.count` and the window has no
/// cursor, how many match in all (`COUNT(*) OVER ()`); then the page of calls and of
/// messages `joins` asks for of every row, one statement each. With no joins it is the
/// plain page; the rows and their order never depend on the joins, and the count is
/// `count`'s.
pub async fn list_joined(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &Filter,
    order: &Order,
    window: &Keyset,
    joins: Joins,
) -> Result<(Page<Joined>, Option<u64>), AppError> {
    // Every joined table's key is its `id`.
    let key = |alias: &'static str, id: Column| -> Expr {
        Expr::col((Alias::new(alias), Alias::new("id"))).eq(Expr::col((Entity, id)))
    };
    let count = joins.count && window.after.is_none() && window.before.is_none();
    let mut select = if count && db.get_database_backend() == DbBackend::Postgres {
        // The count needs every matching row: they are read once, as all of them are best
        // read, and the page, its joins and the count are taken from those.
        Scoped::materialized(viewer, filtered(viewer, filter))
    } else {
        filtered(viewer, filter)
    };
    if joins.contact {
        select = select.left_join::<contact::Entity>(viewer, "ct", key("ct", Column::ContactId));
    }
    if joins.inbox {
        select = select.left_join::<inbox::Entity>(viewer, "ib", key("ib", Column::InboxId));
    }
    if joins.agent {
        select = select.left_join::<agent::Entity>(viewer, "ag", key("ag", Column::AgentId));
    }
    if joins.assignee {
        select = select.left_join::<agent::Entity>(viewer, "asg", key("asg", Column::AssigneeId));
    }
    if joins.seen_by {
        select = select.left_join::<agent::Entity>(viewer, "sb", key("sb", Column::SeenById));
    }
    if joins.last_message {
        select = select.left_join_first::<message::Entity>(
            viewer,
            "lm",
            message::Column::ConversationId,
            super::messages::Order::default().sort().order_terms(false),
            &joins.last_message_bodies.unread(),
        );
    }
    if count {
        select = select.with_column(Expr::cust("COUNT(*) OVER ()"), "total_count");
    }
    // The row `left_join` brought along as `alias`, when it was joined (`on`).
    fn read<E: CompanyOwned>(
        on: bool,
        row: &QueryResult,
        alias: &str,
    ) -> Result<Option<Option<Arc<E::Model>>>, DbErr> {
        Ok(if on {
            Some(joined::<E>(row, alias)?.map(Arc::new))
        } else {
            None
        })
    }
    let mut page = page::page_rows(db, select, &order.sort(), window, |row| {
        Ok(Joined {
            row: Model::from_query_result(row, "")?,
            related: Related {
                contact: read::<contact::Entity>(joins.contact, row, "ct")?,
                inbox: read::<inbox::Entity>(joins.inbox, row, "ib")?,
                agent: read::<agent::Entity>(joins.agent, row, "ag")?,
                assignee: read::<agent::Entity>(joins.assignee, row, "asg")?,
                seen_by: read::<agent::Entity>(joins.seen_by, row, "sb")?,
                last_message: read::<message::Entity>(joins.last_message, row, "lm")?,
                calls: None,
                messages: None,
            },
            total: if count {
                Some(row.try_get::<i64>("", "total_count")? as u64)
            } else {
                None
            },
        })
    })
    .await?;
    let ids: Vec<Uuid> = page.items.iter().map(|j| j.row.id).collect();
    if let Some((order, window)) = &joins.calls {
        let mut pages =
            super::calls::list_by_conversation(db, viewer, &ids, order, window, joins.call_bodies)
                .await?;
        for item in &mut page.items {
            let rows = pages.remove(&item.row.id).unwrap_or_else(Page::empty);
            item.related.calls = Some(Box::new(ChildPage::new(*order, window, rows)));
        }
    }
    if let Some((order, window)) = &joins.messages {
        let mut pages = super::messages::list_by_conversation(
            db,
            viewer,
            &ids,
            order,
            window,
            joins.message_bodies,
        )
        .await?;
        for item in &mut page.items {
            let rows = pages.remove(&item.row.id).unwrap_or_else(Page::empty);
            item.related.messages = Some(Box::new(ChildPage::new(*order, window, rows)));
        }
    }
    // No row to carry the count: none match, unless the page was not read at all.
    let total = match page.items.first() {
        Some(first) => first.total,
        None if count && window.limit > 0 => Some(0),
        None => None,
    };
    Ok((page, total))
}

/// How many of the company's conversations match.
pub async fn count(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &Filter,
) -> Result<u64, AppError> {
    Ok(filtered(viewer, filter).count(db).await?)
}

/// Which parent a nested conversation list hangs from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Parent {
    Contact,
    Inbox,
}

impl Parent {
    fn column(self) -> Column {
        match self {
            Parent::Contact => Column::ContactId,
            Parent::Inbox => Column::InboxId,
        }
    }

    fn of(self) -> fn(&Model) -> Uuid {
        match self {
            Parent::Contact => |m| m.contact_id.unwrap_or_default(),
            Parent::Inbox => |m| m.inbox_id,
        }
    }
}

/// The same page of conversations for each of many contacts or inboxes, in one statement.
pub async fn list_by_parent(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    parent: Parent,
    parents: &[Uuid],
    filter: &Filter,
    order: &Order,
    window: &Keyset,
) -> Result<HashMap<Uuid, Page<Model>>, AppError> {
    page::pages_by_parent(
        db,
        filtered(viewer, filter),
        parent.column(),
        parent.of(),
        parents,
        &order.sort(),
        window,
        &[],
    )
    .await
}

/// How many matching conversations each parent has, in one statement.
pub async fn count_by_parent(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    parent: Parent,
    parents: &[Uuid],
    filter: &Filter,
) -> Result<HashMap<Uuid, u64>, AppError> {
    page::counts_by_parent(db, filtered(viewer, filter), parent.column(), parents).await
}

/// Task (or session) ids linked to each conversation, sorted, in one statement each.
pub async fn task_ids(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    conversations: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, AppError> {
    let rows = super::tenancy::by_parent::<conversation_task::Entity, _>(
        db,
        viewer,
        conversation_task::Column::ConversationId,
        conversations,
    )
    .await?;
    Ok(group_links(
        rows.into_iter().map(|r| (r.conversation_id, r.task_id)),
    ))
}

pub async fn session_ids(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    conversations: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, AppError> {
    let rows = super::tenancy::by_parent::<conversation_session::Entity, _>(
        db,
        viewer,
        conversation_session::Column::ConversationId,
        conversations,
    )
    .await?;
    Ok(group_links(
        rows.into_iter().map(|r| (r.conversation_id, r.session_id)),
    ))
}

fn group_links(pairs: impl Iterator<Item = (Uuid, Uuid)>) -> HashMap<Uuid, Vec<Uuid>> {
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (conversation, linked) in pairs {
        out.entry(conversation).or_default().push(linked);
    }
    for ids in out.values_mut() {
        ids.sort();
    }
    out
}

/// Which of `rows` (conversations as some write left them, each with a tag) match each of
/// `filters`, decided by the very condition a list of conversations uses: the rows are
/// given to it as a common table expression named as the conversations table, which the
/// condition's column references then read instead of the table (its sub-selects of
/// contacts, calls, tasks and sessions read their tables as they are now). One statement
/// decides every filter (a UNION ALL of one select per filter over the same rows), in
/// chunks that keep it well under either database's limit on bound values. Returns, for
/// each filter in order, the tags of the rows that match it.
pub async fn matching(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filters: &[&Filter],
    rows: &[(i64, &Model)],
) -> Result<Vec<std::collections::HashSet<i64>>, AppError> {
    use sea_orm::sea_query::{
        CommonTableExpression, PostgresQueryBuilder, Query, SqliteQueryBuilder, UnionType,
        WithClause,
    };
    use sea_orm::{EntityName, IdenStatic, Iterable, ModelTrait, Statement};
    // Each row binds one value per column, each filter a few.
    const ROWS_PER_STATEMENT: usize = 200;
    const FILTERS_PER_STATEMENT: usize = 64;
    let (tag, which) = (Alias::new("tag"), Alias::new("filter"));
    let table = Alias::new(Entity.table_name());
    let mut matched = vec![std::collections::HashSet::new(); filters.len()];
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut values = chunk.iter().map(|(t, row)| {
            let mut select = Query::select();
            select.expr_as(Expr::val(*t), tag.clone());
            for column in Column::iter() {
                select.expr_as(Expr::val(row.get(column)), Alias::new(column.as_str()));
            }
            select
        });
        let Some(mut rows) = values.next() else {
            continue;
        };
        for select in values {
            rows.union(UnionType::All, select);
        }
        let cte = CommonTableExpression::new()
            .query(rows)
            .table_name(table.clone())
            .to_owned();
        for (first, group) in filters
            .chunks(FILTERS_PER_STATEMENT)
            .enumerate()
            .map(|(i, g)| (i * FILTERS_PER_STATEMENT, g))
        {
            let mut selects = group.iter().enumerate().map(|(i, filter)| {
                Query::select()
                    .expr_as(Expr::val((first + i) as i64), which.clone())
                    .column(tag.clone())
                    .from(table.clone())
                    .cond_where(filter.condition(viewer))
                    .to_owned()
            });
            let Some(mut select) = selects.next() else {
                continue;
            };
            for other in selects {
                select.union(UnionType::All, other);
            }
            let select = select.with(WithClause::new().cte(cte.clone()).to_owned());
            let backend = db.get_database_backend();
            let (sql, values) = match backend {
                DbBackend::Postgres => select.build(PostgresQueryBuilder),
                _ => select.build(SqliteQueryBuilder),
            };
            for row in db
                .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
                .await?
            {
                let filter = usize::try_from(row.try_get::<i64>("", "filter")?)
                    .map_err(|e| AppError::Internal(e.into()))?;
                if let Some(set) = matched.get_mut(filter) {
                    set.insert(row.try_get::<i64>("", "tag")?);
                }
            }
        }
    }
    Ok(matched)
}
