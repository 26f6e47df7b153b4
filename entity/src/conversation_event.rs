//! One change, as the log of changes keeps it: appended in the transaction of the write
//! that made it, read by position. Rows outlive the entity they name.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversation_events")]
pub struct Model {
    /// The log's order: it only grows.
    #[sea_orm(primary_key)]
    pub position: i64,
    #[sea_orm(unique)]
    pub id: Uuid,
    pub company_id: Uuid,
    /// The conversation it concerns, when it concerns one (it may since have been deleted).
    pub conversation_id: Option<Uuid>,
    /// The kind of row changed: `conversation`, `message`, `call`, `contact`, `inbox` or
    /// `agent`.
    pub entity: String,
    pub entity_id: Uuid,
    pub kind: crate::EventKind,
    /// The token subject that acted ("unknown" for a token without one).
    pub actor: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    /// An update's changed fields: `{"field": {"old": ..., "new": ...}}`.
    pub changes: Option<Json>,
    /// The conversation as the write left it (as it was, for its delete).
    pub state: Option<Json>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
