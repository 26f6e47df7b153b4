//! The one tenancy rule: every read, update or delete of company data starts here, so an id
//! of another company looks exactly like a missing one.
//!
//! This module is the only place that writes the company condition (`company_id = ?`) or
//! a new row's company. It hands out scoped statements that nothing else can build (their
//! fields are private): `Scoped` (a select), `ScopedUpdate`, `ScopedDelete` and
//! `ScopedSubSelect` (for `IN (SELECT ...)` conditions), each made from the `Viewer` with
//! the company condition already in place. They can be narrowed, never widened. The page
//! functions accept only a `Scoped` select, and the write helpers build their statements
//! from these types, so an unscoped statement there does not compile. New rows get their
//! company from `insert`.

use crate::auth::Viewer;
use crate::error::AppError;
use sea_orm::sea_query::{
    Alias, CommonTableExpression, DynIden, Expr, ExprTrait, IntoCondition, IntoIden, JoinType,
    LockType, NullOrdering, Query, SelectStatement, WithClause,
};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend,
    DbErr, DeleteMany, DeleteResult, EntityTrait, FromQueryResult, IdenStatic, IntoActiveModel,
    Iterable, ModelTrait, PaginatorTrait, QueryFilter, QueryOrder, QueryResult, QuerySelect,
    QueryTrait, Select, Statement, UpdateMany, UpdateResult,
};
use uuid::Uuid;

/// Proof of being inside this module: only tenancy.rs can make one (its field is private),
/// so only tenancy.rs can ask an entity for its company column.
pub struct Inside(());

/// An entity whose rows belong to a company and have a uuid `id`.
pub trait CompanyOwned: EntityTrait {
    /// The `company_id` column. Only this module can call it (see `Inside`): everything
    /// else reaches the column through the scoped statements.
    fn company_column(_: Inside) -> Self::Column;
    /// The `id` column.
    fn id_column() -> Self::Column;
    /// A row's id.
    fn id_of(model: &Self::Model) -> Uuid;
}

macro_rules! company_owned {
    ($($module:ident),+ $(,)?) => {
        $(impl CompanyOwned for entity::$module::Entity {
            fn company_column(_: Inside) -> Self::Column {
                entity::$module::Column::CompanyId
            }
            fn id_column() -> Self::Column {
                entity::$module::Column::Id
            }
            fn id_of(model: &Self::Model) -> Uuid {
                model.id
            }
        })+
    };
}

company_owned!(
    agent,
    inbox,
    contact,
    conversation,
    conversation_task,
    conversation_session,
    message,
    call,
    conversation_event
);

/// `E`'s company column.
fn company_column<E: CompanyOwned>() -> E::Column {
    E::company_column(Inside(()))
}

/// The condition "the row is the viewer's company's", on `E`'s table.
fn of_company<E: CompanyOwned>(viewer: &Viewer) -> Expr {
    company_column::<E>().eq(viewer.company_id)
}

/// A select of the viewer's company's rows of `E`. Only `scoped` builds one, with the
/// company condition first; `filter` adds conditions with AND, so it only ever narrows.
#[must_use]
#[derive(Debug, Clone)]
pub(crate) struct Scoped<E: EntityTrait>(Select<E>, Option<SelectStatement>);

/// All rows of `E` that the viewer's company owns.
pub(crate) fn scoped<E: CompanyOwned>(viewer: &Viewer) -> Scoped<E> {
    Scoped(E::find().filter(of_company::<E>(viewer)), None)
}

impl<E: CompanyOwned> Scoped<E> {
    /// Narrows the select: `condition` AND what it held.
    pub(crate) fn filter(self, condition: impl IntoCondition) -> Self {
        Scoped(self.0.filter(condition), self.1)
    }

    /// Locks the selected rows until the transaction ends (PostgreSQL; SQLite ignores it).
    pub(crate) fn lock(self, lock: LockType) -> Self {
        Scoped(self.0.lock(lock), self.1)
    }

