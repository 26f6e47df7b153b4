//! Request limits (`src/graphql/limits.rs`, `src/http/graphql.rs`): depth, complexity,
//! aliases, root fields, batch size, body size, the execution timeout and the introspection
//! switch, each exercised at its boundary (exactly at the limit passes, one above is
//! refused), over HTTP against the real router, on SQLite and on PostgreSQL.
//!
//! Every refusal is checked the same way (`refused`): under `application/json` HTTP 200, under
//! `application/graphql-response+json` HTTP 400 (413 for bodies, 504 for timeouts), the body
//! has `errors` and no `data`, the code is the one expected, `extensions.limit` and
//! `extensions.actual` are the numbers worked out by hand in the comment next to each
//! document, and the server ran no SQL statement for the refused request.
//!
//! Cost rule used for the expected complexities (from the contract): a field costs 1 plus the
//! cost of its selection; a connection costs 1 + size × (cost of its selection), where size is
//! `first` or `last` (the larger when both are given), else 20 (searchMessages: 10), clamped
//! to 0..=100; `nodes(ids)` costs 1 + len(ids) × (cost of its selection).
//!
//! Data comes from `common::read_fixtures` (company Alpha: 5 agents, 5 inboxes, 6 contacts,
//! 12 conversations; see the tables in that module).

mod common;

use common::read_fixtures::{self as fx, ALPHA, sid};
use common::writes::{Snapshot, assert_same, writer};
use common::{Backend, TestApp, TestDb};
use conversations_graph::graphql::limits::Limits;
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const GQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// Runs `async fn name(backend: Backend)` once per backend, as `sqlite::name` and
/// `postgres::name`; each test serves the limits it needs (`spawn`).
macro_rules! each_backend {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name(crate::common::Backend::Sqlite).await;
            })+
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name(crate::common::Backend::Postgres).await;
            })+
        }
    };
}

/// The app with `limits` over a fresh database holding the read fixture; None when
/// PostgreSQL is unreachable outside CI (the test is then skipped, as everywhere else).
async fn spawn(backend: Backend, limits: Limits) -> Option<TestApp> {
    let db = TestDb::create(backend).await?;
    fx::load(&db.conn).await;
    Some(TestApp::serve_with_limits(db, limits).await)
}

// ---------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------

struct Reply {
    status: u16,
    media: String,
    body: Value,
}

/// POSTs `body` (any JSON) with `token`, asking for `accept` when given. Fails when the
/// server takes more than 20 s (a hang) or the body is not JSON.
async fn post(app: &TestApp, token: &str, body: &Value, accept: Option<&str>) -> Reply {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(token)
        .json(body);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let response = tokio::time::timeout(Duration::from_secs(20), request.send())
        .await
        .expect("the server answers within 20 s")
        .expect("the request reaches the server");
    reply(response).await
}

/// POSTs raw bytes as `application/json`.
async fn post_bytes(app: &TestApp, token: &str, bytes: Vec<u8>, accept: Option<&str>) -> Reply {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(token)
        .header("content-type", JSON)
        .body(bytes);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let response = tokio::time::timeout(Duration::from_secs(20), request.send())
        .await
        .expect("the server answers within 20 s")
        .expect("the request reaches the server");
    reply(response).await
}

async fn reply(response: reqwest::Response) -> Reply {
    let status = response.status().as_u16();
    let media = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.expect("a body");
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("status {status}: the body is not JSON ({e}): {text}"));
    Reply {
        status,
        media,
        body,
    }
}

fn request(query: &str, variables: &Value) -> Value {
    json!({ "query": query, "variables": variables })
}

/// Asserts `query` runs without any error; returns `data`.
async fn passes(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    let r = post(app, token, &request(query, &variables), None).await;
    assert_eq!(r.status, 200, "{query}\n{:#}", r.body);
    assert!(
        r.body.get("errors").is_none(),
        "expected no errors for\n{query}\n{variables}\ngot {:#}",
        r.body
    );
    assert!(r.body["data"].is_object(), "{query}: {:#}", r.body);
    r.body["data"].clone()
}

