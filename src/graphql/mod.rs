//! The GraphQL schema: roots, types, guards and pagination. Resolvers stay thin: they read
//! the request's `Viewer` and database from the context and call one service.

pub mod budget;
pub mod connection;
pub mod guards;
pub mod inputs;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub(crate) mod nesting;
pub mod pagination;
pub mod plan;
pub mod query;
pub mod scalars;
pub mod shape;
pub mod subscription;
pub mod types;
mod variables;

use crate::auth::Viewer;
use crate::error::AppError;
use async_graphql::parser::types::DocumentOperations;
use async_graphql::{Context, Request, Response, Schema, SchemaBuilder, ValidationMode};
use limits::{Limits, QueryLimits};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

pub type AppSchema = Schema<query::Query, mutation::Mutation, subscription::Subscription>;

/// The schema without data attached: what `schema` prints and what the server serves.
/// Subscriptions stay in this subgraph: the federation SDL leaves them out (a gateway
/// does not route them), and clients subscribe here directly.
pub fn builder() -> SchemaBuilder<query::Query, mutation::Mutation, subscription::Subscription> {
    Schema::build(
        query::Query::default(),
        mutation::Mutation::default(),
        subscription::Subscription,
    )
    .enable_federation()
}

/// Most directives on one field, fragment or operation.
const MAX_DIRECTIVES: usize = 16;

/// The schema the server runs, reading through `db`, refusing what exceeds `limits`.
///
/// It is two schemas over the same types. The gate checks a request and never executes it:
/// the limits and the variables (`QueryLimits`), then async-graphql's full validation and
/// the complexity it computes. What passes runs on the other, which has no extensions and
/// only the fast validation rules. Splitting them is for speed: once a schema has any
/// extension, async-graphql routes every field's resolution through the extension chain;
/// without it the dashboard served about 18% more requests per second (BENCHMARKS.md).
#[derive(Clone)]
pub struct Served {
    gate: AppSchema,
    run: AppSchema,
    /// Subscriptions (and whatever else comes over a WebSocket): one schema that checks
    /// and executes, with the limits as an extension, since a stream cannot be checked by
    /// executing it on the gate.
    live: AppSchema,
    limits: Arc<Limits>,
    shapes: Arc<shape::Shapes>,
}

/// A request that passed every check, with what it costs.
pub struct Checked {
    request: Request,
    /// Its complexity (each `_entities` representation counted).
    pub cost: u64,
    /// The document as the client sent it, for shaping the response.
    document: async_graphql::parser::types::ExecutableDocument,
    plan: shape::Plan,
}

impl Checked {
    /// The operation's name, as `operation_name` gives it.
    pub fn name(&mut self) -> Option<String> {
        operation_name(&mut self.request)
    }
}

impl Served {
    pub fn new(db: DatabaseConnection, limits: Arc<Limits>, plan: plan::ReadPlan) -> Self {
        let common = |builder: SchemaBuilder<_, _, _>| {
            let builder = if limits.introspection {
                builder
            } else {
                builder.disable_introspection()
            };
            builder
                .limit_recursive_depth(limits.max_nesting())
                .limit_directives(MAX_DIRECTIVES)
        };
        let run = common(builder().data(db.clone()).data(plan))
            .validation_mode(ValidationMode::Fast)
            .finish();
        let live = common(builder().data(db).data(plan))
            .extension(limits::LiveLimits(limits.clone()))
            .finish();
        Served {
            shapes: Arc::new(shape::Shapes::from_sdl(&run.sdl())),
            gate: common(builder())
                .extension(QueryLimits(limits.clone()))
                .finish(),
            run,
            live,
            limits,
        }
    }

