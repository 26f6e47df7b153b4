//! `schema.graphql` at the repository root is exactly the SDL served at `_service { sdl }`.
//! When the API changes on purpose, regenerate it with
//! `UPDATE_SCHEMA=1 cargo test --test schema` (or `cargo run -- schema > schema.graphql`)
//! and review the diff like code.

mod common;

use common::TestApp;
use common::fixtures::ACME;
use serde_json::json;

async fn the_committed_schema_matches_the_served_one(app: &TestApp) {
    let data = app
        .data(&app.reader(ACME), "{ _service { sdl } }", json!({}))
        .await;
    let served = data["_service"]["sdl"].as_str().unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, served).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == served,
        "schema.graphql differs from the served schema; regenerate it with \
         `UPDATE_SCHEMA=1 cargo test --test schema` and review the diff"
    );
    assert!(
        served == conversations_graph::graphql::sdl().await,
        "`schema` prints the served SDL"
    );
}

both_backends!(the_committed_schema_matches_the_served_one);
