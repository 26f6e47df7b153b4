//! Tenant isolation (issues 3 and 4) on the data set of `common::read_fixtures`: with a
//! token of Beta (the second company), nothing of Alpha (the first) can be seen through any
//! root field, filter or relation, and no mutation given Alpha's ids (as arguments or as
//! input fields) reveals or changes anything of Alpha. Every refusal must be exactly what
//! a fresh random uuid gets (ids masked), so that Alpha's ids cannot even be probed; and
//! Alpha's rows of every table are compared before and after. The event log (issue 17)
//! too: Alpha's events never show in Beta's `events`, `timeline` or subscriptions, whatever
//! filter, cursor or conversation id Beta passes.

mod common;

use common::read_fixtures::{self as fx, ALPHA, BETA, CONVERSATION_ORDERS, iso, label_of, sid};
use common::writes::{
    CREATE_AGENT, CREATE_CALL, CREATE_CONTACT, CREATE_CONVERSATION, CREATE_INBOX, CREATE_MESSAGE,
    DELETE_AGENT, DELETE_CALL, DELETE_CONTACT, DELETE_CONVERSATION, DELETE_INBOX, DELETE_MESSAGE,
    Op, Snapshot, UPDATE_AGENT, UPDATE_CALL, UPDATE_CONTACT, UPDATE_CONVERSATION, UPDATE_INBOX,
    assert_same, ok, rejected, writer,
};
use common::ws::Socket;
use common::{TestApp, first_code};
use serde_json::{Value, json};
use std::time::Duration;
use uuid::Uuid;

/// Alpha's rows by type (see the tables of `read_fixtures`).
const CONVERSATIONS: [&str; 12] = [
    "C01", "C02", "C03", "C04", "C05", "C06", "C07", "C08", "C09", "C10", "C11", "C12",
];
const CONTACTS: [&str; 6] = ["CT1", "CT2", "CT3", "CT4", "CT5", "CT6"];
const INBOXES: [&str; 5] = ["IB1", "IB2", "IB3", "IB4", "IB5"];
const AGENTS: [&str; 5] = ["AG1", "AG2", "AG3", "AG4", "AG5"];
const MESSAGES: [&str; 15] = [
    "M01", "M02", "M03", "M04", "M05", "M06", "M07", "M08", "M09", "M10", "M11", "M12", "M13",
    "M14", "M15",
];
const CALLS: [&str; 7] = ["CL1", "CL2", "CL3", "CL4", "CL5", "CL6", "CL7"];

const PLACEHOLDER: &str = "<ID>";

/// `template` with every occurrence of "<ID>" replaced by `id`.
fn fill(template: &Value, id: &str) -> Value {
    serde_json::from_str(&template.to_string().replace(PLACEHOLDER, id)).unwrap()
}

/// `body` with every occurrence of `id` replaced by "<ID>".
fn mask(body: &Value, id: &str) -> Value {
    serde_json::from_str(&body.to_string().replace(id, PLACEHOLDER)).unwrap()
}

fn fresh() -> String {
    Uuid::new_v4().to_string()
}

/// Every Alpha row id of every type.
fn every_alpha_id() -> Vec<String> {
    [
        &CONVERSATIONS[..],
        &CONTACTS,
        &INBOXES,
        &AGENTS,
        &MESSAGES,
        &CALLS,
    ]
    .concat()
    .into_iter()
    .map(sid)
    .collect()
}

/// Runs `query` with the variables `template` filled once with `alpha_id` and once with a
/// fresh uuid; asserts both bodies are the same once the ids are masked and that neither
/// has errors. Returns the body for `alpha_id`.
async fn like_unknown(
    app: &TestApp,
    token: &str,
    query: &str,
    template: &Value,
    alpha_id: &str,
) -> Value {
    let unknown = fresh();
    let got = app.graphql(token, query, fill(template, alpha_id)).await;
    let other = app.graphql(token, query, fill(template, &unknown)).await;
    assert!(got.get("errors").is_none(), "{query} {template}: {got:#}");
    assert_eq!(
        mask(&got, alpha_id),
        mask(&other, &unknown),
        "{query} {template}: Alpha's {} answers unlike an unknown id",
        label_of(alpha_id)
    );
    got
}

/// Runs mutation `op` with `template` filled once with `alpha_id` and once with a fresh
/// uuid: both are refused with NOT_FOUND at `path`, write nothing, and answer the same
/// once the ids are masked.
async fn refused_like_unknown(
    app: &TestApp,
    token: &str,
    op: Op,
    template: &Value,
    alpha_id: &str,
    path: &[&str],
) {
    let unknown = fresh();
    let got = rejected(
        app,
        token,
        op,
        fill(template, alpha_id),
        &[(path, "NOT_FOUND")],
    )
    .await;
    let other = rejected(
        app,
        token,
        op,
        fill(template, &unknown),
        &[(path, "NOT_FOUND")],
    )
    .await;
    assert_eq!(
        mask(&got, alpha_id),
        mask(&other, &unknown),
        "{} {template}: Alpha's {} answers unlike an unknown id",
        op.name,
        label_of(alpha_id)
    );
}

