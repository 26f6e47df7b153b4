//! The schema contract (issue 14) over HTTP, against the hand-built data set of
//! `common::read_fixtures`: the response shape of the GraphQL spec (failed fields null,
//! nulls propagated to the nearest nullable parent, keys in selection order), a row deleted
//! by a racing request costing only that row, the scope rule for mutation payloads, no-op
//! updates that write nothing, one `DateTime` format, stable ids for search hits and
//! highlights, and the references to other subgraphs' entities. Every expected answer is
//! worked out from the fixture tables.

mod common;

use common::read_fixtures::{self as fx, ALPHA, sid};
use common::writes::{
    CREATE_AGENT, CREATE_CALL, CREATE_CONTACT, CREATE_CONVERSATION, CREATE_INBOX, CREATE_MESSAGE,
    Op, Snapshot, UPDATE_AGENT, UPDATE_CALL, UPDATE_CONTACT, UPDATE_CONVERSATION, UPDATE_INBOX,
    assert_same, instant,
};
use common::{Backend, TestApp};
use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
use serde_json::{Value, json};
use std::time::Duration;

/// The error paths of a body, as compact JSON strings, sorted.
fn error_paths(body: &Value) -> Vec<String> {
    let mut paths: Vec<String> = body["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["path"].to_string())
        .collect();
    paths.sort();
    paths
}

fn codes(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            e["extensions"]["code"]
                .as_str()
                .unwrap_or("<none>")
                .to_owned()
        })
        .collect()
}

/// The keys of a JSON object, in the order the response has them.
fn keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .unwrap_or_else(|| panic!("expected an object, got {v}"))
        .keys()
        .map(String::as_str)
        .collect()
}

// ---------------------------------------------------------------------------------------
// Response shape
// ---------------------------------------------------------------------------------------