/// Asserts a request error: errors, no `data`, the code and, when given, (limit, actual).
fn assert_request_error(body: &Value, code: &str, measured: Option<(u64, u64)>, what: &str) {
    let object = body
        .as_object()
        .unwrap_or_else(|| panic!("{what}: not an object: {body:#}"));
    assert!(
        !object.contains_key("data"),
        "{what}: a refused request has no `data` entry: {body:#}"
    );
    let errors = body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{what}: no errors: {body:#}"));
    assert!(!errors.is_empty(), "{what}: empty errors: {body:#}");
    let extensions = &errors[0]["extensions"];
    assert_eq!(extensions["code"], code, "{what}: {body:#}");
    assert!(
        errors[0]["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{what}: an error without a message: {body:#}"
    );
    if let Some((limit, actual)) = measured {
        assert_eq!(extensions["limit"], json!(limit), "{what}: limit: {body:#}");
        assert_eq!(
            extensions["actual"],
            json!(actual),
            "{what}: actual: {body:#}"
        );
    }
}

/// Asserts `query` is refused with `code` (and `measured` = (limit, actual)) under both
/// media types, without the server running a single SQL statement.
async fn refused(
    app: &TestApp,
    token: &str,
    query: &str,
    variables: Value,
    code: &str,
    measured: Option<(u64, u64)>,
) {
    let before = app.statements();
    let body = request(query, &variables);
    let r = post(app, token, &body, None).await;
    assert_eq!(r.status, 200, "application/json: {query}\n{:#}", r.body);
    assert!(r.media.starts_with(JSON), "{}", r.media);
    assert_request_error(&r.body, code, measured, query);
    let r = post(app, token, &body, Some(GQL_RESPONSE)).await;
    assert_eq!(r.status, 400, "{GQL_RESPONSE}: {query}\n{:#}", r.body);
    assert!(r.media.starts_with(GQL_RESPONSE), "{}", r.media);
    assert_request_error(&r.body, code, measured, query);
    assert_eq!(
        app.statements(),
        before,
        "a refused request ran SQL statements: {query}"
    );
}

/// `fields` separated by spaces: "a1: name a2: name ..." for `n` aliases of `field`.
fn aliased(prefix: &str, field: &str, n: usize) -> String {
    (1..=n)
        .map(|i| format!("{prefix}{i}: {field}"))
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------------------
// Defaults
// ---------------------------------------------------------------------------------------

#[test]
fn the_default_limits_are_the_documented_ones() {
    assert_eq!(
        Limits::default(),
        Limits {
            max_depth: 12,
            max_complexity: 50_000,
            max_aliases: 30,
            max_root_fields: 20,
            max_batch: 10,
            max_body_bytes: 1_048_576,
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
    );
}

/// Depth 12 (C01 → contact CT1 → its most recently updated conversation C11 → inbox IB3 →
/// its most recently updated conversation C06 → contact CT5 → C06 → assignee AG2 "Ben")
/// passes; the same walk one level deeper is refused.
const DEPTH_12: &str = r#"query ($id: ID!) {
  conversation(id: $id) {                      # 1
    contact {                                  # 2
      conversations(first: 1) {                # 3
        nodes {                                # 4
          inbox {                              # 5
            conversations(first: 1) {          # 6
              nodes {                          # 7
                contact {                      # 8
                  conversations(first: 1) {    # 9
                    nodes {                    # 10
                      assignee {               # 11
                        name                   # 12
} } } } } } } } } } } }"#;

const DEPTH_13: &str = r#"query ($id: ID!) {
  conversation(id: $id) {                      # 1
    contact {                                  # 2
      conversations(first: 1) {                # 3
        nodes {                                # 4
          inbox {                              # 5
            conversations(first: 1) {          # 6
              nodes {                          # 7
                contact {                      # 8
                  conversations(first: 1) {    # 9
                    nodes {                    # 10
                      lastMessage {            # 11
                        conversation {         # 12
                          id                   # 13
} } } } } } } } } } } } }"#;

/// The introspection query GraphiQL sends (graphql-js `getIntrospectionQuery()` with
/// descriptions), with the TypeRef fragment nesting `ofType` nine levels.
const GRAPHIQL_INTROSPECTION: &str = r#"
query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description
    args { ...InputValue }
    type { ...TypeRef }
    isDeprecated deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } }
}"#;

async fn default_limits_hold_at_their_boundaries(backend: Backend) {
    let Some(app) = spawn(backend, Limits::default()).await else {
        return;
    };
    let token = app.reader(ALPHA);

    // The statement counter sees the server's SQL (so "no SQL ran" below means something).
    let statements = app.statements();
    passes(
        &app,
        &token,
        "{ agents(first: 1) { totalCount } }",
        json!({}),
    )
    .await;
    assert!(app.statements() > statements, "the counter did not move");

    // Depth 12 / 13.
    let data = passes(&app, &token, DEPTH_12, json!({ "id": sid("C01") })).await;
    let walk = &data["conversation"]["contact"]["conversations"]["nodes"][0]["inbox"]["conversations"]
        ["nodes"][0]["contact"]["conversations"]["nodes"][0];
    assert_eq!(walk["assignee"]["name"], "Ben", "{data:#}");
    refused(
        &app,
        &token,
        DEPTH_13,
        json!({ "id": sid("C01") }),
        "QUERY_TOO_DEEP",
        Some((12, 13)),
    )
    .await;

    // Complexity 50,000 / 50,001.
    // a: inner nodes 1+4 = 5; messages 1+100×5 = 501; nodes 1+501 = 502;
    //    conversations 1+99×502 = 49,699.  b: nodes 1+2 = 3; agents 1+100×3 = 301.
    //    Total 50,000.
    let at_limit = "{
      a: conversations(first: 99) { nodes { messages(first: 100) { nodes { id channel sentAt direction } } } }
      b: agents(first: 100) { nodes { id name } }
    }";
    let data = passes(&app, &token, at_limit, json!({})).await;
    assert_eq!(data["a"]["nodes"].as_array().unwrap().len(), 12);
    assert_eq!(data["b"]["nodes"].as_array().unwrap().len(), 5);
    // inner nodes 1+5 = 6; messages 1+83×6 = 499; nodes 1+499 = 500; 1+100×500 = 50,001.
    let above = "{ conversations(first: 100) { nodes { messages(first: 83) {
      nodes { id createdAt sentAt direction channel } } } } }";
    refused(
        &app,
        &token,
        above,
        json!({}),
        "QUERY_TOO_COMPLEX",
        Some((50_000, 50_001)),
    )
    .await;

    // Aliases 30 / 31 (one root field).
    let query = format!(
        "{{ agents(first: 1) {{ nodes {{ {} }} }} }}",
        aliased("a", "name", 30)
    );
    let data = passes(&app, &token, &query, json!({})).await;
    assert_eq!(data["agents"]["nodes"][0]["a1"], "Ada");
    assert_eq!(data["agents"]["nodes"][0]["a30"], "Ada");
    let query = format!(
        "{{ agents(first: 1) {{ nodes {{ {} }} }} }}",
        aliased("a", "name", 31)
    );
    refused(
        &app,
        &token,
        &query,
        json!({}),
        "TOO_MANY_ALIASES",
        Some((30, 31)),
    )
    .await;

    // Root fields 20 / 21 (20 and 21 aliases: under the alias limit of 30).
    let query = format!(
        "{{ {} }}",
        aliased("r", "agents(first: 1) { totalCount }", 20)
    );
    let data = passes(&app, &token, &query, json!({})).await;
    assert_eq!(data["r1"]["totalCount"], 5);
    assert_eq!(data["r20"]["totalCount"], 5);
    let query = format!(
        "{{ {} }}",
        aliased("r", "agents(first: 1) { totalCount }", 21)
    );
    refused(
        &app,
        &token,
        &query,
        json!({}),
        "TOO_MANY_ROOT_FIELDS",
        Some((20, 21)),
    )
    .await;

    // Batch 10 / 11.
    let one = json!({ "query": "{ agents(first: 1) { totalCount } }" });
    let r = post(&app, &token, &Value::Array(vec![one.clone(); 10]), None).await;
    assert_eq!(r.status, 200, "{:#}", r.body);
    assert_eq!(
        r.body,
        Value::Array(vec![
            json!({ "data": { "agents": { "totalCount": 5 } } });
            10
        ])
    );
    batch_refused(&app, &token, Value::Array(vec![one; 11])).await;

    // Body 1 MiB / 1 MiB + 1.
    body_boundary(&app, &token, 1_048_576).await;

    // GraphiQL's introspection passes the default limits.
    let data = passes(&app, &token, GRAPHIQL_INTROSPECTION, json!({})).await;
    let schema = &data["__schema"];
    assert_eq!(schema["queryType"]["name"], "Query");
    assert_eq!(schema["mutationType"]["name"], "Mutation");
    assert_eq!(schema["subscriptionType"]["name"], "Subscription");
    let types: Vec<&str> = schema["types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    for name in [
        "Conversation",
        "ConversationConnection",
        "ConversationFilter",
        "Mutation",
    ] {
        assert!(types.contains(&name), "{name} missing from {types:?}");
    }
}

