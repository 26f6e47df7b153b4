//! `schema.graphql` at the repository root is exactly the SDL served at `_service { sdl }`,
//! and `schema.api.graphql` beside it the client schema (`schema --api`). When the API
//! changes on purpose, regenerate both with `UPDATE_SCHEMA=1 cargo test --test schema` (or
//! `cargo run -- schema > schema.graphql` and `cargo run -- schema --api >
//! schema.api.graphql`) and review the diff like code. After the schema contract (issue 14)
//! changes are additive: deprecate, never remove or rename.

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

#[test]
fn the_committed_client_schema_matches_the_api() {
    let api = conversations_graph::graphql::api_sdl();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.api.graphql");
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &api).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == api,
        "schema.api.graphql differs from `schema --api`; regenerate it with \
         `UPDATE_SCHEMA=1 cargo test --test schema` and review the diff"
    );
}
