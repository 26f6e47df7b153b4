//! Writes, one module per aggregate: each validates references inside its transaction,
//! writes only the columns it changes (so concurrent updates of different fields never
//! undo each other), moves `updatedAt`, and audits deletions. A refusal writes nothing.

pub mod agents;
pub mod calls;
pub mod contacts;
pub mod conversations;
pub mod inboxes;
pub mod messages;

/// Copies every `Patch::Set` field of a patch into an active model.
macro_rules! apply_patch {
    ($model:ident, $patch:ident, $($field:ident),+ $(,)?) => {
        $(if let $crate::services::validate::Patch::Set(v) = $patch.$field {
            $model.$field = sea_orm::ActiveValue::Set(v);
        })+
    };
}
pub(crate) use apply_patch;
