//! Every type, field, argument, input field and enum value of the schema has a description.

mod common;

use common::TestApp;
use common::fixtures::ACME;
use serde_json::{Value, json};

const INTROSPECT: &str = r#"{
  __schema {
    types {
      name kind description
      fields(includeDeprecated: true) { name description args { name description } }
      inputFields { name description }
      enumValues(includeDeprecated: true) { name description }
    }
  }
}"#;

/// Types the GraphQL specification and the federation spec define, described by them, and
/// the other subgraphs' entities this one references by id, described by their owners.
const FOREIGN: &[&str] = &[
    "String", "Boolean", "Int", "Float", "ID", "_Any", "_Service", "_Entity", "Campaign",
    "Listing", "Task", "Session",
];

fn blank(v: &Value) -> bool {
    v.as_str().is_none_or(|s| s.trim().is_empty())
}

async fn everything_is_described(app: &TestApp) {
    let data = app.data(&app.reader(ACME), INTROSPECT, json!({})).await;
    let mut missing = Vec::new();
    for t in data["__schema"]["types"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        if name.starts_with("__") || FOREIGN.contains(&name) {
            continue;
        }
        if blank(&t["description"]) {
            missing.push(format!("type {name}"));
        }
        for f in t["fields"].as_array().into_iter().flatten() {
            let field = f["name"].as_str().unwrap();
            if field.starts_with('_') {
                continue; // federation's _service and _entities
            }
            if blank(&f["description"]) {
                missing.push(format!("field {name}.{field}"));
            }
            for a in f["args"].as_array().into_iter().flatten() {
                if blank(&a["description"]) {
                    missing.push(format!("argument {name}.{field}({})", a["name"]));
                }
            }
        }
        for f in t["inputFields"].as_array().into_iter().flatten() {
            if blank(&f["description"]) {
                missing.push(format!("input field {name}.{}", f["name"]));
            }
        }
        for v in t["enumValues"].as_array().into_iter().flatten() {
            if blank(&v["description"]) {
                missing.push(format!("enum value {name}.{}", v["name"]));
            }
        }
    }
    assert!(missing.is_empty(), "undocumented:\n{}", missing.join("\n"));
}

both_backends!(everything_is_described);
