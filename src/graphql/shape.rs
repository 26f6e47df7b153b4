//! The response's `data` in the shape the GraphQL spec gives it ("Handling Execution
//! Errors", "CompleteValue"), which is also the shape a federation gateway in front of us
//! gives it.
//!
//! async-graphql 7 leaves a field that failed out of its parent object, fails a whole list
//! when one item's own resolution fails, answers null for an object none of whose fields
//! gave a value, and inserts the fields of an object in the order they finish. After
//! execution, `complete` walks the operation's selection over the data once and rebuilds
//! it: every selected response key in selection order; a field that failed is null; a null
//! in a non-null position makes its nearest nullable parent null, up to `data` itself. The
//! errors are left as they were: exactly one per failed field.
//!
//! Objects of an interface or union type need their concrete type to collect fields
//! through type conditions; `prepare` adds a `__typename` to those selections before
//! execution (after the request's checks, so it costs the client nothing), under a response
//! key no document can spell, and `complete` reads it and drops it again. Fragments apply as
//! async-graphql applies them when it executes: to the object's own type and its
//! interfaces.

use async_graphql::parser::types::{
    BaseType, Directive, DocumentOperations, ExecutableDocument, Field, OperationDefinition,
    Selection, SelectionSet, Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Name, Pos, Positioned, Response, Value, Variables};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// The output types of the schema: each composite type's fields and, for interfaces and
/// unions, the object types they stand for.
#[derive(Debug)]
pub struct Shapes {
    types: HashMap<Name, Shape>,
    query: Name,
    mutation: Name,
}

#[derive(Debug, Default)]
struct Shape {
    fields: HashMap<Name, Type>,
    /// Set for interfaces and unions: the object types that can stand in their place.
    possible: Option<HashSet<Name>>,
    interface: bool,
}

impl Shapes {
    /// The shapes of the schema whose SDL (with `_entities` and `_Entity`) is `sdl`.
    pub fn from_sdl(sdl: &str) -> Self {
        let document = async_graphql::parser::parse_schema(sdl).expect("the schema's SDL parses");
        let mut types: HashMap<Name, Shape> = HashMap::new();
        let mut implements: Vec<(Name, Name)> = Vec::new();
        let field_map = |fields: &[Positioned<async_graphql::parser::types::FieldDefinition>]| {
            fields
                .iter()
                .map(|f| (f.node.name.node.clone(), f.node.ty.node.clone()))
                .collect::<HashMap<_, _>>()
        };
        for definition in document.definitions {
            let TypeSystemDefinition::Type(ty) = definition else {
                continue;
            };
            let name = ty.node.name.node.clone();
            let shape = match &ty.node.kind {
                TypeKind::Object(object) => {
                    for interface in &object.implements {
                        implements.push((interface.node.clone(), name.clone()));
                    }
                    Shape {
                        fields: field_map(&object.fields),
                        possible: None,
                        interface: false,
                    }
                }
                TypeKind::Interface(interface) => Shape {
                    fields: field_map(&interface.fields),
                    possible: Some(HashSet::new()),
                    interface: true,
                },
                TypeKind::Union(union) => Shape {
                    fields: HashMap::new(),
                    possible: Some(union.members.iter().map(|m| m.node.clone()).collect()),
                    interface: false,
                },
                _ => continue,
            };
            types.insert(name, shape);
        }
        for (interface, object) in implements {
            if let Some(possible) = types.get_mut(&interface).and_then(|s| s.possible.as_mut()) {
                possible.insert(object);
            }
        }
        Shapes {
            types,
            query: Name::new("Query"),
            mutation: Name::new("Mutation"),
        }
    }

    /// Whether an object of type `object` can stand where `ty` is expected.
    fn can_be(&self, ty: &str, object: &str) -> bool {
        ty == object
            || self
                .types
                .get(ty)
                .and_then(|s| s.possible.as_ref())
                .is_some_and(|p| p.contains(object))
    }

