//! Scope checks as async-graphql guards: `#[graphql(guard = "Scope::ReadConversations")]`.

use crate::auth::{Scope, Viewer};
use crate::error::AppError;
use async_graphql::{Context, Guard};

impl Guard for Scope {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        Ok(require(ctx, *self)?)
    }
}

/// The same check for resolvers where async-graphql ignores `guard` (federation entity
/// resolvers): call it first.
pub fn require(ctx: &Context<'_>, scope: Scope) -> Result<(), AppError> {
    match ctx.data_opt::<Viewer>() {
        None => Err(AppError::Unauthenticated),
        Some(viewer) if viewer.has(scope) => Ok(()),
        Some(_) => Err(AppError::Forbidden(scope)),
    }
}