/// The labels of a connection's `nodes`.
fn node_labels(conn: &Value) -> Vec<String> {
    conn["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("no nodes in {conn:#}"))
        .iter()
        .map(|n| label_of(n["id"].as_str().unwrap()))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------

async fn lookups_of_the_first_companys_rows_are_like_unknown_ids(app: &TestApp) {
    fx::load(app.conn()).await;
    let before = Snapshot::take(app.conn()).await;
    let token = writer(app, BETA);
    // (root field, Alpha's rows of that type, Beta's row of that type)
    let cases: [(&str, &[&str], &str); 6] = [
        ("conversation", &CONVERSATIONS, "BX1"),
        ("contact", &CONTACTS, "BC1"),
        ("inbox", &INBOXES, "BI1"),
        ("message", &MESSAGES, "BM1"),
        ("call", &CALLS, "BCL1"),
        ("agent", &AGENTS, "BG1"),
    ];
    let template = json!({ "id": PLACEHOLDER });
    for (field, alpha, own) in cases {
        let query = format!("query ($id: ID!) {{ {field}(id: $id) {{ id }} }}");
        // Beta sees its own row...
        let data = app.data(&token, &query, json!({ "id": sid(own) })).await;
        assert_eq!(data[field]["id"], sid(own), "{field}({own})");
        // ...and none of Alpha's, exactly like an unknown id.
        for label in alpha {
            let body = like_unknown(app, &token, &query, &template, &sid(label)).await;
            assert_eq!(body, json!({ "data": { field: null } }), "{field}({label})");
        }
    }

    // node, for every Alpha row of every type.
    let node = "query ($id: ID!) { node(id: $id) { __typename id } }";
    let data = app.data(&token, node, json!({ "id": sid("BX1") })).await;
    assert_eq!(
        data["node"],
        json!({ "__typename": "Conversation", "id": sid("BX1") })
    );
    for alpha_id in every_alpha_id() {
        let body = like_unknown(app, &token, node, &template, &alpha_id).await;
        assert_eq!(
            body,
            json!({ "data": { "node": null } }),
            "node({alpha_id})"
        );
    }

    // nodes: Alpha's ids are null in place, Beta's resolve.
    let nodes = "query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }";
    let mut ids = every_alpha_id();
    let mut expected = vec![Value::Null; ids.len()];
    for (at, (label, typename)) in [
        (3, ("BX1", "Conversation")),
        (10, ("BC1", "Contact")),
        (20, ("BI1", "Inbox")),
        (30, ("BG1", "Agent")),
        (40, ("BM1", "Message")),
        (50, ("BCL1", "Call")),
    ] {
        ids.insert(at, sid(label));
        expected.insert(at, json!({ "__typename": typename, "id": sid(label) }));
    }
    assert!(ids.len() <= 100);
    let data = app.data(&token, nodes, json!({ "ids": ids })).await;
    assert_eq!(data["nodes"], Value::Array(expected.clone()));
    // The same list with fresh uuids in place of Alpha's answers the same.
    let alpha = every_alpha_id();
    let unknown: Vec<String> = ids
        .iter()
        .map(|i| {
            if alpha.contains(i) {
                fresh()
            } else {
                i.clone()
            }
        })
        .collect();
    let data = app.data(&token, nodes, json!({ "ids": unknown })).await;
    assert_eq!(data["nodes"], Value::Array(expected));

    assert_same(&before, &Snapshot::take(app.conn()).await, "reads");
}

const CONVERSATION_LIST: &str = r#"
query ($filter: ConversationFilter, $orderBy: ConversationOrder) {
  conversations(filter: $filter, orderBy: $orderBy, first: 100) { totalCount nodes { id } }
}"#;

async fn lists_and_filters_show_nothing_of_the_first_company(app: &TestApp) {
    fx::load(app.conn()).await;
    let before = Snapshot::take(app.conn()).await;
    let token = writer(app, BETA);
    let list = |filter: Value, order: Value| {
        let token = token.clone();
        async move {
            let mut vars = json!({ "filter": filter });
            if !order.is_null() {
                vars["orderBy"] = order;
            }
            let data = app.data(&token, CONVERSATION_LIST, vars).await;
            let labels = node_labels(&data["conversations"]);
            assert_eq!(data["conversations"]["totalCount"], labels.len());
            labels
        }
    };

    // Without a filter, in every order: Beta's two conversations only.
    assert_eq!(list(Value::Null, Value::Null).await, ["BX1", "BX2"]);
    for (field, direction, _) in CONVERSATION_ORDERS {
        let mut got = list(
            Value::Null,
            json!({ "field": field, "direction": direction }),
        )
        .await;
        got.sort();
        assert_eq!(got, ["BX1", "BX2"], "{field} {direction}");
    }

    // Each id filter pointing at Alpha's rows: empty, exactly like an unknown id.
    let empty = json!({ "data": { "conversations": { "totalCount": 0, "nodes": [] } } });
    let id_filters: [(&str, &[&str]); 4] = [
        ("inboxId", &INBOXES),
        ("contactId", &CONTACTS),
        ("agentId", &AGENTS),
        ("assigneeId", &AGENTS),
    ];
    for (key, labels) in id_filters {
        let template = json!({ "filter": { key: PLACEHOLDER } });
        for label in labels {
            let body = like_unknown(app, &token, CONVERSATION_LIST, &template, &sid(label)).await;
            assert_eq!(body, empty, "{key} {label}");
        }
    }
    // External ids only Alpha's conversations carry.
    for (key, label) in [
        ("taskId", "TASK2"),
        ("taskId", "TASK3"),
        ("sessionId", "SES2"),
        ("campaignId", "CAMP2"),
    ] {
        let template = json!({ "filter": { key: PLACEHOLDER } });
        let body = like_unknown(app, &token, CONVERSATION_LIST, &template, &sid(label)).await;
        assert_eq!(body, empty, "{key} {label}");
    }
    // External ids both companies carry, and filters Alpha's rows match as well: only
    // Beta's rows.
    let cases = [
        // BX2 is linked to TASK1 and SES1, like Alpha's C01, C05 / C02, C07.
        (json!({ "taskId": sid("TASK1") }), vec!["BX2"]),
        (json!({ "sessionId": sid("SES1") }), vec!["BX2"]),
        // BX1 owns CAMP1, BX2 through its call BCL1 (Alpha: C02, C09, C03).
        (json!({ "campaignId": sid("CAMP1") }), vec!["BX1", "BX2"]),
        (json!({ "status": "OPEN" }), vec!["BX1"]),
        (json!({ "priority": "URGENT" }), vec!["BX1"]),
        (json!({ "channel": "SMS" }), vec![]),
        (json!({ "source": "API" }), vec![]),
        (json!({ "unassigned": true }), vec!["BX2"]),
        (json!({ "unassigned": false }), vec!["BX1"]),
        (json!({ "isSimulation": true }), vec!["BX1"]),
        (
            json!({ "contactEmail": "alice.smith@example.com" }),
            vec!["BX1", "BX2"],
        ),
        (json!({ "contactPhoneNumber": "0102" }), vec!["BX1", "BX2"]),
        (json!({ "contactPhoneNumber": "7946" }), vec![]),
        (json!({ "lastMessageAt": { "from": iso(0) } }), vec!["BX1"]),
        (
            json!({ "createdAt": { "from": iso(-1000) } }),
            vec!["BX1", "BX2"],
        ),
        (
            json!({ "or": [{ "inboxId": sid("IB1") }, { "contactId": sid("BC1") }] }),
            vec!["BX1", "BX2"],
        ),
        (
            json!({ "not": { "inboxId": sid("IB1") } }),
            vec!["BX1", "BX2"],
        ),
        (json!({ "not": { "status": "OPEN" } }), vec!["BX2"]),
    ];
    for (filter, expected) in cases {
        assert_eq!(
            list(filter.clone(), Value::Null).await,
            expected,
            "{filter}"
        );
    }

    // Contacts, inboxes, agents.
    let contacts = r#"query ($filter: ContactFilter) { contacts(filter: $filter) { totalCount nodes { id } } }"#;
    for filter in [
        Value::Null,
        json!({ "firstName": "a" }),
        json!({ "lastName": "s" }),
        json!({ "phoneNumber": "555" }),
        json!({ "email": "example" }),
    ] {
        let data = app
            .data(&token, contacts, json!({ "filter": filter }))
            .await;
        assert_eq!(node_labels(&data["contacts"]), ["BC1"], "{filter}");
        assert_eq!(data["contacts"]["totalCount"], 1);
    }
    for filter in [
        json!({ "lastName": "jones" }),
        json!({ "phoneNumber": "7946" }),
    ] {
        let data = app
            .data(&token, contacts, json!({ "filter": filter }))
            .await;
        assert_eq!(
            data["contacts"],
            json!({ "totalCount": 0, "nodes": [] }),
            "{filter}"
        );
    }
    let data = app
        .data(
            &token,
            r#"{
              inboxes { totalCount nodes { id } }
              agents { totalCount nodes { id } }
              ai: agents(kind: AI) { totalCount nodes { id } }
              human: agents(kind: HUMAN) { totalCount nodes { id } }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data,
        json!({
            "inboxes": { "totalCount": 1, "nodes": [{ "id": sid("BI1") }] },
            "agents": { "totalCount": 1, "nodes": [{ "id": sid("BG1") }] },
            "ai": { "totalCount": 0, "nodes": [] },
            "human": { "totalCount": 1, "nodes": [{ "id": sid("BG1") }] },
        })
    );

    // Calls.
    let calls =
        r#"query ($filter: CallFilter) { calls(filter: $filter) { totalCount nodes { id } } }"#;
    let empty_calls = json!({ "data": { "calls": { "totalCount": 0, "nodes": [] } } });
    let template = json!({ "filter": { "conversationId": PLACEHOLDER } });
    for label in CONVERSATIONS {
        let body = like_unknown(app, &token, calls, &template, &sid(label)).await;
        assert_eq!(body, empty_calls, "calls of {label}");
    }
    let template = json!({ "filter": { "campaignId": PLACEHOLDER } });
    let body = like_unknown(app, &token, calls, &template, &sid("CAMP2")).await;
    assert_eq!(body, empty_calls, "calls of CAMP2");
    for (filter, expected) in [
        (Value::Null, vec!["BCL1"]),
        (json!({ "campaignId": sid("CAMP1") }), vec!["BCL1"]),
        (json!({ "status": "COMPLETED" }), vec!["BCL1"]),
        (json!({ "direction": "OUTBOUND" }), vec![]),
        (json!({ "handledBy": "AI" }), vec![]),
        (json!({ "startedAt": { "to": iso(49) } }), vec![]),
    ] {
        let data = app.data(&token, calls, json!({ "filter": filter })).await;
        assert_eq!(node_labels(&data["calls"]), expected, "calls {filter}");
        assert_eq!(data["calls"]["totalCount"], expected.len());
    }

    assert_same(&before, &Snapshot::take(app.conn()).await, "reads");
}

const RELATIONS: &str = r#"
query ($id: ID!) {
  conversation(id: $id) {
    id
    contact { id conversations(first: 100) { totalCount nodes { id } } }
    inbox { id conversations(first: 100) { totalCount nodes { id } } }
    agent { id } assignee { id } seenBy { id }
    lastMessage { id } latestCall { id }
    tasks { id } sessions { id }
    messages(first: 100) { totalCount nodes { id conversation { id } contact { id } } }
    calls(first: 100) { totalCount nodes { id conversation { id } } }
  }
}"#;

async fn relations_of_the_second_companys_rows_stay_inside_it(app: &TestApp) {
    fx::load(app.conn()).await;
    let before = Snapshot::take(app.conn()).await;
    let token = writer(app, BETA);
    let both = json!({ "totalCount": 2, "nodes": [{ "id": sid("BX1") }, { "id": sid("BX2") }] });
    let data = app
        .data(&token, RELATIONS, json!({ "id": sid("BX1") }))
        .await;
    assert_eq!(
        data["conversation"],
        json!({
            "id": sid("BX1"),
            "contact": { "id": sid("BC1"), "conversations": both },
            "inbox": { "id": sid("BI1"), "conversations": both },
            "agent": null,
            "assignee": { "id": sid("BG1") },
            "seenBy": { "id": sid("BG1") },
            "lastMessage": { "id": sid("BM1") },
            "latestCall": null,
            "tasks": [],
            "sessions": [],
            "messages": { "totalCount": 1, "nodes": [
                { "id": sid("BM1"), "conversation": { "id": sid("BX1") }, "contact": { "id": sid("BC1") } },
            ] },
            "calls": { "totalCount": 0, "nodes": [] },
        })
    );
    let data = app
        .data(&token, RELATIONS, json!({ "id": sid("BX2") }))
        .await;
    assert_eq!(
        data["conversation"],
        json!({
            "id": sid("BX2"),
            "contact": { "id": sid("BC1"), "conversations": both },
            "inbox": { "id": sid("BI1"), "conversations": both },
            "agent": null,
            "assignee": null,
            "seenBy": null,
            "lastMessage": null,
            "latestCall": { "id": sid("BCL1") },
            // TASK1 and SES1 are linked to Alpha's conversations too: only BX2's links.
            "tasks": [{ "id": sid("TASK1") }],
            "sessions": [{ "id": sid("SES1") }],
            "messages": { "totalCount": 0, "nodes": [] },
            "calls": { "totalCount": 1, "nodes": [
                { "id": sid("BCL1"), "conversation": { "id": sid("BX2") } },
            ] },
        })
    );

    // Beta's contact and inbox with filters naming Alpha's rows: like unknown ids.
    let contact_conversations = r#"query ($id: ID!, $filter: ConversationFilter) {
      contact(id: $id) { conversations(filter: $filter) { totalCount nodes { id } } }
    }"#;
    let inbox_conversations = r#"query ($id: ID!, $filter: ConversationFilter) {
      inbox(id: $id) { conversations(filter: $filter) { totalCount nodes { id } } }
    }"#;
    let empty = json!({ "totalCount": 0, "nodes": [] });
    for label in INBOXES {
        let template = json!({ "id": sid("BC1"), "filter": { "inboxId": PLACEHOLDER } });
        let body = like_unknown(app, &token, contact_conversations, &template, &sid(label)).await;
        assert_eq!(body["data"]["contact"]["conversations"], empty, "{label}");
    }
    for label in CONTACTS {
        let template = json!({ "id": sid("BI1"), "filter": { "contactId": PLACEHOLDER } });
        let body = like_unknown(app, &token, inbox_conversations, &template, &sid(label)).await;
        assert_eq!(body["data"]["inbox"]["conversations"], empty, "{label}");
    }
    for label in AGENTS {
        let template = json!({ "id": sid("BI1"), "filter": { "assigneeId": PLACEHOLDER } });
        let body = like_unknown(app, &token, inbox_conversations, &template, &sid(label)).await;
        assert_eq!(body["data"]["inbox"]["conversations"], empty, "{label}");
    }

    // Message, call and agent of Beta reach only Beta's rows.
    let data = app
        .data(
            &token,
            r#"query ($m: ID!, $c: ID!, $a: ID!) {
              message(id: $m) { id conversation { id inbox { id } } contact { id } }
              call(id: $c) { id conversation { id contact { id } inbox { id } latestCall { id } } }
              agent(id: $a) { id name }
            }"#,
            json!({ "m": sid("BM1"), "c": sid("BCL1"), "a": sid("BG1") }),
        )
        .await;
    assert_eq!(
        data,
        json!({
            "message": {
                "id": sid("BM1"),
                "conversation": { "id": sid("BX1"), "inbox": { "id": sid("BI1") } },
                "contact": { "id": sid("BC1") },
            },
            "call": {
                "id": sid("BCL1"),
                "conversation": {
                    "id": sid("BX2"), "contact": { "id": sid("BC1") },
                    "inbox": { "id": sid("BI1") }, "latestCall": { "id": sid("BCL1") },
                },
            },
            "agent": { "id": sid("BG1"), "name": "Ada" },
        })
    );

    // Every relation from the lists too.
    let data = app
        .data(
            &token,
            r#"{
              conversations { nodes { id contact { conversations { totalCount } } inbox { conversations { totalCount } } messages { totalCount } calls { totalCount } } }
              contacts { nodes { id conversations { totalCount nodes { id } } } }
              inboxes { nodes { id conversations { totalCount nodes { id } } } }
              calls { nodes { id conversation { id } } }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data,
        json!({
            "conversations": { "nodes": [
                { "id": sid("BX1"), "contact": { "conversations": { "totalCount": 2 } },
                  "inbox": { "conversations": { "totalCount": 2 } },
                  "messages": { "totalCount": 1 }, "calls": { "totalCount": 0 } },
                { "id": sid("BX2"), "contact": { "conversations": { "totalCount": 2 } },
                  "inbox": { "conversations": { "totalCount": 2 } },
                  "messages": { "totalCount": 0 }, "calls": { "totalCount": 1 } },
            ] },
            "contacts": { "nodes": [{ "id": sid("BC1"), "conversations": both }] },
            "inboxes": { "nodes": [{ "id": sid("BI1"), "conversations": both }] },
            "calls": { "nodes": [{ "id": sid("BCL1"), "conversation": { "id": sid("BX2") } }] },
        })
    );

    assert_same(&before, &Snapshot::take(app.conn()).await, "reads");
}

