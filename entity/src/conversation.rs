//! A conversation thread between a contact and a company, through one inbox.

use crate::{Channel, ConversationStatus, Priority, Responder, Source};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[sea_orm(table_name = "conversations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub company_id: Uuid,
    pub inbox_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub subject: Option<String>,
    pub status: ConversationStatus,
    pub priority: Priority,
    pub channel: Channel,
    pub source: Option<Source>,
    pub is_simulation: bool,
    pub responded_by: Option<Responder>,
    /// The AI agent handling the conversation.
    pub agent_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub seen_by_id: Option<Uuid>,
    pub is_chat_opened: bool,
    pub campaign_id: Option<Uuid>,
    pub listing_id: Option<Uuid>,
    pub started_at: Option<DateTimeUtc>,
    pub last_message_at: Option<DateTimeUtc>,
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
    #[sea_orm(
        belongs_to = "super::inbox::Entity",
        from = "Column::InboxId",
        to = "super::inbox::Column::Id"
    )]
    Inbox,
    #[sea_orm(
        belongs_to = "super::contact::Entity",
        from = "Column::ContactId",
        to = "super::contact::Column::Id"
    )]
    Contact,
    #[sea_orm(has_many = "super::message::Entity")]
    Message,
    #[sea_orm(has_many = "super::call::Entity")]
    Call,
    #[sea_orm(has_many = "super::conversation_task::Entity")]
    ConversationTask,
    #[sea_orm(has_many = "super::conversation_session::Entity")]
    ConversationSession,
}

impl Related<super::inbox::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Inbox.def()
    }
}

impl Related<super::contact::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Contact.def()
    }
}

impl Related<super::message::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Message.def()
    }
}

impl Related<super::call::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Call.def()
    }
}

impl Related<super::conversation_task::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ConversationTask.def()
    }
}

impl Related<super::conversation_session::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ConversationSession.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
