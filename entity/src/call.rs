//! A phone call behind a conversation.

use crate::{CallStatus, Direction, Responder};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[sea_orm(table_name = "calls")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub company_id: Uuid,
    pub conversation_id: Uuid,
    pub direction: Direction,
    pub status: CallStatus,
    pub duration_seconds: Option<i32>,
    pub recording_url: Option<String>,
    pub handled_by: Option<Responder>,
    #[sea_orm(column_type = "Text", nullable)]
    pub summary: Option<String>,
    pub campaign_id: Option<Uuid>,
    pub started_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::conversation::Entity",
        from = "Column::ConversationId",
        to = "super::conversation::Column::Id"
    )]
    Conversation,
}

impl Related<super::conversation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Conversation.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
