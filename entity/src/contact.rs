//! A customer who writes or calls in.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[sea_orm(table_name = "contacts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub company_id: Uuid,
    pub name: Option<String>,
    pub surname: Option<String>,
    pub phone_number: Option<String>,
    pub email: Option<String>,
    /// `text::fold` of the name, surname and email, written with them: what the contact
    /// filters and `contactEmail` match.
    #[serde(skip_serializing)]
    pub name_folded: Option<String>,
    #[serde(skip_serializing)]
    pub surname_folded: Option<String>,
    #[serde(skip_serializing)]
    pub email_folded: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::company::Entity",
        from = "Column::CompanyId",
        to = "super::company::Column::Id"
    )]
    Company,
    #[sea_orm(has_many = "super::conversation::Entity")]
    Conversation,
}

impl Related<super::conversation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Conversation.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