async fn a_failed_non_null_root_field_makes_data_null(app: &TestApp) {
    fx::load(app.conn()).await;
    let body = app
        .graphql(
            &app.reader(ALPHA),
            "{ conversations(first: 500) { totalCount } }",
            json!({}),
        )
        .await;
    // `data` is there, and null: the request executed, and its only root field is
    // non-null.
    assert!(body.as_object().unwrap().contains_key("data"), "{body:#}");
    assert_eq!(body["data"], Value::Null, "{body:#}");
    assert_eq!(error_paths(&body), [r#"["conversations"]"#]);
    assert_eq!(codes(&body), ["BAD_USER_INPUT"]);
}

async fn a_failed_nested_list_nulls_only_its_item(app: &TestApp) {
    fx::load(app.conn()).await;
    // Created first: C05 (-48), C02 (0), C03 (1). `messages` is non-null, so each
    // conversation whose `messages` fails is null; the list's items may be.
    let body = app
        .graphql(
            &app.reader(ALPHA),
            "{ conversations(first: 3, orderBy: { field: CREATED_AT, direction: ASC }) {
                 totalCount
                 nodes { id subject messages(first: 500) { totalCount } }
                 pageInfo { hasNextPage }
               } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"],
        json!({ "conversations": {
            "totalCount": 12,
            "nodes": [null, null, null],
            "pageInfo": { "hasNextPage": true },
        } }),
        "{body:#}"
    );
    assert_eq!(
        error_paths(&body),
        [0, 1, 2].map(|i| format!(r#"["conversations","nodes",{i},"messages"]"#))
    );
    assert_eq!(codes(&body), ["BAD_USER_INPUT"; 3]);
    // The same through edges: the edge's node is null, the edge and its cursor stay.
    let body = app
        .graphql(
            &app.reader(ALPHA),
            "{ conversations(first: 1, orderBy: { field: CREATED_AT, direction: ASC }) {
                 edges { cursor node { id messages(last: 500) { totalCount } } }
               } }",
            json!({}),
        )
        .await;
    let edge = &body["data"]["conversations"]["edges"][0];
    assert_eq!(keys(edge), ["cursor", "node"]);
    assert!(edge["cursor"].is_string(), "{body:#}");
    assert_eq!(edge["node"], Value::Null);
    assert_eq!(
        error_paths(&body),
        [r#"["conversations","edges",0,"node","messages"]"#]
    );
}

async fn an_error_inside_a_lookup_nulls_the_nullable_lookup(app: &TestApp) {
    fx::load(app.conn()).await;
    let body = app
        .graphql(
            &app.reader(ALPHA),
            "query ($id: ID!) {
               conversation(id: $id) { id messages(first: 101) { nodes { id } } }
               inbox(id: \"e0000000-0000-4000-8000-000000000000\") { id }
               same: conversation(id: $id) { subject }
             }",
            json!({ "id": sid("C01") }),
        )
        .await;
    assert_eq!(
        body["data"],
        json!({ "conversation": null, "inbox": null, "same": { "subject": "Refund request" } }),
        "{body:#}"
    );
    assert_eq!(keys(&body["data"]), ["conversation", "inbox", "same"]);
    assert_eq!(error_paths(&body), [r#"["conversation","messages"]"#]);
}

async fn keys_come_in_selection_order_through_aliases_and_fragments(app: &TestApp) {
    fx::load(app.conn()).await;
    let data = app
        .data(
            &app.reader(ALPHA),
            "query ($id: ID!) {
               one: conversation(id: $id) {
                 updatedAt
                 ... on Conversation { subject status }
                 id
                 ...More
                 contact { lastName id firstName }
               }
               node(id: $id) { ... on Conversation { priority } id __typename }
               conversations(first: 2) { totalCount nodes { subject id } pageInfo { endCursor hasNextPage } }
             }
             fragment More on Conversation { priority channel subject }",
            json!({ "id": sid("C01") }),
        )
        .await;
    assert_eq!(keys(&data), ["one", "node", "conversations"]);
    assert_eq!(
        keys(&data["one"]),
        [
            "updatedAt",
            "subject",
            "status",
            "id",
            "priority",
            "channel",
            "contact"
        ]
    );
    assert_eq!(
        keys(&data["one"]["contact"]),
        ["lastName", "id", "firstName"]
    );
    assert_eq!(
        data["node"],
        json!({ "priority": "HIGH", "id": sid("C01"), "__typename": "Conversation" })
    );
    assert_eq!(keys(&data["node"]), ["priority", "id", "__typename"]);
    assert_eq!(
        keys(&data["conversations"]),
        ["totalCount", "nodes", "pageInfo"]
    );
    assert_eq!(keys(&data["conversations"]["nodes"][0]), ["subject", "id"]);
    assert_eq!(
        keys(&data["conversations"]["pageInfo"]),
        ["endCursor", "hasNextPage"]
    );
    // A `__typename` is read to apply `... on` to an interface; it is not answered when not
    // asked for.
    let data = app
        .data(
            &app.reader(ALPHA),
            "query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Inbox { name } ... on Contact { fullName } id } }",
            json!({ "ids": [sid("IB1"), sid("CT1"), sid("C01")] }),
        )
        .await;
    assert_eq!(
        data["nodes"],
        json!([
            { "name": "Support Email", "id": sid("IB1") },
            { "fullName": "Alice Smith", "id": sid("CT1") },
            { "id": sid("C01") },
        ])
    );
}

async fn skip_and_include_read_variable_defaults(app: &TestApp) {
    fx::load(app.conn()).await;
    // Left out, `$on` and `$off` are both true.
    let data = app
        .data(
            &app.reader(ALPHA),
            "query ($id: ID!, $on: Boolean = true, $off: Boolean = true) {
               conversation(id: $id) { status @include(if: $on) subject @skip(if: $off) id }
               conversations(first: 1) { pageInfo { hasNextPage @skip(if: $off) } }
             }",
            json!({ "id": sid("C01") }),
        )
        .await;
    assert_eq!(
        data,
        json!({
            "conversation": { "status": "OPEN", "id": sid("C01") },
            // Every field of pageInfo skipped: an empty object, not a null.
            "conversations": { "pageInfo": {} },
        })
    );
}

async fn a_failed_mutation_leaves_the_others_payloads(app: &TestApp) {
    fx::load(app.conn()).await;
    let body = app
        .graphql(
            &common::writes::writer(app, ALPHA),
            "mutation ($c: ID!) {
               a: createContact(input: { firstName: \"Ann\" }) { contact { firstName } userErrors { code } }
               b: createMessage(conversationId: $c, input: {
                    content: \"x\", direction: INBOUND, sentAt: \"0000-01-01T00:00:00Z\" }) {
                  message { id } }
               c: updateContact(id: \"not a uuid\", input: {}) { contact { id } userErrors { code field } }
             }",
            json!({ "c": sid("C01") }),
        )
        .await;
    assert_eq!(
        body["data"],
        json!({
            "a": { "contact": { "firstName": "Ann" }, "userErrors": [] },
            "b": null,
            "c": { "contact": null, "userErrors": [{ "code": "BAD_USER_INPUT", "field": ["id"] }] },
        }),
        "{body:#}"
    );
    assert_eq!(error_paths(&body), [r#"["b"]"#]);
    assert_eq!(codes(&body), ["BAD_USER_INPUT"]);
}

// ---------------------------------------------------------------------------------------
// A row deleted by a racing request costs that row only
// ---------------------------------------------------------------------------------------

/// Lists calls with their conversation while C03 (the conversation of CL1 and CL2) is
/// deleted between the two statements: the call page is read, then the conversations.
/// On PostgreSQL this is made to happen for sure: the test holds an exclusive lock on
/// `conversations`, so the request's second statement waits; the test then deletes C03
/// (its calls go with it) and commits. The two calls read before are null, each with a
/// NOT_FOUND error at its path; every other call is answered whole.
async fn a_row_deleted_between_two_statements_costs_only_that_row(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    const CALLS: &str =
        "{ calls(first: 10) { totalCount nodes { id status conversation { id subject } } } }";
    // Calls by start, latest first, never-started last: CL7 (28), CL4 (20), CL2 (14),
    // CL6 (8), CL1 (3), then CL3 and CL5 (no start; id DESC: CL5, CL3).
    let order = ["CL7", "CL4", "CL2", "CL6", "CL1", "CL5", "CL3"];
    let before = app.data(&token, CALLS, json!({})).await;
    let ids: Vec<String> = before["calls"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, order.map(sid));
    if app.db.backend != Backend::Postgres {
        return sqlite_race(app, &token).await;
    }
    let lock = app.conn().begin().await.unwrap();
    lock.execute_unprepared("LOCK TABLE conversations IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let request = {
        let (client, url, token) = (app.client.clone(), app.url("/graphql"), token.clone());
        tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({ "query": CALLS }))
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        })
    };
    // Wait until the request's read of conversations waits on the lock.
    let waiting = Statement::from_string(
        app.conn().get_database_backend(),
        "SELECT count(*)::int8 AS n FROM pg_stat_activity \
         WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    let mut blocked = false;
    for _ in 0..200 {
        let row = app
            .conn()
            .query_one_raw(waiting.clone())
            .await
            .unwrap()
            .unwrap();
        if row.try_get::<i64>("", "n").unwrap() > 0 {
            blocked = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(blocked, "the request never waited on the lock");
    lock.execute_raw(Statement::from_sql_and_values(
        app.conn().get_database_backend(),
        "DELETE FROM conversations WHERE id = $1",
        [fx::id("C03").into()],
    ))
    .await
    .unwrap();
    lock.commit().await.unwrap();
    let body = request.await.unwrap();
    let nodes = body["data"]["calls"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 7, "the page is there: {body:#}");
    for (i, (node, label)) in nodes.iter().zip(order).enumerate() {
        if ["CL1", "CL2"].contains(&label) {
            assert_eq!(
                *node,
                Value::Null,
                "{label} lost its conversation: {body:#}"
            );
        } else {
            assert_eq!(node["id"], sid(label), "{i}");
            assert!(node["conversation"]["id"].is_string(), "{label}: {body:#}");
        }
    }
    // CL2 is the third call, CL1 the fifth.
    assert_eq!(
        error_paths(&body),
        [
            r#"["calls","nodes",2,"conversation"]"#,
            r#"["calls","nodes",4,"conversation"]"#
        ]
    );
    for error in body["errors"].as_array().unwrap() {
        assert_eq!(error["extensions"]["code"], "NOT_FOUND");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("deleted by another request"),
            "{error}"
        );
    }
}

/// SQLite readers never wait for a writer, so there the race is run for real: each call
/// page is read while a conversation with calls is deleted. Every answer keeps its page,
/// and an item is null only where an error says its conversation vanished.
async fn sqlite_race(app: &TestApp, token: &str) {
    const CALLS: &str = "{ calls(first: 10) { nodes { id conversation { id } } } }";
    let writer = common::writes::writer(app, ALPHA);
    for label in ["C03", "C08", "C09", "C11"] {
        let list = app.graphql(token, CALLS, json!({}));
        let delete = app.graphql(
            &writer,
            "mutation ($id: ID!) { deleteConversation(id: $id) { deletedId } }",
            json!({ "id": sid(label) }),
        );
        let (body, deleted) = futures_util::future::join(list, delete).await;
        assert_eq!(
            deleted["data"]["deleteConversation"]["deletedId"],
            sid(label)
        );
        let nodes = body["data"]["calls"]["nodes"]
            .as_array()
            .unwrap_or_else(|| panic!("the page is lost: {body:#}"));
        let errors = error_paths(&body);
        for (i, node) in nodes.iter().enumerate() {
            if node.is_null() {
                let at = format!(r#"["calls","nodes",{i},"conversation"]"#);
                assert!(errors.contains(&at), "{body:#}");
            } else {
                assert!(node["conversation"]["id"].is_string(), "{body:#}");
            }
        }
        assert!(codes(&body).iter().all(|c| c == "NOT_FOUND"), "{body:#}");
    }
}

// ---------------------------------------------------------------------------------------
// Scopes: a write-only token reads the written object's own fields, not its relations
// ---------------------------------------------------------------------------------------

/// Every relation of the schema's types: a field whose value is another object of this graph.
const RELATIONS: &[&str] = &[
    "contact",
    "inbox",
    "agent",
    "assignee",
    "seenBy",
    "lastMessage",
    "messages",
    "calls",
    "latestCall",
    "tasks",
    "sessions",
    "conversation",
    "conversations",
];

async fn a_write_only_token_gets_own_fields_and_no_relations(app: &TestApp) {
    fx::load(app.conn()).await;
    let write_only = app.token(ALPHA, "write:conversations");
    // The payload documents select every own field and every relation of the object.
    let cases: Vec<(Op, Value, &str)> = vec![
        (
            CREATE_CONVERSATION,
            json!({ "input": { "inboxId": sid("IB1"), "contactId": sid("CT1"), "subject": "New" } }),
            "conversation",
        ),
        (
            UPDATE_CONVERSATION,
            json!({ "id": sid("C01"), "input": { "subject": "Changed" } }),
            "conversation",
        ),
        (
            CREATE_MESSAGE,
            json!({ "conversationId": sid("C01"), "input": { "content": "Hi", "direction": "INBOUND" } }),
            "message",
        ),
        (
            CREATE_CONTACT,
            json!({ "input": { "firstName": "Pat" } }),
            "contact",
        ),
        (
            UPDATE_CONTACT,
            json!({ "id": sid("CT1"), "input": { "lastName": "Smythe" } }),
            "contact",
        ),
        (
            CREATE_INBOX,
            json!({ "input": { "name": "Box", "channel": "EMAIL" } }),
            "inbox",
        ),
        (
            UPDATE_INBOX,
            json!({ "id": sid("IB4"), "input": { "name": "Help" } }),
            "inbox",
        ),
        (
            CREATE_CALL,
            json!({ "conversationId": sid("C03"), "input": { "direction": "INBOUND", "status": "QUEUED" } }),
            "call",
        ),
        (
            UPDATE_CALL,
            json!({ "id": sid("CL1"), "input": { "summary": "Updated" } }),
            "call",
        ),
        (CREATE_AGENT, json!({ "input": { "name": "Kim" } }), "agent"),
        (
            UPDATE_AGENT,
            json!({ "id": sid("AG1"), "input": { "name": "Ada L." } }),
            "agent",
        ),
    ];
    for (op, vars, object) in cases {
        let body = app.graphql(&write_only, op.doc, vars.clone()).await;
        let what = format!("{} {vars}", op.name);
        let payload = &body["data"][op.name];
        assert_eq!(payload["userErrors"], json!([]), "{what}: {body:#}");
        // Every error is a FORBIDDEN relation of the written object.
        let errors = body["errors"].as_array().cloned().unwrap_or_default();
        let mut refused: Vec<&str> = Vec::new();
        for error in &errors {
            assert_eq!(error["extensions"]["code"], "FORBIDDEN", "{what}: {error}");
            let path = error["path"].as_array().unwrap();
            assert_eq!(path.len(), 3, "{what}: {error}");
            assert_eq!(
                path[..2],
                [json!(op.name), json!(object)],
                "{what}: {error}"
            );
            let field = path[2].as_str().unwrap();
            assert!(
                RELATIONS.contains(&field),
                "{what}: {field} is not a relation"
            );
            refused.push(field);
        }
        refused.sort();
        // What each payload document of `common::writes` selects as relations.
        let expected: &[&str] = match object {
            "conversation" => &[
                "agent", "assignee", "contact", "inbox", "seenBy", "sessions", "tasks",
            ],
            "message" | "call" => &["conversation"],
            _ => &[],
        };
        assert_eq!(refused, expected, "{what}");
        if expected.is_empty() {
            assert!(payload[object]["id"].is_string(), "{what}: {body:#}");
        } else {
            // `conversation.inbox`, `message.conversation` and `call.conversation` are
            // non-null: their FORBIDDEN makes the object null, as the spec says.
            assert_eq!(payload[object], Value::Null, "{what}: {body:#}");
        }
        if op.name == "createMessage" {
            // The conversation the message moved is written too: its own fields are there.
            assert_eq!(payload["conversation"]["id"], sid("C01"), "{body:#}");
        }
    }
    // The own fields alone come back whole, and the write happened.
    let body = app
        .graphql(
            &write_only,
            "mutation ($id: ID!) { updateConversation(id: $id, input: { priority: LOW }) {
                 conversation { id subject priority updatedAt campaign { id } listing { id } }
                 userErrors { field message code }
               } }",
            json!({ "id": sid("C02") }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(
        body["data"]["updateConversation"]["conversation"]["campaign"],
        json!({ "id": sid("CAMP1") })
    );
    assert_eq!(
        body["data"]["updateConversation"]["conversation"]["priority"],
        "LOW"
    );
    // What the first release let such a token read through a no-op update: the contact's
    // email and conversations, the inbox's conversations. Now each is FORBIDDEN.
    let body = app
        .graphql(
            &write_only,
            "mutation ($id: ID!) { updateConversation(id: $id, input: {}) {
                 conversation { id contact { email conversations { totalCount } } }
               } }",
            json!({ "id": sid("C01") }),
        )
        .await;
    assert_eq!(
        body["data"]["updateConversation"]["conversation"],
        json!({ "id": sid("C01"), "contact": null })
    );
    assert_eq!(
        error_paths(&body),
        [r#"["updateConversation","conversation","contact"]"#]
    );
    assert_eq!(codes(&body), ["FORBIDDEN"]);
    // With both scopes, the same payload reads its relations.
    let both = common::writes::writer(app, ALPHA);
    let body = app
        .graphql(
            &both,
            "mutation ($id: ID!) { updateConversation(id: $id, input: {}) {
                 conversation { id contact { email } inbox { name } }
               } }",
            json!({ "id": sid("C01") }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(
        body["data"]["updateConversation"]["conversation"]["inbox"]["name"],
        "Support Email"
    );
}

// ---------------------------------------------------------------------------------------
// No-op updates write nothing
// ---------------------------------------------------------------------------------------

async fn updates_that_change_nothing_write_nothing(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = common::writes::writer(app, ALPHA);
    let before = Snapshot::take(app.conn()).await;
    // Each input repeats the stored values (the fixture tables), or is empty.
    let cases: Vec<(Op, Value, &str, &str)> = vec![
        (
            UPDATE_CONVERSATION,
            json!({ "id": sid("C02"), "input": {
                "subject": "WhatsApp enquiry", "status": "OPEN", "priority": "URGENT",
                "channel": "WHATSAPP", "source": "WIDGET", "inboxId": sid("IB2"),
                "contactId": sid("CT2"), "agentId": sid("AG3"), "assigneeId": null,
                "seenById": null, "campaignId": sid("CAMP1"), "listingId": sid("LIST1"),
                "isChatOpened": true, "isSimulation": false, "respondedBy": "AI",
                "startedAt": "2026-03-01T09:00:00Z",
            } }),
            "conversation",
            "2026-03-02T00:00:00.000000Z",
        ),
        (
            UPDATE_CONTACT,
            json!({ "id": sid("CT1"), "input": {
                "firstName": "Alice", "lastName": "Smith", "email": "Alice.Smith@Example.com",
                "phoneNumber": "+1 (555) 010-2000",
            } }),
            "contact",
            "2026-03-01T14:00:00.000000Z",
        ),
        (
            UPDATE_INBOX,
            json!({ "id": sid("IB2"), "input": {
                "name": "Sales WhatsApp", "channel": "WHATSAPP", "phoneNumber": "+1 555 010 9999",
                "email": null,
            } }),
            "inbox",
            "2026-02-12T08:00:00.000000Z",
        ),
        (
            UPDATE_INBOX,
            json!({ "id": sid("IB2"), "input": {} }),
            "inbox",
            "2026-02-12T08:00:00.000000Z",
        ),
        (
            UPDATE_AGENT,
            json!({ "id": sid("AG1"), "input": { "name": "Ada", "email": "ada@alpha.example", "kind": "HUMAN" } }),
            "agent",
            "2026-02-01T08:00:00.000000Z",
        ),
        (
            UPDATE_CALL,
            json!({ "id": sid("CL1"), "input": {
                "direction": "INBOUND", "status": "COMPLETED", "durationSeconds": 300,
                "recordingUrl": "https://rec.example/cl1.mp3", "handledBy": "HUMAN",
                "summary": "Asked about an invoice", "campaignId": sid("CAMP1"),
                "startedAt": "2026-03-01T12:00:00Z",
            } }),
            "call",
            // Created at 16, updated 30 minutes later.
            "2026-03-02T01:30:00.000000Z",
        ),
    ];
    for (op, vars, object, updated_at) in cases {
        let payload = common::writes::ok(app, &token, op, vars.clone()).await;
        assert_eq!(
            payload[object]["updatedAt"], updated_at,
            "{} {vars}: updatedAt stays",
            op.name
        );
        assert_same(
            &before,
            &Snapshot::take(app.conn()).await,
            &format!("{} {vars}", op.name),
        );
    }
    // One changed value among equal ones writes that column and moves updatedAt.
    let payload = common::writes::ok(
        app,
        &token,
        UPDATE_INBOX,
        json!({ "id": sid("IB2"), "input": { "name": "Sales WhatsApp", "channel": "SMS" } }),
    )
    .await;
    assert_eq!(payload["inbox"]["channel"], "SMS");
    assert!(instant(&payload["inbox"]["updatedAt"]) > instant(&json!("2026-02-12T08:00:00Z")));
}

// ---------------------------------------------------------------------------------------
// One DateTime format
// ---------------------------------------------------------------------------------------

fn is_utc_micros(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 27
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[26] == b'Z'
        && b.iter()
            .enumerate()
            .all(|(i, c)| [4, 7, 10, 13, 16, 19, 26].contains(&i) || c.is_ascii_digit())
}

async fn every_date_time_is_utc_with_six_fractional_digits(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = common::writes::writer(app, ALPHA);
    let data = app
        .data(
            &token,
            "{ conversations(first: 20) { nodes {
                 startedAt lastMessageAt createdAt updatedAt
                 contact { createdAt updatedAt } inbox { createdAt updatedAt }
                 assignee { createdAt updatedAt }
                 messages(first: 10) { nodes { sentAt createdAt updatedAt } }
                 calls(first: 10) { nodes { startedAt createdAt updatedAt } }
               } } }",
            json!({}),
        )
        .await;
    fn walk(v: &Value, seen: &mut usize) {
        match v {
            Value::String(s) => {
                assert!(is_utc_micros(s), "{s}");
                *seen += 1;
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, seen)),
            Value::Object(map) => map.values().for_each(|i| walk(i, seen)),
            _ => {}
        }
    }
    let mut seen = 0;
    walk(&data, &mut seen);
    // 12 conversations: 12 × 2 created/updated, 10 started, 10 with messages, 11 contacts
    // and 12 inboxes × 2, 8 assignees × 2, 15 messages × 3, 7 calls × 2 + 5 started.
    assert_eq!(seen, 24 + 10 + 10 + 22 + 24 + 16 + 45 + 14 + 5);
    // Any offset in, UTC out; fractions kept to the microsecond.
    let payload = common::writes::ok(
        app,
        &token,
        CREATE_MESSAGE,
        json!({ "conversationId": sid("C01"), "input": {
            "content": "At a quarter past", "direction": "INBOUND",
            "sentAt": "2026-03-05T11:30:00.123+01:00",
        } }),
    )
    .await;
    assert_eq!(payload["message"]["sentAt"], "2026-03-05T10:30:00.123000Z");
    assert!(is_utc_micros(
        payload["message"]["createdAt"].as_str().unwrap()
    ));
}

// ---------------------------------------------------------------------------------------
// Search hits and highlights have stable ids; other teams' entities are references
// ---------------------------------------------------------------------------------------

async fn search_hits_and_highlights_have_stable_ids(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    const SEARCH: &str = "query ($q: String!) { searchMessages(query: $q, first: 10) {
        nodes { id highlights { id start length } message { id } }
        edges { node { id } } } }";
    let run = |q: &'static str| {
        let token = token.clone();
        async move { app.data(&token, SEARCH, json!({ "q": q })).await }
    };
    let first = run("refund").await;
    let again = run("refund").await;
    assert_eq!(first, again, "the same search, the same ids");
    let hits = first["searchMessages"]["nodes"].as_array().unwrap();
    // M01 "I would like a refund", M08 "Refund please".
    let messages: Vec<&str> = hits
        .iter()
        .map(|h| h["message"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(messages, [sid("M08"), sid("M01")]);
    let mut ids: Vec<&str> = hits.iter().map(|h| h["id"].as_str().unwrap()).collect();
    for hit in hits {
        for h in hit["highlights"].as_array().unwrap() {
            assert_eq!(
                h["id"],
                format!(
                    "{}:{}:{}",
                    hit["id"].as_str().unwrap(),
                    h["start"],
                    h["length"]
                )
            );
            ids.push(h["id"].as_str().unwrap());
        }
    }
    let distinct: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len(), "ids are unique: {ids:?}");
    // Edges carry the same hits.
    assert_eq!(
        first["searchMessages"]["edges"][0]["node"]["id"],
        hits[0]["id"]
    );
    // Another query finding the same message is another hit.
    let other = run("refun").await;
    assert_ne!(other["searchMessages"]["nodes"][0]["id"], hits[0]["id"]);
    assert_eq!(
        other["searchMessages"]["nodes"][0]["message"]["id"],
        hits[0]["message"]["id"]
    );
}

