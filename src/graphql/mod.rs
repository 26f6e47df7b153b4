//! The GraphQL schema: roots, types, guards and pagination. Resolvers stay thin: they read
//! the request's `Viewer` and database from the context and call one service.

pub mod guards;
pub mod pagination;
pub mod query;
pub mod types;

use crate::auth::Viewer;
use crate::error::AppError;
use async_graphql::{Context, EmptyMutation, EmptySubscription, Schema, SchemaBuilder};
use sea_orm::DatabaseConnection;

pub type AppSchema = Schema<query::Query, EmptyMutation, EmptySubscription>;

/// The schema without data attached: what `schema` prints and what the server serves.
pub fn builder() -> SchemaBuilder<query::Query, EmptyMutation, EmptySubscription> {
    Schema::build(query::Query::default(), EmptyMutation, EmptySubscription).enable_federation()
}

/// The schema the server runs, reading through `db`.
pub fn schema(db: DatabaseConnection) -> AppSchema {
    builder().data(db).finish()
}

/// The federation SDL (with `@link` and `@key`), as `_service { sdl }` serves it.
pub fn sdl() -> String {
    builder()
        .finish()
        .sdl_with_options(async_graphql::SDLExportOptions::new().federation())
}

pub(crate) fn db<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

pub(crate) fn viewer<'a>(ctx: &Context<'a>) -> Result<&'a Viewer, AppError> {
    ctx.data_opt::<Viewer>().ok_or(AppError::Unauthenticated)
}