    /// The viewer's rows of `E` that `rows` selects, read once into a MATERIALIZED common
    /// table expression named as `E`'s table (PostgreSQL only: SQLite would read the name
    /// inside its own definition as a recursive reference), so that everything this select
    /// then adds (joins, an order, a window, a limit) reads those rows and not the table.
    /// The rows are then found as the planner would find all of them, never by walking an
    /// index in the page's order on the belief that the limit stops the walk early: a
    /// window over every row (a total count) defeats that belief, and the walk then visits
    /// every row of the company. Both selects are scoped.
    pub(crate) fn materialized(viewer: &Viewer, rows: Scoped<E>) -> Self {
        Scoped(scoped::<E>(viewer).0, Some(rows.0.into_query()))
    }

    /// Orders the rows by `column`, then by what was ordered before.
    pub(crate) fn order_by(self, column: E::Column, order: sea_orm::Order) -> Self {
        Scoped(self.0.order_by(column, order), self.1)
    }

    /// At most `limit` rows.
    pub(crate) fn limit(self, limit: u64) -> Self {
        Scoped(self.0.limit(limit), self.1)
    }

    /// The first row, if any.
    pub(crate) async fn one(self, db: &impl ConnectionTrait) -> Result<Option<E::Model>, DbErr> {
        self.0.one(db).await
    }

    /// Every row.
    pub(crate) async fn all(self, db: &impl ConnectionTrait) -> Result<Vec<E::Model>, DbErr> {
        self.0.all(db).await
    }

    /// How many rows there are.
    pub(crate) async fn count(self, db: &impl ConnectionTrait) -> Result<u64, DbErr>
    where
        E::Model: Sync,
    {
        self.0.count(db).await
    }

    /// The ids of the rows, and nothing else.
    pub(crate) async fn ids(self, db: &impl ConnectionTrait) -> Result<Vec<Uuid>, DbErr> {
        self.0
            .select_only()
            .column(E::id_column())
            .into_tuple::<Uuid>()
            .all(db)
            .await
    }

    /// Selects `expr` as `alias` beside the row's columns (a window over the same rows,
    /// say); it adds a column, never rows.
    pub(crate) fn with_column(self, expr: Expr, alias: &str) -> Self {
        Scoped(self.0.column_as(expr, alias), self.1)
    }

