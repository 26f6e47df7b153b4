//! Contacts: the filtered, ordered list.

use super::filters::{complement, contains_folded, digits, never, phone_contains};
use super::page::{self, KeyKind, Keyset, Page, Sort, SortValue};
use super::tenancy::{Scoped, scoped};
use crate::auth::Viewer;
use crate::error::AppError;
use entity::contact::{Column, Entity, Model};
use sea_orm::sea_query::Expr;
use sea_orm::{Condition, ConnectionTrait, DbBackend};

/// Which contacts a list holds; set fields combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    /// One search box over name, surname, full name, email and phone digits.
    pub query: Option<String>,
    pub name: Option<String>,
    pub surname: Option<String>,
    /// Digits only.
    pub phone_digits: Option<String>,
    pub email: Option<String>,
    pub and: Vec<Filter>,
    pub or: Option<Vec<Filter>>,
    pub not: Option<Box<Filter>>,
}

impl Filter {
    pub fn condition(&self) -> Condition {
        let col = |c: Column| Expr::col((Entity, c));
        let mut c = Condition::all();
        if let Some(q) = &self.query {
            // The full name: the folded name, a space, the folded surname.
            let full = Expr::cust(
                "COALESCE(\"contacts\".\"name_folded\", '') || ' ' || COALESCE(\"contacts\".\"surname_folded\", '')",
            );
            let mut any = Condition::any()
                .add(contains_folded(col(Column::NameFolded), q))
                .add(contains_folded(col(Column::SurnameFolded), q))
                .add(contains_folded(full, q))
                .add(contains_folded(col(Column::EmailFolded), q));
            let d = digits(q);
            if !d.is_empty() {
                any = any.add(phone_contains(col(Column::PhoneNumber), &d));
            }
            c = c.add(any);
        }
        if let Some(v) = &self.name {
            c = c.add(contains_folded(col(Column::NameFolded), v));
        }
        if let Some(v) = &self.surname {
            c = c.add(contains_folded(col(Column::SurnameFolded), v));
        }
        if let Some(v) = &self.email {
            c = c.add(contains_folded(col(Column::EmailFolded), v));
        }
        if let Some(d) = &self.phone_digits {
            c = c.add(phone_contains(col(Column::PhoneNumber), d));
        }
        for sub in &self.and {
            c = c.add(sub.condition());
        }
        if let Some(any) = &self.or {
            c = c.add(if any.is_empty() {
                Condition::all().add(never())
            } else {
                any.iter()
                    .fold(Condition::any(), |acc, f| acc.add(f.condition()))
            });
        }
        if let Some(not) = &self.not {
            c = c.add(complement(not.condition()));
        }
        c
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OrderField {
    #[default]
    CreatedAt,
    UpdatedAt,
    Name,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Order {
    pub field: OrderField,
    pub desc: bool,
}

impl Default for Order {
    fn default() -> Self {
        Order {
            field: OrderField::CreatedAt,
            desc: true,
        }
    }
}

impl Order {
    pub fn name(&self) -> String {
        format!(
            "contact:{:?}:{}",
            self.field,
            if self.desc { "desc" } else { "asc" }
        )
    }

    pub fn sort(&self, backend: DbBackend) -> Sort<Model> {
        let col = |c: Column| Expr::col((Entity, c));
        let (key, nullable, value): (Expr, bool, fn(&Model) -> SortValue) = match self.field {
            OrderField::CreatedAt => (col(Column::CreatedAt), false, |m| m.created_at.into()),
            OrderField::UpdatedAt => (col(Column::UpdatedAt), false, |m| m.updated_at.into()),
            OrderField::Name => (binary_text(backend, "contacts", "name"), true, |m| {
                m.name.clone().into()
            }),
        };
        let kind = match self.field {
            OrderField::Name => KeyKind::Text,
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

/// A text column compared byte-wise on both databases (PostgreSQL's default collation
/// depends on the server's locale; SQLite compares bytes).
pub fn binary_text(backend: DbBackend, table: &str, column: &str) -> Expr {
    match backend {
        DbBackend::Postgres => Expr::cust(format!("\"{table}\".\"{column}\" COLLATE \"C\"")),
        _ => Expr::cust(format!("\"{table}\".\"{column}\"")),
    }
}

fn filtered(viewer: &Viewer, filter: &Filter) -> Scoped<Entity> {
    scoped::<Entity>(viewer).filter(filter.condition())
}

pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &Filter,
    order: &Order,
    window: &Keyset,
) -> Result<Page<Model>, AppError> {
    let sort = order.sort(db.get_database_backend());
    page::page(db, filtered(viewer, filter), &sort, window).await
}

pub async fn count(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &Filter,
) -> Result<u64, AppError> {
    Ok(filtered(viewer, filter).count(db).await?)
}