// ---------------------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------------------

async fn mutations_given_the_first_companys_ids_are_not_found(app: &TestApp) {
    fx::load(app.conn()).await;
    let before = Snapshot::take(app.conn()).await;
    let token = writer(app, BETA);
    let p = PLACEHOLDER;
    // (mutation, variables with the id as "<ID>", the argument's path, Alpha's rows)
    let cases: Vec<(Op, Value, &str, &[&str])> = vec![
        (
            UPDATE_CONVERSATION,
            json!({ "id": p, "input": { "subject": "hijacked", "status": "CLOSED" } }),
            "id",
            &CONVERSATIONS,
        ),
        (
            DELETE_CONVERSATION,
            json!({ "id": p, "reason": "hijack" }),
            "id",
            &CONVERSATIONS,
        ),
        (
            CREATE_MESSAGE,
            json!({ "conversationId": p, "input": { "content": "injected", "direction": "OUTBOUND" } }),
            "conversationId",
            &CONVERSATIONS,
        ),
        (
            CREATE_CALL,
            json!({ "conversationId": p, "input": { "direction": "OUTBOUND" } }),
            "conversationId",
            &CONVERSATIONS,
        ),
        (
            DELETE_MESSAGE,
            json!({ "id": p, "reason": "hijack" }),
            "id",
            &MESSAGES,
        ),
        (
            UPDATE_CONTACT,
            json!({ "id": p, "input": { "email": "owned@beta.example" } }),
            "id",
            &CONTACTS,
        ),
        (DELETE_CONTACT, json!({ "id": p }), "id", &CONTACTS),
        (
            DELETE_CONTACT,
            json!({ "id": p, "cascade": true, "reason": "hijack" }),
            "id",
            &CONTACTS,
        ),
        (
            UPDATE_INBOX,
            json!({ "id": p, "input": { "name": "hijacked" } }),
            "id",
            &INBOXES,
        ),
        (DELETE_INBOX, json!({ "id": p }), "id", &INBOXES),
        (
            DELETE_INBOX,
            json!({ "id": p, "cascade": true, "reason": "hijack" }),
            "id",
            &INBOXES,
        ),
        (
            UPDATE_CALL,
            json!({ "id": p, "input": { "summary": "hijacked" } }),
            "id",
            &CALLS,
        ),
        (DELETE_CALL, json!({ "id": p }), "id", &CALLS),
        (
            UPDATE_AGENT,
            json!({ "id": p, "input": { "name": "hijacked" } }),
            "id",
            &AGENTS,
        ),
        (DELETE_AGENT, json!({ "id": p }), "id", &AGENTS),
    ];
    for (op, template, path, labels) in cases {
        for label in labels {
            refused_like_unknown(app, &token, op, &template, &sid(label), &[path]).await;
        }
    }
    let after = Snapshot::take(app.conn()).await;
    assert_same(&before.of_company(ALPHA), &after.of_company(ALPHA), "Alpha");
    assert_same(&before, &after, "everything");
}

