//! What was changed or deleted, by whom, when and why. Rows outlive the entity they name.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub company_id: Uuid,
    /// The token subject (or "system") that acted.
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Uuid,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    pub at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