/// A batch that is too large: HTTP 400 under both media types, BATCH_TOO_LARGE, no SQL.
async fn batch_refused(app: &TestApp, token: &str, batch: Value) {
    let before = app.statements();
    for accept in [None, Some(GQL_RESPONSE)] {
        let r = post(app, token, &batch, accept).await;
        assert_eq!(r.status, 400, "{accept:?}: {:#}", r.body);
        assert_request_error(&r.body, "BATCH_TOO_LARGE", None, "batch");
    }
    assert_eq!(app.statements(), before, "a refused batch ran SQL");
}

/// A body of exactly `limit` bytes is served; one byte more is HTTP 413 with
/// PAYLOAD_TOO_LARGE under both media types, and runs no SQL.
async fn body_boundary(app: &TestApp, token: &str, limit: usize) {
    // `{"query":"{ agents(first: 1) { totalCount } }<spaces>"}`: the document padded with
    // spaces to the exact size.
    let body_of = |size: usize| {
        let document = "{ agents(first: 1) { totalCount } }";
        let frame = format!("{{\"query\":\"{document}\"}}").len();
        let body = format!("{{\"query\":\"{document}{}\"}}", " ".repeat(size - frame));
        assert_eq!(body.len(), size);
        body.into_bytes()
    };
    let r = post_bytes(app, token, body_of(limit), None).await;
    assert_eq!(r.status, 200, "{:#}", r.body);
    assert_eq!(r.body, json!({ "data": { "agents": { "totalCount": 5 } } }));
    let before = app.statements();
    for accept in [None, Some(GQL_RESPONSE)] {
        let r = post_bytes(app, token, body_of(limit + 1), accept).await;
        assert_eq!(r.status, 413, "{accept:?}: {:#}", r.body);
        assert!(r.media.starts_with(accept.unwrap_or(JSON)), "{}", r.media);
        assert_request_error(&r.body, "PAYLOAD_TOO_LARGE", None, "body");
    }
    assert_eq!(app.statements(), before, "a refused body ran SQL");
}

// ---------------------------------------------------------------------------------------
// Depth
// ---------------------------------------------------------------------------------------