async fn input_ids_of_the_first_company_are_not_found(app: &TestApp) {
    fx::load(app.conn()).await;
    let before = Snapshot::take(app.conn()).await;
    let token = writer(app, BETA);
    let p = PLACEHOLDER;
    let create = |field: &str| {
        let mut vars = json!({ "input": { "inboxId": sid("BI1"), "subject": "probe" } });
        vars["input"][field] = json!(p);
        vars
    };
    let update = |field: &str| json!({ "id": sid("BX1"), "input": { field: p } });
    // (input field, Alpha's rows of the type it names)
    let fields: [(&str, &[&str]); 5] = [
        ("inboxId", &INBOXES),
        ("contactId", &CONTACTS),
        ("assigneeId", &AGENTS),
        ("agentId", &AGENTS),
        ("seenById", &AGENTS),
    ];
    for (field, labels) in fields {
        for label in labels {
            for (op, template) in [
                (CREATE_CONVERSATION, create(field)),
                (UPDATE_CONVERSATION, update(field)),
            ] {
                refused_like_unknown(app, &token, op, &template, &sid(label), &["input", field])
                    .await;
            }
        }
    }
    let after = Snapshot::take(app.conn()).await;
    assert_same(&before.of_company(ALPHA), &after.of_company(ALPHA), "Alpha");
    assert_same(&before, &after, "everything");
}

