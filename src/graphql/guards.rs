//! Scope checks as async-graphql guards: `#[graphql(guard = "Scope::ReadConversations")]`.

use crate::auth::{Scope, Viewer};
use crate::error::AppError;
use async_graphql::{Context, Guard};

impl Guard for Scope {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        match ctx.data_opt::<Viewer>() {
            None => Err(AppError::Unauthenticated.into()),
            Some(viewer) if viewer.has(*self) => Ok(()),
            Some(_) => Err(AppError::Forbidden(*self).into()),
        }
    }
}
