//! Hostile and malformed input over HTTP, on SQLite and on PostgreSQL: every request gets a
//! 4xx or a GraphQL error with `extensions.code` (or a correct answer), never a 5xx, a
//! panic, a hang or a leaked internal (SQL text, driver names, SQLSTATEs, source paths).
//! Refused input writes nothing; SQL metacharacters are plain text.
//!
//! The last part is property-based: documents made by mutating valid queries and mutations
//! token by token, with random variables, checked for the same promises and for "a request
//! that failed changed no table".
//!
//! Data: `common::read_fixtures` (company Alpha; see the tables in that module). Expected
//! counts below are read off those tables by hand.

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::read_fixtures::{self as fx, ALPHA, sid};
use common::writes::{
    CREATE_AGENT, CREATE_CALL, CREATE_CONTACT, CREATE_CONVERSATION, CREATE_INBOX, CREATE_MESSAGE,
    DELETE_AGENT, DELETE_CALL, DELETE_CONTACT, DELETE_CONVERSATION, DELETE_INBOX, DELETE_MESSAGE,
    Op, Snapshot, UPDATE_AGENT, UPDATE_CALL, UPDATE_CONTACT, UPDATE_CONVERSATION, UPDATE_INBOX,
    assert_same, ok, rejected, writer,
};
use common::{Backend, TestApp, TestDb};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::time::Duration;

const GQL_RESPONSE: &str = "application/graphql-response+json";

/// Text that must never reach a client unless the client sent it.
const LEAKS: &[&str] = &[
    "SELECT",
    "INSERT INTO",
    "DELETE FROM",
    "sqlx",
    "sea_orm",
    "sea-orm",
    "SQLSTATE",
    "syntax error at",
    "error returned from database",
    "/root",
    "/home/",
    ".rs:",
    "panicked",
    "stack backtrace",
    "DbErr",
];

// ---------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------

#[derive(Debug)]
struct Reply {
    status: u16,
    media: String,
    allow: Option<String>,
    text: String,
}

impl Reply {
    /// The body as JSON, which every answer of /graphql must be.
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| {
            panic!(
                "status {}: the body is not JSON ({e}): {}",
                self.status, self.text
            )
        })
    }
}

async fn reply(response: reqwest::Response) -> Reply {
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    let media = header("content-type").unwrap_or_default();
    let allow = header("allow");
    let text = response.text().await.expect("a body");
    Reply {
        status,
        media,
        allow,
        text,
    }
}

/// Sends `request`, failing when the server takes more than 20 s (a hang).
async fn send(request: reqwest::RequestBuilder) -> Reply {
    let response = tokio::time::timeout(Duration::from_secs(20), request.send())
        .await
        .expect("the server answers within 20 s")
        .expect("the request reaches the server");
    reply(response).await
}

/// POSTs a GraphQL request (query + variables) as JSON.
async fn gql(app: &TestApp, token: &str, query: &str, variables: Value) -> Reply {
    post_json(
        app,
        token,
        &json!({ "query": query, "variables": variables }),
    )
    .await
}

async fn post_json(app: &TestApp, token: &str, body: &Value) -> Reply {
    send(
        app.client
            .post(app.url("/graphql"))
            .bearer_auth(token)
            .json(body),
    )
    .await
}

async fn post_raw(app: &TestApp, token: &str, content_type: Option<&[u8]>, body: Vec<u8>) -> Reply {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(token)
        .body(body);
    if let Some(ct) = content_type {
        request = request.header(
            "content-type",
            reqwest::header::HeaderValue::from_bytes(ct).unwrap(),
        );
    }
    send(request).await
}

/// Sends raw bytes on a fresh TCP connection (`Connection: close` expected in them) and
/// returns the status and the body.
async fn raw_http(app: &TestApp, bytes: Vec<u8>) -> (u16, String) {
    let addr = app.addr;
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        stream.write_all(&bytes).unwrap();
        let mut out = Vec::new();
        stream
            .read_to_end(&mut out)
            .expect("the server answers within 20 s and closes");
        let text = String::from_utf8_lossy(&out).into_owned();
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status line in {text:?}"));
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default();
        (status, body)
    })
    .await
    .unwrap()
}

/// Every error message in `body` (a response object or a batch).
fn error_messages(body: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut visit = |r: &Value| {
        if let Some(errors) = r["errors"].as_array() {
            for e in errors {
                out.push(e["message"].as_str().unwrap_or_default().to_owned());
            }
        }
    };
    match body {
        Value::Array(items) => items.iter().for_each(&mut visit),
        other => visit(other),
    }
    out
}

/// What breaks the promises every answer keeps: status below 500; JSON; an object with
/// `data` and/or a non-empty `errors`; every error has a message and a string
/// `extensions.code`, and none is INTERNAL_SERVER_ERROR; no error message leaks internals
/// (unless `input`, what the client sent, contains the same text). Empty when all hold.
fn problems(status: u16, text: &str, input: &str) -> Vec<String> {
    let mut out = Vec::new();
    if status >= 500 {
        out.push(format!("HTTP {status}"));
    }
    let Ok(body) = serde_json::from_str::<Value>(text) else {
        out.push(format!("the body is not JSON: {}", short(&json!(text))));
        return out;
    };
    let Some(object) = body.as_object() else {
        out.push("the body is not a JSON object".into());
        return out;
    };
    if !object.contains_key("data") && !object.contains_key("errors") {
        out.push("neither data nor errors".into());
    }
    if let Some(errors) = object.get("errors") {
        match errors.as_array() {
            None => out.push("errors is not a list".into()),
            Some(errors) if errors.is_empty() => out.push("empty errors".into()),
            Some(errors) => {
                for e in errors {
                    if e["message"].as_str().is_none_or(|m| m.is_empty()) {
                        out.push(format!("an error without a message: {e}"));
                    }
                    match e["extensions"]["code"].as_str() {
                        None => out.push(format!("an error without extensions.code: {e}")),
                        Some("INTERNAL_SERVER_ERROR") => {
                            out.push(format!("INTERNAL_SERVER_ERROR: {e}"))
                        }
                        Some(_) => {}
                    }
                }
            }
        }
    }
    let input = input.to_lowercase();
    for message in error_messages(&body) {
        for leak in LEAKS {
            if message.contains(leak) && !input.contains(&leak.to_lowercase()) {
                out.push(format!("an error message leaks {leak:?}: {message}"));
            }
        }
    }
    out
}

/// Asserts the promises of `problems`; returns the body.
fn well_formed(r: &Reply, input: &str, what: &str) -> Value {
    let found = problems(r.status, &r.text, input);
    assert!(
        found.is_empty(),
        "{what}: {found:#?}\nbody: {}",
        short(&json!(r.text))
    );
    r.json()
}

fn no_leaks(body: &Value, input: &str, what: &str) {
    let found = problems(200, &body.to_string(), input);
    assert!(found.is_empty(), "{what}: {found:#?}");
}

/// Failures collected over a loop, reported together.
#[derive(Default)]
struct Findings(Vec<String>);

impl Findings {
    fn add(&mut self, what: impl std::fmt::Display) {
        self.0.push(what.to_string());
    }

    fn finish(self, what: &str) {
        assert!(
            self.0.is_empty(),
            "{what}: {} failing case(s):\n{}",
            self.0.len(),
            self.0.join("\n")
        );
    }
}

/// The code of the first error.
fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error with a code, got {body:#}"))
}

/// Runs `query` expecting no error; returns `data`.
async fn data(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    let input = format!("{query}{variables}");
    let r = gql(app, token, query, variables.clone()).await;
    let body = well_formed(&r, &input, query);
    assert!(
        body.get("errors").is_none(),
        "unexpected errors for {query}\n{variables}\n{body:#}"
    );
    body["data"].clone()
}

/// Runs `query` expecting a GraphQL error with `code` (HTTP 200 under application/json).
async fn error(app: &TestApp, token: &str, query: &str, variables: Value, want: &str) -> Value {
    let input = format!("{query}{variables}");
    let r = gql(app, token, query, variables.clone()).await;
    let body = well_formed(&r, &input, query);
    assert_eq!(r.status, 200, "{query}\n{variables}\n{body:#}");
    assert_eq!(
        code(&body),
        want,
        "{query}\n{}\n{body:#}",
        short(&variables)
    );
    body
}

/// A request error: HTTP 200 (application/json), errors with `code`, no `data`.
async fn request_error(app: &TestApp, token: &str, query: &str, variables: Value, want: &str) {
    let body = error(app, token, query, variables.clone(), want).await;
    assert!(
        body.get("data").is_none(),
        "{query}\n{}: a request error has no data: {body:#}",
        short(&variables)
    );
}

/// Variables shortened for messages (some hold 100,000 characters).
fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 300 {
        format!("{}… ({} bytes)", &s[..s.floor_char_boundary(300)], s.len())
    } else {
        s
    }
}

async fn spawn(backend: Backend) -> Option<TestApp> {
    let db = TestDb::create(backend).await?;
    fx::load(&db.conn).await;
    Some(TestApp::serve(db).await)
}

/// Runs `async fn name(app: &TestApp)` on each backend over the read fixture.
macro_rules! each_backend {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let app = super::spawn(crate::common::Backend::Sqlite).await.unwrap();
                super::$name(&app).await;
            })+
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some(app) = super::spawn(crate::common::Backend::Postgres).await else {
                    return;
                };
                super::$name(&app).await;
            })+
        }
    };
}

// ---------------------------------------------------------------------------------------
// The HTTP envelope
// ---------------------------------------------------------------------------------------

async fn malformed_bodies_are_400(app: &TestApp) {
    let token = app.reader(ALPHA);
    let deep_array = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_variables = format!(
        "{{\"query\":\"{{ __typename }}\",\"variables\":{{\"v\":{}1{}}}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let bodies: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"{".to_vec(),
        b"{\"query\": \"{ __typename }\"".to_vec(),
        b"not json".to_vec(),
        b"{\"query\":\"{ __typename }\"} trailing".to_vec(),
        b"null".to_vec(),
        b"1".to_vec(),
        b"true".to_vec(),
        b"\"{ __typename }\"".to_vec(),
        b"[]".to_vec(),
        b"[1]".to_vec(),
        b"[null]".to_vec(),
        b"[{\"query\":\"{ __typename }\"}, 5]".to_vec(),
        b"{}".to_vec(),
        b"{\"query\":null}".to_vec(),
        b"{\"query\":5}".to_vec(),
        b"{\"query\":[\"{ __typename }\"]}".to_vec(),
        b"{\"query\":{}}".to_vec(),
        b"{\"qeury\":\"{ __typename }\"}".to_vec(),
        b"{\"query\":\"{ __typename }\",\"variables\":\"x\"}".to_vec(),
        b"{\"query\":\"{ __typename }\",\"variables\":[1]}".to_vec(),
        b"{\"query\":\"{ __typename }\",\"variables\":5}".to_vec(),
        b"{\"query\":\"{ __typename }\",\"operationName\":5}".to_vec(),
        b"{\"query\":\"{ __typename }\",\"operationName\":[]}".to_vec(),
        // Invalid UTF-8: a lone continuation byte, an overlong '/', a truncated sequence,
        // a surrogate encoded in UTF-8, in the document and beside it.
        b"{\"query\":\"{ __typename }\",\"x\":\"\xff\"}".to_vec(),
        b"{\"query\":\"{ \xc0\xaf }\"}".to_vec(),
        b"{\"query\":\"{ __typename \xe2\x82 }\"}".to_vec(),
        b"{\"query\":\"{ __typename }\xed\xa0\x80\"}".to_vec(),
        b"\xef\xbb\xbf\xff{\"query\":\"{ __typename }\"}".to_vec(),
        // A lone surrogate escape.
        b"{\"query\":\"{ __typename } \\ud800\"}".to_vec(),
        // A number JSON cannot hold.
        b"{\"query\":\"{ __typename }\",\"variables\":{\"n\":1e999999}}".to_vec(),
        deep_array.into_bytes(),
        deep_variables.into_bytes(),
    ];
    let statements = app.statements();
    for body in bodies {
        let shown = String::from_utf8_lossy(&body[..body.len().min(120)]).into_owned();
        for accept in [None, Some(GQL_RESPONSE)] {
            let mut request = app
                .client
                .post(app.url("/graphql"))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(body.clone());
            if let Some(accept) = accept {
                request = request.header("accept", accept);
            }
            let r = send(request).await;
            let json = well_formed(&r, &shown, &shown);
            assert_eq!(r.status, 400, "{shown}: {json:#}");
            assert_eq!(code(&json), "BAD_REQUEST", "{shown}");
            assert!(json.get("data").is_none(), "{shown}: {json:#}");
        }
    }
    assert_eq!(app.statements(), statements, "malformed bodies ran SQL");
}

async fn only_json_bodies_are_accepted(app: &TestApp) {
    let token = app.reader(ALPHA);
    let body = br#"{"query":"{ agents { totalCount } }"}"#.to_vec();
    let statements = app.statements();
    let types: [Option<&[u8]>; 9] = [
        None,
        Some(b"text/plain"),
        Some(b"application/graphql"),
        Some(b"application/x-www-form-urlencoded"),
        Some(b"multipart/form-data; boundary=x"),
        Some(b"application/json; charset=latin1"),
        Some(b"application/jsonx"),
        Some(b"application/json\xff"),
        Some(b"text/json"),
    ];
    for content_type in types {
        let shown = content_type.map(String::from_utf8_lossy);
        let r = post_raw(app, &token, content_type, body.clone()).await;
        let json = well_formed(&r, "", &format!("{shown:?}"));
        assert_eq!(r.status, 415, "{shown:?}: {json:#}");
        assert!(json.get("data").is_none());
    }
    // Other methods.
    for method in [
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
        reqwest::Method::PATCH,
    ] {
        let r = send(
            app.client
                .request(method.clone(), app.url("/graphql"))
                .bearer_auth(&token)
                .json(&json!({ "query": "{ __typename }" })),
        )
        .await;
        assert_eq!(r.status, 405, "{method}: {}", r.text);
    }
    assert_eq!(app.statements(), statements, "refused requests ran SQL");
    // JSON in any letter case, with charset utf-8, is fine.
    let r = post_raw(
        app,
        &token,
        Some(b"Application/JSON; charset=\"UTF-8\""),
        body.clone(),
    )
    .await;
    assert_eq!(
        well_formed(&r, "", "json"),
        json!({ "data": { "agents": { "totalCount": 5 } } })
    );
}

async fn mutations_over_get_are_405(app: &TestApp) {
    let token = writer(app, ALPHA);
    let before = Snapshot::take(app.conn()).await;
    let statements = app.statements();
    let create = "mutation { createAgent(input: { name: \"Via GET\" }) { agent { id } } }";
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![("query", create)],
        vec![(
            "query",
            "  # a comment first\n mutation { createAgent(input: { name: \"x\" }) { agent { id } } }",
        )],
        vec![
            (
                "query",
                "mutation ($n: String!) { createAgent(input: { name: $n }) { agent { id } } }",
            ),
            ("variables", "{\"n\":\"Via GET\"}"),
        ],
    ];
    for params in cases {
        let r = send(
            app.client
                .get(app.url("/graphql"))
                .query(&params)
                .bearer_auth(&token),
        )
        .await;
        let body = well_formed(&r, "", &format!("{params:?}"));
        assert_eq!(r.status, 405, "{params:?}: {body:#}");
        assert_eq!(r.allow.as_deref(), Some("POST"), "{params:?}");
        assert!(body.get("data").is_none());
    }
    assert_eq!(app.statements(), statements, "GET mutations ran SQL");
    assert_same(&before, &Snapshot::take(app.conn()).await, "GET mutations");
}

