//! What one request may ask for, and the check that refuses more before any SQL runs.
//!
//! Every operation is measured on its syntax tree with fragments expanded (each fragment
//! once, memoised, so a document that doubles at every fragment is measured in linear
//! time): its depth, its aliases, its root fields and its size. Refusals happen in the gate
//! schema's (`super::Served`) `prepare_request`, before async-graphql's own validation walks
//! the document (which would walk such a document in exponential time). After validation,
//! the complexity async-graphql computes, where a connection's cost is `first`/`last` times
//! its selection, gets its limit.
//!
//! Introspection (`__schema`, `__type`) is measured apart: its depth is fixed by clients'
//! standard query (deeper than most data queries, because of `ofType` chains), so it does
//! not count towards the depth limit; instead, lists inside it (`types`, `fields`, ...) may
//! nest at most `MAX_INTROSPECTION_LISTS` deep, which bounds its response size.

use crate::codes;
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextPrepareRequest, NextValidation,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Request, Response, ServerError, ServerResult, ValidationResult, Value};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How deep lists may nest inside introspection: `__schema { types { fields { args } } }` is
/// three, which the standard introspection query needs and never exceeds.
pub const MAX_INTROSPECTION_LISTS: u64 = 3;

/// Introspection fields whose value is a list.
const INTROSPECTION_LISTS: [&str; 8] = [
    "types",
    "fields",
    "inputFields",
    "interfaces",
    "possibleTypes",
    "enumValues",
    "args",
    "directives",
];

/// The limits of one request. `Default` is what `serve` uses unless configured otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Nesting of fields (introspection aside).
    pub max_depth: u64,
    /// async-graphql complexity: each field costs 1 plus its selection, and a connection
    /// costs `first` (or `last`, or the default page size) times its selection.
    pub max_complexity: u64,
    /// Aliased fields in an operation, fragments expanded.
    pub max_aliases: u64,
    /// Fields at the root of an operation, fragments expanded.
    pub max_root_fields: u64,
    /// Operations in one batched request (a JSON array body).
    pub max_batch: usize,
    /// Bytes of a request body.
    pub max_body_bytes: usize,
    /// Time one HTTP request may execute for; on PostgreSQL also each statement's limit.
    pub timeout: Duration,
    /// Whether `__schema` and `__type` are served (GraphiQL and codegen need them).
    pub introspection: bool,
    /// Bytes of one HTTP response (a batch's responses together), enforced while executing.
    pub max_response_bytes: usize,
    /// Requests of one company that may execute at once; the others wait their turn.
    pub max_company_concurrency: usize,
    /// How long a request waits for its company's turn before it is refused as OVERLOADED.
    pub company_queue_timeout: Duration,
    /// From a request's head to the end of its body.
    pub body_read_timeout: Duration,
    /// Open subscriptions on one WebSocket connection.
    pub max_subscriptions_per_connection: usize,
    /// Open subscriptions of one company on this instance.
    pub max_subscriptions_per_company: usize,
    /// Batches of events a subscriber may fall behind before it is ended
    /// (SUBSCRIBER_TOO_SLOW); the buffer is shared, so this bounds memory for all.
    pub subscription_buffer: usize,
    /// How long a WebSocket may take to send `connection_init` (then closed with 4408).
    pub connection_init_timeout: Duration,
    /// How often the event log is read when no wake-up came (a wake-up lost, or a write
    /// of a process that cannot wake this one).
    pub event_poll_interval: Duration,
    /// How long events are kept; older ones are pruned, and a cursor below them expires.
    pub event_retention: Duration,
    /// Most events one pruning run deletes (runs repeat each minute).
    pub event_prune_batch: u64,
}

impl Limits {
    /// How deep selections (fields with a selection, fragment spreads and inline
    /// fragments) may nest in the document: twice the depth limit, and at least 64, since
    /// fragments and inline fragments add levels without adding depth. Past it a document
    /// is refused before anything walks it recursively.
    pub fn max_nesting(&self) -> usize {
        usize::try_from(self.max_depth.saturating_mul(2))
            .unwrap_or(usize::MAX)
            .max(64)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 12,
            max_complexity: 50_000,
            max_aliases: 30,
            max_root_fields: 20,
            max_batch: 10,
            max_body_bytes: 1024 * 1024,
            timeout: Duration::from_secs(10),
            introspection: true,
            max_response_bytes: 8 * 1024 * 1024,
            max_company_concurrency: 8,
            company_queue_timeout: Duration::from_secs(2),
            body_read_timeout: Duration::from_secs(30),
            max_subscriptions_per_connection: 100,
            max_subscriptions_per_company: 2_000,
            subscription_buffer: 512,
            connection_init_timeout: Duration::from_secs(10),
            event_poll_interval: Duration::from_secs(1),
            event_retention: Duration::from_secs(30 * 86_400),
            event_prune_batch: 10_000,
        }
    }
}