    /// Brings along, as a LEFT JOIN named `alias`, the viewer's company's row of `R` that
    /// `on` picks, its columns selected as `{alias}_{column}` (see `joined`). The join
    /// adds columns, never rows: `on` must pick at most one row (a key, or a scalar
    /// sub-select), and the company condition is part of it.
    pub(crate) fn left_join<R>(self, viewer: &Viewer, alias: &'static str, on: Expr) -> Self
    where
        R: CompanyOwned,
        R::Column: Iterable,
    {
        self.left_join_reading::<R>(viewer, alias, on, &[])
    }

    /// `left_join`, leaving the `unread` columns unread (see `page::unread`).
    pub(crate) fn left_join_reading<R>(
        mut self,
        viewer: &Viewer,
        alias: &'static str,
        on: Expr,
        unread: &[R::Column],
    ) -> Self
    where
        R: CompanyOwned,
        R::Column: Iterable,
    {
        let condition = Condition::all()
            .add(on)
            .add(Expr::col((Alias::new(alias), company_column::<R>())).eq(viewer.company_id));
        QueryTrait::query(&mut self.0).join_as(
            JoinType::LeftJoin,
            R::default(),
            Alias::new(alias),
            condition,
        );
        for column in R::Column::iter() {
            let read =
                super::page::read_or_not(Expr::col((Alias::new(alias), column)), column, unread);
            self.0 = self
                .0
                .column_as(read, format!("{alias}_{}", column.as_str()));
        }
        self
    }

    /// Brings along, as `left_join` does, the first row of `R` whose `parent` column is the
    /// selected row's id in the order of `terms` (the newest message of a conversation,
    /// say), or none. The sub-select that picks it reads the parent's rows on the
    /// (parent, order) index and stops at the first; it carries no company condition of
    /// its own, because the join's does the scoping: a first row of another company is
    /// not brought along (the join finds none), so no other company's row can appear.
    /// A parent's child rows are its own company's (they are written through the parent),
    /// so the row picked is the one the loaders pick.
    pub(crate) fn left_join_first<R>(
        self,
        viewer: &Viewer,
        alias: &'static str,
        parent: R::Column,
        terms: Vec<(Expr, sea_orm::Order, Option<NullOrdering>)>,
        unread: &[R::Column],
    ) -> Self
    where
        R: CompanyOwned,
        R::Column: Iterable,
    {
        let mut first = Query::select()
            .expr(Expr::col((R::default(), R::id_column())))
            .from(R::default())
            .and_where(
                Expr::col((R::default(), parent)).eq(Expr::col((E::default(), E::id_column()))),
            )
            .to_owned();
        for (expr, order, nulls) in terms {
            match nulls {
                Some(n) => first.order_by_expr_with_nulls(expr, order, n),
                None => first.order_by_expr(expr, order),
            };
        }
        first.limit(1);
        let on = Expr::col((Alias::new(alias), R::id_column()))
            .eq(Expr::SubQuery(None, Box::new(first.into())));
        self.left_join_reading::<R>(viewer, alias, on, unread)
    }

    /// The select itself, for the page functions to window, order and limit. Taking it
    /// out keeps the company condition; only putting one in is reserved to this module.
    /// The select must not be run without its `fence` (see `into_parts`).
    pub(super) fn into_select(self) -> Select<E> {
        debug_assert!(
            self.1.is_none(),
            "a materialized select taken without its rows"
        );
        self.0
    }

    /// The select, and the rows it reads when they are `materialized`: the page functions
    /// finish the select and build it inside the fence.
    pub(super) fn into_parts(self) -> (Select<E>, Fence) {
        let fence = self.1.map(|rows| (E::default().into_iden(), rows));
        (self.0, Fence(fence))
    }
}

/// The MATERIALIZED rows a `Scoped` select reads, named as the table they come from, if
/// any (see `Scoped::materialized`).
pub(crate) struct Fence(Option<(DynIden, SelectStatement)>);

impl Fence {
    /// The finished statement, reading the fenced rows when there are some.
    pub(crate) fn build(self, backend: DbBackend, query: SelectStatement) -> Statement {
        match self.0 {
            None => backend.build(&query),
            Some((table, rows)) => {
                let with = WithClause::new()
                    .cte(
                        CommonTableExpression::new()
                            .query(rows)
                            .table_name(table)
                            .materialized(true)
                            .to_owned(),
                    )
                    .to_owned();
                backend.build(&query.with(with))
            }
        }
    }
}

/// An UPDATE of the viewer's company's rows of `E`. Only `scoped_update` builds one; it
/// never changes a row's company.
#[must_use]
pub(crate) struct ScopedUpdate<E: EntityTrait>(UpdateMany<E>);

/// An UPDATE of the viewer's company's rows of `E`, to be narrowed with `filter`.
pub(crate) fn scoped_update<E: CompanyOwned>(viewer: &Viewer) -> ScopedUpdate<E> {
    ScopedUpdate(E::update_many().filter(of_company::<E>(viewer)))
}

impl<E: CompanyOwned> ScopedUpdate<E> {
    /// Narrows the rows updated: `condition` AND what it held.
    pub(crate) fn filter(self, condition: impl IntoCondition) -> Self {
        ScopedUpdate(self.0.filter(condition))
    }