async fn depth_is_counted_through_fragments(backend: Backend) {
    let limits = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    let Some(app) = spawn(backend, limits).await else {
        return;
    };
    let token = app.reader(ALPHA);
    // Alpha's most recently updated conversation is C09 (updated +30).
    let c09 = json!({ "conversations": { "nodes": [{ "id": sid("C09") }] } });

    // Depth 3 passes, written plainly, through named fragments and through inline ones.
    for query in [
        "{ conversations(first: 1) { nodes { id } } }",
        "{ ...Q } fragment Q on Query { conversations(first: 1) { ...C } }
         fragment C on ConversationConnection { nodes { id } }",
        "{ conversations(first: 1) { ... on ConversationConnection { nodes { ... { id } } } } }",
    ] {
        assert_eq!(passes(&app, &token, query, json!({})).await, c09, "{query}");
    }
    // Sibling fields do not add up: still 3.
    let data = passes(
        &app,
        &token,
        "{ conversations(first: 1) { totalCount pageInfo { hasNextPage } nodes { id subject } }
           agents(first: 1) { nodes { name } } }",
        json!({}),
    )
    .await;
    assert_eq!(data["conversations"]["totalCount"], 12);
    assert_eq!(data["agents"]["nodes"][0]["name"], "Ada");

    // Depth 4 is refused, whichever way it is written.
    for query in [
        "{ conversations(first: 1) { nodes { inbox { id } } } }",
        "{ conversations(first: 1) { ...C } }
         fragment C on ConversationConnection { nodes { ... on Conversation { inbox { id } } } }",
        "{ ...Q } fragment Q on Query { conversations(first: 1) { ...C } }
         fragment C on ConversationConnection { nodes { ...I } }
         fragment I on Conversation { inbox { id } }",
    ] {
        refused(
            &app,
            &token,
            query,
            json!({}),
            "QUERY_TOO_DEEP",
            Some((3, 4)),
        )
        .await;
    }
    // A fragment used at two depths counts at its deepest use: under conversation it
    // ends at 3 (conversation, inbox, id), under contact at 5 (contact, conversations,
    // nodes, inbox, id).
    refused(
        &app,
        &token,
        "{ conversation(id: \"00000000-0000-4000-8000-000000000000\") { ...K }
           contact(id: \"00000000-0000-4000-8000-000000000000\") { conversations(first: 1) { nodes { ...K } } } }
         fragment K on Conversation { inbox { id } }",
        json!({}),
        "QUERY_TOO_DEEP",
        Some((3, 5)),
    )
    .await;
    // Six deep: conversations 1, nodes 2, contact 3, conversations 4, nodes 5, id 6.
    refused(
        &app,
        &token,
        "{ conversations(first: 1) { nodes { contact { conversations(first: 1) { nodes { id } } } } } }",
        json!({}),
        "QUERY_TOO_DEEP",
        Some((3, 6)),
    )
    .await;

    // Federation's _entities is measured like any field: 3 passes, 4 is refused.
    let entities = "query ($r: [_Any!]!) { _entities(representations: $r) { ... on Conversation { inbox { name } } } }";
    let reps = json!({ "r": [{ "__typename": "Conversation", "id": sid("C01") }] });
    let data = passes(&app, &token, entities, reps.clone()).await;
    assert_eq!(
        data,
        json!({ "_entities": [{ "inbox": { "name": "Support Email" } }] })
    );
    refused(
        &app,
        &token,
        "query ($r: [_Any!]!) { _entities(representations: $r) { ... on Conversation { inbox { conversations(first: 1) { totalCount } } } } }",
        reps,
        "QUERY_TOO_DEEP",
        Some((3, 4)),
    )
    .await;

    // A mutation too deep is refused before anything is written.
    let before = Snapshot::take(app.conn()).await;
    let writer = writer(&app, ALPHA);
    let create = format!(
        "mutation {{ createConversation(input: {{ inboxId: \"{}\", subject: \"deep\" }}) {{ conversation {{ inbox {{ id }} }} }} }}",
        sid("IB1")
    );
    refused(
        &app,
        &writer,
        &create,
        json!({}),
        "QUERY_TOO_DEEP",
        Some((3, 4)),
    )
    .await;
    assert_same(
        &before,
        &Snapshot::take(app.conn()).await,
        "a refused mutation",
    );

    // GET is measured the same way.
    let statements = app.statements();
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[(
            "query",
            "{ conversations(first: 1) { nodes { inbox { id } } } }",
        )])
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let r = reply(response).await;
    assert_eq!(r.status, 200, "{:#}", r.body);
    assert_request_error(&r.body, "QUERY_TOO_DEEP", Some((3, 4)), "GET");
    assert_eq!(app.statements(), statements);

    // Introspection does not count towards the depth: this is 5 fields deep.
    let data = passes(
        &app,
        &token,
        "{ __schema { types { fields { args { name } } } } }",
        json!({}),
    )
    .await;
    assert!(!data["__schema"]["types"].as_array().unwrap().is_empty());
    // ... but the data fields beside it still do.
    refused(
        &app,
        &token,
        "{ __schema { queryType { name } } conversations(first: 1) { nodes { inbox { id } } } }",
        json!({}),
        "QUERY_TOO_DEEP",
        Some((3, 4)),
    )
    .await;
}

async fn introspection_lists_nest_at_most_three_deep(backend: Backend) {
    let Some(app) = spawn(backend, Limits::default()).await else {
        return;
    };
    let token = app.reader(ALPHA);
    // Three lists deep (types, fields, args / fields, fields; type and ofType are not lists).
    for query in [
        "{ __schema { types { fields { args { name } } } } }",
        "{ __schema { types { fields { type { fields { name } } } } } }",
        "{ __schema { directives { args { type { inputFields { name } } } } } }",
        "{ __type(name: \"Query\") { fields { type { fields { type { fields { name } } } } } } }",
        "{ __type(name: \"Conversation\") { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } }",
    ] {
        let data = passes(&app, &token, query, json!({})).await;
        assert!(data.as_object().is_some_and(|o| !o.is_empty()), "{query}");
    }
    let data = passes(
        &app,
        &token,
        "{ __type(name: \"Query\") { fields { name type { fields { type { fields { name } } } } } } }",
        json!({}),
    )
    .await;
    let fields: Vec<&str> = data["__type"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"conversations"), "{fields:?}");

    // Four lists deep.
    for query in [
        // types 1, fields 2, (type) fields 3, (type) fields 4
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
        // fields 1, fields 2, fields 3, fields 4
        "{ __type(name: \"Query\") { fields { type { fields { type { fields { type { fields { name } } } } } } } } }",
        // types 1, fields 2, interfaces 3, possibleTypes 4, through a fragment
        "{ __schema { types { ...T } } }
         fragment T on __Type { fields { type { interfaces { possibleTypes { name } } } } }",
        // types 1, fields 2, args 3, inputFields 4 (enumValues beside it is only 2)
        "{ __schema { types { enumValues { name } fields { args { type { inputFields { name } } } } } } }",
    ] {
        refused(
            &app,
            &token,
            query,
            json!({}),
            "QUERY_TOO_DEEP",
            Some((3, 4)),
        )
        .await;
    }
}

// ---------------------------------------------------------------------------------------
// Complexity
// ---------------------------------------------------------------------------------------