    /// Executes an operation sent over a WebSocket, a subscription's stream of responses
    /// (one response for a query): its text's nesting first, then the limits, validation
    /// and complexity, as for HTTP; `session` is the connection's data (viewer, loader).
    pub fn subscribe(
        &self,
        request: Request,
        session: Option<Arc<async_graphql::Data>>,
    ) -> futures_util::stream::BoxStream<'static, Response> {
        use futures_util::StreamExt;
        if let Err(error) = nesting::check(&request.query, self.limits.max_nesting()) {
            return futures_util::stream::once(async move { Response::from_errors(vec![error]) })
                .boxed();
        }
        self.live
            .execute_stream_with_session_data(request, session.unwrap_or_default())
            .boxed()
    }

    /// Checks `request` without executing it: its text's nesting (before anything parses
    /// it), then the limits, the variables, validation and complexity. A refusal is the
    /// response to send, with only errors without a path.
    pub async fn check(&self, mut request: Request) -> Result<Checked, Response> {
        nesting::check(&request.query, self.limits.max_nesting())
            .map_err(|error| Response::from_errors(vec![error]))?;
        let document = match request.parsed_query() {
            Ok(document) => document.clone(),
            Err(error) => return Err(Response::from_errors(vec![error])),
        };
        shape::with_defaults(
            &document,
            request.operation_name.as_deref(),
            &mut request.variables,
        );
        let mut probe = Request::new(String::new()).variables(request.variables.clone());
        probe.operation_name = request.operation_name.clone();
        probe.set_parsed_query(document.clone());
        let mut checked = self.gate.execute(probe).await;
        if checked.is_err() {
            // Validation finds some errors by walking hash maps (unused fragments, say):
            // in document order, the same request always gets the same answer.
            checked.errors.sort_by_key(|e| {
                let at = e.locations.first().map(|p| (p.line, p.column));
                (at, e.message.clone())
            });
            return Err(checked);
        }
        let cost = match checked.extensions.get(limits::COST) {
            Some(async_graphql::Value::Number(n)) => n.as_u64().unwrap_or(u64::MAX),
            _ => u64::MAX,
        };
        // What executes has the `__typename`s the response's shape needs; the client's
        // document, checked above, is what shapes it.
        let mut executed = document.clone();
        let plan = shape::prepare(
            &self.shapes,
            &mut executed,
            request.operation_name.as_deref(),
            &request.variables,
        );
        request.set_parsed_query(executed);
        Ok(Checked {
            request,
            cost,
            document,
            plan,
        })
    }

    /// Executes a checked request with the request's data (viewer, loader, budget) added,
    /// and gives its data the spec's shape (`shape::complete`).
    pub async fn run(&self, checked: Checked, data: impl FnOnce(Request) -> Request) -> Response {
        let Checked {
            request,
            document,
            plan,
            ..
        } = checked;
        let operation = request.operation_name.clone();
        let mut response = self.run.execute(data(request)).await;
        shape::complete(
            &self.shapes,
            &document,
            operation.as_deref(),
            &plan,
            &mut response,
        );
        response
    }
}

/// The name of the operation `request` selects, as async-graphql resolves it: the one it
/// names, else the document's only operation's name; `None` when it is anonymous or the
/// document does not parse.
pub fn operation_name(request: &mut Request) -> Option<String> {
    if let Some(name) = &request.operation_name {
        return Some(name.clone());
    }
    match &request.parsed_query().ok()?.operations {
        DocumentOperations::Single(_) => None,
        DocumentOperations::Multiple(operations) if operations.len() == 1 => {
            operations.keys().next().map(|name| name.to_string())
        }
        DocumentOperations::Multiple(_) => None,
    }
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

/// The client schema: the SDL without the federation machinery, for client tools (Relay,
/// code generators, linters) that do not know federation. async-graphql's plain SDL already
/// leaves out `@link`, `@key` and `@shareable`; this drops what it still has of federation:
/// the `_service` and `_entities` fields and the `_Any`, `_Entity` and `_Service` types.
pub fn api_sdl() -> String {
    let sdl = builder().finish().sdl();
    let mut out: Vec<&str> = Vec::with_capacity(sdl.lines().count());
    let mut skipping_type = false;
    for line in sdl.lines() {
        if skipping_type {
            skipping_type = line != "}";
            continue;
        }
        let federation_type = ["scalar _Any", "union _Entity", "type _Service"]
            .iter()
            .any(|t| line.starts_with(t));
        let federation_field = ["\t_service:", "\t_entities("]
            .iter()
            .any(|f| line.starts_with(f));
        if !(federation_type || federation_field) {
            out.push(line);
            continue;
        }
        // Drop the description written just before it, a `"""` block.
        let quote = if federation_type {
            "\"\"\""
        } else {
            "\t\"\"\""
        };
        if out.last() == Some(&quote) {
            out.pop();
            while let Some(l) = out.pop() {
                if l == quote {
                    break;
                }
            }
        }
        skipping_type = federation_type && line.ends_with('{');
    }
    let mut text = out.join("\n");
    // Dropping a type leaves its blank separator lines behind.
    while text.contains("\n\n\n") {
        text = text.replace("\n\n\n", "\n\n");
    }
    text.push('\n');
    text
}

pub(crate) fn db<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

pub(crate) fn viewer<'a>(ctx: &Context<'a>) -> Result<&'a Viewer, AppError> {
    ctx.data_opt::<Viewer>().ok_or(AppError::Unauthenticated)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_client_schema_has_no_federation_machinery() {
        let plain = super::builder().finish().sdl();
        for name in [
            "_entities(",
            "_service:",
            "scalar _Any",
            "union _Entity",
            "type _Service",
        ] {
            assert!(plain.contains(name), "async-graphql's SDL has {name}");
        }
        let api = super::api_sdl();
        for name in [
            "_entities",
            "_service",
            "_Any",
            "_Entity",
            "_Service",
            "@key",
            "@link",
            "@shareable",
        ] {
            assert!(!api.contains(name), "the client schema has {name}");
        }
        // Everything else is still there, and it parses.
        let document = async_graphql::parser::parse_schema(&api).expect("it parses");
        let plain_types = async_graphql::parser::parse_schema(&plain)
            .unwrap()
            .definitions
            .len();
        assert_eq!(document.definitions.len(), plain_types - 3);
        assert!(api.contains("type Query {") && api.contains("\tnode(\n"));
    }
}
