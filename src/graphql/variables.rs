//! Variable coercion before execution. The GraphQL specification makes a variable value
//! that does not coerce to its declared type a request error; async-graphql checks
//! scalars up front but coerces input objects only when a field reads them, and then
//! reports a field error. This walks every variable of the operation that will run against
//! the schema's input types first, so that any such value refuses the whole request.

use async_graphql::parser::types::{ExecutableDocument, OperationDefinition};
use async_graphql::registry::{MetaType, MetaTypeName, Registry};
use async_graphql::{Positioned, Value, Variables};
use chrono::{DateTime, Utc};

/// Why the value of one variable does not fit its type, naming the offending part
/// (`$filter.createdAt.from`).
pub fn check(
    registry: &Registry,
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
) -> Result<(), String> {
    let Some(operation) = operation(document, operation_name) else {
        // No such operation: async-graphql reports it.
        return Ok(());
    };
    for definition in &operation.node.variable_definitions {
        let definition = &definition.node;
        let name = definition.name.node.as_str();
        let ty = definition.var_type.node.to_string();
        match variables.get(name) {
            None if definition.default_value.is_some() => {}
            None if !definition.var_type.node.nullable => {
                return Err(format!(
                    "variable `${name}` of non-null type `{ty}` was not provided"
                ));
            }
            None => {}
            Some(value) => fits(registry, &ty, value, &format!("${name}"))?,
        }
    }
    Ok(())
}

fn operation<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a Positioned<OperationDefinition>> {
    let mut operations = document.operations.iter();
    match name {
        Some(name) => operations
            .find(|(n, _)| n.is_some_and(|n| n.as_str() == name))
            .map(|(_, op)| op),
        None if document.operations.iter().count() == 1 => operations.next().map(|(_, op)| op),
        None => None,
    }
}

/// Whether `value` coerces to the input type `ty` (as written in SDL: `[ID!]!`).
fn fits(registry: &Registry, ty: &str, value: &Value, at: &str) -> Result<(), String> {
    match MetaTypeName::create(ty) {
        MetaTypeName::NonNull(inner) => match value {
            Value::Null => Err(format!("`{at}` must not be null (type `{ty}`)")),
            _ => fits(registry, inner, value, at),
        },
        MetaTypeName::List(inner) => match value {
            Value::Null => Ok(()),
            Value::List(items) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, item)| fits(registry, inner, item, &format!("{at}[{i}]"))),
            // A single value stands for a list of one.
            single => fits(registry, inner, single, at),
        },
        MetaTypeName::Named(name) => {
            if matches!(value, Value::Null) {
                return Ok(());
            }
            let expected = |what: &str| Err(format!("`{at}` must be {what} (type `{name}`)"));
            match (name, value) {
                ("Int", Value::Number(n))
                    if n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()) =>
                {
                    Ok(())
                }
                ("Int", _) => expected("a 32-bit integer"),
                ("Float", Value::Number(_)) => Ok(()),
                ("Float", _) => expected("a number"),
                ("String", Value::String(_)) => Ok(()),
                ("String", _) => expected("a string"),
                ("Boolean", Value::Boolean(_)) => Ok(()),
                ("Boolean", _) => expected("true or false"),
                ("ID", Value::String(_)) => Ok(()),
                ("ID", Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(()),
                ("ID", _) => expected("a string"),
                ("DateTime", Value::String(s))
                    if s.parse::<DateTime<Utc>>()
                        .is_ok_and(|t| crate::graphql::inputs::supported_time(&t)) =>
                {
                    Ok(())
                }
                ("DateTime", _) => expected("an RFC 3339 date and time with an offset"),
                _ => fits_named(registry, name, value, at),
            }
        }
    }
}

fn fits_named(registry: &Registry, name: &str, value: &Value, at: &str) -> Result<(), String> {
    match registry.types.get(name) {
        Some(MetaType::Enum { enum_values, .. }) => {
            let given = match value {
                Value::Enum(v) => Some(v.as_str()),
                Value::String(v) => Some(v.as_str()),
                _ => None,
            };
            match given {
                Some(v) if enum_values.contains_key(v) => Ok(()),
                _ => {
                    let mut allowed: Vec<&str> = enum_values.keys().map(String::as_str).collect();
                    allowed.sort_unstable();
                    Err(format!(
                        "`{at}` must be one of {} (type `{name}`)",
                        allowed.join(", ")
                    ))
                }
            }
        }
        Some(MetaType::InputObject { input_fields, .. }) => {
            let Value::Object(fields) = value else {
                return Err(format!("`{at}` must be an object (type `{name}`)"));
            };
            if let Some(unknown) = fields
                .keys()
                .find(|k| !input_fields.contains_key(k.as_str()))
            {
                return Err(format!("`{at}` has no field `{unknown}` (type `{name}`)"));
            }
            for field in input_fields.values() {
                let path = format!("{at}.{}", field.name);
                match fields.get(field.name.as_str()) {
                    Some(v) => fits(registry, &field.ty, v, &path)?,
                    None if field.default_value.is_none()
                        && MetaTypeName::create(&field.ty).is_non_null() =>
                    {
                        return Err(format!("`{path}` is required (type `{}`)", field.ty));
                    }
                    None => {}
                }
            }
            Ok(())
        }
        Some(MetaType::Scalar {
            is_valid: Some(is_valid),
            ..
        }) => {
            if is_valid(value) {
                Ok(())
            } else {
                Err(format!("`{at}` is not a valid `{name}`"))
            }
        }
        // Other scalars (JSON, _Any) take any value; unknown types are a validation error
        // async-graphql reports.
        _ => Ok(()),
    }
}