/// An error that refuses a request, with its code and, for limits, the limit and the
/// measured value in `extensions`.
pub fn refusal(code: &str, message: String, limit: Option<(u64, u64)>) -> ServerError {
    let mut error = ServerError::new(message, None);
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set("code", code);
    if let Some((limit, actual)) = limit {
        extensions.set("limit", Value::from(limit));
        extensions.set("actual", Value::from(actual));
    }
    error
}

/// The extension of the gate schema (`Served`): it enforces `Limits` and checks the
/// variables before validation, the complexity after it, and then stops the request
/// instead of executing it.
pub struct QueryLimits(pub Arc<Limits>);

impl ExtensionFactory for QueryLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(LimitsExtension {
            limits: self.0.clone(),
            representations: AtomicU64::new(1),
            cost: AtomicU64::new(0),
            executes: false,
        })
    }
}

/// The same checks for the WebSocket schema, which then executes what passes (a stream
/// cannot be checked on the gate and run elsewhere).
pub struct LiveLimits(pub Arc<Limits>);

impl ExtensionFactory for LiveLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(LimitsExtension {
            limits: self.0.clone(),
            representations: AtomicU64::new(1),
            cost: AtomicU64::new(0),
            executes: true,
        })
    }
}

/// The extension of one request: what it measured before validation is read after it.
struct LimitsExtension {
    limits: Arc<Limits>,
    /// Representations the operation's `_entities` fields resolve (at least 1).
    representations: AtomicU64,
    /// The operation's cost, once validated.
    cost: AtomicU64,
    /// Whether what passes executes (the WebSocket schema) or stops (the gate).
    executes: bool,
}

/// The key of the gate's response extension that carries the operation's cost.
pub(crate) const COST: &str = "cost";

#[async_graphql::async_trait::async_trait]
impl Extension for LimitsExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        // `Served` hands the document over parsed.
        let name = request.operation_name.take();
        let variables = std::mem::take(&mut request.variables);
        let document = request.parsed_query()?;
        check(document, &self.limits)?;
        self.representations.store(
            representations(document, name.as_deref(), &variables).max(1),
            Ordering::Relaxed,
        );
        let registry = &ctx.schema_env.registry;
        super::variables::check(registry, document, name.as_deref(), &variables)
            .map_err(|message| refusal(codes::BAD_REQUEST, message, None))?;
        request.operation_name = name;
        request.variables = variables;
        next.run(ctx, request).await
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        // `_entities` costs its selection once per representation: async-graphql counts it
        // once, whatever the list holds. The whole operation is multiplied, which is exact
        // for the gateway's entity fetches (only `_entities` at the root) and errs on the
        // safe side otherwise.
        let cost =
            (result.complexity as u64).saturating_mul(self.representations.load(Ordering::Relaxed));
        if cost > self.limits.max_complexity {
            return Err(vec![too_complex(cost, self.limits.max_complexity, "")]);
        }
        self.cost.store(cost, Ordering::Relaxed);
        Ok(result)
    }

    /// The gate never executes: it answers "passed" with no data and no errors, and the
    /// operation's cost in the `COST` extension.
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        if self.executes {
            return next.run(ctx, operation_name).await;
        }
        Response::new(Value::Null).extension(COST, Value::from(self.cost.load(Ordering::Relaxed)))
    }
}