    /// Writes the set columns of `changes`; a set company column is dropped, so a row
    /// never moves to another company.
    pub(crate) fn set<A: ActiveModelTrait<Entity = E>>(self, mut changes: A) -> Self {
        changes.not_set(company_column::<E>());
        ScopedUpdate(self.0.set(changes))
    }

    /// Writes `column = value`. The company column is not a column a write changes.
    pub(crate) fn col_expr(self, column: E::Column, value: Expr) -> Self {
        debug_assert_ne!(column.as_str(), company_column::<E>().as_str());
        ScopedUpdate(self.0.col_expr(column, value))
    }

    /// Runs the UPDATE.
    pub(crate) async fn exec(self, db: &impl ConnectionTrait) -> Result<UpdateResult, DbErr> {
        self.0.exec(db).await
    }

    /// Runs the UPDATE and returns the rows as saved.
    pub(crate) async fn exec_with_returning(
        self,
        db: &impl ConnectionTrait,
    ) -> Result<Vec<E::Model>, DbErr> {
        self.0.exec_with_returning(db).await
    }
}

/// A DELETE of the viewer's company's rows of `E`. Only `scoped_delete` builds one.
#[must_use]
pub(crate) struct ScopedDelete<E: EntityTrait>(DeleteMany<E>);

/// A DELETE of the viewer's company's rows of `E`, to be narrowed with `filter`.
pub(crate) fn scoped_delete<E: CompanyOwned>(viewer: &Viewer) -> ScopedDelete<E> {
    ScopedDelete(E::delete_many().filter(of_company::<E>(viewer)))
}

impl<E: CompanyOwned> ScopedDelete<E> {
    /// Narrows the rows deleted: `condition` AND what it held.
    pub(crate) fn filter(self, condition: impl IntoCondition) -> Self {
        ScopedDelete(self.0.filter(condition))
    }

    /// Runs the DELETE.
    pub(crate) async fn exec(self, db: &impl ConnectionTrait) -> Result<DeleteResult, DbErr> {
        self.0.exec(db).await
    }
}

/// `SELECT <what> FROM <E's table> WHERE company_id = ? ...`: a sub-select over the viewer's
/// company's rows, for `IN (SELECT ...)` conditions and scalar sub-queries. Only
/// `scoped_sub_select` builds one.
#[must_use]
#[derive(Debug, Clone)]
pub(crate) struct ScopedSubSelect(SelectStatement);

/// A sub-select of `what` (a column or an expression) over the viewer's company's rows of
/// `E`, to be narrowed with `and_where` / `cond_where`.
pub(crate) fn scoped_sub_select<E: CompanyOwned>(
    viewer: &Viewer,
    what: impl Into<Expr>,
) -> ScopedSubSelect {
    ScopedSubSelect(
        Query::select()
            .expr(what)
            .from(E::default())
            .and_where(of_company::<E>(viewer))
            .to_owned(),
    )
}

impl ScopedSubSelect {
    /// Narrows the sub-select: `condition` AND what it held.
    pub(crate) fn and_where(mut self, condition: Expr) -> Self {
        self.0.and_where(condition);
        self
    }

    /// Narrows the sub-select by a condition tree.
    pub(crate) fn cond_where(mut self, condition: impl IntoCondition) -> Self {
        self.0.cond_where(condition);
        self
    }

