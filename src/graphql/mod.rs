//! The GraphQL schema: roots, types, guards and pagination. Resolvers stay thin: they read
//! the request's `Viewer` and database from the context and call one service.

pub mod connection;
pub mod guards;
pub mod inputs;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod pagination;
pub mod query;
pub mod types;
mod variables;

use crate::auth::Viewer;
use crate::error::AppError;
use async_graphql::{Context, EmptySubscription, Schema, SchemaBuilder};
use limits::{Limits, QueryLimits};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

pub type AppSchema = Schema<query::Query, mutation::Mutation, EmptySubscription>;

/// The schema without data attached: what `schema` prints and what the server serves.
pub fn builder() -> SchemaBuilder<query::Query, mutation::Mutation, EmptySubscription> {
    Schema::build(
        query::Query::default(),
        mutation::Mutation::default(),
        EmptySubscription,
    )
    .enable_federation()
}

/// Most directives on one field, fragment or operation.
const MAX_DIRECTIVES: usize = 16;

/// The schema the server runs, reading through `db`, refusing what exceeds `limits`.
pub fn schema(db: DatabaseConnection, limits: Arc<Limits>) -> AppSchema {
    let builder = builder().data(db);
    let builder = if limits.introspection {
        builder
    } else {
        builder.disable_introspection()
    };
    builder
        .limit_recursive_depth(limits.max_nesting())
        .limit_directives(MAX_DIRECTIVES)
        .extension(QueryLimits(limits))
        .extension(crate::metrics::Observe)
        .finish()
}

/// The federation SDL (with `@link` and `@key`), read from the schema's own
/// `_service { sdl }` field so that the two can never differ.
pub async fn sdl() -> String {
    let response = builder().finish().execute("{ _service { sdl } }").await;
    let data = response.data.into_json().expect("the SDL serializes");
    data["_service"]["sdl"]
        .as_str()
        .expect("_service returns the SDL")
        .to_owned()
}

pub(crate) fn db<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

pub(crate) fn viewer<'a>(ctx: &Context<'a>) -> Result<&'a Viewer, AppError> {
    ctx.data_opt::<Viewer>().ok_or(AppError::Unauthenticated)
}