async fn the_second_companys_writes_leave_the_first_company_alone(app: &TestApp) {
    fx::load(app.conn()).await;
    let before = Snapshot::take(app.conn()).await;
    let token = writer(app, BETA);
    let steps: Vec<(Op, Value)> = vec![
        (
            CREATE_CONVERSATION,
            json!({ "input": { "inboxId": sid("BI1"), "contactId": sid("BC1"), "assigneeId": sid("BG1"), "subject": "Beta new" } }),
        ),
        (
            UPDATE_CONVERSATION,
            json!({ "id": sid("BX1"), "input": { "subject": "Beta changed", "assigneeId": null, "status": "CLOSED" } }),
        ),
        (
            CREATE_MESSAGE,
            json!({ "conversationId": sid("BX1"), "input": { "content": "Beta hello", "direction": "OUTBOUND" } }),
        ),
        (
            DELETE_MESSAGE,
            json!({ "id": sid("BM1"), "reason": "beta" }),
        ),
        (
            CREATE_CALL,
            json!({ "conversationId": sid("BX2"), "input": { "direction": "OUTBOUND" } }),
        ),
        (
            UPDATE_CALL,
            json!({ "id": sid("BCL1"), "input": { "summary": "Beta" } }),
        ),
        (DELETE_CALL, json!({ "id": sid("BCL1") })),
        (
            CREATE_CONTACT,
            json!({ "input": { "firstName": "Beta person" } }),
        ),
        (
            UPDATE_CONTACT,
            json!({ "id": sid("BC1"), "input": { "email": "alice@beta.example" } }),
        ),
        (
            CREATE_INBOX,
            json!({ "input": { "name": "Beta desk", "channel": "SMS" } }),
        ),
        (
            UPDATE_INBOX,
            json!({ "id": sid("BI1"), "input": { "name": "Beta support" } }),
        ),
        (
            CREATE_AGENT,
            json!({ "input": { "name": "Beta bot", "kind": "AI" } }),
        ),
        (
            UPDATE_AGENT,
            json!({ "id": sid("BG1"), "input": { "name": "Ada B" } }),
        ),
        (DELETE_AGENT, json!({ "id": sid("BG1") })),
        (
            DELETE_CONVERSATION,
            json!({ "id": sid("BX2"), "reason": "beta" }),
        ),
        // BC1 still has BX1 and the new conversation.
        (
            DELETE_CONTACT,
            json!({ "id": sid("BC1"), "cascade": true, "reason": "beta" }),
        ),
        (
            DELETE_INBOX,
            json!({ "id": sid("BI1"), "cascade": true, "reason": "beta" }),
        ),
    ];
    for (op, vars) in steps {
        ok(app, &token, op, vars).await;
    }
    let after = Snapshot::take(app.conn()).await;
    assert_same(&before.of_company(ALPHA), &after.of_company(ALPHA), "Alpha");
    // Beta wrote audit rows, all of its own.
    assert!(!after.audit.is_empty());
    for row in &after.audit {
        assert_eq!(row.company_id, BETA, "{row:?}");
    }
    // Beta's conversations are all gone; Alpha still reads all of its own.
    assert!(after.of_company(BETA).conversations.is_empty());
    let data = app
        .data(
            &app.reader(ALPHA),
            "{ conversations { totalCount } contacts { totalCount } inboxes { totalCount } agents { totalCount } calls { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data,
        json!({
            "conversations": { "totalCount": 12 },
            "contacts": { "totalCount": 6 },
            "inboxes": { "totalCount": 5 },
            "agents": { "totalCount": 5 },
            "calls": { "totalCount": 7 },
        })
    );
}