    fn is_abstract(&self, name: &str) -> bool {
        self.types.get(name).is_some_and(|s| s.possible.is_some())
    }

    fn field(&self, parent: &str, name: &str) -> Option<&Type> {
        self.types.get(parent)?.fields.get(name)
    }

    /// Whether a fragment on `condition` applies to an object of type `object`: its own
    /// type or one of its interfaces. (A fragment on a union inside an object selection
    /// would apply by the spec, but async-graphql does not execute it, and the shape
    /// follows what was executed.)
    fn applies(&self, condition: &str, object: &str) -> bool {
        condition == object
            || self
                .types
                .get(condition)
                .filter(|s| s.interface)
                .and_then(|s| s.possible.as_ref())
                .is_some_and(|p| p.contains(object))
    }
}

/// Where `prepare` puts the `__typename` it adds: line 0, which no parsed field has.
const ADDED: Pos = Pos { line: 0, column: 0 };

/// The response key of the added `__typename`: with a space, so no alias can be it.
const TYPE_KEY: &str = "__typename of";

/// What `complete` needs of a request, taken before it executes.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The value of each variable that an `@skip` or `@include` reads.
    flags: HashMap<Name, bool>,
}

/// Readies `document` for execution and `complete`: adds a `__typename` to every
/// selection of an interface or union type, and records the values of the `@skip` /
/// `@include` variables (`with_defaults` has given every variable its value).
pub fn prepare(
    shapes: &Shapes,
    document: &mut ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
) -> Plan {
    let mut plan = Plan::default();
    for (_, fragment) in document.fragments.iter_mut() {
        let on = fragment.node.type_condition.node.on.node.clone();
        add_typenames(shapes, &on, &mut fragment.node.selection_set.node);
    }
    let roots: Vec<&mut Positioned<OperationDefinition>> = match &mut document.operations {
        DocumentOperations::Single(op) => vec![op],
        DocumentOperations::Multiple(ops) => ops.values_mut().collect(),
    };
    for op in roots {
        let root = match op.node.ty {
            async_graphql::parser::types::OperationType::Mutation => shapes.mutation.clone(),
            _ => shapes.query.clone(),
        };
        add_typenames(shapes, &root, &mut op.node.selection_set.node);
    }
    if let Some(op) = operation(document, operation_name) {
        for definition in &op.variable_definitions {
            let name = &definition.node.name.node;
            if let Some(Value::Boolean(b)) = variables.get(name) {
                plan.flags.insert(name.clone(), *b);
            }
        }
    }
    plan
}

fn add_typenames(shapes: &Shapes, parent: &str, set: &mut SelectionSet) {
    for item in &mut set.items {
        match &mut item.node {
            Selection::Field(field) => {
                let field = &mut field.node;
                let Some(ty) = shapes.field(parent, &field.name.node) else {
                    continue;
                };
                if field.selection_set.node.items.is_empty() {
                    continue;
                }
                let named = named_type(ty).to_owned();
                add_typenames(shapes, &named, &mut field.selection_set.node);
                if shapes.is_abstract(&named) {
                    insert_typename(&mut field.selection_set.node);
                }
            }
            Selection::InlineFragment(fragment) => {
                let on = fragment
                    .node
                    .type_condition
                    .as_ref()
                    .map_or_else(|| parent.to_owned(), |c| c.node.on.node.to_string());
                add_typenames(shapes, &on, &mut fragment.node.selection_set.node);
            }
            Selection::FragmentSpread(_) => {}
        }
    }
}

/// Adds `TYPE_KEY: __typename` to `set`.
fn insert_typename(set: &mut SelectionSet) {
    let field = Field {
        alias: Some(Positioned::new(Name::new(TYPE_KEY), ADDED)),
        name: Positioned::new(Name::new("__typename"), ADDED),
        arguments: Vec::new(),
        directives: Vec::new(),
        selection_set: Positioned::new(SelectionSet::default(), ADDED),
    };
    set.items.push(Positioned::new(
        Selection::Field(Positioned::new(field, ADDED)),
        ADDED,
    ));
}

