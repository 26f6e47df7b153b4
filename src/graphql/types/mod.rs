//! GraphQL object types, one per file, each wrapping an entity model, plus the `Node`
//! interface and the `totalCount` shared by every connection.

pub mod agent;
pub mod call;
pub mod contact;
pub mod conversation;
pub mod enums;
pub mod event;
pub mod inbox;
pub mod message;
pub mod node;
pub mod payloads;
pub mod references;
pub mod search;
pub mod total;

pub use agent::Agent;
pub use call::Call;
pub use contact::Contact;
pub use conversation::Conversation;
pub use event::ConversationEvent;
pub use inbox::Inbox;
pub use message::Message;
pub use node::Node;
pub use search::MessageSearchHit;
pub use total::{CountSource, ListTotal};

use super::loaders::{ById, loader};
use crate::services::tenancy::CompanyOwned;
use async_graphql::{Context, ID};
use uuid::Uuid;

/// A uuid as a GraphQL id.
pub fn id(uuid: Uuid) -> ID {
    ID(uuid.to_string())
}

/// One of the company's rows by id, through the request's loader.
pub async fn load<E>(
    ctx: &Context<'_>,
    id: Uuid,
) -> async_graphql::Result<Option<std::sync::Arc<E::Model>>>
where
    E: CompanyOwned + Send + Sync + 'static,
    E::Model: Clone + Send + Sync + 'static,
{
    Ok(loader(ctx).load_one(ById::<E>::new(id)).await?)
}

/// Like `load`, for a relation the schema promises is there. The reads of one request are
/// not one snapshot, so a write that commits in between can delete it: NOT_FOUND then.
pub async fn load_required<E>(
    ctx: &Context<'_>,
    id: Uuid,
) -> async_graphql::Result<std::sync::Arc<E::Model>>
where
    E: CompanyOwned + Send + Sync + 'static,
    E::Model: Clone + Send + Sync + 'static,
{
    load::<E>(ctx, id)
        .await?
        .ok_or_else(|| crate::error::AppError::Vanished.into())
}

/// Each entity type wraps a shared row; one made from a freshly written row owns it.
/// (`Conversation` and `Message`, which can carry planned relations, have their own.)
macro_rules! from_rows {
    ($($ty:ident => $model:path),+ $(,)?) => {
        $(impl From<$model> for $ty {
            fn from(row: $model) -> Self {
                $ty(std::sync::Arc::new(row))
            }
        }
        impl From<std::sync::Arc<$model>> for $ty {
            fn from(row: std::sync::Arc<$model>) -> Self {
                $ty(row)
            }
        })+
    };
}

impl From<entity::message::Model> for Message {
    fn from(row: entity::message::Model) -> Self {
        Message(std::sync::Arc::new(row), None)
    }
}
impl From<std::sync::Arc<entity::message::Model>> for Message {
    fn from(row: std::sync::Arc<entity::message::Model>) -> Self {
        Message(row, None)
    }
}

from_rows!(
    Contact => entity::contact::Model,
    Inbox => entity::inbox::Model,
    Call => entity::call::Model,
    Agent => entity::agent::Model,
);