/// GET takes `operationName` from the URL like POST takes it from the body (the
/// GraphQL-over-HTTP spec's parameter name).
async fn get_honours_the_operation_name(app: &TestApp) {
    let token = writer(app, ALPHA);
    let get = |params: Vec<(&'static str, &'static str)>| {
        send(
            app.client
                .get(app.url("/graphql"))
                .query(&params)
                .bearer_auth(&token),
        )
    };
    let two = "query A { agents { totalCount } } query B { inboxes { totalCount } }";
    let r = get(vec![("query", two), ("operationName", "B")]).await;
    assert_eq!(
        well_formed(&r, "", "GET B"),
        json!({ "data": { "inboxes": { "totalCount": 5 } } }),
        "GET /graphql?query={two}&operationName=B"
    );
    // An operation name the document does not have: refused, not ignored.
    for name in ["C", "\u{FFFD}"] {
        let r = get(vec![
            ("query", "query A { agents { totalCount } }"),
            ("operationName", name),
        ])
        .await;
        let body = well_formed(&r, "", name);
        assert_eq!(code(&body), "BAD_REQUEST", "operationName={name}: {body:#}");
        assert!(body.get("data").is_none());
    }
    // The mutation of a document with a query and a mutation, named: 405, nothing written.
    let before = Snapshot::take(app.conn()).await;
    let mixed = "query Q { agents { totalCount } } mutation M { createAgent(input: { name: \"Via GET\" }) { agent { id } } }";
    for _ in 0..4 {
        let r = get(vec![("query", mixed), ("operationName", "M")]).await;
        let body = well_formed(&r, "", "GET M");
        assert_eq!(r.status, 405, "{body:#}");
    }
    assert_same(&before, &Snapshot::take(app.conn()).await, "GET mutation M");
    let r = get(vec![("query", mixed), ("operationName", "Q")]).await;
    assert_eq!(
        well_formed(&r, "", "GET Q"),
        json!({ "data": { "agents": { "totalCount": 5 } } })
    );
}

async fn urls_with_invalid_utf8_are_refused(app: &TestApp) {
    let token = app.reader(ALPHA);
    for query in [
        "query=%FF",
        "query=%FF%FE%FD",
        "query=%7B%20__typename%20%FF%7D",
        "query=%C0%AF",
        "query=%7B__typename%7D&variables=%FF",
        "query=%7B__typename%7D&variables=%7B",
        "query=%7B__typename%7D&variables=%5B1%5D",
        "query=%00",
        "query=%7B__typename%00%7D",
        "query=%7B%7B%7B%7B%7B",
        "query",
        "query=%",
        "query=%zz",
        "%FF=%FF",
    ] {
        for accept in ["application/json", GQL_RESPONSE] {
            let r = send(
                app.client
                    .get(format!("{}?{query}", app.url("/graphql")))
                    .header("accept", accept)
                    .bearer_auth(&token),
            )
            .await;
            let body = well_formed(&r, query, query);
            assert!(body.get("errors").is_some(), "{query}: {body:#}");
            assert!(body.get("data").is_none(), "{query}: {body:#}");
            if accept == GQL_RESPONSE {
                assert_eq!(r.status, 400, "{query}: {body:#}");
            }
        }
    }
    // Raw bytes above 0x7F in the request target, and in headers.
    let token_bytes = token.as_bytes();
    let mut requests: Vec<Vec<u8>> = Vec::new();
    let mut get = b"GET /graphql?query=\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer ".to_vec();
    get.extend_from_slice(token_bytes);
    get.extend_from_slice(b"\r\n\r\n");
    requests.push(get);
    let body = br#"{"query":"{ __typename }"}"#;
    for (name, value) in [
        (&b"Authorization"[..], &b"Bearer \xff\xfe"[..]),
        (b"Accept", b"application/\xffjson"),
        (b"Content-Type", b"application/json\xff"),
    ] {
        let mut post = b"POST /graphql HTTP/1.1\r\nHost: x\r\nConnection: close\r\n".to_vec();
        if name != b"Authorization" {
            post.extend_from_slice(b"Authorization: Bearer ");
            post.extend_from_slice(token_bytes);
            post.extend_from_slice(b"\r\n");
        }
        if name != b"Content-Type" {
            post.extend_from_slice(b"Content-Type: application/json\r\n");
        }
        post.extend_from_slice(name);
        post.extend_from_slice(b": ");
        post.extend_from_slice(value);
        post.extend_from_slice(format!("\r\nContent-Length: {}\r\n\r\n", body.len()).as_bytes());
        post.extend_from_slice(body);
        requests.push(post);
    }
    for request in requests {
        let shown = String::from_utf8_lossy(&request[..60]).into_owned();
        let (status, body) = raw_http(app, request).await;
        assert!(status < 500, "{shown}: HTTP {status}: {body}");
        if let Ok(json) = serde_json::from_str::<Value>(&body) {
            if status >= 400 || json.get("errors").is_some() {
                assert!(
                    json["errors"][0]["extensions"]["code"].is_string(),
                    "{shown}: {body}"
                );
            }
            no_leaks(&json, "", &shown);
        }
    }
}

async fn chunked_bodies_are_capped_too(app: &TestApp) {
    // A body sent in chunks, without Content-Length, larger than 1 MiB: 413.
    let token = app.reader(ALPHA);
    let mut request = b"POST /graphql HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nAuthorization: Bearer ".to_vec();
    request.extend_from_slice(token.as_bytes());
    request.extend_from_slice(b"\r\n\r\n");
    let document = format!(
        "{{\"query\":\"{{ __typename }}{}\"}}",
        " ".repeat(1_048_576)
    );
    for chunk in document.as_bytes().chunks(64 * 1024) {
        request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend_from_slice(chunk);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    let (status, body) = raw_http(app, request).await;
    assert_eq!(status, 413, "{body}");
    let json: Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{body}"));
    assert_eq!(json["errors"][0]["extensions"]["code"], "PAYLOAD_TOO_LARGE");
}

async fn unknown_or_missing_operation_names_are_bad_requests(app: &TestApp) {
    let token = app.reader(ALPHA);
    let two = "query A { agents { totalCount } } query B { inboxes { totalCount } }";
    let long = "C".repeat(100_000);
    for (query, name) in [
        (two, json!("C")),
        (two, json!(null)),
        (two, json!("")),
        (two, json!("A\u{0}")),
        (two, json!(long)),
        ("query A { __typename }", json!("a")),
        ("{ __typename }", json!("A")),
    ] {
        let statements = app.statements();
        let body = json!({ "query": query, "operationName": name });
        for accept in [None, Some(GQL_RESPONSE)] {
            let mut request = app
                .client
                .post(app.url("/graphql"))
                .bearer_auth(&token)
                .json(&body);
            if let Some(accept) = accept {
                request = request.header("accept", accept);
            }
            let r = send(request).await;
            let json = well_formed(&r, &body.to_string(), query);
            assert_eq!(
                code(&json),
                "BAD_REQUEST",
                "{query} {}: {json:#}",
                short(&name)
            );
            assert!(json.get("data").is_none());
            assert_eq!(r.status, if accept.is_some() { 400 } else { 200 });
            assert!(
                r.media.starts_with(accept.unwrap_or("application/json")),
                "{}",
                r.media
            );
        }
        assert_eq!(app.statements(), statements);
    }
    let body = post_json(app, &token, &json!({ "query": two, "operationName": "B" })).await;
    assert_eq!(
        well_formed(&body, "", "B"),
        json!({ "data": { "inboxes": { "totalCount": 5 } } })
    );
}

async fn variables_of_the_wrong_type_are_bad_requests(app: &TestApp) {
    let token = writer(app, ALPHA);
    let first = "query ($first: Int) { conversations(first: $first) { totalCount } }";
    let id = "query ($id: ID!) { conversation(id: $id) { id } }";
    let filter = "query ($f: ConversationFilter) { conversations(filter: $f) { totalCount } }";
    let search = "query ($q: String!) { searchMessages(query: $q) { totalCount } }";
    let agent = "mutation ($input: CreateAgentInput!) { createAgent(input: $input) { agent { id } userErrors { code } } }";
    let cases = [
        (first, json!({ "first": "ten" })),
        (first, json!({ "first": "1" })),
        (first, json!({ "first": 1.5 })),
        (first, json!({ "first": true })),
        (first, json!({ "first": {} })),
        (first, json!({ "first": [1] })),
        (first, json!({ "first": 2147483648i64 })),
        (first, json!({ "first": -2147483649i64 })),
        (first, json!({ "first": 1e300 })),
        (first, json!({ "first": u64::MAX })),
        (id, json!({})),
        (id, json!({ "id": null })),
        (id, json!({ "id": true })),
        (id, json!({ "id": {} })),
        (id, json!({ "id": [sid("C01")] })),
        (id, json!({ "id": 1.5 })),
        (filter, json!({ "f": "x" })),
        (filter, json!({ "f": [1] })),
        (filter, json!({ "f": { "status": "NOPE" } })),
        (filter, json!({ "f": { "status": "open" } })),
        (filter, json!({ "f": { "unknown": 1 } })),
        (
            filter,
            json!({ "f": { "createdAt": { "from": "yesterday" } } }),
        ),
        (
            filter,
            json!({ "f": { "createdAt": { "from": "2026-13-45T00:00:00.000000Z" } } }),
        ),
        (
            filter,
            json!({ "f": { "createdAt": { "from": "2026-03-01T09:00:00Z\u{0}" } } }),
        ),
        (filter, json!({ "f": { "isSimulation": "true" } })),
        (filter, json!({ "f": { "not": 5 } })),
        (filter, json!({ "f": { "and": [{ "status": 1 }] } })),
        (search, json!({})),
        (search, json!({ "q": null })),
        (search, json!({ "q": 5 })),
        (search, json!({ "q": ["refund"] })),
        (search, json!({ "q": { "a": 1 } })),
        (agent, json!({ "input": { "name": 5 } })),
        (agent, json!({ "input": { "name": "x", "kind": "ROBOT" } })),
        (agent, json!({ "input": {} })),
        (agent, json!({ "input": { "name": "x", "extra": 1 } })),
        (agent, json!({ "input": "x" })),
        (agent, json!({ "input": null })),
    ];
    let before = Snapshot::take(app.conn()).await;
    let mut findings = Findings::default();
    for (query, variables) in cases {
        let statements = app.statements();
        let r = gql(app, &token, query, variables.clone()).await;
        let found = problems(r.status, &r.text, "");
        let body = r.json();
        let what = format!("{query} with {variables}");
        if !found.is_empty() {
            findings.add(format!("{what}: {found:?}"));
        } else if body["errors"][0]["extensions"]["code"] != "BAD_REQUEST"
            || body.get("data").is_some()
        {
            findings.add(format!(
                "{what}: expected a BAD_REQUEST request error without data, got {body}"
            ));
        }
        if app.statements() != statements {
            findings.add(format!("{what}: ran SQL"));
        }
    }
    assert_same(
        &before,
        &Snapshot::take(app.conn()).await,
        "wrong variables",
    );
    // Literals out of range fail validation the same way.
    for query in [
        "{ conversations(first: 2147483648) { totalCount } }",
        "{ conversations(first: 99999999999999999999999) { totalCount } }",
        "{ conversations(first: 1.0) { totalCount } }",
        "{ conversations(first: \"1\") { totalCount } }",
        "{ conversations(filter: { status: NOPE }) { totalCount } }",
        "{ conversation(id: 1.5) { id } }",
        "{ conversations(filter: { statusIn: [[OPEN]] }) { totalCount } }",
    ] {
        request_error(app, &token, query, json!({}), "BAD_REQUEST").await;
    }
    findings.finish("variables that do not coerce");
}

// ---------------------------------------------------------------------------------------
// Ids and cursors
// ---------------------------------------------------------------------------------------

fn bad_ids() -> Vec<String> {
    vec![
        "not-a-uuid".into(),
        String::new(),
        " ".into(),
        "00000000-0000-0000-0000-00000000000g".into(),
        format!("{}1", sid("C01")),
        format!("{}\u{0}", sid("C01")),
        "\u{0}".into(),
        "'; DROP TABLE conversations; --".into(),
        "%".into(),
        "x".repeat(100_000),
    ]
}

async fn invalid_ids_find_nothing(app: &TestApp) {
    let token = app.reader(ALPHA);
    for id in bad_ids() {
        let v = json!({ "id": id });
        // Lookups: null, like an id that does not exist.
        for field in [
            "node",
            "conversation",
            "contact",
            "inbox",
            "message",
            "call",
            "agent",
        ] {
            let query = format!("query ($id: ID!) {{ {field}(id: $id) {{ id }} }}");
            let d = data(app, &token, &query, v.clone()).await;
            assert_eq!(d, json!({ field: null }), "{field}({})", short(&v));
        }
        let d = data(
            app,
            &token,
            "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": [id, sid("C01")] }),
        )
        .await;
        assert_eq!(d, json!({ "nodes": [null, { "id": sid("C01") }] }));
        // _entities: null too, or refused as bad input.
        let query = "query ($r: [_Any!]!) { _entities(representations: $r) { ... on Conversation { id } } }";
        let vars = json!({ "r": [{ "__typename": "Conversation", "id": id }] });
        let r = gql(app, &token, query, vars).await;
        let body = well_formed(&r, "", "_entities");
        if body.get("errors").is_some() {
            assert_eq!(
                code(&body),
                "BAD_USER_INPUT",
                "_entities {}: {body:#}",
                short(&v)
            );
        } else {
            assert_eq!(
                body["data"],
                json!({ "_entities": [null] }),
                "{}",
                short(&v)
            );
        }

        // Filters: refused as BAD_USER_INPUT, or an empty list (no row has such an id).
        let filters: Vec<(&str, &str, &str)> = vec![
            ("conversations", "ConversationFilter", "inboxId"),
            ("conversations", "ConversationFilter", "contactId"),
            ("conversations", "ConversationFilter", "agentId"),
            ("conversations", "ConversationFilter", "assigneeId"),
            ("conversations", "ConversationFilter", "campaignId"),
            ("conversations", "ConversationFilter", "taskId"),
            ("conversations", "ConversationFilter", "sessionId"),
            ("calls", "CallFilter", "campaignId"),
            ("calls", "CallFilter", "conversationId"),
        ];
        for (list, input, field) in filters {
            let query = format!(
                "query ($f: {input}) {{ {list}(filter: $f) {{ totalCount nodes {{ id }} }} }}"
            );
            let vars = json!({ "f": { field: id } });
            empty_or_bad_input(app, &token, &query, vars, list).await;
            if input == "ConversationFilter" {
                let vars = json!({ "f": { "or": [{ field: id }], "not": { field: id } } });
                empty_or_bad_input(app, &token, &query, vars, list).await;
            }
        }
        for field in ["conversationId", "contactId", "inboxId"] {
            let query = "query ($f: MessageSearchFilter) { searchMessages(query: \"e\", filter: $f) { totalCount nodes { snippet } } }";
            let vars = json!({ "f": { field: id } });
            empty_or_bad_input(app, &token, query, vars, "searchMessages").await;
        }
    }
}