async fn complexity_is_measured_by_page_size(backend: Backend) {
    let limits = Limits {
        max_complexity: 100,
        ..Limits::default()
    };
    let Some(app) = spawn(backend, limits).await else {
        return;
    };
    let token = app.reader(ALPHA);
    let c01 = sid("C01");

    // (document, variables, cost worked out by hand)
    let at_or_below: Vec<(String, Value, u64)> = vec![
        // nodes 1+2 = 3; 1 + 33×3 = 100
        ("{ conversations(first: 33) { nodes { id subject } } }".into(), json!({}), 100),
        // the same with `last`
        ("{ conversations(last: 33) { nodes { id subject } } }".into(), json!({}), 100),
        // with a variable for `first`
        (
            "query ($n: Int) { conversations(first: $n) { nodes { id subject } } }".into(),
            json!({ "n": 33 }),
            100,
        ),
        // default page size 20: nodes 1+3 = 4; 1 + 20×4 = 81
        ("{ conversations { nodes { id subject status } } }".into(), json!({}), 81),
        // totalCount 1; 1 + 99×1 = 100
        ("{ agents(first: 99) { totalCount } }".into(), json!({}), 100),
        // two roots: 1 + 49×1 = 50 each
        (
            "{ a: agents(first: 49) { totalCount } b: inboxes(first: 49) { totalCount } }".into(),
            json!({}),
            100,
        ),
        // inner nodes 2; messages 1+15×2 = 31; nodes 1+1+31 = 33; 1 + 3×33 = 100
        (
            "{ conversations(first: 3) { nodes { id messages(first: 15) { nodes { id } } } } }"
                .into(),
            json!({}),
            100,
        ),
        // searchMessages, first 9: message 1+3 = 4, highlights 1+2 = 3, snippet 1:
        // nodes 1+8 = 9; 1 + 9×9 = 82
        (
            "{ searchMessages(query: \"refund\", first: 9) { nodes { snippet message { id direction sentAt } highlights { start length } } } }"
                .into(),
            json!({}),
            82,
        ),
        // content costs 10: nodes 1+10 = 11; messages 1+3×11 = 34; nodes 1+34 = 35;
        // 1 + 2×35 = 71 (metadata, at 20, is refused below)
        (
            "{ conversations(first: 2) { nodes { messages(first: 3) { nodes { content } } } } }"
                .into(),
            json!({}),
            71,
        ),
        // nodes(ids): child id 1 + subject, status, priority 3 = 4; 1 + 24×4 = 97
        (
            "query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on Conversation { subject status priority } } }"
                .into(),
            json!({ "ids": vec![c01.clone(); 24] }),
            97,
        ),
    ];
    for (query, variables, cost) in &at_or_below {
        assert!(*cost <= 100);
        passes(&app, &token, query, variables.clone()).await;
    }

    let ids25 = vec![format!("\"{c01}\""); 25].join(", ");
    let above: Vec<(String, Value, u64)> = vec![
        // metadata costs 20: nodes 1+20 = 21; messages 1+3×21 = 64; nodes 1+64 = 65;
        // 1 + 2×65 = 131
        (
            "{ conversations(first: 2) { nodes { messages(first: 3) { nodes { metadata } } } } }"
                .into(),
            json!({}),
            131,
        ),
        // nodes 1+3 = 4; 1 + 25×4 = 101
        ("{ conversations(first: 25) { nodes { id subject status } } }".into(), json!({}), 101),
        ("{ conversations(last: 25) { nodes { id subject status } } }".into(), json!({}), 101),
        (
            "query ($n: Int) { conversations(first: $n) { nodes { id subject } } }".into(),
            json!({ "n": 34 }),
            103,
        ),
        // both given: the larger, 25, counts (either order)
        (
            "{ conversations(first: 1, last: 25) { nodes { id subject status } } }".into(),
            json!({}),
            101,
        ),
        (
            "{ conversations(first: 25, last: 1) { nodes { id subject status } } }".into(),
            json!({}),
            101,
        ),
        // default page size 20: nodes 1+4 = 5; 1 + 20×5 = 101
        ("{ conversations { nodes { id subject status priority } } }".into(), json!({}), 101),
        // through a fragment
        (
            "{ conversations { ...C } } fragment C on ConversationConnection { nodes { id subject status priority } }"
                .into(),
            json!({}),
            101,
        ),
        // first above 100 counts as 100: 1 + 100×1 = 101
        ("{ agents(first: 1000) { totalCount } }".into(), json!({}), 101),
        ("{ agents(first: 2147483647) { totalCount } }".into(), json!({}), 101),
        // 50 + 51
        (
            "{ a: agents(first: 49) { totalCount } b: inboxes(first: 50) { totalCount } }".into(),
            json!({}),
            101,
        ),
        // inner nodes 2; messages 1+11×2 = 23; nodes 1+1+23 = 25; 1 + 4×25 = 101
        (
            "{ conversations(first: 4) { nodes { id messages(first: 11) { nodes { id } } } } }"
                .into(),
            json!({}),
            101,
        ),
        // searchMessages default 10: message 1+4 = 5, highlights 3, snippet 1: nodes 1+9 = 10;
        // 1 + 10×10 = 101
        (
            "{ searchMessages(query: \"refund\") { nodes { snippet message { id channel sentAt direction } highlights { start length } } } }"
                .into(),
            json!({}),
            101,
        ),
        // searchMessages with first: null also counts 10
        (
            "{ searchMessages(query: \"refund\", first: null) { nodes { snippet message { id channel sentAt direction } highlights { start length } } } }"
                .into(),
            json!({}),
            101,
        ),
        // nodes(ids): 1 + 25×4 = 101, as a literal and as a variable
        (
            format!("{{ nodes(ids: [{ids25}]) {{ id ... on Conversation {{ subject status priority }} }} }}"),
            json!({}),
            101,
        ),
        (
            "query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on Conversation { subject status priority } } }"
                .into(),
            json!({ "ids": vec![c01.clone(); 25] }),
            101,
        ),
        // a mutation: messages 1+100×2 = 201; conversation 202; createConversation 203
        (
            format!(
                "mutation {{ createConversation(input: {{ inboxId: \"{}\" }}) {{ conversation {{ messages(first: 100) {{ nodes {{ id }} }} }} }} }}",
                sid("IB1")
            ),
            json!({}),
            203,
        ),
    ];
    let before = Snapshot::take(app.conn()).await;
    let writer = writer(&app, ALPHA);
    for (query, variables, cost) in &above {
        refused(
            &app,
            &writer,
            query,
            variables.clone(),
            "QUERY_TOO_COMPLEX",
            Some((100, *cost)),
        )
        .await;
    }
    assert_same(
        &before,
        &Snapshot::take(app.conn()).await,
        "refused requests",
    );

    // A negative page size counts as 0: this would cost 1 + 20×5 = 101 if it counted as
    // the default; it passes the complexity check and is then refused by the field.
    let body = post(
        &app,
        &token,
        &request(
            "{ agents(first: -5) { nodes { id name email kind } } }",
            &json!({}),
        ),
        None,
    )
    .await
    .body;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body:#}"
    );
}