// ---------------------------------------------------------------------------------------
// The event log: events, timelines and subscriptions
// ---------------------------------------------------------------------------------------

/// Alpha's writes of every kind that a conversation's log records: an update, a status
/// change, a message, a message deleted, a call created and updated, and a conversation
/// deleted. Returns the cursors of their events in Alpha's `events` list.
async fn alpha_writes_its_log(app: &TestApp) -> Vec<String> {
    let token = writer(app, ALPHA);
    let steps: Vec<(Op, Value)> = vec![
        (
            UPDATE_CONVERSATION,
            json!({ "id": sid("C01"), "input": { "subject": "Alpha changed", "assigneeId": sid("AG2") } }),
        ),
        (
            UPDATE_CONVERSATION,
            json!({ "id": sid("C02"), "input": { "status": "CLOSED" } }),
        ),
        (
            CREATE_MESSAGE,
            json!({ "conversationId": sid("C01"), "input": { "content": "Alpha hello", "direction": "OUTBOUND" } }),
        ),
        (
            DELETE_MESSAGE,
            json!({ "id": sid("M02"), "reason": "alpha" }),
        ),
        (
            CREATE_CALL,
            json!({ "conversationId": sid("C03"), "input": { "direction": "OUTBOUND" } }),
        ),
        (
            UPDATE_CALL,
            json!({ "id": sid("CL1"), "input": { "summary": "Alpha" } }),
        ),
        (
            DELETE_CONVERSATION,
            json!({ "id": sid("C12"), "reason": "alpha" }),
        ),
    ];
    for (op, vars) in steps {
        ok(app, &token, op, vars).await;
    }
    let data = app
        .data(
            &app.reader(ALPHA),
            "{ events(first: 100) { totalCount edges { cursor } } }",
            json!({}),
        )
        .await;
    // One event per write (the delete of C12 is one event: it had no messages or calls).
    assert_eq!(data["events"]["totalCount"], 7, "{data:#}");
    data["events"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["cursor"].as_str().unwrap().to_owned())
        .collect()
}