/// How many representations the `_entities` fields at the root of the operation that will
/// run ask for: list literals counted, variables looked up (a list of one value counts 1).
fn representations(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &async_graphql::Variables,
) -> u64 {
    let operation = document
        .operations
        .iter()
        .find(|(name, _)| match operation_name {
            Some(wanted) => name.is_some_and(|n| n.as_str() == wanted),
            None => true,
        });
    let Some((_, operation)) = operation else {
        return 1;
    };
    // Root selections, through fragments (bounded by the checks above: no cycles, limited
    // nesting and size).
    let mut sets = vec![&operation.node.selection_set.node];
    let mut total = 0u64;
    let mut visited = 0usize;
    while let Some(set) = sets.pop() {
        visited += 1;
        if visited > 10_000 {
            break;
        }
        for item in &set.items {
            match &item.node {
                Selection::Field(field) if field.node.name.node == "_entities" => {
                    let count = match field.node.get_argument("representations") {
                        Some(value) => match &value.node {
                            async_graphql_value::Value::List(items) => items.len() as u64,
                            async_graphql_value::Value::Variable(name) => match variables.get(name)
                            {
                                Some(Value::List(items)) => items.len() as u64,
                                _ => 1,
                            },
                            _ => 1,
                        },
                        None => 1,
                    };
                    total = total.saturating_add(count);
                }
                Selection::Field(_) => {}
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node)
                    {
                        sets.push(&fragment.node.selection_set.node);
                    }
                }
                Selection::InlineFragment(inline) => sets.push(&inline.node.selection_set.node),
            }
        }
    }
    total
}

pub(crate) fn too_complex(actual: u64, limit: u64, at_least: &str) -> ServerError {
    refusal(
        codes::QUERY_TOO_COMPLEX,
        format!(
            "the query is too complex: it costs {at_least}{actual}, and at most {limit} is allowed; ask for smaller pages (`first`/`last`) or fewer fields"
        ),
        Some((limit, actual)),
    )
}

/// Refuses `document` if any of its operations exceeds a limit, or uses introspection
/// while it is off.
pub fn check(document: &ExecutableDocument, limits: &Limits) -> Result<(), ServerError> {
    let mut measure = Measure {
        document,
        fragments: HashMap::new(),
        max_nesting: limits.max_nesting(),
    };
    for (_, operation) in document.operations.iter() {
        let shape = measure.selection_set(&operation.node.selection_set.node, false, 0)?;
        if shape.introspection && !limits.introspection {
            return Err(refusal(
                codes::INTROSPECTION_DISABLED,
                "introspection (__schema, __type) is turned off on this server".into(),
                None,
            ));
        }
        if shape.size > limits.max_complexity {
            return Err(too_complex(shape.size, limits.max_complexity, "at least "));
        }
        if shape.depth > limits.max_depth {
            return Err(refusal(
                codes::QUERY_TOO_DEEP,
                format!(
                    "the query nests fields {} deep, and at most {} is allowed",
                    shape.depth, limits.max_depth
                ),
                Some((limits.max_depth, shape.depth)),
            ));
        }
        if shape.introspection_lists > MAX_INTROSPECTION_LISTS {
            return Err(refusal(
                codes::QUERY_TOO_DEEP,
                format!(
                    "the introspection nests lists {} deep, and at most {MAX_INTROSPECTION_LISTS} is allowed",
                    shape.introspection_lists
                ),
                Some((MAX_INTROSPECTION_LISTS, shape.introspection_lists)),
            ));
        }
        if shape.aliases > limits.max_aliases {
            return Err(refusal(
                codes::TOO_MANY_ALIASES,
                format!(
                    "the operation has {} aliased fields, and at most {} are allowed",
                    shape.aliases, limits.max_aliases
                ),
                Some((limits.max_aliases, shape.aliases)),
            ));
        }
        if shape.roots > limits.max_root_fields {
            return Err(refusal(
                codes::TOO_MANY_ROOT_FIELDS,
                format!(
                    "the operation has {} root fields, and at most {} are allowed",
                    shape.roots, limits.max_root_fields
                ),
                Some((limits.max_root_fields, shape.roots)),
            ));
        }
    }
    Ok(())
}

/// The measurements of a selection set with its fragments expanded. Counts saturate.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Shape {
    /// Selections (fields, spreads, inline fragments) in the expanded tree: a lower bound of
    /// the complexity, and the work of walking it.
    size: u64,
    /// Nesting of fields outside introspection.
    depth: u64,
    /// Nesting of list fields inside introspection.
    introspection_lists: u64,
    aliases: u64,
    /// Fields at this level.
    roots: u64,
    /// Whether `__schema` or `__type` is selected.
    introspection: bool,
    /// Levels of selection sets below this one (fields with a selection, spreads and
    /// inline fragments each add one).
    height: usize,
}

