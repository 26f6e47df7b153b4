//! Writes, one module per aggregate: each validates references inside its transaction,
//! writes only the columns it changes (so concurrent updates of different fields never
//! undo each other), moves `updatedAt`, and audits deletions. A refusal writes nothing, and
//! so does an update whose every value equals the stored one: `updatedAt` stays, and the
//! default list order (most recently updated first) does not move.

pub mod agents;
pub mod calls;
pub mod contacts;
pub mod conversations;
pub mod inboxes;
pub mod messages;

/// Copies every `Patch::Set` field of a patch that differs from the stored row `current`
/// into an active model; evaluates to whether any did.
macro_rules! apply_patch {
    ($model:ident, $patch:ident, $current:ident, $($field:ident),+ $(,)?) => {{
        let mut changed = false;
        $(if let $crate::services::validate::Patch::Set(v) = $patch.$field
            && v != $current.$field
        {
            $model.$field = sea_orm::ActiveValue::Set(v);
            changed = true;
        })+
        changed
    }};
}
pub(crate) use apply_patch;