const EVENTS: &str = "query ($filter: ConversationEventFilter, $after: String) { events(filter: $filter, first: 100, after: $after) { totalCount nodes { kind entityId conversationId } } }";

const TIMELINE: &str = "query ($id: ID!) { node(id: $id) { ... on Conversation { timeline(first: 100) { totalCount nodes { __typename ... on ConversationEvent { kind conversationId } ... on Message { id } ... on Call { id } } } } } }";

/// With Alpha's log written, Beta's `events` are empty under every filter (Alpha's
/// conversation ids answer like unknown ones, Alpha's event cursors start nothing), the
/// `timeline` of Alpha's conversations is like that of an unknown id, and once Beta
/// writes, its `events` and `timeline` hold exactly Beta's event.
async fn the_event_log_of_the_first_company_is_invisible(app: &TestApp) {
    fx::load(app.conn()).await;
    let cursors = alpha_writes_its_log(app).await;
    let token = app.reader(BETA);
    let none = json!({ "events": { "totalCount": 0, "nodes": [] } });
    for filter in [
        json!(null),
        json!({}),
        json!({ "actor": "tester" }),
        json!({ "kindIn": ["CONVERSATION_UPDATED", "CONVERSATION_DELETED", "MESSAGE_CREATED", "MESSAGE_DELETED", "CALL_CREATED", "CALL_UPDATED"] }),
        json!({ "at": { "from": "2000-01-01T00:00:00Z" } }),
    ] {
        let got = app.data(&token, EVENTS, json!({ "filter": filter })).await;
        assert_eq!(got, none, "events(filter: {filter})");
    }
    for id in ["C01", "C02", "C03", "C12"] {
        let got = like_unknown(
            app,
            &token,
            EVENTS,
            &json!({ "filter": { "conversationId": PLACEHOLDER } }),
            &sid(id),
        )
        .await;
        assert_eq!(got["data"], none, "events of {id}");
        let got = like_unknown(
            app,
            &token,
            TIMELINE,
            &json!({ "id": PLACEHOLDER }),
            &sid(id),
        )
        .await;
        assert_eq!(got["data"], json!({ "node": null }), "timeline of {id}");
    }
    for cursor in &cursors {
        let got = app.data(&token, EVENTS, json!({ "after": cursor })).await;
        assert_eq!(got, none, "events(after: Alpha's {cursor})");
    }

    // Beta's own write is all Beta sees, in its list and in the conversation's timeline.
    ok(
        app,
        &writer(app, BETA),
        UPDATE_CONVERSATION,
        json!({ "id": sid("BX1"), "input": { "subject": "Beta changed" } }),
    )
    .await;
    let beta_event = json!({ "kind": "CONVERSATION_UPDATED", "entityId": sid("BX1"), "conversationId": sid("BX1") });
    for after in std::iter::once(None).chain(cursors.iter().map(Some)) {
        let got = app.data(&token, EVENTS, json!({ "after": after })).await;
        let expected = json!({ "events": { "totalCount": 1, "nodes": [beta_event] } });
        assert_eq!(got, expected, "events(after: {after:?})");
    }
    let got = app
        .data(&token, TIMELINE, json!({ "id": sid("BX1") }))
        .await;
    assert_eq!(
        got["node"]["timeline"],
        json!({ "totalCount": 2, "nodes": [
            { "__typename": "ConversationEvent", "kind": "CONVERSATION_UPDATED", "conversationId": sid("BX1") },
            { "__typename": "Message", "id": sid("BM1") },
        ] }),
        "BX1's timeline: Beta's update, then its one message"
    );
}