/// Either BAD_USER_INPUT, or a list with nothing in it.
async fn empty_or_bad_input(app: &TestApp, token: &str, query: &str, vars: Value, list: &str) {
    let input = format!("{query}{vars}");
    let r = gql(app, token, query, vars.clone()).await;
    let body = well_formed(&r, &input, query);
    if body.get("errors").is_some() {
        assert_eq!(
            code(&body),
            "BAD_USER_INPUT",
            "{query} {}: {body:#}",
            short(&vars)
        );
    } else {
        assert_eq!(
            body["data"][list]["totalCount"],
            0,
            "{query} {}",
            short(&vars)
        );
        assert_eq!(body["data"][list]["nodes"], json!([]));
    }
}

async fn invalid_ids_in_mutations_are_user_errors(app: &TestApp) {
    let token = writer(app, ALPHA);
    let before = Snapshot::take(app.conn()).await;
    // (operation, valid variables, the id's path in the variables)
    let cases: Vec<(Op, Value, &[&str])> = vec![
        (
            CREATE_CONVERSATION,
            json!({ "input": { "inboxId": sid("IB1") } }),
            &["input", "inboxId"],
        ),
        (
            CREATE_CONVERSATION,
            json!({ "input": { "inboxId": sid("IB1") } }),
            &["input", "contactId"],
        ),
        (
            CREATE_CONVERSATION,
            json!({ "input": { "inboxId": sid("IB1") } }),
            &["input", "assigneeId"],
        ),
        (
            CREATE_CONVERSATION,
            json!({ "input": { "inboxId": sid("IB1") } }),
            &["input", "agentId"],
        ),
        (
            CREATE_CONVERSATION,
            json!({ "input": { "inboxId": sid("IB1") } }),
            &["input", "seenById"],
        ),
        (
            CREATE_CONVERSATION,
            json!({ "input": { "inboxId": sid("IB1") } }),
            &["input", "campaignId"],
        ),
        (
            CREATE_CONVERSATION,
            json!({ "input": { "inboxId": sid("IB1") } }),
            &["input", "listingId"],
        ),
        (
            UPDATE_CONVERSATION,
            json!({ "id": sid("C01"), "input": {} }),
            &["id"],
        ),
        (
            UPDATE_CONVERSATION,
            json!({ "id": sid("C01"), "input": {} }),
            &["input", "inboxId"],
        ),
        (
            UPDATE_CONVERSATION,
            json!({ "id": sid("C01"), "input": {} }),
            &["input", "contactId"],
        ),
        (
            UPDATE_CONVERSATION,
            json!({ "id": sid("C01"), "input": {} }),
            &["input", "assigneeId"],
        ),
        (
            UPDATE_CONVERSATION,
            json!({ "id": sid("C01"), "input": {} }),
            &["input", "agentId"],
        ),
        (
            UPDATE_CONVERSATION,
            json!({ "id": sid("C01"), "input": {} }),
            &["input", "seenById"],
        ),
        (
            UPDATE_CONVERSATION,
            json!({ "id": sid("C01"), "input": {} }),
            &["input", "campaignId"],
        ),
        (
            UPDATE_CONVERSATION,
            json!({ "id": sid("C01"), "input": {} }),
            &["input", "listingId"],
        ),
        (DELETE_CONVERSATION, json!({ "id": sid("C01") }), &["id"]),
        (
            CREATE_MESSAGE,
            json!({ "conversationId": sid("C01"), "input": { "content": "x", "direction": "INBOUND" } }),
            &["conversationId"],
        ),
        (DELETE_MESSAGE, json!({ "id": sid("M01") }), &["id"]),
        (
            UPDATE_CONTACT,
            json!({ "id": sid("CT6"), "input": {} }),
            &["id"],
        ),
        (DELETE_CONTACT, json!({ "id": sid("CT6") }), &["id"]),
        (
            UPDATE_INBOX,
            json!({ "id": sid("IB5"), "input": {} }),
            &["id"],
        ),
        (DELETE_INBOX, json!({ "id": sid("IB5") }), &["id"]),
        (
            CREATE_CALL,
            json!({ "conversationId": sid("C03"), "input": { "direction": "INBOUND" } }),
            &["conversationId"],
        ),
        (
            CREATE_CALL,
            json!({ "conversationId": sid("C03"), "input": { "direction": "INBOUND" } }),
            &["input", "campaignId"],
        ),
        (
            UPDATE_CALL,
            json!({ "id": sid("CL1"), "input": {} }),
            &["id"],
        ),
        (
            UPDATE_CALL,
            json!({ "id": sid("CL1"), "input": {} }),
            &["input", "campaignId"],
        ),
        (DELETE_CALL, json!({ "id": sid("CL1") }), &["id"]),
        (
            UPDATE_AGENT,
            json!({ "id": sid("AG5"), "input": {} }),
            &["id"],
        ),
        (DELETE_AGENT, json!({ "id": sid("AG5") }), &["id"]),
    ];
    for id in bad_ids() {
        for (op, vars, path) in &cases {
            // A blank optional string is stored as null: only arguments must refuse it.
            if path.len() > 1 && id.trim().is_empty() {
                continue;
            }
            let mut vars = vars.clone();
            set_path(&mut vars, path, json!(id));
            let input = format!("{}{vars}", op.doc);
            let r = gql(app, &token, op.doc, vars.clone()).await;
            let body = well_formed(&r, &input, op.name);
            assert!(
                body.get("errors").is_none(),
                "{} {path:?}={}: {body:#}",
                op.name,
                short(&json!(id))
            );
            let payload = &body["data"][op.name];
            let errors = payload["userErrors"].as_array().unwrap();
            assert!(
                !errors.is_empty(),
                "{} {path:?}: accepted {}",
                op.name,
                short(&json!(id))
            );
            for e in errors {
                assert!(
                    e["code"] == "BAD_USER_INPUT" || e["code"] == "NOT_FOUND",
                    "{} {path:?}: {e}",
                    op.name
                );
            }
        }
    }
    assert_same(
        &before,
        &Snapshot::take(app.conn()).await,
        "mutations with invalid ids",
    );
}

fn set_path(vars: &mut Value, path: &[&str], value: Value) {
    let mut at = vars;
    for key in &path[..path.len() - 1] {
        at = &mut at[*key];
    }
    at[path[path.len() - 1]] = value;
}

/// (name, document with $after/$before/$first/$last, extra variables, kind of list)
fn connections() -> Vec<(&'static str, String, Value, &'static str)> {
    let page = "(first: $first, after: $after, last: $last, before: $before)";
    let sel = "{ totalCount edges { cursor } }";
    let vars = "($first: Int, $after: String, $last: Int, $before: String, $id: ID!)";
    let root = |field: &str| {
        format!(
            "query ($first: Int, $after: String, $last: Int, $before: String) {{ {field}{page} {sel} }}"
        )
    };
    vec![
        (
            "conversations",
            root("conversations"),
            json!({}),
            "conversation",
        ),
        ("contacts", root("contacts"), json!({}), "contact"),
        ("inboxes", root("inboxes"), json!({}), "inbox"),
        ("calls", root("calls"), json!({}), "call"),
        ("agents", root("agents"), json!({}), "agent"),
        (
            "conversation.messages",
            format!("query {vars} {{ conversation(id: $id) {{ messages{page} {sel} }} }}"),
            json!({ "id": sid("C01") }),
            "message",
        ),
        (
            "conversation.calls",
            format!("query {vars} {{ conversation(id: $id) {{ calls{page} {sel} }} }}"),
            json!({ "id": sid("C03") }),
            "call",
        ),
        (
            "contact.conversations",
            format!("query {vars} {{ contact(id: $id) {{ conversations{page} {sel} }} }}"),
            json!({ "id": sid("CT1") }),
            "conversation",
        ),
        (
            "inbox.conversations",
            format!("query {vars} {{ inbox(id: $id) {{ conversations{page} {sel} }} }}"),
            json!({ "id": sid("IB3") }),
            "conversation",
        ),
    ]
}

const SEARCH_PAGE: &str = "query ($first: Int, $after: String) { searchMessages(query: \"e\", first: $first, after: $after) { totalCount edges { cursor } } }";

fn with(mut vars: Value, key: &str, value: Value) -> Value {
    vars[key] = value;
    vars
}

fn cursor_of(data: &Value, name: &str) -> String {
    let mut at = data;
    for key in name.split('.') {
        at = &at[key];
    }
    at["edges"][0]["cursor"]
        .as_str()
        .unwrap_or_else(|| panic!("no cursor in {data:#}"))
        .to_owned()
}

async fn undecodable_and_forged_cursors_are_bad_input(app: &TestApp) {
    let token = app.reader(ALPHA);
    let garbage: Vec<String> = vec![
        "%%%".into(),
        "!!!!".into(),
        "a".into(),
        "====".into(),
        "AAAA".into(),
        URL_SAFE_NO_PAD.encode(b"\xff\xfe\xfd\xfc"),
        "bm9wZQ==".into(),
        "bm9w+/Z".into(),
        "x".repeat(100_000),
        "\u{0}".into(),
        "' OR 1=1 --".into(),
        URL_SAFE_NO_PAD.encode("|||"),
        URL_SAFE_NO_PAD.encode("x".repeat(50_000)),
    ];
    // Every connection, both directions.
    let mut real: Vec<(&str, String, &str)> = Vec::new();
    for (name, query, vars, kind) in connections() {
        for c in &garbage {
            for (size, arg) in [("first", "after"), ("last", "before")] {
                let v = with(with(vars.clone(), size, json!(2)), arg, json!(c));
                error(app, &token, &query, v, "BAD_USER_INPUT").await;
            }
        }
        let d = data(app, &token, &query, with(vars.clone(), "first", json!(1))).await;
        real.push((name, cursor_of(&d, name), kind));
    }
    for c in &garbage {
        error(
            app,
            &token,
            SEARCH_PAGE,
            json!({ "after": c }),
            "BAD_USER_INPUT",
        )
        .await;
    }
    let d = data(app, &token, SEARCH_PAGE, json!({ "first": 1 })).await;
    real.push(("searchMessages", cursor_of(&d, "searchMessages"), "search"));

    // A cursor of one kind of list does not fit another.
    for (name, query, vars, kind) in connections() {
        for (other, cursor, other_kind) in &real {
            if *other_kind == kind {
                // The same kind of list, maybe under another parent: a position in it, or
                // refused as bad input.
                let v = with(
                    with(vars.clone(), "first", json!(2)),
                    "after",
                    json!(cursor),
                );
                let r = gql(app, &token, &query, v).await;
                let body = well_formed(&r, "", name);
                if body.get("errors").is_some() {
                    assert_eq!(
                        code(&body),
                        "BAD_USER_INPUT",
                        "{other} cursor on {name}: {body:#}"
                    );
                }
                continue;
            }
            for (size, arg) in [("first", "after"), ("last", "before")] {
                let v = with(with(vars.clone(), size, json!(2)), arg, json!(cursor));
                let what = format!("{other} cursor as {name} {arg}");
                let r = gql(app, &token, &query, v).await;
                let body = well_formed(&r, "", &what);
                assert_eq!(code(&body), "BAD_USER_INPUT", "{what}: {body:#}");
            }
        }
    }
    for (other, cursor, kind) in &real {
        if *kind != "search" {
            let r = gql(app, &token, SEARCH_PAGE, json!({ "after": cursor })).await;
            let body = well_formed(&r, "", other);
            assert_eq!(
                code(&body),
                "BAD_USER_INPUT",
                "{other} cursor on search: {body:#}"
            );
        }
    }

    // Forged cursors: a real cursor's ordering with a bad id or sort key.
    let mut findings = Findings::default();
    let nil = "00000000-0000-4000-8000-000000000000";
    for (name, cursor, _) in &real {
        let decoded = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).unwrap()).unwrap();
        let (ordering, rest) = decoded.split_once('|').unwrap();
        let (_, key) = rest.split_once('|').unwrap();
        let forged: Vec<String> = vec![
            format!("{ordering}|not-a-uuid|x"),
            format!("{ordering}|not-a-uuid|{key}"),
            format!("{ordering}|{nil}"),
            format!("{ordering}||"),
            format!("{ordering}|{nil}|"),
            format!("{ordering}|{nil}|x"),
            format!("{ordering}|{nil}|t99999999999999999999999"),
            format!("{ordering}|{nil}|t-9223372036854775808"),
            format!("{ordering}|{nil}|t9223372036854775807"),
            format!("{ordering}|{nil}|tx"),
            format!("{ordering}|{nil}|i99999999999999999999999"),
            format!("{ordering}|{nil}|i-9223372036854775808"),
            format!("{ordering}|{nil}|i1"),
            format!("{ordering}|{nil}|n"),
            format!("{ordering}|{nil}|sx"),
            format!("{ordering}|{nil}|s' OR 1=1 --"),
            format!("{ordering}|{nil}|s\u{0}"),
            format!("{ordering}|{nil}|s{}", "x".repeat(10_000)),
            format!("{ordering}|{nil}|{key}|extra"),
            format!("{ordering}|{nil}\u{0}|{key}"),
            format!("{ordering}\u{0}|{nil}|{key}"),
            format!("{ordering} OR 1=1|{nil}|{key}"),
        ];
        for f in forged {
            let c = URL_SAFE_NO_PAD.encode(&f);
            let (query, vars) = if *name == "searchMessages" {
                (SEARCH_PAGE.to_owned(), json!({ "after": c }))
            } else {
                let (_, q, v, _) = connections().into_iter().find(|(n, ..)| n == name).unwrap();
                (q, with(with(v, "first", json!(2)), "after", json!(c)))
            };
            let what = format!("{name} after base64url({})", short(&json!(f)));
            let r = gql(app, &token, &query, vars).await;
            // A forged cursor is either refused as BAD_USER_INPUT or taken as a position.
            let found = problems(r.status, &r.text, "");
            if !found.is_empty() {
                findings.add(format!("{what}: {found:?}"));
            } else if r.json().get("errors").is_some() && code(&r.json()) != "BAD_USER_INPUT" {
                findings.add(format!("{what}: {}", r.text));
            }
        }
    }
    findings.finish("forged cursors");
}