    /// The statement, to place inside another (`column.in_subquery(..)`, `Expr::SubQuery`).
    /// Taking it out keeps the company condition.
    pub(crate) fn into_statement(self) -> SelectStatement {
        self.0
    }
}

/// Inserts a new row of the viewer's company and returns it as saved. `row` is given the
/// company to write into the row; whatever it writes there, the row is the viewer's.
pub(crate) async fn insert<M>(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    row: impl FnOnce(Uuid) -> M,
) -> Result<M, DbErr>
where
    M: ModelTrait + IntoActiveModel<<M::Entity as EntityTrait>::ActiveModel>,
    M::Entity: CompanyOwned + EntityTrait<Model = M>,
    <M::Entity as EntityTrait>::ActiveModel: ActiveModelBehavior + Send,
{
    let mut new = row(viewer.company_id).into_active_model();
    new.set(company_column::<M::Entity>(), viewer.company_id.into());
    new.insert(db).await
}

/// Inserts new rows of the viewer's company, given as active models (a column left unset
/// takes its default: an auto-increment key), in one statement, reading nothing back.
pub(crate) async fn insert_all<A>(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    rows: impl IntoIterator<Item = A>,
) -> Result<(), DbErr>
where
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    A::Entity: CompanyOwned,
{
    let rows: Vec<A> = rows
        .into_iter()
        .map(|mut row| {
            row.set(company_column::<A::Entity>(), viewer.company_id.into());
            row
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    A::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The highest event position of every company's (0 when there is none). The event hub
/// and subscriptions start from it; it reveals no row.
pub(crate) async fn event_head(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    use entity::conversation_event::{Column, Entity};
    let head: Option<Option<i64>> = Entity::find()
        .select_only()
        .expr(Expr::col(Column::Position).max())
        .into_tuple()
        .one(db)
        .await?;
    Ok(head.flatten().unwrap_or(0))
}

/// The events of every company after `position`, oldest first, at most `limit`: the one
/// read across companies, the event hub's, which hands each event only to subscriptions
/// of its own company (see `graphql::live`).
pub(crate) async fn event_tail(
    db: &impl ConnectionTrait,
    position: i64,
    limit: u64,
) -> Result<Vec<entity::conversation_event::Model>, DbErr> {
    use entity::conversation_event::{Column, Entity};
    Entity::find()
        .filter(Column::Position.gt(position))
        .order_by_asc(Column::Position)
        .limit(limit)
        .all(db)
        .await
}

/// Retention: deletes at most `limit` events (of every company) older than `cutoff`,
/// oldest first; returns how many, and the highest position deleted.
pub(crate) async fn prune_events(
    db: &impl ConnectionTrait,
    cutoff: chrono::DateTime<chrono::Utc>,
    limit: u64,
) -> Result<(u64, Option<i64>), DbErr> {
    use entity::conversation_event::{Column, Entity};
    let positions: Vec<i64> = Entity::find()
        .select_only()
        .column(Column::Position)
        .filter(Column::At.lt(cutoff))
        .order_by_asc(Column::Position)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    let Some(through) = positions.last().copied() else {
        return Ok((0, None));
    };
    let deleted = Entity::delete_many()
        .filter(Column::Position.lte(through))
        .filter(Column::At.lt(cutoff))
        .exec(db)
        .await?;
    Ok((deleted.rows_affected, Some(through)))
}

/// In one statement (PostgreSQL's data-modifying WITH; a statement is its own
/// transaction): runs `parent`, the UPDATE of the viewer's rows of `P`, and for each row it
/// updated inserts the row `row` makes (given the company, as `insert` does), returning the
/// inserted rows with their parent as saved. When `parent` updates nothing, nothing is
/// inserted and the list is empty. Where `insert` after an UPDATE takes four round trips
/// (BEGIN, UPDATE, INSERT, COMMIT), this is one; it needs data-modifying WITH, which SQLite
/// lacks.
pub(crate) async fn update_then_insert<P, M>(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    parent: ScopedUpdate<P>,
    row: impl FnOnce(Uuid) -> M,
) -> Result<Vec<(M, P::Model)>, DbErr>
where
    P: CompanyOwned,
    P::Column: Iterable,
    M: ModelTrait + FromQueryResult,
    M::Entity: CompanyOwned + EntityTrait<Model = M>,
    <M::Entity as EntityTrait>::Column: Iterable,
{
    let (parents, children) = (Alias::new("parent"), Alias::new("child"));
    let mut new = row(viewer.company_id);
    new.set(company_column::<M::Entity>(), viewer.company_id.into());
    let mut update = parent.0.into_query();
    update.returning_all();
    let columns: Vec<_> = <M::Entity as EntityTrait>::Column::iter().collect();
    let values = Query::select()
        .exprs(columns.iter().map(|c| c.save_as(Expr::val(new.get(*c)))))
        .from(parents.clone())
        .to_owned();
    let mut insert = Query::insert();
    insert
        .into_table(M::Entity::default())
        .columns(columns.iter().copied())
        .select_from(values)
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .returning_all();
    let mut select = Query::select();
    select.from(children.clone()).cross_join(parents.clone());
    for c in &columns {
        select.expr_as(
            Expr::col((children.clone(), *c)),
            Alias::new(format!("c_{}", c.as_str())),
        );
    }
    for c in P::Column::iter() {
        select.expr_as(
            Expr::col((parents.clone(), c)),
            Alias::new(format!("p_{}", c.as_str())),
        );
    }
    let with = WithClause::new()
        .cte(
            CommonTableExpression::new()
                .query(update)
                .table_name(parents)
                .to_owned(),
        )
        .cte(
            CommonTableExpression::new()
                .query(insert)
                .table_name(children)
                .to_owned(),
        )
        .to_owned();
    db.query_all(&select.with(with))
        .await?
        .iter()
        .map(|r| {
            Ok((
                M::from_query_result(r, "c_")?,
                P::Model::from_query_result(r, "p_")?,
            ))
        })
        .collect()
}

/// The row of `R` that `left_join` brought along as `alias`, or `None` when the join found
/// none (its id is null).
pub(crate) fn joined<R>(row: &QueryResult, alias: &str) -> Result<Option<R::Model>, DbErr>
where
    R: CompanyOwned,
{
    let prefix = format!("{alias}_");
    let id: Option<Uuid> = row.try_get(&prefix, R::id_column().as_str())?;
    match id {
        Some(_) => Ok(Some(R::Model::from_query_result(row, &prefix)?)),
        None => Ok(None),
    }
}

/// The company's rows among `ids`, in one statement.
pub async fn by_ids<E: CompanyOwned>(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    ids: &[Uuid],
) -> Result<Vec<E::Model>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(scoped::<E>(viewer)
        .filter(E::id_column().is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// The company's rows whose `parent` column is among `parents`, in one statement.
pub async fn by_parent<E: CompanyOwned, C: ColumnTrait>(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    parent: C,
    parents: &[Uuid],
) -> Result<Vec<E::Model>, AppError> {
    if parents.is_empty() {
        return Ok(Vec::new());
    }
    Ok(scoped::<E>(viewer)
        .filter(parent.is_in(parents.iter().copied()))
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::{agent, call, conversation, message};
    use sea_orm::sea_query::ExprTrait;
    use sea_orm::{ActiveValue, DbBackend, QueryTrait};

    const COMPANY: &str = "00000000-0000-0000-0000-000000000007";
    const ID: &str = "00000000-0000-0000-0000-000000000009";

    fn viewer() -> Viewer {
        Viewer {
            company_id: Uuid::from_u128(7),
            subject: "someone".into(),
            scopes: Vec::new(),
        }
    }

    fn id() -> Uuid {
        Uuid::from_u128(9)
    }

    #[test]
    fn a_scoped_select_starts_with_the_company_and_filters_narrow_it() {
        let sql = scoped::<agent::Entity>(&viewer())
            .filter(agent::Column::Id.eq(id()))
            .into_select()
            .build(DbBackend::Sqlite)
            .to_string();
        let (_, condition) = sql.split_once(" WHERE ").unwrap();
        assert_eq!(
            condition,
            format!(r#""agents"."company_id" = '{COMPANY}' AND "agents"."id" = '{ID}'"#)
        );
    }

    #[test]
    fn a_scoped_update_is_of_the_company_and_never_moves_a_row() {
        let changes = agent::ActiveModel {
            id: ActiveValue::Unchanged(id()),
            name: ActiveValue::Set("Ada".into()),
            company_id: ActiveValue::Set(Uuid::from_u128(99)),
            ..Default::default()
        };
        let sql = scoped_update::<agent::Entity>(&viewer())
            .set(changes)
            .filter(agent::Column::Id.eq(id()))
            .0
            .build(DbBackend::Postgres)
            .to_string();
        assert_eq!(
            sql,
            format!(
                r#"UPDATE "agents" SET "name" = 'Ada' WHERE "agents"."company_id" = '{COMPANY}' AND "agents"."id" = '{ID}'"#
            )
        );
    }

    #[test]
    fn a_scoped_delete_is_of_the_company() {
        let sql = scoped_delete::<conversation::Entity>(&viewer())
            .filter(conversation::Column::Id.is_in([id()]))
            .0
            .build(DbBackend::Sqlite)
            .to_string();
        assert_eq!(
            sql,
            format!(
                r#"DELETE FROM "conversations" WHERE "conversations"."company_id" = '{COMPANY}' AND "conversations"."id" IN ('{ID}')"#
            )
        );
    }

    #[test]
    fn a_scoped_sub_select_is_of_the_company() {
        let ids =
            scoped_sub_select::<call::Entity>(&viewer(), Expr::col(call::Column::ConversationId))
                .and_where(call::Column::CampaignId.eq(id()))
                .into_statement();
        assert_eq!(
            DbBackend::Postgres.build(&ids).to_string(),
            format!(
                r#"SELECT "conversation_id" FROM "calls" WHERE "calls"."company_id" = '{COMPANY}' AND "calls"."campaign_id" = '{ID}'"#
            )
        );
        let newest = scoped_sub_select::<message::Entity>(
            &viewer(),
            Expr::col((message::Entity, message::Column::SentAt)).max(),
        )
        .into_statement();
        assert_eq!(
            DbBackend::Sqlite.build(&newest).to_string(),
            format!(
                r#"SELECT MAX("messages"."sent_at") FROM "messages" WHERE "messages"."company_id" = '{COMPANY}'"#
            )
        );
    }

    #[test]
    fn every_company_owned_entity_names_its_company_and_id_columns() {
        fn names<E: CompanyOwned>() -> (&'static str, &'static str) {
            (company_column::<E>().as_str(), E::id_column().as_str())
        }
        let all = [
            names::<entity::agent::Entity>(),
            names::<entity::inbox::Entity>(),
            names::<entity::contact::Entity>(),
            names::<entity::conversation::Entity>(),
            names::<entity::conversation_task::Entity>(),
            names::<entity::conversation_session::Entity>(),
            names::<entity::message::Entity>(),
            names::<entity::call::Entity>(),
            names::<entity::conversation_event::Entity>(),
        ];
        assert!(all.iter().all(|n| *n == ("company_id", "id")));
    }

    /// The entity crate's columns are public, so the compiler cannot stop another module
    /// from writing `CompanyId` (or, in the services that build SQL, a quoted
    /// `"company_id"`) by hand; this test does. Seeding writes every company's rows on
    /// purpose and is not a request service.
    #[test]
    fn only_tenancy_names_the_company_column() {
        fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&root, &mut files);
        let allowed = [root.join("services/tenancy.rs"), root.join("seed.rs")];
        let offenders: Vec<_> = files
            .iter()
            .filter(|f| !allowed.contains(f))
            .filter(|f| {
                let text = std::fs::read_to_string(f).unwrap();
                let builds_sql = f.starts_with(root.join("services"));
                text.contains("CompanyId")
                    || builds_sql
                        && ["company_id\"", "company_id\\\""]
                            .iter()
                            .any(|quoted| text.contains(quoted))
            })
            .collect();
        assert!(
            offenders.is_empty(),
            "the company column is named outside services/tenancy.rs: {offenders:?}"
        );
    }
}