fn named_type(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name,
        BaseType::List(inner) => named_type(inner),
    }
}

/// Gives every variable of the operation that the request left out its default value
/// (the spec's CoerceVariableValues), so that `@skip` and `@include` read it as everything
/// else does: async-graphql applies defaults to arguments but not to those directives.
pub fn with_defaults(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &mut Variables,
) {
    let Some(op) = operation(document, operation_name) else {
        return;
    };
    for definition in &op.variable_definitions {
        let name = &definition.node.name.node;
        if let Some(default) = &definition.node.default_value
            && !variables.contains_key(name)
        {
            variables.insert(name.clone(), default.node.clone());
        }
    }
}

fn operation<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(op), _) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| &op.node),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| &op.node)
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// One step of a response path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Step {
    Key(String),
    Index(usize),
}

/// A null where the type does not allow one: the parent has to be null instead.
struct Propagate;

/// Rebuilds `response.data` in the spec's shape (see the module's documentation). A
/// request that did not execute (no data, only errors without a path) is left alone.
pub fn complete(
    shapes: &Shapes,
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    plan: &Plan,
    response: &mut Response,
) {
    let Some(op) = operation(document, operation_name) else {
        return;
    };
    let executed = response.errors.is_empty() || response.errors.iter().any(|e| !e.path.is_empty());
    if response.data == Value::Null && !executed {
        return;
    }
    // Objects that async-graphql made null because every selected field of theirs failed:
    // the ancestors of every error's path.
    let mut failed_within = HashSet::new();
    for error in &response.errors {
        let steps: Vec<Step> = error
            .path
            .iter()
            .map(|segment| match segment {
                async_graphql::PathSegment::Field(key) => Step::Key(key.clone()),
                async_graphql::PathSegment::Index(i) => Step::Index(*i),
            })
            .collect();
        for end in 0..steps.len() {
            failed_within.insert(steps[..end].to_vec());
        }
    }
    let root = match op.ty {
        async_graphql::parser::types::OperationType::Mutation => &shapes.mutation,
        _ => &shapes.query,
    };
    let walk = Walk {
        shapes,
        memo: RefCell::default(),
        document,
        plan,
        track: !failed_within.is_empty(),
        failed_within,
    };
    let data = std::mem::take(&mut response.data);
    let mut path = Vec::new();
    let object = match data {
        Value::Object(map) => map,
        _ => Default::default(),
    };
    response.data = match walk.object(object, root, &[&op.selection_set.node], &mut path) {
        Ok(object) => Value::Object(object),
        Err(Propagate) => Value::Null,
    };
}

/// A response key of an object, as `Walk::collected` found it.
struct Entry<'a> {
    key: Name,
    kind: Kind<'a>,
    /// The selection sets of the fields under the key, for the value beneath.
    subsets: Vec<&'a SelectionSet>,
}

enum Kind<'a> {
    Typename,
    /// A field the shapes do not know (introspection): kept as executed.
    Unknown,
    Typed(&'a Type),
}

/// Collected fields by (object type, addresses of the selection sets).
type Memo<'a> = RefCell<HashMap<(String, Vec<usize>), Rc<Vec<Entry<'a>>>>>;

struct Walk<'a> {
    shapes: &'a Shapes,
    memo: Memo<'a>,
    document: &'a ExecutableDocument,
    plan: &'a Plan,
    failed_within: HashSet<Vec<Step>>,
    /// Whether the path is needed: only to look it up in `failed_within`.
    track: bool,
}

type Object = async_graphql::indexmap::IndexMap<Name, Value>;