const FEED: &str = "subscription ($filter: ConversationFilter, $after: EventCursor) { conversationEvents(filter: $filter, after: $after) { kind entityId conversationId conversation { id } message { id } call { id } } }";

const THREAD: &str =
    "subscription ($id: ID!) { messageCreated(conversationId: $id) { kind message { id } } }";

/// Beta's subscriptions hear nothing of Alpha's writes: an unfiltered feed, feeds
/// filtered by Alpha's inbox, contact, assignee and by a status Alpha's conversations
/// change to, one resumed from the log's start, and a thread of an Alpha conversation
/// (refused exactly like an unknown conversation). Beta's own write, made after all of
/// Alpha's, is the first and only event each matching subscription receives.
async fn subscriptions_of_the_second_company_hear_nothing_of_the_first(app: &TestApp) {
    fx::load(app.conn()).await;
    let mut socket = Socket::connected(app.addr, &app.reader(BETA)).await;
    let start = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("event:0")
    };
    socket.subscribe("all", FEED, json!({})).await;
    socket
        .subscribe("closed", FEED, json!({ "filter": { "status": "CLOSED" } }))
        .await;
    for (id, filter) in [
        ("inbox", json!({ "inboxId": sid("IB1") })),
        ("contact", json!({ "contactId": sid("CT1") })),
        ("assignee", json!({ "assigneeId": sid("AG2") })),
    ] {
        socket
            .subscribe(id, FEED, json!({ "filter": filter }))
            .await;
    }
    let unknown_id = fresh();
    for (id, conversation) in [("thread", sid("C01")), ("unknown", unknown_id.clone())] {
        socket
            .subscribe(id, THREAD, json!({ "id": conversation }))
            .await;
    }
    let refused = socket.next_of("thread").await;
    let unknown = socket.next_of("unknown").await;
    assert_eq!(first_code(&refused), "NOT_FOUND", "{refused:#}");
    assert_eq!(
        mask(&refused, &sid("C01")),
        mask(&unknown, &unknown_id),
        "a thread of Alpha's conversation is refused like an unknown one"
    );
    socket.completed("thread").await;
    socket.completed("unknown").await;
    // The subscriptions are registered before anything is written.
    tokio::time::sleep(Duration::from_millis(300)).await;

    alpha_writes_its_log(app).await;
    ok(
        app,
        &writer(app, BETA),
        UPDATE_CONVERSATION,
        json!({ "id": sid("BX1"), "input": { "status": "CLOSED" } }),
    )
    .await;
    socket
        .subscribe("replay", FEED, json!({ "after": start }))
        .await;

    // BX1 was OPEN: "closed" sees it enter, "all" and "replay" see the update.
    let bx1 = json!({ "id": sid("BX1") });
    let update = json!({ "kind": "CONVERSATION_UPDATED", "entityId": sid("BX1"), "conversationId": sid("BX1"), "conversation": bx1, "message": null, "call": null });
    assert_eq!(socket.event("all", "conversationEvents").await, update);
    assert_eq!(socket.event("replay", "conversationEvents").await, update);
    let mut entered = update.clone();
    entered["kind"] = json!("ENTERED_FILTER");
    assert_eq!(socket.event("closed", "conversationEvents").await, entered);
    socket.quiet(Duration::from_millis(500)).await;
}

both_backends!(
    lookups_of_the_first_companys_rows_are_like_unknown_ids,
    lists_and_filters_show_nothing_of_the_first_company,
    relations_of_the_second_companys_rows_stay_inside_it,
    mutations_given_the_first_companys_ids_are_not_found,
    input_ids_of_the_first_company_are_not_found,
    the_second_companys_writes_leave_the_first_company_alone,
    the_event_log_of_the_first_company_is_invisible,
    subscriptions_of_the_second_company_hear_nothing_of_the_first,
);