async fn other_subgraphs_entities_are_references_by_id(app: &TestApp) {
    fx::load(app.conn()).await;
    let data = app
        .data(
            &app.reader(ALPHA),
            "query ($a: ID!, $b: ID!, $c: ID!) {
               a: conversation(id: $a) { campaign { __typename id } listing { __typename id } sessions { __typename id } }
               b: conversation(id: $b) { campaign { id } listing { id } tasks { __typename id } sessions { id } }
               c: call(id: $c) { campaign { __typename id } }
             }",
            json!({ "a": sid("C02"), "b": sid("C05"), "c": sid("CL3") }),
        )
        .await;
    assert_eq!(
        data,
        json!({
            "a": {
                "campaign": { "__typename": "Campaign", "id": sid("CAMP1") },
                "listing": { "__typename": "Listing", "id": sid("LIST1") },
                "sessions": [{ "__typename": "Session", "id": sid("SES1") }],
            },
            "b": {
                "campaign": null, "listing": null,
                "tasks": [
                    { "__typename": "Task", "id": sid("TASK1") },
                    { "__typename": "Task", "id": sid("TASK2") },
                ],
                "sessions": [],
            },
            "c": { "campaign": { "__typename": "Campaign", "id": sid("CAMP2") } },
        })
    );
}

both_backends!(
    a_failed_non_null_root_field_makes_data_null,
    a_failed_nested_list_nulls_only_its_item,
    an_error_inside_a_lookup_nulls_the_nullable_lookup,
    keys_come_in_selection_order_through_aliases_and_fragments,
    skip_and_include_read_variable_defaults,
    a_failed_mutation_leaves_the_others_payloads,
    a_row_deleted_between_two_statements_costs_only_that_row,
    a_write_only_token_gets_own_fields_and_no_relations,
    updates_that_change_nothing_write_nothing,
    every_date_time_is_utc_with_six_fractional_digits,
    search_hits_and_highlights_have_stable_ids,
    other_subgraphs_entities_are_references_by_id,
);