/// A contacts cursor on NAME ASC forged with metacharacters in its text key is a plain
/// position: rows after it in byte order of the name, null names last.
async fn a_forged_text_cursor_is_plain_text(app: &TestApp) {
    let token = app.reader(ALPHA);
    let query = "query ($after: String) { contacts(first: 10, after: $after, orderBy: { field: FIRST_NAME, direction: ASC }) { edges { cursor node { id } } } }";
    let d = data(
        app,
        &token,
        "{ contacts(first: 1, orderBy: { field: FIRST_NAME, direction: ASC }) { edges { cursor } } }",
        json!({}),
    )
    .await;
    let real = String::from_utf8(
        URL_SAFE_NO_PAD
            .decode(d["contacts"]["edges"][0]["cursor"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    let ordering = real.split('|').next().unwrap().to_owned();
    let max = "ffffffff-ffff-4fff-bfff-ffffffffffff";
    let nil = "00000000-0000-4000-8000-000000000000";
    // NAME ASC: Alice CT1, Bob CT2, Bob CT6, Malik CT5, then null names CT3, CT4.
    let cases = [
        // '%' and '\'' sort before every letter: everything comes after.
        (
            format!("{ordering}|{nil}|s%' OR 1=1 --"),
            vec!["CT1", "CT2", "CT6", "CT5", "CT3", "CT4"],
        ),
        (
            format!("{ordering}|{nil}|s'; DROP TABLE contacts; --"),
            vec!["CT1", "CT2", "CT6", "CT5", "CT3", "CT4"],
        ),
        // After ("Bob", the largest id): Malik, then the null names.
        (format!("{ordering}|{max}|sBob"), vec!["CT5", "CT3", "CT4"]),
        // After ("Bob%", any id): "Bob%" > "Bob", so Malik and the nulls.
        (format!("{ordering}|{nil}|sBob%"), vec!["CT5", "CT3", "CT4"]),
        // After ("B_", any id): '_' (0x5F) > 'o' is false ('o' is 0x6F), so both Bobs follow.
        (
            format!("{ordering}|{nil}|sB_"),
            vec!["CT2", "CT6", "CT5", "CT3", "CT4"],
        ),
    ];
    for (forged, want) in cases {
        let c = URL_SAFE_NO_PAD.encode(&forged);
        let d = data(app, &token, query, json!({ "after": c })).await;
        let got: Vec<String> = d["contacts"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
            .collect();
        let want: Vec<String> = want.iter().map(|l| sid(l)).collect();
        assert_eq!(got, want, "after {forged:?}");
    }
}

async fn out_of_range_page_sizes_are_bad_input(app: &TestApp) {
    let token = app.reader(ALPHA);
    for (name, query, vars, _) in connections() {
        for size in ["first", "last"] {
            for n in [-1i64, 101, 2147483647, -2147483648] {
                let v = with(vars.clone(), size, json!(n));
                let body = error(app, &token, &query, v, "BAD_USER_INPUT").await;
                assert!(
                    body["errors"][0]["message"]
                        .as_str()
                        .unwrap()
                        .contains(size),
                    "{name} {size}={n}: {body:#}"
                );
            }
            for n in [2147483648i64, -2147483649] {
                request_error(
                    app,
                    &token,
                    &query,
                    with(vars.clone(), size, json!(n)),
                    "BAD_REQUEST",
                )
                .await;
            }
            // The bounds themselves are fine.
            for n in [0, 100] {
                data(app, &token, &query, with(vars.clone(), size, json!(n))).await;
            }
        }
    }
    for n in [-1i64, 51, 2147483647, -2147483648] {
        error(
            app,
            &token,
            SEARCH_PAGE,
            json!({ "first": n }),
            "BAD_USER_INPUT",
        )
        .await;
    }
    for n in [1, 50] {
        data(app, &token, SEARCH_PAGE, json!({ "first": n })).await;
    }
    // More than 100 ids.
    let ids: Vec<String> = (0..101).map(|_| sid("C01")).collect();
    error(
        app,
        &token,
        "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        json!({ "ids": ids }),
        "BAD_USER_INPUT",
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// Strings: length, control characters, SQL metacharacters
// ---------------------------------------------------------------------------------------

/// (document, variables with the text at `$t`, the list's name)
fn text_filters() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        (
            "query ($t: String) { conversations(filter: { contactEmail: $t }) { totalCount } }",
            "conversations",
            "contactEmail",
        ),
        (
            "query ($t: String) { conversations(filter: { contactPhoneNumber: $t }) { totalCount } }",
            "conversations",
            "contactPhoneNumber",
        ),
        (
            "query ($t: String) { conversations(filter: { not: { or: [{ contactEmail: $t }] } }) { totalCount } }",
            "conversations",
            "nested contactEmail",
        ),
        (
            "query ($t: String) { contacts(filter: { query: $t }) { totalCount } }",
            "contacts",
            "query",
        ),
        (
            "query ($t: String) { contacts(filter: { firstName: $t }) { totalCount } }",
            "contacts",
            "firstName",
        ),
        (
            "query ($t: String) { contacts(filter: { lastName: $t }) { totalCount } }",
            "contacts",
            "lastName",
        ),
        (
            "query ($t: String) { contacts(filter: { email: $t }) { totalCount } }",
            "contacts",
            "email",
        ),
        (
            "query ($t: String) { contacts(filter: { phoneNumber: $t }) { totalCount } }",
            "contacts",
            "phoneNumber",
        ),
        (
            "query ($t: String) { contacts(filter: { and: [{ not: { firstName: $t } }] }) { totalCount } }",
            "contacts",
            "nested name",
        ),
        (
            "query ($t: String!) { searchMessages(query: $t) { totalCount } }",
            "searchMessages",
            "query",
        ),
        (
            "query ($t: String!) { contact(id: \"cc000000-0001-4000-8000-000000000001\") { conversations(filter: { contactEmail: $t }) { totalCount } } }",
            "contact.conversations",
            "contactEmail",
        ),
    ]
}

async fn filter_text_is_capped_and_free_of_control_characters(app: &TestApp) {
    let token = app.reader(ALPHA);
    // Digits, so that phone filters take them too.
    let ok_200 = "1".repeat(200);
    let ok_200_wide = "é1".repeat(100);
    let refused: Vec<String> = vec![
        "1".repeat(201),
        "é".repeat(201),
        "1".repeat(100_000),
        "1\u{0}".into(),
        "\u{0}".into(),
        "1\u{1}".into(),
        "1\u{1b}[0m".into(),
        "1\r".into(),
        "1\u{7f}".into(),
        "1\u{85}".into(),
        "1\u{8}".into(),
    ];
    for (query, list, field) in text_filters() {
        for t in &refused {
            let what = format!("{list} {field} {}", short(&json!(t)));
            let r = gql(app, &token, query, json!({ "t": t })).await;
            let body = well_formed(&r, "", &what);
            assert_eq!(code(&body), "BAD_USER_INPUT", "{what}: {body:#}");
        }
        for t in [
            &ok_200,
            &ok_200_wide,
            &"1\t2".to_owned(),
            &"1\n2".to_owned(),
        ] {
            let what = format!("{list} {field} {}", short(&json!(t)));
            let r = gql(app, &token, query, json!({ "t": t })).await;
            let body = well_formed(&r, "", &what);
            assert!(body.get("errors").is_none(), "{what}: {body:#}");
        }
    }
}

/// Every text field of every mutation, and the free-text ones (where metacharacters are
/// allowed) among them.
struct TextField {
    op: Op,
    vars: Value,
    path: &'static [&'static str],
    free_text: bool,
    /// The payload field holding the saved entity and the entity's field for `path`.
    saved: Option<(&'static str, &'static str)>,
}

fn text_fields() -> Vec<TextField> {
    let f = |op: Op,
             vars: Value,
             path: &'static [&'static str],
             free_text: bool,
             saved: Option<(&'static str, &'static str)>| TextField {
        op,
        vars,
        path,
        free_text,
        saved,
    };
    let conversation = json!({ "input": { "inboxId": sid("IB1") } });
    let message = json!({ "conversationId": sid("C01"), "input": { "content": "x", "direction": "INBOUND" } });
    let inbox = json!({ "input": { "name": "Box", "channel": "EMAIL" } });
    let call = json!({ "conversationId": sid("C03"), "input": { "direction": "INBOUND" } });
    let agent = json!({ "input": { "name": "Zed" } });
    vec![
        f(
            CREATE_CONVERSATION,
            conversation,
            &["input", "subject"],
            true,
            Some(("conversation", "subject")),
        ),
        f(
            UPDATE_CONVERSATION,
            json!({ "id": sid("C02"), "input": {} }),
            &["input", "subject"],
            true,
            Some(("conversation", "subject")),
        ),
        f(
            DELETE_CONVERSATION,
            json!({ "id": sid("C10") }),
            &["reason"],
            false,
            None,
        ),
        f(
            CREATE_MESSAGE,
            message,
            &["input", "content"],
            true,
            Some(("message", "content")),
        ),
        f(
            DELETE_MESSAGE,
            json!({ "id": sid("M02") }),
            &["reason"],
            false,
            None,
        ),
        f(
            CREATE_CONTACT,
            json!({ "input": {} }),
            &["input", "firstName"],
            true,
            Some(("contact", "firstName")),
        ),
        f(
            CREATE_CONTACT,
            json!({ "input": {} }),
            &["input", "lastName"],
            true,
            Some(("contact", "lastName")),
        ),
        f(
            CREATE_CONTACT,
            json!({ "input": {} }),
            &["input", "phoneNumber"],
            false,
            None,
        ),
        f(
            CREATE_CONTACT,
            json!({ "input": {} }),
            &["input", "email"],
            false,
            None,
        ),
        f(
            UPDATE_CONTACT,
            json!({ "id": sid("CT6"), "input": {} }),
            &["input", "firstName"],
            true,
            Some(("contact", "firstName")),
        ),
        f(
            UPDATE_CONTACT,
            json!({ "id": sid("CT6"), "input": {} }),
            &["input", "lastName"],
            true,
            Some(("contact", "lastName")),
        ),
        f(
            UPDATE_CONTACT,
            json!({ "id": sid("CT6"), "input": {} }),
            &["input", "phoneNumber"],
            false,
            None,
        ),
        f(
            UPDATE_CONTACT,
            json!({ "id": sid("CT6"), "input": {} }),
            &["input", "email"],
            false,
            None,
        ),
        f(
            DELETE_CONTACT,
            json!({ "id": sid("CT6") }),
            &["reason"],
            false,
            None,
        ),
        f(
            CREATE_INBOX,
            inbox.clone(),
            &["input", "name"],
            true,
            Some(("inbox", "name")),
        ),
        f(CREATE_INBOX, inbox, &["input", "phoneNumber"], false, None),
        f(
            CREATE_INBOX,
            json!({ "input": { "name": "Box", "channel": "EMAIL" } }),
            &["input", "email"],
            false,
            None,
        ),
        f(
            UPDATE_INBOX,
            json!({ "id": sid("IB5"), "input": {} }),
            &["input", "name"],
            true,
            Some(("inbox", "name")),
        ),
        f(
            UPDATE_INBOX,
            json!({ "id": sid("IB5"), "input": {} }),
            &["input", "phoneNumber"],
            false,
            None,
        ),
        f(
            UPDATE_INBOX,
            json!({ "id": sid("IB5"), "input": {} }),
            &["input", "email"],
            false,
            None,
        ),
        f(
            DELETE_INBOX,
            json!({ "id": sid("IB5") }),
            &["reason"],
            false,
            None,
        ),
        f(
            CREATE_CALL,
            call.clone(),
            &["input", "recordingUrl"],
            false,
            None,
        ),
        f(
            CREATE_CALL,
            call,
            &["input", "summary"],
            true,
            Some(("call", "summary")),
        ),
        f(
            UPDATE_CALL,
            json!({ "id": sid("CL2"), "input": {} }),
            &["input", "recordingUrl"],
            false,
            None,
        ),
        f(
            UPDATE_CALL,
            json!({ "id": sid("CL2"), "input": {} }),
            &["input", "summary"],
            true,
            Some(("call", "summary")),
        ),
        f(
            DELETE_CALL,
            json!({ "id": sid("CL2") }),
            &["reason"],
            false,
            None,
        ),
        f(
            CREATE_AGENT,
            agent,
            &["input", "name"],
            true,
            Some(("agent", "name")),
        ),
        f(
            CREATE_AGENT,
            json!({ "input": { "name": "Zed" } }),
            &["input", "email"],
            false,
            None,
        ),
        f(
            UPDATE_AGENT,
            json!({ "id": sid("AG5"), "input": {} }),
            &["input", "name"],
            true,
            Some(("agent", "name")),
        ),
        f(
            UPDATE_AGENT,
            json!({ "id": sid("AG5"), "input": {} }),
            &["input", "email"],
            false,
            None,
        ),
        f(
            DELETE_AGENT,
            json!({ "id": sid("AG5") }),
            &["reason"],
            false,
            None,
        ),
    ]
}

async fn long_strings_and_control_characters_in_mutations_are_user_errors(app: &TestApp) {
    let token = writer(app, ALPHA);
    let bad: Vec<String> = vec![
        "x".repeat(100_000),
        "\u{0}".into(),
        "a\u{0}b".into(),
        "a\u{1}b".into(),
        "a\u{1b}[31mb".into(),
        "a\u{7f}b".into(),
        "a\u{85}b".into(),
    ];
    for field in text_fields() {
        for value in &bad {
            let mut vars = field.vars.clone();
            set_path(&mut vars, field.path, json!(value));
            rejected(
                app,
                &token,
                field.op,
                vars,
                &[(field.path, "BAD_USER_INPUT")],
            )
            .await;
        }
    }
    // NUL and other controls inside message metadata: stored as given or refused, never a
    // server error; what is stored reads back the same.
    let mut findings = Findings::default();
    for metadata in [
        json!({ "k": "a\u{0}b" }),
        json!({ "\u{0}": 1 }),
        json!(["\u{1}", "\u{7f}", "\u{85}", { "x": "\u{0}\u{0}" }]),
        json!("\u{0}"),
        json!({ "sql": "'; DROP TABLE messages; --", "like": "%_\\" }),
    ] {
        let vars = json!({ "conversationId": sid("C04"), "input": { "content": "meta", "direction": "INBOUND", "metadata": metadata } });
        let before = Snapshot::take(app.conn()).await;
        let r = gql(app, &token, CREATE_MESSAGE.doc, vars.clone()).await;
        let found = problems(r.status, &r.text, "");
        if !found.is_empty() {
            findings.add(format!("createMessage with metadata {metadata}: {found:?}"));
            assert_same(
                &before,
                &Snapshot::take(app.conn()).await,
                "a failed createMessage",
            );
            continue;
        }
        let body = r.json();
        assert!(body.get("errors").is_none(), "{metadata}: {body:#}");
        let payload = &body["data"]["createMessage"];
        if payload["userErrors"] == json!([]) {
            assert_eq!(payload["message"]["metadata"], metadata, "{body:#}");
            let id = payload["message"]["id"].as_str().unwrap();
            let d = data(
                app,
                &token,
                "query ($id: ID!) { message(id: $id) { metadata } }",
                json!({ "id": id }),
            )
            .await;
            assert_eq!(d["message"]["metadata"], metadata);
        } else {
            assert_eq!(
                payload["userErrors"][0]["code"], "BAD_USER_INPUT",
                "{body:#}"
            );
        }
    }
    findings.finish("message metadata");
}

const METACHARACTERS: &[&str] = &[
    "'",
    "\"",
    ";",
    "--",
    "/*",
    "*/",
    "%",
    "_",
    "\\",
    "' OR 1=1 --",
    "\" OR \"\"=\"",
    "'; DROP TABLE conversations; --",
    "%' OR '1'='1",
    "\\'",
    "$1",
    "?",
    "`",
    "' UNION SELECT * FROM companies --",
];

async fn sql_metacharacters_in_mutations_are_plain_text(app: &TestApp) {
    let token = writer(app, ALPHA);
    for field in text_fields() {
        let Some((entity, column)) = field.saved else {
            continue;
        };
        assert!(field.free_text);
        for meta in METACHARACTERS {
            let text = format!("a{meta}b");
            let mut vars = field.vars.clone();
            set_path(&mut vars, field.path, json!(text));
            let payload = ok(app, &token, field.op, vars).await;
            assert_eq!(payload[entity][column], json!(text), "{}", field.op.name);
            // And it reads back the same.
            let id = payload[entity]["id"].as_str().unwrap();
            let d = data(
                app,
                &token,
                &format!("query ($id: ID!) {{ {entity}(id: $id) {{ {column} }} }}"),
                json!({ "id": id }),
            )
            .await;
            assert_eq!(d[entity][column], json!(text));
        }
    }
    // Fields with a format (emails, phones, URLs): metacharacters are refused at their
    // path with nothing written, or stored exactly as sent.
    for field in text_fields() {
        if field.free_text || field.path == ["reason"] {
            continue;
        }
        let column = *field.path.last().unwrap();
        let values: &[&str] = match column {
            "email" => &[
                "o'brien%_x@example.com",
                "a\"b@example.com",
                "x@example.com' OR '1'='1",
            ],
            "phoneNumber" => &["+1 555 010 1234; --", "555' OR 1=1", "555%010_1234"],
            _ => &[
                "https://rec.example/a'b%_c.mp3?x=1;--",
                "https://rec.example/\"/*x*/",
            ],
        };
        for value in values {
            let mut vars = field.vars.clone();
            set_path(&mut vars, field.path, json!(value));
            let before = Snapshot::take(app.conn()).await;
            let r = gql(app, &token, field.op.doc, vars).await;
            let body = well_formed(&r, value, field.op.name);
            let payload = &body["data"][field.op.name];
            let what = format!("{} {:?} = {value:?}", field.op.name, field.path);
            if payload["userErrors"] == json!([]) {
                let entity = payload
                    .as_object()
                    .unwrap()
                    .keys()
                    .find(|k| *k != "userErrors")
                    .unwrap()
                    .clone();
                assert_eq!(payload[&entity][column], json!(value), "{what}: {body:#}");
            } else {
                assert_eq!(
                    payload["userErrors"],
                    json!([{ "field": field.path, "message": payload["userErrors"][0]["message"], "code": "BAD_USER_INPUT" }]),
                    "{what}"
                );
                assert_same(&before, &Snapshot::take(app.conn()).await, &what);
            }
        }
    }
    // Reasons land in the audit log as written.
    for meta in METACHARACTERS {
        let created = ok(
            app,
            &token,
            CREATE_AGENT,
            json!({ "input": { "name": "Temp" } }),
        )
        .await;
        let id = created["agent"]["id"].as_str().unwrap().to_owned();
        let reason = format!("r{meta}r");
        ok(
            app,
            &token,
            DELETE_AGENT,
            json!({ "id": id, "reason": reason }),
        )
        .await;
        let audit = Snapshot::take(app.conn()).await.audit;
        let row = audit
            .iter()
            .find(|r| r.entity_id.to_string() == id)
            .expect("an audit row");
        assert_eq!(row.reason.as_deref(), Some(reason.as_str()));
    }
    // Every table is still there, with the fixture's rows: 2 companies.
    assert_eq!(Snapshot::take(app.conn()).await.companies.len(), 2);
}

async fn sql_metacharacters_in_filters_are_plain_text(app: &TestApp) {
    let token = writer(app, ALPHA);
    // One contact and one message carrying metacharacters, made through the API.
    let contact = ok(
        app,
        &token,
        CREATE_CONTACT,
        json!({ "input": { "firstName": "100%_sure\\", "lastName": "O'Brien \"Bob\"; --" } }),
    )
    .await;
    let contact_id = contact["contact"]["id"].as_str().unwrap().to_owned();
    let message = ok(
        app,
        &token,
        CREATE_MESSAGE,
        json!({ "conversationId": sid("C01"), "input": {
            "content": "50% off_now \\ 'quoted' \"dq\" -- /* c */ ; ' OR 1=1 --",
            "direction": "OUTBOUND",
        } }),
    )
    .await;
    let message_id = message["message"]["id"].as_str().unwrap().to_owned();

    // Contacts: Alpha has 7 now (CT1..CT6 and the new one); no fixture first name, last name or
    // email holds any of % _ \ ' " ; --.
    let contacts = "query ($f: ContactFilter) { contacts(filter: $f) { totalCount nodes { id } } }";
    let only_new = json!({ "totalCount": 1, "nodes": [{ "id": contact_id }] });
    let none = json!({ "totalCount": 0, "nodes": [] });
    for (filter, want) in [
        (json!({ "firstName": "%" }), &only_new),
        (json!({ "firstName": "_" }), &only_new),
        (json!({ "firstName": "\\" }), &only_new),
        (json!({ "firstName": "0%_s" }), &only_new),
        (json!({ "query": "%" }), &only_new),
        (json!({ "query": "_sure\\" }), &only_new),
        (json!({ "lastName": "O'Brien" }), &only_new),
        (json!({ "lastName": "\"Bob\"; --" }), &only_new),
        // As wildcards "1%" would match "100%_sure\", and "_u" would match "su".
        (json!({ "firstName": "1%" }), &none),
        (json!({ "firstName": "_u" }), &none),
        (json!({ "firstName": "%%" }), &none),
        (json!({ "firstName": "' OR 1=1 --" }), &none),
        (json!({ "lastName": "' OR '1'='1" }), &none),
        (json!({ "email": "%" }), &none),
        (json!({ "email": "_" }), &none),
        (json!({ "email": "' OR 1=1 --" }), &none),
        (json!({ "query": "' OR 1=1 --" }), &none),
        (json!({ "query": "%' OR '1'='1" }), &none),
    ] {
        let d = data(app, &token, contacts, json!({ "f": filter })).await;
        assert_eq!(&d["contacts"], want, "{filter}");
    }
    // The contact's email filter is an equality: none of these equals an email.
    let conversations =
        "query ($f: ConversationFilter) { conversations(filter: $f) { totalCount } }";
    for email in [
        "' OR 1=1 --",
        "%",
        "%@example.com",
        "_%",
        "\\",
        "bob@example.com' --",
    ] {
        let d = data(
            app,
            &token,
            conversations,
            json!({ "f": { "contactEmail": email } }),
        )
        .await;
        assert_eq!(d["conversations"]["totalCount"], 0, "{email}");
    }
    // A phone filter with metacharacters: refused, or its digits only (111: no phone has them).
    for phone in ["1' OR '1'='1", "1%1_1", "1;--1/*1"] {
        let r = gql(
            app,
            &token,
            conversations,
            json!({ "f": { "contactPhoneNumber": phone } }),
        )
        .await;
        let body = well_formed(&r, "", phone);
        if body.get("errors").is_some() {
            assert_eq!(code(&body), "BAD_USER_INPUT", "{phone}");
        } else {
            assert_eq!(body["data"]["conversations"]["totalCount"], 0, "{phone}");
        }
    }

    // Search: no fixture message holds % _ \ " ; -- /*; M11 "I'd like a viewing" holds '.
    let search = "query ($q: String!) { searchMessages(query: $q, first: 50) { totalCount nodes { message { id } } } }";
    let hits = |d: &Value| -> Vec<String> {
        let mut ids: Vec<String> = d["searchMessages"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["message"]["id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    };
    for q in [
        "%",
        "_",
        "\\",
        "\"",
        ";",
        "--",
        "/*",
        "*/",
        "0% o",
        "' OR 1=1 --",
        "off_now",
        "\"dq\"",
    ] {
        let d = data(app, &token, search, json!({ "q": q })).await;
        assert_eq!(hits(&d), vec![message_id.clone()], "{q:?}");
    }
    let d = data(app, &token, search, json!({ "q": "'" })).await;
    let mut want = vec![message_id.clone(), sid("M11")];
    want.sort();
    assert_eq!(hits(&d), want, "'");
    // As wildcards "%%" would match every message and "n_w" would match "now".
    for q in ["%%", "n_w", "5_%", "\\\\", "' OR '1'='1"] {
        let d = data(app, &token, search, json!({ "q": q })).await;
        assert_eq!(hits(&d), Vec::<String>::new(), "{q:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Nesting
// ---------------------------------------------------------------------------------------

async fn deeply_nested_documents_are_refused_or_answered(app: &TestApp) {
    let token = app.reader(ALPHA);
    let n = 100_000;
    let documents = [
        "{".repeat(n),
        format!("{}{}", "{a".repeat(n), "}".repeat(n)),
        format!("{{ conversations{} {{ totalCount }} }}", "(".repeat(n)),
        format!(
            "{{ conversations(filter: {{ statusIn: {}OPEN{} }}) {{ totalCount }} }}",
            "[".repeat(n),
            "]".repeat(n)
        ),
        format!(
            "{{ conversations(filter: {}status: OPEN{}) {{ totalCount }} }}",
            "{ not: ".repeat(n),
            " }".repeat(n)
        ),
        format!("{{ conversations {} }}", "... on Query { ".repeat(60_000)),
        "query ".repeat(n),
        format!(
            "query ({}) {{ __typename }}",
            (0..10_000)
                .map(|i| format!("$v{i}: Int "))
                .collect::<String>()
        ),
    ];
    for document in documents {
        let shown = &document[..document.floor_char_boundary(60)];
        let r = gql(app, &token, &document, json!({})).await;
        let body = well_formed(&r, &document, shown);
        // Nesting past the text limits is QUERY_TOO_DEEP; the rest does not parse.
        assert!(
            ["BAD_REQUEST", "QUERY_TOO_DEEP"].contains(&code(&body)),
            "{shown}: {}",
            short(&body)
        );
        assert!(body.get("data").is_none(), "{shown}");
    }
    // Ten thousand directives on one field: answered or refused, quickly either way.
    let document = format!("{{ __typename{} }}", " @skip(if: false)".repeat(10_000));
    let started = std::time::Instant::now();
    let r = gql(app, &token, &document, json!({})).await;
    let body = well_formed(&r, &document, "10,000 directives");
    if body.get("errors").is_some() {
        assert_eq!(code(&body), "BAD_REQUEST");
    } else {
        assert_eq!(body, json!({ "data": { "__typename": "Query" } }));
    }
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// `not` nested `depth` times around { status: OPEN } (5 of Alpha's 12 are OPEN: C01, C02,
/// C06, C08, C10): an even depth keeps the 5, an odd one the 7 others.
fn nested_not(depth: usize) -> Value {
    let mut f = json!({ "status": "OPEN" });
    for _ in 0..depth {
        f = json!({ "not": f });
    }
    f
}

async fn deeply_nested_filters_are_refused_or_answered(app: &TestApp) {
    let token = app.reader(ALPHA);
    let query = "query ($f: ConversationFilter) { conversations(filter: $f) { totalCount } }";
    // As variables (JSON allows at most 128 levels before the body is refused).
    for depth in [1usize, 2, 60, 61, 120, 121] {
        let want = if depth % 2 == 0 { 5 } else { 7 };
        let r = gql(app, &token, query, json!({ "f": nested_not(depth) })).await;
        let body = well_formed(&r, "", &format!("not×{depth}"));
        if body.get("errors").is_some() {
            assert!(
                ["BAD_REQUEST", "BAD_USER_INPUT", "QUERY_TOO_DEEP"].contains(&code(&body)),
                "not×{depth}: {body:#}"
            );
        } else {
            assert_eq!(
                body["data"]["conversations"]["totalCount"], want,
                "not×{depth}"
            );
        }
    }
    // In the document itself, as deep as the parser lets it go.
    for depth in [60usize, 61, 200, 201, 300, 301, 400, 401, 500, 501, 1000] {
        let want = if depth % 2 == 0 { 5 } else { 7 };
        let document = format!(
            "{{ conversations(filter: {}status: OPEN{}) {{ totalCount }} }}",
            "{ not: ".repeat(depth),
            " }".repeat(depth)
        );
        let r = gql(app, &token, &document, json!({})).await;
        let body = well_formed(&r, "", &format!("literal not×{depth}"));
        if body.get("errors").is_some() {
            assert!(
                ["BAD_REQUEST", "BAD_USER_INPUT", "QUERY_TOO_DEEP"].contains(&code(&body)),
                "literal not×{depth}: {}",
                short(&body)
            );
        } else {
            assert_eq!(
                body["data"]["conversations"]["totalCount"], want,
                "literal not×{depth}"
            );
        }
        // `and` and `or` of one: the same rows as the innermost filter.
        for combinator in ["and", "or"] {
            let document = format!(
                "{{ conversations(filter: {}status: OPEN{}) {{ totalCount }} }}",
                format!("{{ {combinator}: [").repeat(depth),
                "] }".repeat(depth)
            );
            let r = gql(app, &token, &document, json!({})).await;
            let what = format!("{combinator}×{depth}");
            let body = well_formed(&r, "", &what);
            if body.get("errors").is_some() {
                assert!(
                    ["BAD_REQUEST", "BAD_USER_INPUT", "QUERY_TOO_DEEP"].contains(&code(&body)),
                    "{what}: {}",
                    short(&body)
                );
            } else {
                assert_eq!(body["data"]["conversations"]["totalCount"], 5, "{what}");
            }
        }
    }
}

/// What an answer must be, beyond `problems`.
type Check = Box<dyn Fn(&Value) -> Result<(), String> + Send>;

/// One request for the binary and what its answer must be (beyond `problems`).
struct Case {
    what: String,
    body: Value,
    check: Check,
}

/// Sends each case to the binary serving `backend`'s fixture database in a process of its
/// own, so that a crash of the server is a finding of this test rather than the end of the
/// whole test run (the server is restarted after a crash).
async fn against_the_binary(backend: Backend, cases: Vec<Case>, what: &str) {
    let Some(db) = TestDb::create(backend).await else {
        return;
    };
    fx::load(&db.conn).await;
    let mut server = ChildServer::start(&db.url).await;
    let token = conversations_graph::auth::TokenKeys::hs256(common::SECRET.as_bytes()).issue(
        ALPHA,
        "read:conversations",
        "tester",
        3600,
    );
    let client = reqwest::Client::new();
    let mut findings = Findings::default();
    for case in cases {
        let sent = client
            .post(format!("http://{}/graphql", server.addr))
            .bearer_auth(&token)
            .json(&case.body)
            .timeout(Duration::from_secs(30))
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(e) => {
                let died = server.exit_status();
                findings.add(format!(
                    "{}: no answer ({e}); the server process: {died:?}; its stderr ends: {}",
                    case.what,
                    server.stderr_tail()
                ));
                server = ChildServer::start(&db.url).await;
                continue;
            }
        };
        let r = reply(response).await;
        let found = problems(r.status, &r.text, "");
        if !found.is_empty() {
            findings.add(format!("{}: {found:?}", case.what));
        } else if let Err(e) = (case.check)(&r.json()) {
            findings.add(format!("{}: {e}", case.what));
        }
    }
    drop(server);
    findings.finish(what);
}

/// `and`, `or` and `statusIn` with thousands of entries (tens to hundreds of kilobytes,
/// under the 1 MiB body limit): refused with a code, or the right answer.
async fn very_long_lists_in_arguments_are_refused_or_answered(backend: Backend) {
    let query = "query ($f: ConversationFilter) { conversations(filter: $f) { totalCount } }";
    let mut cases = Vec::new();
    // 5 of Alpha's conversations are OPEN; the OR / AND / IN of many copies is the same set.
    for n in [500usize, 1_000, 40_000, 70_000] {
        for (what, filter, want) in [
            ("statusIn", json!({ "statusIn": vec!["OPEN"; n] }), 5),
            (
                "or",
                json!({ "or": vec![json!({ "status": "OPEN" }); n] }),
                5,
            ),
            (
                "and",
                json!({ "and": vec![json!({ "status": "OPEN" }); n] }),
                5,
            ),
            (
                "or contactEmail",
                json!({ "or": vec![json!({ "contactEmail": "x@example.com" }); n] }),
                0,
            ),
        ] {
            let body = json!({ "query": query, "variables": { "f": filter } });
            let size = body.to_string().len();
            if size > 1_048_576 {
                continue;
            }
            cases.push(Case {
                what: format!("conversations(filter: {{ {what}: [{n} entries] }}) ({size} bytes)"),
                body,
                check: Box::new(move |body| {
                    if body.get("errors").is_some() {
                        let code = code(body);
                        if ["BAD_REQUEST", "BAD_USER_INPUT", "QUERY_TOO_COMPLEX"].contains(&code) {
                            return Ok(());
                        }
                        return Err(format!("code {code}: {body}"));
                    }
                    if body["data"]["conversations"]["totalCount"] != want {
                        return Err(format!("expected totalCount {want}, got {body}"));
                    }
                    Ok(())
                }),
            });
        }
    }
    against_the_binary(backend, cases, "long lists in arguments").await;
}

/// Fragments that spread one another in a long chain (no cycle): served while the chain
/// nests at most 64 selections deep (the nesting limit at the default depth of 12), refused
/// as QUERY_TOO_DEEP beyond, at any length that fits the body limit.
async fn long_chains_of_fragments_are_refused(backend: Backend) {
    let mut cases = Vec::new();
    for n in [40usize, 63, 64, 500, 1_000, 20_000] {
        let mut document = String::from("{ ...F0 }");
        for i in 0..n {
            document.push_str(&format!(" fragment F{i} on Query {{ ...F{} }}", i + 1));
        }
        document.push_str(&format!(" fragment F{n} on Query {{ __typename }}"));
        let body = json!({ "query": document });
        // The spread in the operation nests 1 deep, and each fragment's spread one more:
        // n + 1 levels in all.
        let served = n < 64;
        cases.push(Case {
            what: format!(
                "a chain of {n} fragments ({} bytes)",
                body.to_string().len()
            ),
            body,
            check: Box::new(move |body| {
                if served {
                    if body["data"]["__typename"] == "Query" && body.get("errors").is_none() {
                        Ok(())
                    } else {
                        Err(format!(
                            "expected the chain to be served, got {}",
                            short(body)
                        ))
                    }
                } else if body.get("data").is_none()
                    && body["errors"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"
                {
                    Ok(())
                } else {
                    Err(format!(
                        "expected QUERY_TOO_DEEP without data, got {}",
                        short(body)
                    ))
                }
            }),
        });
    }
    against_the_binary(backend, cases, "chains of fragments").await;
}

// ---------------------------------------------------------------------------------------
// The binary in a process of its own
// ---------------------------------------------------------------------------------------

const BIN: &str = env!("CARGO_BIN_EXE_conversations-graph");

/// `conversations-graph serve` over an existing database, killed when dropped.
struct ChildServer {
    process: std::process::Child,
    addr: std::net::SocketAddr,
    stderr: std::path::PathBuf,
}

impl ChildServer {
    async fn start(database_url: &str) -> ChildServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let stderr =
            std::env::temp_dir().join(format!("cg-hostile-{}.log", uuid::Uuid::new_v4().simple()));
        let mut cmd = std::process::Command::new(BIN);
        for var in [
            "JWT_PUBLIC_KEY_FILE",
            "JWT_ALGORITHM",
            "JWT_JWKS_FILE",
            "JWT_ISSUER",
            "JWT_AUDIENCE",
            "JWT_LEEWAY_SECONDS",
        ] {
            cmd.env_remove(var);
        }
        let process = cmd
            .args(["serve", "--listen-addr", &addr.to_string()])
            .env("DATABASE_URL", database_url)
            .env("JWT_SECRET", common::SECRET)
            .env("SEED_DEMO", "false")
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("the binary starts");
        let mut server = ChildServer {
            process,
            addr,
            stderr,
        };
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if let Some(status) = server.exit_status() {
                panic!(
                    "the server exited at start ({status}): {}",
                    server.stderr_tail()
                );
            }
            let up = client
                .get(format!("http://{addr}/healthz"))
                .timeout(Duration::from_secs(1))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200);
            if up {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server did not come up: {}", server.stderr_tail());
    }

    /// How the process ended, once it has (waiting up to a second for it).
    fn exit_status(&mut self) -> Option<std::process::ExitStatus> {
        for _ in 0..10 {
            if let Some(status) = self.process.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        None
    }

    fn stderr_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.stderr).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(3).collect();
        tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
        let _ = std::fs::remove_file(&self.stderr);
    }
}

/// Tests run against the binary in a process of their own: `child_process::sqlite::name`
/// and `child_process::postgres::name`.
macro_rules! against_the_binary {
    ($($name:ident),+ $(,)?) => {
        mod child_process {
            mod sqlite {
                $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    crate::$name(crate::common::Backend::Sqlite).await;
                })+
            }
            mod postgres {
                $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    crate::$name(crate::common::Backend::Postgres).await;
                })+
            }
        }
    };
}

against_the_binary!(
    very_long_lists_in_arguments_are_refused_or_answered,
    long_chains_of_fragments_are_refused,
);

async fn deeply_nested_json_variables_are_refused_or_stored(app: &TestApp) {
    let token = writer(app, ALPHA);
    for depth in [10usize, 100, 120, 126, 127, 128, 129, 1000] {
        let mut metadata = json!("leaf");
        for i in 0..depth {
            metadata = if i % 2 == 0 {
                json!([metadata])
            } else {
                json!({ "k": metadata })
            };
        }
        let body_text = json!({ "query": CREATE_MESSAGE.doc, "variables": {
            "conversationId": sid("C04"),
            "input": { "content": "nested", "direction": "INBOUND", "metadata": metadata },
        } })
        .to_string();
        let before = Snapshot::take(app.conn()).await;
        let r = post_raw(
            app,
            &token,
            Some(b"application/json"),
            body_text.into_bytes(),
        )
        .await;
        let what = format!("metadata nested {depth}");
        let body = well_formed(&r, "", &what);
        let payload = &body["data"]["createMessage"];
        if body.get("errors").is_none() && payload["userErrors"] == json!([]) {
            assert_eq!(payload["message"]["metadata"], metadata, "{what}");
        } else {
            assert_same(&before, &Snapshot::take(app.conn()).await, &what);
        }
    }
}

each_backend!(
    malformed_bodies_are_400,
    only_json_bodies_are_accepted,
    mutations_over_get_are_405,
    get_honours_the_operation_name,
    urls_with_invalid_utf8_are_refused,
    chunked_bodies_are_capped_too,
    unknown_or_missing_operation_names_are_bad_requests,
    variables_of_the_wrong_type_are_bad_requests,
    invalid_ids_find_nothing,
    invalid_ids_in_mutations_are_user_errors,
    undecodable_and_forged_cursors_are_bad_input,
    a_forged_text_cursor_is_plain_text,
    out_of_range_page_sizes_are_bad_input,
    filter_text_is_capped_and_free_of_control_characters,
    long_strings_and_control_characters_in_mutations_are_user_errors,
    sql_metacharacters_in_mutations_are_plain_text,
    sql_metacharacters_in_filters_are_plain_text,
    deeply_nested_documents_are_refused_or_answered,
    deeply_nested_filters_are_refused_or_answered,
    deeply_nested_json_variables_are_refused_or_stored,
);

// ---------------------------------------------------------------------------------------
// Property: fuzzed documents and variables
// ---------------------------------------------------------------------------------------
//
// Documents are made from valid queries and mutations (`seeds`) by token edits (dropped,
// duplicated, swapped, replaced by a random name or a random GraphQL value, inserted), with
// variables edited the same way (keys set to random JSON of every kind, removed, or the
// whole object replaced) and now and then a random operationName. Every answer must keep
// the promises of `problems`, the server must still answer `{ __typename }` afterwards,
// and a request that failed must have changed no table. "Failed" here: no `data`, or a
// query, or a mutation none of whose root fields reports success (a payload with an empty
// `userErrors`, or one without `userErrors` selected, may have written, because GraphQL
// runs the root fields of a mutation one by one and each commits on its own).
//
// Some edits nest: a construct 1 to 4,000 levels deep (`{and: [...]}`, `{or: [...]}`,
// `{not: ...}`, `[[...]]`, `{a: {a: ...}}`, `{ a { a ... } }`) inserted anywhere, put in
// place of an argument's value, or in an `_entities` representation written in the
// document; in variables, a variable (or a field inside one) set to nested JSON, or up to
// 2,000 representations with a nested field. A few hundred levels in an argument once
// overflowed a worker's stack and aborted the process, so the run counts the cases that
// nest more than 300 deep and requires enough of them.

use async_graphql::parser::parse_query;
use async_graphql::parser::types::OperationType;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use std::cell::RefCell;

const FUZZ_CASES: u32 = 200;
const FUZZ_SEED: [u8; 32] = *b"conversations-graph hostile fuzz";
/// The server's default body limit: every fuzzed request stays under it, so it reaches the
/// parser instead of being refused for its size.
const MAX_BODY: usize = 1024 * 1024;
/// Most a `Representations` variable takes of the body; the document and the other
/// variables (at most four more nested constructs of at most 40 KB each, and random values
/// of a few KB) fit in the rest.
const REPRESENTATIONS_BYTES: usize = 640 * 1024;
/// Nesting (brackets) past which a case counts as deep in the tally: a few hundred levels
/// of `{and: [` or `{not: ` were enough to abort the process.
const DEEP: usize = 300;
/// Nesting past every depth that once crashed (about 1,500 for a plain list `[[[...]]]`).
const DEEPEST_CRASH: usize = 1500;

fn seeds() -> Vec<(&'static str, Value)> {
    vec![
        (
            "query List($first: Int, $after: String, $filter: ConversationFilter, $order: ConversationOrder) { conversations(first: $first, after: $after, filter: $filter, orderBy: $order) { totalCount edges { cursor node { id subject status priority contact { fullName email } inbox { name } } } pageInfo { hasNextPage endCursor } } }",
            json!({ "first": 3, "filter": { "statusIn": ["OPEN", "PENDING"], "or": [{ "contactEmail": "bob@example.com" }, { "contactPhoneNumber": "0102" }] }, "order": { "field": "PRIORITY", "direction": "ASC" } }),
        ),
        (
            "query Search($q: String!, $first: Int, $filter: MessageSearchFilter) { searchMessages(query: $q, first: $first, filter: $filter) { totalCount nodes { snippet highlights { start length } message { id content conversation { subject } } } } }",
            json!({ "q": "refund", "first": 5, "filter": { "direction": "INBOUND" } }),
        ),
        (
            "query People($f: ContactFilter) { contacts(filter: $f, first: 5, orderBy: { field: FIRST_NAME, direction: ASC }) { nodes { id fullName email phoneNumber conversations(first: 2) { totalCount } } } }",
            json!({ "f": { "or": [{ "firstName": "bob" }, { "not": { "phoneNumber": "0102" } }] } }),
        ),
        (
            "query One($id: ID!) { node(id: $id) { __typename id ... on Conversation { subject messages(last: 2) { nodes { content direction } } calls { nodes { status durationSeconds } } tasks { id } } } }",
            json!({ "id": sid("C01") }),
        ),
        (
            "{ agents(kind: HUMAN, first: 2) { nodes { name email kind } } inboxes(last: 2) { nodes { name channel } } calls(filter: { statusIn: [COMPLETED, BUSY] }, orderBy: { field: CREATED_AT }) { totalCount } }",
            json!({}),
        ),
        (
            "query Many($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Message { content } } }",
            json!({ "ids": [sid("M01"), sid("CT1"), "x"] }),
        ),
        (
            "query Ent($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Contact { fullName } ... on Agent { name } } }",
            json!({ "r": [{ "__typename": "Contact", "id": sid("CT1") }, { "__typename": "Agent", "id": sid("AG1") }] }),
        ),
        (
            "mutation New($input: CreateContactInput!) { createContact(input: $input) { contact { id firstName lastName email phoneNumber } userErrors { field message code } } }",
            json!({ "input": { "firstName": "Pat", "lastName": "Lee", "email": "pat@example.com", "phoneNumber": "+1 555 010 7777" } }),
        ),
        (
            "mutation Edit($id: ID!, $input: UpdateConversationInput!) { updateConversation(id: $id, input: $input) { conversation { id subject status priority assignee { name } } userErrors { field message code } } }",
            json!({ "id": sid("C02"), "input": { "subject": "Fuzzed", "status": "PENDING", "assigneeId": sid("AG1") } }),
        ),
        (
            "mutation Say($c: ID!, $input: CreateMessageInput!) { createMessage(conversationId: $c, input: $input) { message { id content metadata } conversation { lastMessageAt } userErrors { field message code } } }",
            json!({ "c": sid("C04"), "input": { "content": "hello", "direction": "OUTBOUND", "metadata": { "k": [1, "x"] } } }),
        ),
        (
            "mutation Fix($id: ID!, $input: UpdateCallInput!) { updateCall(id: $id, input: $input) { call { id status durationSeconds recordingUrl summary } userErrors { field message code } } }",
            json!({ "id": sid("CL1"), "input": { "status": "COMPLETED", "durationSeconds": 10, "recordingUrl": "https://rec.example/x.mp3", "summary": "s" } }),
        ),
        (
            "mutation Hire($input: CreateAgentInput!) { createAgent(input: $input) { agent { id name kind } userErrors { field message code } } }",
            json!({ "input": { "name": "Bot", "kind": "AI" } }),
        ),
        (
            "mutation Open($input: CreateConversationInput!) { createConversation(input: $input) { conversation { id subject inbox { name } } userErrors { field message code } } }",
            json!({ "input": { "inboxId": sid("IB1"), "subject": "Fuzz", "contactId": sid("CT1"), "priority": "HIGH" } }),
        ),
        (
            "mutation Drop($id: ID!, $reason: String) { deleteCall(id: $id, reason: $reason) { deletedId userErrors { field message code } } }",
            json!({ "id": sid("CL2"), "reason": "fuzz" }),
        ),
        (
            "mutation Bye($id: ID!, $cascade: Boolean!) { deleteContact(id: $id, cascade: $cascade) { deletedId userErrors { field message code } } }",
            json!({ "id": sid("CT6"), "cascade": false }),
        ),
    ]
}

/// GraphQL source split into tokens: punctuators, names, numbers, strings.
fn tokenize(doc: &str) -> Vec<String> {
    let chars: Vec<char> = doc.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || c == ',' {
            i += 1;
        } else if c == '.' && chars.get(i + 1) == Some(&'.') && chars.get(i + 2) == Some(&'.') {
            out.push("...".to_owned());
            i += 3;
        } else if c == '"' {
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i = (i + 1).min(chars.len());
            out.push(chars[start..i].iter().collect());
        } else if c == '-' || c.is_ascii_digit() {
            let start = i;
            i += 1;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '.' | '+' | '-'))
            {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else {
            out.push(c.to_string());
            i += 1;
        }
    }
    out
}

/// Tokens back to source: spaces between them, none after `$`, `@` and `[` nor before `!`
/// and `]` (async-graphql's parser takes `$q`, `@skip` and `[ID!]!` only written
/// together).
fn render(tokens: &[String]) -> String {
    let mut out = String::new();
    for (i, t) in tokens.iter().enumerate() {
        if i > 0
            && !matches!(tokens[i - 1].as_str(), "$" | "@" | "[")
            && !matches!(t.as_str(), "!" | "]")
        {
            out.push(' ');
        }
        out.push_str(t);
    }
    out
}

/// A construct nested many levels deep, in GraphQL text or in JSON.
#[derive(Debug, Clone, Copy)]
enum Nest {
    /// `{and: [{and: [{}]}]}`: a filter, two brackets a level.
    And,
    /// `{or: [{or: [{}]}]}`
    Or,
    /// `{not: {not: {}}}`
    Not,
    /// `[[1]]`
    List,
    /// `{a: {a: 1}}`
    Object,
    /// `{ a { a } }`: selection sets; in JSON, which has none, a list.
    Selections,
}

impl Nest {
    /// The construct `depth` levels deep in a document.
    fn graphql(self, depth: usize) -> String {
        let (open, inner, close) = match self {
            Nest::And => ("{and: [", "{}", "]}"),
            Nest::Or => ("{or: [", "{}", "]}"),
            Nest::Not => ("{not: ", "{}", "}"),
            Nest::List => ("[", "1", "]"),
            Nest::Object => ("{a: ", "1", "}"),
            Nest::Selections => ("{ a ", "", "}"),
        };
        format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
    }

    /// The construct `depth` levels deep as JSON text (written out, never a `Value`: a
    /// `Value` thousands of levels deep would overflow this test's own stack when
    /// serialized, compared or dropped).
    fn json(self, depth: usize) -> String {
        let (open, inner, close) = match self {
            Nest::And => (r#"{"and":["#, "{}", "]}"),
            Nest::Or => (r#"{"or":["#, "{}", "]}"),
            Nest::Not => (r#"{"not":"#, "{}", "}"),
            Nest::List | Nest::Selections => ("[", "1", "]"),
            Nest::Object => (r#"{"a":"#, "1", "}"),
        };
        format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Drop(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Replace(usize, String),
    Insert(usize, String),
    /// A nested construct (levels deep) inserted as one token anywhere.
    InsertNested(usize, Nest, usize),
    /// A nested construct in place of an argument's value (or of a value inside one), where
    /// the parser must descend into it; selection sets go in as a root field `a { a ... }`.
    NestArgument(usize, Nest, usize),
    /// A root field `_entities(representations: [{..., x: <nested>}])`.
    NestEntities(Nest, usize),
}

#[derive(Debug, Clone)]
enum VarEdit {
    Set(String, Value),
    SetInside(String, String, Value),
    Remove(String),
    ReplaceAll(Value),
    /// One of the variables (by index), or the named field inside it when it is an
    /// object, set to nested JSON (levels deep).
    SetNested(usize, Option<String>, Nest, usize),
    /// The variable passed to `_entities` (added to the document when there is none) set
    /// to this many representations, each with a field `x` nested (levels deep).
    Representations(usize, Nest, usize),
}

#[derive(Debug, Clone)]
struct Fuzz {
    seed: usize,
    edits: Vec<Edit>,
    var_edits: Vec<VarEdit>,
    operation_name: Option<String>,
}

/// Names of the schema and of the seeds' variables.
const NAMES: &[&str] = &[
    "query",
    "mutation",
    "subscription",
    "fragment",
    "on",
    "conversations",
    "conversation",
    "contacts",
    "contact",
    "messages",
    "message",
    "calls",
    "call",
    "agents",
    "agent",
    "inboxes",
    "inbox",
    "nodes",
    "node",
    "edges",
    "cursor",
    "totalCount",
    "pageInfo",
    "searchMessages",
    "_entities",
    "_service",
    "sdl",
    "__typename",
    "__schema",
    "__type",
    "createContact",
    "updateConversation",
    "deleteConversation",
    "deleteInbox",
    "createMessage",
    "input",
    "filter",
    "first",
    "last",
    "after",
    "before",
    "orderBy",
    "id",
    "ids",
    "subject",
    "status",
    "userErrors",
    "field",
    "code",
    "name",
    "email",
    "phoneNumber",
    "contactEmail",
    "contactPhoneNumber",
    "statusIn",
    "and",
    "or",
    "not",
    "cascade",
    "reason",
    "metadata",
    "content",
    "direction",
    "q",
    "f",
    "c",
    "r",
    "true",
    "false",
    "null",
    "OPEN",
    "CLOSED",
    "NOPE",
    "ASC",
    "DESC",
    "HUMAN",
    "AI",
    "INBOUND",
    "Query",
    "Mutation",
    "Conversation",
    "ConversationFilter",
    "String",
    "Int",
    "ID",
    "Boolean",
    "skip",
    "include",
    "if",
];

const SPECIAL_STRINGS: &[&str] = &[
    "",
    " ",
    "\u{0}",
    "a\u{0}b",
    "\u{1}",
    "\u{1b}[31m",
    "\u{7f}",
    "\u{85}",
    "\t",
    "\n",
    "\r\n",
    "'",
    "\"",
    ";",
    "--",
    "/*",
    "*/",
    "%",
    "_",
    "\\",
    "' OR 1=1 --",
    "'; DROP TABLE contacts; --",
    "%' OR '1'='1",
    "$1",
    "?",
    "OPEN",
    "refund",
    "bob@example.com",
    "0102",
    "not-a-uuid",
    "00000000-0000-4000-8000-000000000000",
    "https://rec.example/a.mp3",
    "javascript:alert(1)",
    "2026-03-01T09:00:00.000000Z",
    "yesterday",
    "é",
    "東",
    "🦀",
    "\u{FEFF}",
    "\u{202E}",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(SPECIAL_STRINGS).prop_map(str::to_owned),
        2 => "\\PC{0,16}",
        2 => ".{0,16}",
        1 => "[\\x00-\\x1f%_'\";\\\\-]{0,8}",
        1 => (any::<char>(), 0usize..400).prop_map(|(c, n)| c.to_string().repeat(n)),
        1 => prop::sample::select(vec!["C01", "C02", "CT1", "IB1", "AG1", "M01", "CL1", "BX1"]).prop_map(sid),
    ]
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(NAMES).prop_map(str::to_owned),
        1 => "[_a-zA-Z][_a-zA-Z0-9]{0,10}",
    ]
}

/// A GraphQL string literal holding `s` (escaped), or now and then `s` raw between quotes.
fn graphql_string(s: &str, raw: bool) -> String {
    if raw {
        return format!("\"{s}\"");
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn graphql_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        prop::sample::select(vec![
            "0",
            "-1",
            "100",
            "101",
            "2147483647",
            "2147483648",
            "1.5",
            "1e400"
        ])
        .prop_map(str::to_owned),
        any::<f64>().prop_map(|f| format!("{f:e}")),
        (text(), prop::bool::weighted(0.1)).prop_map(|(s, raw)| graphql_string(&s, raw)),
        prop::sample::select(vec![
            "true", "false", "null", "OPEN", "PENDING", "NOPE", "ASC", "HUMAN", "INBOUND"
        ])
        .prop_map(str::to_owned),
        "\\$[a-z]{1,5}",
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec((name(), inner), 0..4).prop_map(|kv| {
                let fields: Vec<String> =
                    kv.into_iter().map(|(k, v)| format!("{k}: {v}")).collect();
                format!("{{{}}}", fields.join(", "))
            }),
        ]
    })
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop::sample::select(vec![0i64, -1, 1, 100, 101, 2147483647, 2147483648])
            .prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((name(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// A number from 1 to `max` spread evenly over its orders of magnitude (as many below 10 as
/// from 400 to 4,000 for `max` 4,000), so both shallow and very deep constructs are common;
/// it shrinks towards 1.
fn log_uniform(max: usize) -> impl Strategy<Value = usize> {
    (0.0f64..1.0).prop_map(move |x| ((max as f64 + 1.0).powf(x) as usize).clamp(1, max))
}

/// Every shape; the first five are the ones JSON has too.
const NESTS: [Nest; 6] = [
    Nest::And,
    Nest::Or,
    Nest::Not,
    Nest::List,
    Nest::Object,
    Nest::Selections,
];

fn nest() -> impl Strategy<Value = Nest> {
    prop::sample::select(NESTS.to_vec())
}

/// The shapes JSON has.
fn json_nest() -> impl Strategy<Value = Nest> {
    prop::sample::select(NESTS[..5].to_vec())
}

fn edit() -> impl Strategy<Value = Edit> {
    let token = prop_oneof![
        name(),
        graphql_value(),
        prop::sample::select(vec![
            "{", "}", "(", ")", "[", "]", ":", "$", "!", "@", "...", "=", "|", "&", "#"
        ])
        .prop_map(str::to_owned),
    ];
    prop_oneof![
        2 => any::<usize>().prop_map(Edit::Drop),
        2 => any::<usize>().prop_map(Edit::Duplicate),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Swap(a, b)),
        2 => (any::<usize>(), token.clone()).prop_map(|(i, t)| Edit::Replace(i, t)),
        2 => (any::<usize>(), token).prop_map(|(i, t)| Edit::Insert(i, t)),
        1 => (any::<usize>(), nest(), log_uniform(4000))
            .prop_map(|(i, n, d)| Edit::InsertNested(i, n, d)),
        2 => (any::<usize>(), nest(), log_uniform(4000))
            .prop_map(|(i, n, d)| Edit::NestArgument(i, n, d)),
        1 => (json_nest(), log_uniform(4000)).prop_map(|(n, d)| Edit::NestEntities(n, d)),
    ]
}

fn var_edit() -> impl Strategy<Value = VarEdit> {
    prop_oneof![
        4 => (name(), json_value()).prop_map(|(k, v)| VarEdit::Set(k, v)),
        4 => (name(), name(), json_value()).prop_map(|(k, f, v)| VarEdit::SetInside(k, f, v)),
        2 => name().prop_map(VarEdit::Remove),
        1 => json_value().prop_map(VarEdit::ReplaceAll),
        3 => (any::<usize>(), prop::option::of(name()), json_nest(), log_uniform(4000))
            .prop_map(|(i, f, n, d)| VarEdit::SetNested(i, f, n, d)),
        2 => (log_uniform(2000), json_nest(), log_uniform(4000))
            .prop_map(|(c, n, d)| VarEdit::Representations(c, n, d)),
    ]
}

fn fuzz(seed_count: usize) -> impl Strategy<Value = Fuzz> {
    (
        0..seed_count,
        prop::collection::vec(edit(), 0..4),
        prop::collection::vec(var_edit(), 0..3),
        prop::option::weighted(0.1, name()),
    )
        .prop_map(|(seed, edits, var_edits, operation_name)| Fuzz {
            seed,
            edits,
            var_edits,
            operation_name,
        })
}

/// The document and the variables (as JSON text) a fuzz case sends.
fn build(fuzz: &Fuzz, seeds: &[(&'static str, Value)]) -> (String, String) {
    let (doc, vars) = &seeds[fuzz.seed];
    let mut tokens = tokenize(doc);
    for e in &fuzz.edits {
        let n = tokens.len().max(1);
        match e {
            Edit::Drop(i) if !tokens.is_empty() => {
                tokens.remove(i % n);
            }
            Edit::Duplicate(i) if !tokens.is_empty() => {
                let t = tokens[i % n].clone();
                tokens.insert(i % n, t);
            }
            Edit::Swap(a, b) if !tokens.is_empty() => tokens.swap(a % n, b % n),
            Edit::Replace(i, t) if !tokens.is_empty() => tokens[i % n] = t.clone(),
            Edit::Insert(i, t) => tokens.insert(i % (tokens.len() + 1), t.clone()),
            Edit::InsertNested(i, nest, depth) => {
                tokens.insert(i % (tokens.len() + 1), nest.graphql(*depth));
            }
            Edit::NestArgument(_, Nest::Selections, depth) => {
                let at = root_field_position(&tokens);
                tokens.insert(at, format!("a {}", Nest::Selections.graphql(*depth)));
            }
            Edit::NestArgument(i, nest, depth) => {
                let values = argument_values(&tokens);
                if values.is_empty() {
                    tokens.insert(i % (tokens.len() + 1), nest.graphql(*depth));
                } else {
                    let (start, end) = values[i % values.len()];
                    tokens.splice(start..end, [nest.graphql(*depth)]);
                }
            }
            Edit::NestEntities(nest, depth) => {
                let field = format!(
                    "_entities(representations: [{{__typename: \"Contact\", id: \"{}\", x: {}}}]) {{ __typename }}",
                    sid("CT1"),
                    nest.graphql(*depth)
                );
                tokens.insert(root_field_position(&tokens), field);
            }
            _ => {}
        }
    }
    let mut vars = vars.clone();
    // Nested JSON goes into `vars` as a placeholder string, replaced in the text at the end.
    let mut nested: Vec<String> = Vec::new();
    let mut placeholder = |json: String| {
        nested.push(json);
        Value::from(format!("\u{1}nested {}", nested.len() - 1))
    };
    for e in &fuzz.var_edits {
        match e {
            VarEdit::Set(k, v) => {
                if let Some(o) = vars.as_object_mut() {
                    o.insert(k.clone(), v.clone());
                }
            }
            VarEdit::SetInside(k, f, v) => {
                // Inside an existing variable when there is one (input, filter, ...).
                let Some(o) = vars.as_object_mut() else {
                    continue;
                };
                let key = if o.contains_key(k) {
                    k.clone()
                } else {
                    match o.keys().nth(f.len() % o.len().max(1)) {
                        Some(key) => key.clone(),
                        None => continue,
                    }
                };
                if let Some(inner) = o.get_mut(&key).and_then(Value::as_object_mut) {
                    inner.insert(f.clone(), v.clone());
                } else {
                    o.insert(key, v.clone());
                }
            }
            VarEdit::Remove(k) => {
                if let Some(o) = vars.as_object_mut() {
                    let key = o.keys().nth(k.len() % o.len().max(1)).cloned();
                    if let Some(key) = key {
                        o.remove(&key);
                    }
                }
            }
            VarEdit::ReplaceAll(v) => vars = v.clone(),
            VarEdit::SetNested(i, field, nest, depth) => {
                let Some(o) = vars.as_object_mut() else {
                    continue;
                };
                let key = o
                    .keys()
                    .nth(i % o.len().max(1))
                    .cloned()
                    .unwrap_or_else(|| "filter".to_owned());
                let value = placeholder(nest.json(*depth));
                match (field, o.get_mut(&key).and_then(Value::as_object_mut)) {
                    (Some(field), Some(inner)) => {
                        inner.insert(field.clone(), value);
                    }
                    _ => {
                        o.insert(key, value);
                    }
                }
            }
            VarEdit::Representations(copies, nest, depth) => {
                let Some(o) = vars.as_object_mut() else {
                    continue;
                };
                let one = format!(
                    r#"{{"__typename":"Contact","id":"{}","x":{}}}"#,
                    sid("CT1"),
                    nest.json(*depth)
                );
                let copies = (*copies)
                    .min(REPRESENTATIONS_BYTES / (one.len() + 1))
                    .max(1);
                let key = entities_variable(&mut tokens);
                o.insert(
                    key,
                    placeholder(format!("[{}]", vec![one; copies].join(","))),
                );
            }
        }
    }
    let mut vars = vars.to_string();
    for (k, json) in nested.iter().enumerate() {
        vars = vars.replacen(&format!("\"\\u0001nested {k}\""), json, 1);
    }
    (render(&tokens), vars)
}

/// Where a root field can go: after the first `{` outside parentheses (the operation's
/// selection set), else at the end.
fn root_field_position(tokens: &[String]) -> usize {
    let mut parens = 0usize;
    for (i, t) in tokens.iter().enumerate() {
        match t.as_str() {
            "(" => parens += 1,
            ")" => parens = parens.saturating_sub(1),
            "{" if parens == 0 => return i + 1,
            _ => {}
        }
    }
    tokens.len()
}

/// The token ranges of values that follow a `:` inside parentheses: arguments and fields
/// of input objects in them (not variables' types, `$name: Type`).
fn argument_values(tokens: &[String]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut parens = 0usize;
    for (i, t) in tokens.iter().enumerate() {
        match t.as_str() {
            "(" => parens += 1,
            ")" => parens = parens.saturating_sub(1),
            _ if parens > 0
                && i >= 1
                && tokens[i - 1] == ":"
                && (i < 3 || tokens[i - 3] != "$") =>
            {
                let end = match t.as_str() {
                    "$" => (i + 2).min(tokens.len()),
                    "{" | "[" => {
                        let mut depth = 0usize;
                        let mut end = tokens.len();
                        for (j, u) in tokens.iter().enumerate().skip(i) {
                            match u.as_str() {
                                "{" | "[" => depth += 1,
                                "}" | "]" => depth = depth.saturating_sub(1),
                                _ => {}
                            }
                            if depth == 0 {
                                end = j + 1;
                                break;
                            }
                        }
                        end
                    }
                    _ => i + 1,
                };
                out.push((i, end));
            }
            _ => {}
        }
    }
    out
}

/// The name of the variable the document passes to `_entities`; when there is none, adds
/// the root field `_entities(representations: $r)` and declares `$r`, and returns `r`.
fn entities_variable(tokens: &mut Vec<String>) -> String {
    if let Some(at) = tokens
        .windows(4)
        .position(|w| w[0] == "representations" && w[1] == ":" && w[2] == "$")
    {
        return tokens[at + 3].clone();
    }
    let field = ["_entities", "(", "representations", ":", "$", "r", ")"];
    let selections = ["{", "__typename", "}"];
    let at = root_field_position(tokens);
    tokens.splice(
        at..at,
        field.iter().chain(&selections).map(|t| t.to_string()),
    );
    let declaration = ["$", "r", ":", "[", "_Any", "!", "]", "!"].map(str::to_owned);
    match tokens.first().map(String::as_str) {
        Some("query" | "mutation" | "subscription") => {
            let mut at = 1;
            if tokens
                .get(1)
                .is_some_and(|t| t.starts_with(|c: char| c.is_alphabetic() || c == '_'))
            {
                at = 2;
            }
            if tokens.get(at).is_some_and(|t| t == "(") {
                tokens.splice(at + 1..at + 1, declaration);
            } else {
                let wrapped = ["(".to_owned()]
                    .into_iter()
                    .chain(declaration)
                    .chain([")".to_owned()]);
                tokens.splice(at..at, wrapped);
            }
        }
        Some("{") => {
            let wrapped = ["query", "("]
                .map(str::to_owned)
                .into_iter()
                .chain(declaration)
                .chain([")".to_owned()]);
            tokens.splice(0..0, wrapped);
        }
        _ => {}
    }
    "r".to_owned()
}

/// How deep `{` and `[` nest in `text` (GraphQL or JSON), outside `"` strings; iterative,
/// so any depth is measured without recursion.
fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' | b'\n' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Whether the request may have written: see the comment at the top of this part.
fn may_have_written(doc: &str, operation_name: Option<&str>, status: u16, body: &Value) -> bool {
    // `data` first: a document the server refused may nest too deep for this test's own
    // stack to parse.
    let Some(data) = body.get("data").and_then(Value::as_object) else {
        return false;
    };
    if status != 200 {
        return false;
    }
    let Ok(document) = parse_query(doc) else {
        return false;
    };
    let mut operations = document.operations.iter();
    let operation = match operation_name {
        Some(wanted) => document
            .operations
            .iter()
            .find(|(name, _)| name.is_some_and(|n| n.as_str() == wanted)),
        None => match (operations.next(), operations.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        },
    };
    let Some((_, operation)) = operation else {
        return false;
    };
    if operation.node.ty != OperationType::Mutation {
        return false;
    }
    data.values().any(|payload| {
        payload
            .as_object()
            .is_some_and(|o| match o.get("userErrors") {
                None => true,
                Some(Value::Array(errors)) => errors.is_empty(),
                Some(_) => true,
            })
    })
}

fn fuzzed_requests(backend: Backend) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let Some(app) = runtime.block_on(async {
        let db = TestDb::create(backend).await?;
        fx::load(&db.conn).await;
        Some(TestApp::serve(db).await)
    }) else {
        return;
    };
    let token = writer(&app, ALPHA);
    let seeds = seeds();

    // The seeds themselves, through the tokenizer: valid, and answered without errors.
    runtime.block_on(async {
        for (doc, vars) in &seeds {
            let rendered = render(&tokenize(doc));
            let d = data(&app, &token, &rendered, vars.clone()).await;
            for payload in d.as_object().unwrap().values() {
                if let Some(errors) = payload.get("userErrors") {
                    assert_eq!(errors, &json!([]), "seed {rendered}: {d:#}");
                }
            }
        }
    });

    let current = RefCell::new(runtime.block_on(Snapshot::take(app.conn())));
    // (answered without errors, answered with errors, refused with HTTP 4xx, wrote)
    let tally = RefCell::new((0u32, 0u32, 0u32, 0u32));
    // Cases nested (brackets, in the document or the variables) more than `DEEP`, more than
    // `DEEPEST_CRASH`, and the deepest nesting.
    let deep = RefCell::new((0u32, 0u32, 0usize));
    let config = Config {
        cases: FUZZ_CASES,
        max_shrink_iters: 64,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &FUZZ_SEED));
    let result = runner.run(&fuzz(seeds.len()), |case| {
        let (doc, vars) = build(&case, &seeds);
        let mut request = format!(r#"{{"query":{},"variables":{vars}"#, json!(doc));
        if let Some(name) = &case.operation_name {
            request.push_str(&format!(r#","operationName":{}"#, json!(name)));
        }
        request.push('}');
        let nesting = nesting_depth(&doc).max(nesting_depth(&vars));
        {
            let mut d = deep.borrow_mut();
            d.0 += u32::from(nesting > DEEP);
            d.1 += u32::from(nesting > DEEPEST_CRASH);
            d.2 = d.2.max(nesting);
        }
        runtime.block_on(async {
            let fail = |what: String| {
                Err(TestCaseError::fail(format!(
                    "{what}\nrequest: {}",
                    short(&json!(request))
                )))
            };
            if request.len() > MAX_BODY {
                return fail(format!(
                    "the case is larger than the body limit ({} bytes): it would not reach the parser",
                    request.len()
                ));
            }
            let json = Some(&b"application/json"[..]);
            let r = post_raw(&app, &token, json, request.clone().into_bytes()).await;
            let found = problems(r.status, &r.text, &request);
            if !found.is_empty() {
                return fail(format!(
                    "HTTP {}: {found:?}\nresponse: {}",
                    r.status,
                    short(&json!(r.text))
                ));
            }
            let answer = r.json();
            let after = Snapshot::take(app.conn()).await;
            let wrote = may_have_written(&doc, case.operation_name.as_deref(), r.status, &answer);
            {
                let mut t = tally.borrow_mut();
                match (r.status, answer.get("errors").is_some()) {
                    (200, false) => t.0 += 1,
                    (200, true) => t.1 += 1,
                    _ => t.2 += 1,
                }
                if wrote {
                    t.3 += 1;
                }
            }
            if !wrote && *current.borrow() != after {
                return fail(format!(
                    "a request that failed changed the tables:\n{}\nresponse: {}",
                    common::writes::diff(&current.borrow(), &after),
                    short(&answer)
                ));
            }
            *current.borrow_mut() = after;
            let alive = post_json(&app, &token, &json!({ "query": "{ __typename }" })).await;
            if alive.status != 200 || alive.json() != json!({ "data": { "__typename": "Query" } }) {
                return fail(format!(
                    "the server no longer answers {{ __typename }}: {}",
                    alive.text
                ));
            }
            Ok(())
        })
    });
    drop(app);
    if let Err(e) = result {
        panic!("{e}");
    }
    // The cases reached every kind of answer, so the properties above were exercised.
    let (clean, errors, refused, wrote) = *tally.borrow();
    let (deep_cases, deepest_crash_cases, deepest) = *deep.borrow();
    eprintln!(
        "fuzz ({backend:?}): {clean} answered cleanly, {errors} with errors, {refused} refused by HTTP status, {wrote} may have written; {deep_cases} nested more than {DEEP} deep, {deepest_crash_cases} more than {DEEPEST_CRASH} (deepest {deepest})"
    );
    assert!(
        clean >= 10 && errors >= 50 && refused >= 1 && wrote >= 5,
        "{:?}",
        tally.borrow()
    );
    // Enough cases nest as deep as the shapes that once aborted the process.
    assert!(
        deep_cases >= 20 && deepest_crash_cases >= 10,
        "{:?}",
        deep.borrow()
    );
}

#[test]
fn fuzzed_requests_on_sqlite() {
    fuzzed_requests(Backend::Sqlite);
}

#[test]
fn fuzzed_requests_on_postgres() {
    fuzzed_requests(Backend::Postgres);
}