impl<'a> Walk<'a> {
    fn object(
        &self,
        mut value: Object,
        ty: &str,
        sets: &[&'a SelectionSet],
        path: &mut Vec<Step>,
    ) -> Result<Object, Propagate> {
        let concrete = match value.shift_remove(TYPE_KEY) {
            Some(Value::String(name)) if self.shapes.can_be(ty, &name) => name,
            _ => ty.to_owned(),
        };
        let fields = self.collected(&concrete, sets);
        // The usual case: the executor answered every key, in selection order. The values
        // are completed in place, the object kept.
        let in_order = value.len() == fields.len()
            && value
                .keys()
                .zip(fields.iter())
                .all(|(have, entry)| *have == entry.key);
        if in_order {
            for (slot, entry) in value.values_mut().zip(fields.iter()) {
                let Kind::Typed(field_type) = &entry.kind else {
                    continue;
                };
                if self.track {
                    path.push(Step::Key(entry.key.to_string()));
                }
                let done = self.value(Some(std::mem::take(slot)), field_type, &entry.subsets, path);
                if self.track {
                    path.pop();
                }
                *slot = done?;
            }
            return Ok(value);
        }
        let mut out = Object::with_capacity(fields.len());
        for entry in fields.iter() {
            let raw = value.swap_remove(entry.key.as_str());
            let field_type = match &entry.kind {
                Kind::Typename => {
                    out.insert(
                        entry.key.clone(),
                        raw.unwrap_or_else(|| Value::String(concrete.clone())),
                    );
                    continue;
                }
                Kind::Unknown => {
                    // Introspection and anything else the shapes do not know: as executed.
                    if let Some(raw) = raw {
                        out.insert(entry.key.clone(), raw);
                    }
                    continue;
                }
                Kind::Typed(field_type) => field_type,
            };
            if self.track {
                path.push(Step::Key(entry.key.to_string()));
            }
            let done = self.value(raw, field_type, &entry.subsets, path);
            if self.track {
                path.pop();
            }
            out.insert(entry.key.clone(), done?);
        }
        Ok(out)
    }

    /// `collect` for an object of type `object` under `sets`, with each response key's
    /// type and selection sets, computed once per request for each (type, sets): every
    /// row of a list has the same.
    fn collected(&self, object: &str, sets: &[&'a SelectionSet]) -> Rc<Vec<Entry<'a>>> {
        let key = (
            object.to_owned(),
            sets.iter()
                .map(|s| *s as *const SelectionSet as usize)
                .collect::<Vec<_>>(),
        );
        if let Some(hit) = self.memo.borrow().get(&key) {
            return hit.clone();
        }
        let entries: Vec<Entry<'a>> = self
            .collect(object, sets)
            .into_iter()
            .map(|(key, group)| {
                let field = group[0];
                let kind = if field.name.node == "__typename" {
                    Kind::Typename
                } else {
                    match self.shapes.field(object, &field.name.node) {
                        Some(ty) => Kind::Typed(ty),
                        None => Kind::Unknown,
                    }
                };
                Entry {
                    key,
                    kind,
                    subsets: group.iter().map(|f| &f.selection_set.node).collect(),
                }
            })
            .collect();
        let entries = Rc::new(entries);
        self.memo.borrow_mut().insert(key, entries.clone());
        entries
    }

    fn value(
        &self,
        raw: Option<Value>,
        ty: &Type,
        sets: &[&'a SelectionSet],
        path: &mut Vec<Step>,
    ) -> Result<Value, Propagate> {
        let null = || {
            if ty.nullable {
                Ok(Value::Null)
            } else {
                Err(Propagate)
            }
        };
        let raw = match raw {
            None => return null(),
            Some(Value::Null) => {
                // async-graphql answers null for an object none of whose selected fields
                // gave a value: they all failed, or were all skipped. At a non-null
                // position that is the only way to get a null (a failed field is a missing
                // key); at a nullable one, only an error below it says so.
                let composite = self.shapes.types.contains_key(named_type(ty));
                if composite && (!ty.nullable || self.failed_within.contains(path.as_slice())) {
                    match &ty.base {
                        BaseType::Named(_) => Value::Object(Object::new()),
                        BaseType::List(_) => return null(),
                    }
                } else {
                    return null();
                }
            }
            Some(raw) => raw,
        };
        match (&ty.base, raw) {
            (BaseType::List(inner), Value::List(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    if self.track {
                        path.push(Step::Index(i));
                    }
                    let done = self.value(Some(item), inner, sets, path);
                    if self.track {
                        path.pop();
                    }
                    match done {
                        Ok(item) => out.push(item),
                        Err(Propagate) => return null(),
                    }
                }
                Ok(Value::List(out))
            }
            (BaseType::Named(name), Value::Object(object))
                if self.shapes.types.contains_key(name) =>
            {
                match self.object(object, name, sets, path) {
                    Ok(object) => Ok(Value::Object(object)),
                    Err(Propagate) => null(),
                }
            }
            (_, raw) => Ok(raw),
        }
    }

    /// The spec's CollectFields: the response keys of an object of type `object` under
    /// `sets`, in selection order, each with the fields that answer under it.
    fn collect(
        &self,
        object: &str,
        sets: &[&'a SelectionSet],
    ) -> async_graphql::indexmap::IndexMap<Name, Vec<&'a Field>> {
        let mut fields = async_graphql::indexmap::IndexMap::new();
        let mut visited = HashSet::new();
        for set in sets {
            self.collect_into(object, set, &mut fields, &mut visited);
        }
        fields
    }

    fn collect_into(
        &self,
        object: &str,
        set: &'a SelectionSet,
        fields: &mut async_graphql::indexmap::IndexMap<Name, Vec<&'a Field>>,
        visited: &mut HashSet<&'a str>,
    ) {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    if field.pos == ADDED || self.skipped(&field.node.directives) {
                        continue;
                    }
                    let key = field.node.response_key().node.clone();
                    fields.entry(key).or_default().push(&field.node);
                }
                Selection::FragmentSpread(spread) => {
                    if self.skipped(&spread.node.directives) {
                        continue;
                    }
                    let name = spread.node.fragment_name.node.as_str();
                    let Some(fragment) = self.document.fragments.get(name) else {
                        continue;
                    };
                    let on = fragment.node.type_condition.node.on.node.as_str();
                    if !self.applies(on, object) || !visited.insert(name) {
                        continue;
                    }
                    self.collect_into(object, &fragment.node.selection_set.node, fields, visited);
                }
                Selection::InlineFragment(fragment) => {
                    if self.skipped(&fragment.node.directives) {
                        continue;
                    }
                    if let Some(condition) = &fragment.node.type_condition
                        && !self.applies(&condition.node.on.node, object)
                    {
                        continue;
                    }
                    self.collect_into(object, &fragment.node.selection_set.node, fields, visited);
                }
            }
        }
    }

    /// Whether a fragment on `condition` applies; an object whose concrete type is not
    /// known (its type is still abstract) takes every fragment.
    fn applies(&self, condition: &str, object: &str) -> bool {
        self.shapes.is_abstract(object) || self.shapes.applies(condition, object)
    }

    /// Whether `@skip` / `@include` leave the selection out.
    fn skipped(&self, directives: &[Positioned<Directive>]) -> bool {
        directives.iter().any(|d| {
            let name = d.node.name.node.as_str();
            if name != "skip" && name != "include" {
                return false;
            }
            let condition = match d.node.get_argument("if").map(|v| &v.node) {
                Some(async_graphql_value::Value::Boolean(b)) => *b,
                Some(async_graphql_value::Value::Variable(v)) => {
                    self.plan.flags.get(v).copied().unwrap_or(false)
                }
                _ => false,
            };
            (name == "skip") == condition
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::{ServerError, value};

    const SDL: &str = r#"
        interface Node { id: ID! }
        type Query { a: A, list: [A!], items: [A]!, must: A!, node(id: ID!): Node }
        scalar JSON
        type A implements Node { id: ID!, x: Int, y: Int!, b: B, bs: [B!]!, meta: JSON }
        type B implements Node { id: ID!, z: Int! }
    "#;

    fn shapes() -> Shapes {
        Shapes::from_sdl(SDL)
    }

    fn error(path: &[&str]) -> ServerError {
        let mut e = ServerError::new("failed", None);
        e.path = path
            .iter()
            .map(|s| match s.parse::<usize>() {
                Ok(i) => async_graphql::PathSegment::Index(i),
                Err(_) => async_graphql::PathSegment::Field(s.to_string()),
            })
            .collect();
        e
    }

    /// Completes `data` (as async-graphql made it, with `errors`) for `query`.
    fn run(query: &str, data: Value, errors: &[&[&str]]) -> String {
        let shapes = shapes();
        let mut document = async_graphql::parser::parse_query(query).unwrap();
        let plan = prepare(&shapes, &mut document, None, &Variables::default());
        let mut response = Response::new(data);
        response.errors = errors.iter().map(|p| error(p)).collect();
        complete(&shapes, &document, None, &plan, &mut response);
        serde_json::to_string(&response.data).unwrap()
    }

    #[test]
    fn keys_come_in_selection_order() {
        let data = value!({ "a": { "y": 2, "id": "1", "x": 1 } });
        assert_eq!(
            run("{ a { x id y } }", data, &[]),
            r#"{"a":{"x":1,"id":"1","y":2}}"#
        );
    }

    #[test]
    fn a_scalar_holding_an_object_is_left_as_it_is() {
        let data = value!({ "a": { "meta": { "z": 1, "a": [ { "k": "v" } ] }, "id": "1" } });
        assert_eq!(
            run("{ a { id meta } }", data, &[]),
            r#"{"a":{"id":"1","meta":{"z":1,"a":[{"k":"v"}]}}}"#
        );
    }

    #[test]
    fn a_failed_nullable_field_is_null_in_its_place() {
        let data = value!({ "a": { "id": "1", "y": 2 } });
        assert_eq!(
            run("{ a { id x y } }", data, &[&["a", "x"]]),
            r#"{"a":{"id":"1","x":null,"y":2}}"#
        );
    }

    #[test]
    fn a_failed_non_null_field_nulls_its_nullable_parent() {
        let data = value!({ "a": { "id": "1", "x": 1 } });
        assert_eq!(
            run("{ a { id x y } }", data, &[&["a", "y"]]),
            r#"{"a":null}"#
        );
    }

    #[test]
    fn through_non_null_parents_up_to_data() {
        let data = value!({ "must": { "id": "1" }, "a": { "id": "2" } });
        assert_eq!(
            run("{ a { id } must { id y } }", data, &[&["must", "y"]]),
            "null"
        );
    }

    #[test]
    fn a_failed_item_of_a_nullable_item_list_is_that_item_only() {
        let data =
            value!({ "items": [ { "id": "1", "y": 1 }, { "id": "2" }, { "id": "3", "y": 3 } ] });
        assert_eq!(
            run("{ items { id y } }", data, &[&["items", "1", "y"]]),
            r#"{"items":[{"id":"1","y":1},null,{"id":"3","y":3}]}"#
        );
    }

    #[test]
    fn a_failed_item_of_a_non_null_item_list_nulls_the_list() {
        let data = value!({ "list": [ { "id": "1", "y": 1 }, { "id": "2" } ] });
        assert_eq!(
            run("{ list { id y } }", data, &[&["list", "1", "y"]]),
            r#"{"list":null}"#
        );
        // Deeper: a B inside a non-null list inside an A.
        let data = value!({ "a": { "id": "1", "bs": [ { "id": "b" } ] } });
        assert_eq!(
            run("{ a { id bs { id z } } }", data, &[&["a", "bs", "0", "z"]]),
            r#"{"a":null}"#
        );
    }

    #[test]
    fn an_object_whose_every_field_failed_keeps_its_keys() {
        // async-graphql answers such an object as null.
        let data = value!({ "a": { "b": null } });
        assert_eq!(
            run("{ a { b { id } } }", data.clone(), &[&["a", "b", "id"]]),
            r#"{"a":{"b":null}}"#
        );
        let data = value!({ "a": null });
        assert_eq!(
            run("{ a { x } }", data, &[&["a", "x"]]),
            r#"{"a":{"x":null}}"#
        );
    }

    #[test]
    fn fragments_apply_by_concrete_type_and_the_added_typename_is_dropped() {
        let shapes = shapes();
        let mut document = async_graphql::parser::parse_query(
            "{ node(id: 1) { ... on B { z } id ... on A { x id } } }",
        )
        .unwrap();
        let plan = prepare(&shapes, &mut document, None, &Variables::default());
        // The executor sees a __typename it can answer.
        let DocumentOperations::Single(op) = &document.operations else {
            unreachable!()
        };
        let Selection::Field(node) = &op.node.selection_set.node.items[0].node else {
            unreachable!()
        };
        assert!(node.node.selection_set.node.items.iter().any(|s| matches!(
            &s.node,
            Selection::Field(f) if f.node.name.node == "__typename"
                && f.node.response_key().node == TYPE_KEY
        )));
        let mut response = Response::new(value!({
            "node": { "x": 5, "id": "1", "__typename of": "A" }
        }));
        complete(&shapes, &document, None, &plan, &mut response);
        assert_eq!(
            serde_json::to_string(&response.data).unwrap(),
            r#"{"node":{"id":"1","x":5}}"#
        );
    }

    #[test]
    fn skipped_and_aliased_fields() {
        let shapes = shapes();
        let mut document = async_graphql::parser::parse_query(
            "query($no: Boolean = true) { a { second: x @skip(if: $no) first: y x @include(if: false) id } }",
        )
        .unwrap();
        let mut variables = Variables::default();
        with_defaults(&document, None, &mut variables);
        let plan = prepare(&shapes, &mut document, None, &variables);
        let mut response = Response::new(value!({ "a": { "id": "1", "first": 2 } }));
        complete(&shapes, &document, None, &plan, &mut response);
        assert_eq!(
            serde_json::to_string(&response.data).unwrap(),
            r#"{"a":{"first":2,"id":"1"}}"#
        );
    }

    #[test]
    fn an_object_whose_fields_were_all_skipped_is_empty_not_null() {
        // async-graphql answers such an object as null; no error explains it.
        let data = value!({ "must": null });
        assert_eq!(
            run("{ must { y @skip(if: true) } }", data, &[]),
            r#"{"must":{}}"#
        );
        assert_eq!(run("{ a @skip(if: true) }", Value::Null, &[]), "{}");
    }

    #[test]
    fn a_left_out_variable_takes_its_default_for_skip_and_include() {
        let shapes = shapes();
        let query = "query($on: Boolean = true, $off: Boolean = true) { a { x @include(if: $on) y @skip(if: $off) id } }";
        let mut document = async_graphql::parser::parse_query(query).unwrap();
        let mut variables = Variables::from_json(serde_json::json!({ "off": false }));
        with_defaults(&document, None, &mut variables);
        assert_eq!(
            variables.into_value(),
            value!({ "off": false, "on": true }),
            "a given value stays"
        );
        let variables = Variables::from_json(serde_json::json!({ "off": false, "on": true }));
        let plan = prepare(&shapes, &mut document, None, &variables);
        let mut response = Response::new(value!({ "a": { "id": "1", "y": 2, "x": 1 } }));
        complete(&shapes, &document, None, &plan, &mut response);
        assert_eq!(
            serde_json::to_string(&response.data).unwrap(),
            r#"{"a":{"x":1,"y":2,"id":"1"}}"#
        );
    }

    #[test]
    fn a_request_that_did_not_execute_is_left_alone() {
        let shapes = shapes();
        let mut document = async_graphql::parser::parse_query("{ a { id } }").unwrap();
        let plan = prepare(&shapes, &mut document, None, &Variables::default());
        let mut response = Response::from_errors(vec![ServerError::new("refused", None)]);
        complete(&shapes, &document, None, &plan, &mut response);
        assert_eq!(response.data, Value::Null);
    }
}