/// 41 fragments, F_i spreading F_(i-1) twice: 2^40 fields once expanded. Refused at once on
/// its size, before async-graphql's validation walks it.
async fn a_doubling_fragment_chain_is_refused_at_once(backend: Backend) {
    let limits = Limits {
        max_complexity: 100,
        ..Limits::default()
    };
    let Some(app) = spawn(backend, limits).await else {
        return;
    };
    let token = app.reader(ALPHA);
    let mut query = String::from("{ ...F40 } fragment F0 on Query { __typename }");
    for i in 1..=40 {
        query.push_str(&format!(
            " fragment F{i} on Query {{ ...F{} ...F{} }}",
            i - 1,
            i - 1
        ));
    }
    // Selections (fields, spreads, inline fragments) once expanded: F0's set has 1; F_i's has
    // two spreads, each 1 + s(i-1): s(i) = 2 + 2·s(i-1), so s(i) = 3·2^i - 2; the operation
    // adds its one spread: 1 + s(40) = 3·2^40 - 1.
    let actual = 3 * (1u64 << 40) - 1;
    let started = Instant::now();
    refused(
        &app,
        &token,
        &query,
        json!({}),
        "QUERY_TOO_COMPLEX",
        Some((100, actual)),
    )
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    // The same with the default limits' size (50,000): still refused, still at once.
    let Some(app) = spawn(backend, Limits::default()).await else {
        return;
    };
    let started = Instant::now();
    refused(
        &app,
        &token,
        &query,
        json!({}),
        "QUERY_TOO_COMPLEX",
        Some((50_000, actual)),
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(3));
}

// ---------------------------------------------------------------------------------------
// Aliases and root fields
// ---------------------------------------------------------------------------------------

async fn aliases_are_counted_with_fragments_expanded(backend: Backend) {
    let limits = Limits {
        max_aliases: 6,
        ..Limits::default()
    };
    let Some(app) = spawn(backend, limits).await else {
        return;
    };
    let token = app.reader(ALPHA);
    // A fragment with 2 aliases spread 3 times: 6.
    let data = passes(
        &app,
        &token,
        "{ agents(first: 1) { nodes { ...P ...P ...P } } } fragment P on Agent { n: name e: email }",
        json!({}),
    )
    .await;
    assert_eq!(
        data,
        json!({ "agents": { "nodes": [{ "n": "Ada", "e": "ada@alpha.example" }] } })
    );
    // Aliases at the root and below: 6.
    let data = passes(
        &app,
        &token,
        "{ a: agents(first: 1) { t: totalCount } b: inboxes(first: 1) { t: totalCount }
           c: contacts(first: 1) { t: totalCount } }",
        json!({}),
    )
    .await;
    assert_eq!(
        data,
        json!({ "a": { "t": 5 }, "b": { "t": 5 }, "c": { "t": 6 } })
    );
    // A fragment of 3 spread twice at the root: 6.
    let data = passes(
        &app,
        &token,
        "{ ...R ...R } fragment R on Query { a: agents(first: 1) { t: totalCount } x: __typename }",
        json!({}),
    )
    .await;
    assert_eq!(data, json!({ "a": { "t": 5 }, "x": "Query" }));

    // One more, each way: 7.
    for query in [
        "{ agents(first: 1) { x: totalCount nodes { ...P ...P ...P } } } fragment P on Agent { n: name e: email }",
        "{ a: agents(first: 1) { t: totalCount } b: inboxes(first: 1) { t: totalCount }
           c: contacts(first: 1) { t: totalCount } d: calls(first: 1) { totalCount } }",
        "{ ...R ...R y: __typename } fragment R on Query { a: agents(first: 1) { t: totalCount } x: __typename }",
        "{ agents(first: 1) { nodes { ... on Agent { a: id b: name c: email d: kind e: createdAt f: updatedAt g: id } } } }",
        // 2 aliases spread 3 times through a fragment that spreads it: 3 × 2 + 1
        "{ agents(first: 1) { nodes { ...Q } } } fragment Q on Agent { ...P ...P ...P z: id }
         fragment P on Agent { n: name e: email }",
    ] {
        refused(
            &app,
            &token,
            query,
            json!({}),
            "TOO_MANY_ALIASES",
            Some((6, 7)),
        )
        .await;
    }
    // A mutation with 7 aliases writes nothing.
    let before = Snapshot::take(app.conn()).await;
    let query = format!(
        "mutation {{ {} }}",
        aliased(
            "m",
            "createAgent(input: { name: \"Alias\" }) { agent { id } }",
            7
        )
    );
    refused(
        &app,
        &writer(&app, ALPHA),
        &query,
        json!({}),
        "TOO_MANY_ALIASES",
        Some((6, 7)),
    )
    .await;
    assert_same(
        &before,
        &Snapshot::take(app.conn()).await,
        "a refused mutation",
    );
}