impl Shape {
    /// Adds a fragment's (or inline fragment's) selection, which sits at this level.
    fn absorb(&mut self, inner: Shape) {
        self.size = self.size.saturating_add(1).saturating_add(inner.size);
        self.depth = self.depth.max(inner.depth);
        self.introspection_lists = self.introspection_lists.max(inner.introspection_lists);
        self.aliases = self.aliases.saturating_add(inner.aliases);
        self.roots = self.roots.saturating_add(inner.roots);
        self.introspection |= inner.introspection;
        self.height = self.height.max(inner.height.saturating_add(1));
    }
}

enum Memo {
    InProgress,
    Done(Shape),
}

struct Measure<'a> {
    document: &'a ExecutableDocument,
    /// Fragment shapes by (name, inside introspection).
    fragments: HashMap<(&'a str, bool), Memo>,
    max_nesting: usize,
}

impl<'a> Measure<'a> {
    fn too_nested(&self) -> ServerError {
        refusal(
            codes::QUERY_TOO_DEEP,
            format!(
                "selections (fields, fragment spreads and inline fragments) nest more than {} deep",
                self.max_nesting
            ),
            None,
        )
    }

    fn selection_set(
        &mut self,
        set: &'a SelectionSet,
        in_introspection: bool,
        nesting: usize,
    ) -> Result<Shape, ServerError> {
        if nesting > self.max_nesting {
            return Err(self.too_nested());
        }
        let mut shape = Shape::default();
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let name = field.name.node.as_str();
                    let enters = !in_introspection && matches!(name, "__schema" | "__type");
                    let inside = in_introspection || enters;
                    let child = if field.selection_set.node.items.is_empty() {
                        Shape::default()
                    } else {
                        self.selection_set(&field.selection_set.node, inside, nesting + 1)?
                    };
                    shape.size = shape.size.saturating_add(1).saturating_add(child.size);
                    shape.aliases = shape
                        .aliases
                        .saturating_add(child.aliases)
                        .saturating_add(u64::from(field.alias.is_some()));
                    shape.roots = shape.roots.saturating_add(1);
                    if !field.selection_set.node.items.is_empty() {
                        shape.height = shape.height.max(child.height.saturating_add(1));
                    }
                    shape.introspection |= enters || child.introspection;
                    if inside {
                        let own =
                            u64::from(in_introspection && INTROSPECTION_LISTS.contains(&name));
                        shape.introspection_lists = shape
                            .introspection_lists
                            .max(child.introspection_lists.saturating_add(own));
                    } else {
                        shape.depth = shape.depth.max(child.depth.saturating_add(1));
                        shape.introspection_lists =
                            shape.introspection_lists.max(child.introspection_lists);
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    // An unknown fragment is a validation error async-graphql reports.
                    if let Some(inner) = self.fragment(name, in_introspection, nesting + 1)? {
                        shape.absorb(inner);
                    }
                }
                Selection::InlineFragment(inline) => {
                    let inner = self.selection_set(
                        &inline.node.selection_set.node,
                        in_introspection,
                        nesting + 1,
                    )?;
                    shape.absorb(inner);
                }
            }
        }
        Ok(shape)
    }

    /// The shape of fragment `name`, spread at `nesting`.
    fn fragment(
        &mut self,
        name: &'a str,
        in_introspection: bool,
        nesting: usize,
    ) -> Result<Option<Shape>, ServerError> {
        match self.fragments.get(&(name, in_introspection)) {
            Some(Memo::Done(shape)) => {
                // Measured before, maybe less deep: it must fit here too.
                if nesting.saturating_add(shape.height) > self.max_nesting {
                    return Err(self.too_nested());
                }
                return Ok(Some(*shape));
            }
            Some(Memo::InProgress) => {
                return Err(refusal(
                    codes::BAD_REQUEST,
                    format!(
                        "fragment `{name}` spreads itself, directly or through other fragments"
                    ),
                    None,
                ));
            }
            None => {}
        }
        let document = self.document;
        let Some(fragment) = document.fragments.get(name) else {
            return Ok(None);
        };
        self.fragments
            .insert((name, in_introspection), Memo::InProgress);
        let shape =
            self.selection_set(&fragment.node.selection_set.node, in_introspection, nesting)?;
        self.fragments
            .insert((name, in_introspection), Memo::Done(shape));
        Ok(Some(shape))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn shape(query: &str) -> Shape {
        let document = parse_query(query).unwrap();
        let mut measure = Measure {
            document: &document,
            fragments: HashMap::new(),
            max_nesting: 64,
        };
        let (_, operation) = document.operations.iter().next().unwrap();
        measure
            .selection_set(&operation.node.selection_set.node, false, 0)
            .unwrap()
    }

    #[test]
    fn depth_counts_nested_fields_through_fragments() {
        assert_eq!(shape("{ a }").depth, 1);
        assert_eq!(shape("{ a { b { c } } d }").depth, 3);
        assert_eq!(shape("{ a { ...F } } fragment F on T { b { c } }").depth, 3);
        assert_eq!(shape("{ a { ... on T { b { c { d } } } } }").depth, 4);
    }

    #[test]
    fn aliases_and_roots_count_expanded_fragments() {
        let s = shape("{ x: a y: a ...F ...F } fragment F on Q { z: b c }");
        assert_eq!(s.aliases, 4);
        assert_eq!(s.roots, 6);
        assert_eq!(shape("{ a { x: b y: b } }").roots, 1);
        assert_eq!(shape("{ a { x: b y: b } }").aliases, 2);
    }

    #[test]
    fn a_doubling_fragment_chain_is_measured_without_expanding_it() {
        // 60 fragments, each spreading the previous twice: 2^60 fields when expanded.
        let mut query = String::from("{ ...F60 } fragment F0 on Query { a }");
        for i in 1..=60 {
            query.push_str(&format!(
                " fragment F{i} on Query {{ ...F{} ...F{} }}",
                i - 1,
                i - 1
            ));
        }
        let s = shape(&query);
        assert!(s.size > 1 << 60, "{}", s.size);
        assert_eq!(s.roots, 1 << 60);
    }

    #[test]
    fn a_long_chain_of_fragments_is_refused_without_recursing_through_it() {
        let mut query = String::from("{ ...F0 }");
        for i in 0..5000 {
            query.push_str(&format!(" fragment F{i} on Query {{ ...F{} }}", i + 1));
        }
        query.push_str(" fragment F5000 on Query { __typename }");
        let document = parse_query(&query).unwrap();
        let err = check(&document, &Limits::default()).unwrap_err();
        assert!(err.message.contains("nest more than 64"), "{}", err.message);
    }

    #[test]
    fn representations_are_counted_in_literals_variables_and_fragments() {
        let count = |query: &str, variables: serde_json::Value| {
            let document = parse_query(query).unwrap();
            let variables = async_graphql::Variables::from_json(variables);
            representations(&document, None, &variables)
        };
        let none = serde_json::json!({});
        assert_eq!(count("{ __typename }", none.clone()), 0);
        assert_eq!(
            count(
                r#"{ _entities(representations: [{__typename: "A"}, {__typename: "B"}, {__typename: "C"}]) { __typename } }"#,
                none.clone()
            ),
            3
        );
        let reps: Vec<_> = (0..1000)
            .map(|_| serde_json::json!({"__typename": "A"}))
            .collect();
        assert_eq!(
            count(
                "query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }",
                serde_json::json!({ "r": reps })
            ),
            1000
        );
        // Aliased twice, once through a fragment: the counts add up.
        assert_eq!(
            count(
                r#"{ a: _entities(representations: [{}, {}]) { __typename } ...F }
                   fragment F on Query { b: _entities(representations: [{}, {}, {}]) { __typename } }"#,
                none
            ),
            5
        );
    }

    #[test]
    fn fragment_cycles_are_refused() {
        let document =
            parse_query("{ ...A } fragment A on Q { ...B } fragment B on Q { a ...A }").unwrap();
        let err = check(&document, &Limits::default()).unwrap_err();
        assert!(err.message.contains("spreads itself"), "{}", err.message);
    }

    #[test]
    fn introspection_is_measured_by_list_nesting_not_depth() {
        let s = shape(
            "{ __schema { types { fields { args { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } }",
        );
        assert!(s.introspection);
        assert_eq!(s.depth, 0);
        assert_eq!(s.introspection_lists, 3);
        let s = shape(
            "{ __type(name: \"Q\") { fields { type { fields { type { fields { name } } } } } } }",
        );
        assert_eq!(s.introspection_lists, 3);
        let s = shape(
            "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
        );
        assert_eq!(s.introspection_lists, 4);
        assert!(!shape("{ __typename a }").introspection);
    }
}