async fn root_fields_are_counted_with_fragments_expanded(backend: Backend) {
    let limits = Limits {
        max_root_fields: 3,
        ..Limits::default()
    };
    let Some(app) = spawn(backend, limits).await else {
        return;
    };
    let token = app.reader(ALPHA);
    let three = json!({
        "agents": { "totalCount": 5 },
        "inboxes": { "totalCount": 5 },
        "contacts": { "totalCount": 6 },
    });
    for query in [
        "{ agents(first: 1) { totalCount } inboxes(first: 1) { totalCount } contacts(first: 1) { totalCount } }",
        "{ agents(first: 1) { totalCount } ...R }
         fragment R on Query { inboxes(first: 1) { totalCount } contacts(first: 1) { totalCount } }",
        "{ ... on Query { agents(first: 1) { totalCount } inboxes(first: 1) { totalCount } }
           ... { contacts(first: 1) { totalCount } } }",
    ] {
        assert_eq!(passes(&app, &token, query, json!({})).await, three, "{query}");
    }
    // Fields below the root do not count.
    passes(
        &app,
        &token,
        "{ conversations(first: 1) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
           nodes { id subject status priority } } }",
        json!({}),
    )
    .await;

    // 4 and 5.
    refused(
        &app,
        &token,
        "{ agents(first: 1) { totalCount } inboxes(first: 1) { totalCount } contacts(first: 1) { totalCount }
           calls(first: 1) { totalCount } }",
        json!({}),
        "TOO_MANY_ROOT_FIELDS",
        Some((3, 4)),
    )
    .await;
    refused(
        &app,
        &token,
        "{ agents(first: 1) { totalCount } ...R ...R }
         fragment R on Query { inboxes(first: 1) { totalCount } contacts(first: 1) { totalCount } }",
        json!({}),
        "TOO_MANY_ROOT_FIELDS",
        Some((3, 5)),
    )
    .await;

    // Mutations: 3 run (three agents are created), 4 are refused and write nothing.
    let writer = writer(&app, ALPHA);
    let before = Snapshot::take(app.conn()).await;
    let query = format!(
        "mutation {{ {} }}",
        aliased(
            "m",
            "createAgent(input: { name: \"Root\" }) { agent { name } userErrors { code } }",
            4
        )
    );
    refused(
        &app,
        &writer,
        &query,
        json!({}),
        "TOO_MANY_ROOT_FIELDS",
        Some((3, 4)),
    )
    .await;
    assert_same(
        &before,
        &Snapshot::take(app.conn()).await,
        "a refused mutation",
    );
    let query = format!(
        "mutation {{ {} }}",
        aliased(
            "m",
            "createAgent(input: { name: \"Root\" }) { agent { name } userErrors { code } }",
            3
        )
    );
    let data = passes(&app, &writer, &query, json!({})).await;
    let created = json!({ "agent": { "name": "Root" }, "userErrors": [] });
    assert_eq!(data, json!({ "m1": created, "m2": created, "m3": created }));
    let after = Snapshot::take(app.conn()).await;
    assert_eq!(after.agents.len(), before.agents.len() + 3);
}

// ---------------------------------------------------------------------------------------
// Introspection switch
// ---------------------------------------------------------------------------------------

async fn introspection_can_be_turned_off(backend: Backend) {
    let limits = Limits {
        introspection: false,
        ..Limits::default()
    };
    let Some(app) = spawn(backend, limits).await else {
        return;
    };
    let token = app.reader(ALPHA);
    for query in [
        "{ __schema { queryType { name } } }",
        "{ __type(name: \"Conversation\") { name } }",
        "{ s: __schema { queryType { name } } }",
        "{ agents(first: 1) { totalCount } ...I } fragment I on Query { __schema { types { name } } }",
        "{ ... on Query { __type(name: \"Query\") { fields { name } } } }",
        GRAPHIQL_INTROSPECTION,
    ] {
        refused(
            &app,
            &token,
            query,
            json!({}),
            "INTROSPECTION_DISABLED",
            None,
        )
        .await;
    }
    // __typename, data and federation's _service stay.
    let data = passes(
        &app,
        &token,
        "{ __typename agents(first: 1) { __typename totalCount } }",
        json!({}),
    )
    .await;
    assert_eq!(
        data,
        json!({ "__typename": "Query", "agents": { "__typename": "AgentConnection", "totalCount": 5 } })
    );
    let data = passes(&app, &token, "{ _service { sdl } }", json!({})).await;
    assert!(
        data["_service"]["sdl"]
            .as_str()
            .is_some_and(|s| s.contains("type Conversation")),
        "{data:#}"
    );

    // With the default, introspection is served.
    let Some(app) = spawn(backend, Limits::default()).await else {
        return;
    };
    let data = passes(
        &app,
        &token,
        "{ __schema { queryType { name } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        data,
        json!({ "__schema": { "queryType": { "name": "Query" } } })
    );
}

// ---------------------------------------------------------------------------------------
// Fragment cycles
// ---------------------------------------------------------------------------------------

async fn a_fragment_that_spreads_itself_is_a_bad_request(backend: Backend) {
    let Some(app) = spawn(backend, Limits::default()).await else {
        return;
    };
    let token = app.reader(ALPHA);
    for query in [
        "{ ...A } fragment A on Query { __typename ...A }",
        "{ ...A } fragment A on Query { ...B } fragment B on Query { __typename ...A }",
        "{ agents(first: 1) { nodes { ...A } } } fragment A on Agent { name ...B }
         fragment B on Agent { id ...C } fragment C on Agent { ...A }",
        // Inside introspection.
        "{ __schema { types { ...T } } } fragment T on __Type { name ofType { ...T } }",
        // A cycle the operation never reaches.
        "{ __typename } fragment A on Query { ...A }",
    ] {
        let started = Instant::now();
        refused(&app, &token, query, json!({}), "BAD_REQUEST", None).await;
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{query}: {:?}",
            started.elapsed()
        );
    }
}

// ---------------------------------------------------------------------------------------
// Batch and body size
// ---------------------------------------------------------------------------------------

async fn batch_and_body_limits_are_configurable(backend: Backend) {
    let limits = Limits {
        max_batch: 2,
        max_body_bytes: 1000,
        max_depth: 3,
        ..Limits::default()
    };
    let Some(app) = spawn(backend, limits).await else {
        return;
    };
    let token = app.reader(ALPHA);
    let agents = json!({ "query": "{ agents(first: 1) { totalCount } }" });
    let inboxes = json!({ "query": "{ inboxes(first: 1) { nodes { name } } }" });
    let r = post(&app, &token, &json!([agents, inboxes]), None).await;
    assert_eq!(r.status, 200);
    // Inboxes by name: IB3 "Phone Line" first.
    assert_eq!(
        r.body,
        json!([
            { "data": { "agents": { "totalCount": 5 } } },
            { "data": { "inboxes": { "nodes": [{ "name": "Phone Line" }] } } },
        ])
    );
    batch_refused(&app, &token, json!([agents, inboxes, agents])).await;
    // The limits apply to each operation of a batch on its own.
    let deep = json!({ "query": "{ conversations(first: 1) { nodes { inbox { id } } } }" });
    let r = post(&app, &token, &json!([agents, deep]), None).await;
    assert_eq!(r.status, 200, "{:#}", r.body);
    assert_eq!(
        r.body[0],
        json!({ "data": { "agents": { "totalCount": 5 } } })
    );
    assert_request_error(&r.body[1], "QUERY_TOO_DEEP", Some((3, 4)), "batched");

    body_boundary(&app, &token, 1000).await;
}

// ---------------------------------------------------------------------------------------
// Timeout
// ---------------------------------------------------------------------------------------

const UPDATE_SUBJECT: &str = r#"mutation ($id: ID!, $subject: String) {
  updateConversation(id: $id, input: { subject: $subject }) {
    conversation { id subject }
    userErrors { field message code }
  }
}"#;

/// A write held up by a lock the test holds is cancelled after the timeout: TIMEOUT, HTTP
/// 200 (application/json) or 504 (graphql-response+json), and nothing of it is written,
/// even after the lock is released. The server then writes normally.
async fn a_write_past_the_timeout_is_cancelled_and_rolled_back(backend: Backend) {
    let limits = Limits {
        timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    let Some(app) = spawn(backend, limits).await else {
        return;
    };
    let writer = writer(&app, ALPHA);
    let c01 = fx::id("C01");
    let before = Snapshot::take(app.conn()).await;

    let lock = app.conn().begin().await.unwrap();
    match backend {
        Backend::Postgres => {
            lock.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT id FROM conversations WHERE id = $1 FOR UPDATE",
                [c01.into()],
            ))
            .await
            .unwrap();
        }
        Backend::Sqlite => {
            // Any write takes SQLite's one write lock until the transaction ends.
            lock.execute_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "UPDATE agents SET name = name WHERE id = ?",
                [fx::id("AG5").into()],
            ))
            .await
            .unwrap();
        }
    }
    let vars = json!({ "id": c01.to_string(), "subject": "Changed while locked" });
    for (accept, status) in [(None, 200), (Some(GQL_RESPONSE), 504)] {
        let started = Instant::now();
        let r = post(&app, &writer, &request(UPDATE_SUBJECT, &vars), accept).await;
        let took = started.elapsed();
        assert_eq!(r.status, status, "{accept:?} after {took:?}: {:#}", r.body);
        assert_request_error(&r.body, "TIMEOUT", None, "locked update");
        assert!(
            took >= Duration::from_millis(300) && took < Duration::from_secs(5),
            "answered after {took:?}"
        );
    }
    lock.rollback().await.unwrap();
    // Whatever the cancelled requests had started must not land once the lock is gone.
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_same(
        &before,
        &Snapshot::take(app.conn()).await,
        "timed-out updates",
    );

    // The server is healthy and the row is not left locked: the same update now succeeds.
    let r = post(&app, &writer, &request(UPDATE_SUBJECT, &vars), None).await;
    assert_eq!(
        r.body,
        json!({ "data": { "updateConversation": {
            "conversation": { "id": c01.to_string(), "subject": "Changed while locked" },
            "userErrors": [],
        } } })
    );
}

/// On PostgreSQL a read can be held up too (a table lock): TIMEOUT, and the same read
/// answers once the lock is gone.
async fn a_read_past_the_timeout_is_cancelled(backend: Backend) {
    if backend != Backend::Postgres {
        return; // SQLite's WAL readers never wait for a writer.
    }
    let limits = Limits {
        timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    let Some(app) = spawn(backend, limits).await else {
        return;
    };
    let token = app.reader(ALPHA);
    let query = "{ agents(first: 1) { totalCount } }";
    let lock = app.conn().begin().await.unwrap();
    lock.execute_unprepared("LOCK TABLE agents IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    for (accept, status) in [(None, 200), (Some(GQL_RESPONSE), 504)] {
        let started = Instant::now();
        let r = post(&app, &token, &request(query, &json!({})), accept).await;
        assert_eq!(r.status, status, "{:#}", r.body);
        assert_request_error(&r.body, "TIMEOUT", None, "locked read");
        assert!(started.elapsed() >= Duration::from_millis(300));
        assert!(started.elapsed() < Duration::from_secs(5));
    }
    lock.rollback().await.unwrap();
    let data = passes(&app, &token, query, json!({})).await;
    assert_eq!(data, json!({ "agents": { "totalCount": 5 } }));
}

each_backend!(
    default_limits_hold_at_their_boundaries,
    depth_is_counted_through_fragments,
    introspection_lists_nest_at_most_three_deep,
    complexity_is_measured_by_page_size,
    a_doubling_fragment_chain_is_refused_at_once,
    aliases_are_counted_with_fragments_expanded,
    root_fields_are_counted_with_fragments_expanded,
    introspection_can_be_turned_off,
    a_fragment_that_spreads_itself_is_a_bad_request,
    batch_and_body_limits_are_configurable,
    a_write_past_the_timeout_is_cancelled_and_rolled_back,
    a_read_past_the_timeout_is_cancelled,
);
