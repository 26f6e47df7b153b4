//! The read API (issue 3) against the hand-built data set of `common::read_fixtures`:
//! every filter, ordering and lookup, relations between types, and paging in both
//! directions. Every expected answer is worked out by hand from the tables in the module
//! comment of `read_fixtures`; lists of rows are compared as fixture labels ("C04").

mod common;

use common::read_fixtures::{
    self as fx, AGENTS_ORDER, ALPHA, BETA, CALL_ORDERS, CALLS_DEFAULT, CONTACT_ORDERS,
    CONTACTS_DEFAULT, CONV_UPDATED_DESC, CONVERSATION_ORDERS, INBOXES_ORDER, iso, label_of, sid,
};
use common::{TestApp, first_code};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------------------

const CONVERSATIONS: &str = r#"
query Conversations($filter: ConversationFilter, $orderBy: ConversationOrder, $first: Int) {
  conversations(filter: $filter, orderBy: $orderBy, first: $first) {
    totalCount
    nodes { id }
  }
}"#;

const CONVERSATIONS_PAGE: &str = r#"
query Conversations($filter: ConversationFilter, $first: Int) {
  conversations(filter: $filter, first: $first) {
    totalCount
    edges { cursor node { id } }
    nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"#;

const CONTACTS: &str = r#"
query Contacts($filter: ContactFilter, $orderBy: ContactOrder) {
  contacts(filter: $filter, orderBy: $orderBy) {
    totalCount
    nodes { id }
  }
}"#;

const CALLS: &str = r#"
query Calls($filter: CallFilter, $orderBy: CallOrder) {
  calls(filter: $filter, orderBy: $orderBy) {
    totalCount
    nodes { id }
  }
}"#;

/// The selection every paging walk reads.
macro_rules! page {
    () => {
        "totalCount
    edges { cursor node { id } }
    nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
    };
}

const WALK_CONVERSATIONS: &str = concat!(
    "query Walk($first: Int, $after: String, $last: Int, $before: String,
           $orderBy: ConversationOrder, $filter: ConversationFilter) {
  conversations(first: $first, after: $after, last: $last, before: $before,
                orderBy: $orderBy, filter: $filter) {
    ",
    page!(),
    "
  }
}"
);

const WALK_CONTACTS: &str = concat!(
    "query Walk($first: Int, $after: String, $last: Int, $before: String, $orderBy: ContactOrder) {
  contacts(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {
    ",
    page!(),
    "
  }
}"
);

const WALK_CALLS: &str = concat!(
    "query Walk($first: Int, $after: String, $last: Int, $before: String, $orderBy: CallOrder) {
  calls(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {
    ",
    page!(),
    "
  }
}"
);

const WALK_AGENTS: &str = concat!(
    "query Walk($first: Int, $after: String, $last: Int, $before: String, $kind: AgentKind) {
  agents(first: $first, after: $after, last: $last, before: $before, kind: $kind) {
    ",
    page!(),
    "
  }
}"
);

const WALK_INBOXES: &str = concat!(
    "query Walk($first: Int, $after: String, $last: Int, $before: String) {
  inboxes(first: $first, after: $after, last: $last, before: $before) {
    ",
    page!(),
    "
  }
}"
);

const WALK_MESSAGES: &str = concat!(
    "query Walk($id: ID!, $first: Int, $after: String, $last: Int, $before: String,
           $orderBy: MessageOrder) {
  conversation(id: $id) {
    messages(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {
      ",
    page!(),
    "
    }
  }
}"
);

const WALK_CONVERSATION_CALLS: &str = concat!(
    "query Walk($id: ID!, $first: Int, $after: String, $last: Int, $before: String,
           $orderBy: CallOrder) {
  conversation(id: $id) {
    calls(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {
      ",
    page!(),
    "
    }
  }
}"
);

const WALK_CONTACT_CONVERSATIONS: &str = concat!(
    "query Walk($id: ID!, $first: Int, $after: String, $last: Int, $before: String,
           $orderBy: ConversationOrder, $filter: ConversationFilter) {
  contact(id: $id) {
    conversations(first: $first, after: $after, last: $last, before: $before,
                  orderBy: $orderBy, filter: $filter) {
      ",
    page!(),
    "
    }
  }
}"
);

const WALK_INBOX_CONVERSATIONS: &str = concat!(
    "query Walk($id: ID!, $first: Int, $after: String, $last: Int, $before: String,
           $orderBy: ConversationOrder, $filter: ConversationFilter) {
  inbox(id: $id) {
    conversations(first: $first, after: $after, last: $last, before: $before,
                  orderBy: $orderBy, filter: $filter) {
      ",
    page!(),
    "
    }
  }
}"
);

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// The labels of a connection's `nodes`.
fn node_labels(conn: &Value) -> Vec<String> {
    conn["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("no nodes in {conn:#}"))
        .iter()
        .map(|n| label_of(n["id"].as_str().unwrap()))
        .collect()
}

/// The labels of a connection's `edges`.
fn edge_labels(conn: &Value) -> Vec<String> {
    conn["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("no edges in {conn:#}"))
        .iter()
        .map(|e| label_of(e["node"]["id"].as_str().unwrap()))
        .collect()
}

fn at<'a>(data: &'a Value, path: &[&str]) -> &'a Value {
    path.iter().fold(data, |v, key| &v[*key])
}

/// `vars` without its null entries: an omitted variable leaves the argument to its default
/// (an explicit null is another request).
fn omit_nulls(mut vars: Value) -> Value {
    if let Some(map) = vars.as_object_mut() {
        map.retain(|_, v| !v.is_null());
    }
    vars
}

/// References to other subgraphs' entities (`tasks`, `sessions`), as `{ id }` objects.
fn refs(ids: &[String]) -> Value {
    Value::Array(ids.iter().map(|id| json!({ "id": id })).collect())
}

fn ids(labels: &[&str]) -> Vec<String> {
    labels.iter().map(|l| sid(l)).collect()
}

/// Alpha's conversations matching `filter` in the default order; checks totalCount.
async fn conversations(app: &TestApp, token: &str, filter: Value) -> Vec<String> {
    let vars = omit_nulls(json!({ "filter": filter }));
    let data = app.data(token, CONVERSATIONS, vars).await;
    let list = &data["conversations"];
    let labels = node_labels(list);
    assert_eq!(list["totalCount"], labels.len(), "totalCount for {filter}");
    labels
}

/// Runs each (filter, expected labels in the default order) case with Alpha's token.
async fn check_filters(app: &TestApp, cases: Vec<(Value, Vec<&str>)>) {
    let token = app.reader(ALPHA);
    for (filter, expected) in cases {
        let got = conversations(app, &token, filter.clone()).await;
        assert_eq!(got, expected, "filter {filter}");
    }
}

async fn contacts(app: &TestApp, token: &str, filter: Value, order: Value) -> Vec<String> {
    let vars = omit_nulls(json!({ "filter": filter, "orderBy": order }));
    let data = app.data(token, CONTACTS, vars).await;
    let list = &data["contacts"];
    let labels = node_labels(list);
    assert_eq!(list["totalCount"], labels.len(), "totalCount for {filter}");
    labels
}

async fn calls(app: &TestApp, token: &str, filter: Value, order: Value) -> Vec<String> {
    let vars = omit_nulls(json!({ "filter": filter, "orderBy": order }));
    let data = app.data(token, CALLS, vars).await;
    let list = &data["calls"];
    let labels = node_labels(list);
    assert_eq!(list["totalCount"], labels.len(), "totalCount for {filter}");
    labels
}

/// Asserts the request fails with `code` (and, when given, a message containing `needle`).
async fn assert_error(app: &TestApp, token: &str, query: &str, vars: Value, code: &str) -> Value {
    let body = app.graphql(token, query, vars.clone()).await;
    assert_eq!(first_code(&body), code, "{query}\n{vars}\n{body:#}");
    body
}

/// Walks the connection at `path` forwards (first/after) and backwards (last/before) with
/// page sizes 1, 2, 3, 5 and 100, checking every page's rows, pageInfo flags, cursors and
/// totalCount against `expected` (the whole list in order).
async fn walk(
    app: &TestApp,
    token: &str,
    query: &str,
    vars: Value,
    path: &[&str],
    expected: &[&str],
) {
    let n = expected.len();
    let what = format!("{path:?} {vars}");
    for size in [1usize, 2, 3, 5, 100] {
        // Forwards.
        let mut after = Value::Null;
        let mut seen: Vec<String> = Vec::new();
        let mut k = 0;
        loop {
            let mut v = vars.clone();
            v["first"] = json!(size);
            v["after"] = after.clone();
            let data = app.data(token, query, omit_nulls(v)).await;
            let conn = at(&data, path);
            let lo = k * size;
            let hi = (lo + size).min(n);
            let page = edge_labels(conn);
            let ctx = format!("{what}: forwards, size {size}, page {k}");
            assert_eq!(page, expected[lo..hi], "{ctx}");
            assert_eq!(node_labels(conn), page, "{ctx}: nodes = edges");
            assert_eq!(conn["totalCount"], n, "{ctx}: totalCount");
            let info = &conn["pageInfo"];
            assert_eq!(info["hasPreviousPage"], k > 0, "{ctx}: hasPreviousPage");
            assert_eq!(info["hasNextPage"], hi < n, "{ctx}: hasNextPage");
            let edges = conn["edges"].as_array().unwrap();
            assert_eq!(
                info["startCursor"], edges[0]["cursor"],
                "{ctx}: startCursor"
            );
            assert_eq!(
                info["endCursor"],
                edges[edges.len() - 1]["cursor"],
                "{ctx}: endCursor"
            );
            seen.extend(page);
            if hi >= n {
                break;
            }
            after = info["endCursor"].clone();
            k += 1;
            assert!(k <= n, "{ctx}: paging does not end");
        }
        assert_eq!(
            seen, expected,
            "{what}: forwards, size {size}: every row once"
        );

        // Backwards.
        let mut before = Value::Null;
        let mut pages: Vec<Vec<String>> = Vec::new();
        let mut k = 0;
        loop {
            let mut v = vars.clone();
            v["last"] = json!(size);
            v["before"] = before.clone();
            let data = app.data(token, query, omit_nulls(v)).await;
            let conn = at(&data, path);
            let hi = n - k * size;
            let lo = hi.saturating_sub(size);
            let page = edge_labels(conn);
            let ctx = format!("{what}: backwards, size {size}, page {k}");
            assert_eq!(page, expected[lo..hi], "{ctx}");
            assert_eq!(node_labels(conn), page, "{ctx}: nodes = edges");
            assert_eq!(conn["totalCount"], n, "{ctx}: totalCount");
            let info = &conn["pageInfo"];
            assert_eq!(info["hasNextPage"], k > 0, "{ctx}: hasNextPage");
            assert_eq!(info["hasPreviousPage"], lo > 0, "{ctx}: hasPreviousPage");
            let edges = conn["edges"].as_array().unwrap();
            assert_eq!(
                info["startCursor"], edges[0]["cursor"],
                "{ctx}: startCursor"
            );
            assert_eq!(
                info["endCursor"],
                edges[edges.len() - 1]["cursor"],
                "{ctx}: endCursor"
            );
            pages.push(page);
            if lo == 0 {
                break;
            }
            before = info["startCursor"].clone();
            k += 1;
            assert!(k <= n, "{ctx}: paging does not end");
        }
        let seen: Vec<String> = pages.into_iter().rev().flatten().collect();
        assert_eq!(
            seen, expected,
            "{what}: backwards, size {size}: every row once"
        );
    }
}

// ---------------------------------------------------------------------------------------
// ConversationFilter: each field alone
// ---------------------------------------------------------------------------------------

async fn filter_by_inbox_contact_agent_and_assignee(app: &TestApp) {
    fx::load(app.conn()).await;
    check_filters(
        app,
        vec![
            (
                json!({ "inboxId": sid("IB1") }),
                vec!["C09", "C12", "C01", "C05"],
            ),
            (json!({ "inboxId": sid("IB2") }), vec!["C02", "C07"]),
            (
                json!({ "inboxId": sid("IB3") }),
                vec!["C06", "C11", "C03", "C08"],
            ),
            (json!({ "inboxId": sid("IB4") }), vec!["C04", "C10"]),
            (json!({ "inboxId": sid("IB5") }), vec![]),
            (
                json!({ "contactId": sid("CT1") }),
                vec!["C11", "C01", "C05"],
            ),
            (
                json!({ "contactId": sid("CT2") }),
                vec!["C12", "C02", "C07"],
            ),
            (json!({ "contactId": sid("CT3") }), vec!["C09", "C03"]),
            (json!({ "contactId": sid("CT4") }), vec!["C04"]),
            (json!({ "contactId": sid("CT5") }), vec!["C06", "C10"]),
            (json!({ "contactId": sid("CT6") }), vec![]),
            (json!({ "agentId": sid("AG3") }), vec!["C06", "C02", "C07"]),
            (json!({ "agentId": sid("AG4") }), vec!["C11", "C04", "C10"]),
            // AG1 is only ever an assignee or a reader, never the conversation's agent.
            (json!({ "agentId": sid("AG1") }), vec![]),
            (
                json!({ "assigneeId": sid("AG1") }),
                vec!["C12", "C01", "C07", "C04"],
            ),
            (
                json!({ "assigneeId": sid("AG2") }),
                vec!["C09", "C06", "C11", "C03"],
            ),
            (json!({ "assigneeId": sid("AG5") }), vec![]),
        ],
    )
    .await;
}

async fn filter_unassigned_true_and_false(app: &TestApp) {
    fx::load(app.conn()).await;
    check_filters(
        app,
        vec![
            (
                json!({ "unassigned": true }),
                vec!["C02", "C08", "C10", "C05"],
            ),
            (
                json!({ "unassigned": false }),
                vec!["C09", "C06", "C12", "C11", "C01", "C03", "C07", "C04"],
            ),
            (
                json!({ "unassigned": true, "assigneeId": sid("AG1") }),
                vec![],
            ),
            (
                json!({ "unassigned": false, "assigneeId": sid("AG1") }),
                vec!["C12", "C01", "C07", "C04"],
            ),
        ],
    )
    .await;
}

async fn filter_by_campaign_matches_the_conversation_or_any_of_its_calls(app: &TestApp) {
    fx::load(app.conn()).await;
    check_filters(
        app,
        vec![
            // C02 and C09 own CAMP1; C03 only through its calls CL1 and CL2 (two matching
            // calls, one row); C09's call CL7 has CAMP1 too (still one row).
            (
                json!({ "campaignId": sid("CAMP1") }),
                vec!["C09", "C03", "C02"],
            ),
            // C04 and C12 own CAMP2; C08 only through its call CL3.
            (
                json!({ "campaignId": sid("CAMP2") }),
                vec!["C12", "C04", "C08"],
            ),
            (json!({ "campaignId": sid("CAMP9") }), vec![]),
            (
                json!({ "campaignId": sid("CAMP1"), "channel": "PHONE" }),
                vec!["C03"],
            ),
        ],
    )
    .await;
}

/// listingId (REST: propertyId): C02 is LIST1's; Beta's BX1 is LIST1's too, and stays out.
async fn filter_by_listing(app: &TestApp) {
    fx::load(app.conn()).await;
    check_filters(
        app,
        vec![
            (json!({ "listingId": sid("LIST1") }), vec!["C02"]),
            (json!({ "listingId": sid("LIST9") }), vec![]),
            // The exact complement: every conversation without a listing too.
            (
                json!({ "not": { "listingId": sid("LIST1") } }),
                CONV_UPDATED_DESC
                    .into_iter()
                    .filter(|l| *l != "C02")
                    .collect(),
            ),
        ],
    )
    .await;
}

async fn filter_by_task_and_session_links(app: &TestApp) {
    fx::load(app.conn()).await;
    check_filters(
        app,
        vec![
            // Beta's BX2 is linked to TASK1 and SES1 too.
            (json!({ "taskId": sid("TASK1") }), vec!["C01", "C05"]),
            (json!({ "taskId": sid("TASK2") }), vec!["C05"]),
            (json!({ "taskId": sid("TASK3") }), vec!["C09"]),
            (json!({ "taskId": sid("TASK9") }), vec![]),
            (json!({ "sessionId": sid("SES1") }), vec!["C02", "C07"]),
            (json!({ "sessionId": sid("SES2") }), vec!["C12", "C07"]),
            (json!({ "sessionId": sid("SES9") }), vec![]),
            (
                json!({ "taskId": sid("TASK1"), "sessionId": sid("SES1") }),
                vec![],
            ),
            (
                json!({ "sessionId": sid("SES1"), "priority": "HIGH" }),
                vec!["C07"],
            ),
        ],
    )
    .await;
}

async fn filter_by_status_priority_channel_and_their_lists(app: &TestApp) {
    fx::load(app.conn()).await;
    check_filters(
        app,
        vec![
            (
                json!({ "status": "OPEN" }),
                vec!["C06", "C01", "C02", "C08", "C10"],
            ),
            (json!({ "status": "PENDING" }), vec!["C12", "C03", "C07"]),
            (json!({ "status": "CLOSED" }), vec!["C09", "C11", "C04"]),
            (json!({ "status": "ARCHIVED" }), vec!["C05"]),
            (
                json!({ "statusIn": ["PENDING", "CLOSED"] }),
                vec!["C09", "C12", "C11", "C03", "C07", "C04"],
            ),
            (json!({ "statusIn": ["ARCHIVED"] }), vec!["C05"]),
            (json!({ "priority": "LOW" }), vec!["C03", "C10", "C05"]),
            (json!({ "priority": "MEDIUM" }), vec!["C06", "C12", "C04"]),
            (json!({ "priority": "HIGH" }), vec!["C09", "C01", "C07"]),
            (json!({ "priority": "URGENT" }), vec!["C11", "C02", "C08"]),
            (
                json!({ "priorityIn": ["LOW", "HIGH"] }),
                vec!["C09", "C01", "C03", "C07", "C10", "C05"],
            ),
            (
                json!({ "channel": "EMAIL" }),
                vec!["C09", "C12", "C01", "C05"],
            ),
            (json!({ "channel": "WHATSAPP" }), vec!["C02", "C07"]),
            (json!({ "channel": "PHONE" }), vec!["C11", "C03", "C08"]),
            (json!({ "channel": "CHAT" }), vec!["C04", "C10"]),
            (json!({ "channel": "SMS" }), vec!["C06"]),
            (json!({ "channel": "TELEGRAM" }), vec![]),
            (
                json!({ "channelIn": ["CHAT", "SMS", "WHATSAPP"] }),
                vec!["C06", "C02", "C07", "C04", "C10"],
            ),
            (json!({ "channelIn": ["WEB", "TELEGRAM"] }), vec![]),
        ],
    )
    .await;
}

async fn filter_by_source_flags_and_responder(app: &TestApp) {
    fx::load(app.conn()).await;
    check_filters(
        app,
        vec![
            (json!({ "source": "WIDGET" }), vec!["C02", "C07", "C04"]),
            (json!({ "source": "PHONE" }), vec!["C11", "C03", "C08"]),
            (json!({ "source": "API" }), vec!["C10", "C05"]),
            (json!({ "source": "EMAIL" }), vec!["C09", "C12", "C01"]),
            (
                json!({ "isChatOpened": true }),
                vec!["C02", "C07", "C04", "C10"],
            ),
            (
                json!({ "isChatOpened": false }),
                vec!["C09", "C06", "C12", "C11", "C01", "C03", "C08", "C05"],
            ),
            (json!({ "isSimulation": true }), vec!["C04", "C08", "C10"]),
            (
                json!({ "isSimulation": false }),
                vec![
                    "C09", "C06", "C12", "C11", "C01", "C03", "C02", "C07", "C05",
                ],
            ),
            (
                json!({ "respondedBy": "AI" }),
                vec!["C06", "C11", "C02", "C07", "C04"],
            ),
            (
                json!({ "respondedBy": "HUMAN" }),
                vec!["C09", "C12", "C01", "C03"],
            ),
        ],
    )
    .await;
}

async fn filter_by_contact_phone_ignores_formatting(app: &TestApp) {
    fx::load(app.conn()).await;
    // CT1 "+1 (555) 010-2000" and CT2 "555.010.2000" share the digits 5550102000.
    let ct1_or_ct2 = vec!["C12", "C11", "C01", "C02", "C07", "C05"];
    check_filters(
        app,
        vec![
            (
                json!({ "contactPhoneNumber": "5550102000" }),
                ct1_or_ct2.clone(),
            ),
            (json!({ "contactPhoneNumber": "0102" }), ct1_or_ct2.clone()),
            (
                json!({ "contactPhoneNumber": "(0102)" }),
                ct1_or_ct2.clone(),
            ),
            (
                json!({ "contactPhoneNumber": "555.010.2000" }),
                ct1_or_ct2.clone(),
            ),
            (
                json!({ "contactPhoneNumber": "555-010-2000" }),
                ct1_or_ct2.clone(),
            ),
            // The leading 1 is only in CT1's number.
            (
                json!({ "contactPhoneNumber": "+1 (555) 010-2000" }),
                vec!["C11", "C01", "C05"],
            ),
            (
                json!({ "contactPhoneNumber": "15550102000" }),
                vec!["C11", "C01", "C05"],
            ),
            // Two digits: "44" only in CT3's 442079460958; "20" in CT1, CT2 and CT3.
            (json!({ "contactPhoneNumber": "44" }), vec!["C09", "C03"]),
            (
                json!({ "contactPhoneNumber": "20" }),
                vec!["C09", "C12", "C11", "C01", "C03", "C02", "C07", "C05"],
            ),
            (
                json!({ "contactPhoneNumber": "+44 20 7946 0958" }),
                vec!["C09", "C03"],
            ),
            (
                json!({ "contactPhoneNumber": "7946-0958" }),
                vec!["C09", "C03"],
            ),
            (
                json!({ "contactPhoneNumber": "555 777" }),
                vec!["C06", "C10"],
            ),
            // 9999 is only in inbox IB2's number, not in any contact's.
            (json!({ "contactPhoneNumber": "9999" }), vec![]),
            (json!({ "contactPhoneNumber": "1234567" }), vec![]),
        ],
    )
    .await;
    let token = app.reader(ALPHA);
    for phone in ["abc", "(-)", ""] {
        let body = assert_error(
            app,
            &token,
            CONVERSATIONS,
            json!({ "filter": { "contactPhoneNumber": phone } }),
            "BAD_USER_INPUT",
        )
        .await;
        assert!(body["data"].is_null(), "{body:#}");
    }
}

async fn filter_by_contact_email_is_case_insensitive_equality(app: &TestApp) {
    fx::load(app.conn()).await;
    check_filters(
        app,
        vec![
            (
                json!({ "contactEmail": "alice.smith@example.com" }),
                vec!["C11", "C01", "C05"],
            ),
            (
                json!({ "contactEmail": "ALICE.SMITH@EXAMPLE.COM" }),
                vec!["C11", "C01", "C05"],
            ),
            (
                json!({ "contactEmail": "Alice.Smith@Example.com" }),
                vec!["C11", "C01", "C05"],
            ),
            (
                json!({ "contactEmail": "malik@example.com" }),
                vec!["C06", "C10"],
            ),
            (
                json!({ "contactEmail": "j.jones@EXAMPLE.co.uk" }),
                vec!["C09", "C03"],
            ),
            // Equality, not a substring.
            (json!({ "contactEmail": "example.com" }), vec![]),
            (json!({ "contactEmail": "alice.smith@example.co" }), vec![]),
            (json!({ "contactEmail": "alice.smith" }), vec![]),
        ],
    )
    .await;
}

async fn filter_by_date_ranges(app: &TestApp) {
    fx::load(app.conn()).await;
    check_filters(
        app,
        vec![
            // createdAt: C05 -48, C02 0, C03 1, C01 2, C07 3, C06 4, C04 5, C09 6, C08 7,
            // C10 8, C11 9, C12 9.
            (
                json!({ "createdAt": { "from": iso(6) } }),
                vec!["C09", "C12", "C11", "C08", "C10"],
            ),
            // The same instant written with another offset.
            (
                json!({ "createdAt": { "from": "2026-03-01T16:00:00+01:00" } }),
                vec!["C09", "C12", "C11", "C08", "C10"],
            ),
            (
                json!({ "createdAt": { "to": iso(2) } }),
                vec!["C03", "C02", "C05"],
            ),
            (
                json!({ "createdAt": { "from": iso(1), "to": iso(5) } }),
                vec!["C06", "C01", "C03", "C07"],
            ),
            (
                json!({ "createdAt": { "from": iso(5), "to": iso(6) } }),
                vec!["C04"],
            ),
            (
                json!({ "createdAt": { "from": iso(5), "to": iso(5) } }),
                vec![],
            ),
            // updatedAt: C05 5, C10 8, C08 9, C04 12, C07 12, C02 15, C03 15, C01 20,
            // C11 22, C12 22, C06 25, C09 30.
            (
                json!({ "updatedAt": { "from": iso(22) } }),
                vec!["C09", "C06", "C12", "C11"],
            ),
            (json!({ "updatedAt": { "to": iso(9) } }), vec!["C10", "C05"]),
            (
                json!({ "updatedAt": { "from": iso(12), "to": iso(20) } }),
                vec!["C03", "C02", "C07", "C04"],
            ),
            // lastMessageAt: C05 4, C08 8, C07 10, C04 11, C02 14, C01 18, C12 19, C11 21,
            // C06 24, C09 29; C03 and C10 null never match.
            (
                json!({ "lastMessageAt": { "from": iso(19) } }),
                vec!["C09", "C06", "C12", "C11"],
            ),
            (
                json!({ "lastMessageAt": { "to": iso(11) } }),
                vec!["C07", "C08", "C05"],
            ),
            (
                json!({ "lastMessageAt": { "from": iso(11), "to": iso(19) } }),
                vec!["C01", "C02", "C04"],
            ),
            (
                json!({ "lastMessageAt": { "from": iso(-1000) } }),
                vec![
                    "C09", "C06", "C12", "C11", "C01", "C02", "C07", "C04", "C08", "C05",
                ],
            ),
        ],
    )
    .await;
}

async fn filters_that_match_nothing_give_an_empty_connection(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    for filter in [
        json!({ "status": "ARCHIVED", "channel": "PHONE" }),
        json!({ "inboxId": sid("IB5") }),
        json!({ "contactId": sid("BC1") }),
        json!({ "inboxId": sid("BI1") }),
        json!({ "or": [] }),
        json!({ "createdAt": { "from": iso(1000) } }),
    ] {
        let data = app
            .data(&token, CONVERSATIONS_PAGE, json!({ "filter": filter }))
            .await;
        assert_eq!(
            data["conversations"],
            json!({
                "totalCount": 0,
                "edges": [],
                "nodes": [],
                "pageInfo": {
                    "hasNextPage": false,
                    "hasPreviousPage": false,
                    "startCursor": null,
                    "endCursor": null,
                },
            }),
            "filter {filter}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// ConversationFilter: combinations and and/or/not
// ---------------------------------------------------------------------------------------

async fn filters_combine_with_and(app: &TestApp) {
    fx::load(app.conn()).await;
    check_filters(
        app,
        vec![
            (json!({ "status": "OPEN", "channel": "EMAIL" }), vec!["C01"]),
            (
                json!({
                    "inboxId": sid("IB1"),
                    "unassigned": false,
                    "createdAt": { "from": iso(2) },
                }),
                vec!["C09", "C12", "C01"],
            ),
            (
                json!({
                    "isChatOpened": true,
                    "respondedBy": "AI",
                    "priorityIn": ["HIGH", "URGENT"],
                }),
                vec!["C02", "C07"],
            ),
            (
                json!({ "contactPhoneNumber": "0102", "status": "PENDING" }),
                vec!["C12", "C07"],
            ),
            (
                json!({ "agentId": sid("AG4"), "isSimulation": true }),
                vec!["C04", "C10"],
            ),
            (
                json!({ "taskId": sid("TASK1"), "status": "ARCHIVED" }),
                vec!["C05"],
            ),
            (
                json!({
                    "sessionId": sid("SES2"),
                    "assigneeId": sid("AG1"),
                    "lastMessageAt": { "to": iso(15) },
                }),
                vec!["C07"],
            ),
            (
                json!({ "status": "OPEN", "statusIn": ["CLOSED", "PENDING"] }),
                vec![],
            ),
        ],
    )
    .await;
}

async fn nested_and_or_not(app: &TestApp) {
    fx::load(app.conn()).await;
    check_filters(
        app,
        vec![
            (
                json!({ "or": [{ "status": "ARCHIVED" }, { "priority": "URGENT" }] }),
                vec!["C11", "C02", "C08", "C05"],
            ),
            (json!({ "or": [] }), vec![]),
            (json!({ "and": [] }), CONV_UPDATED_DESC.to_vec()),
            (json!({ "not": { "or": [] } }), CONV_UPDATED_DESC.to_vec()),
            (json!({ "not": { "and": [] } }), vec![]),
            (
                json!({ "and": [{ "channel": "EMAIL" }, { "not": { "status": "CLOSED" } }] }),
                vec!["C12", "C01", "C05"],
            ),
            (
                json!({ "not": { "or": [{ "channel": "PHONE" }, { "channel": "EMAIL" }] } }),
                vec!["C06", "C02", "C07", "C04", "C10"],
            ),
            (
                json!({
                    "status": "OPEN",
                    "or": [
                        { "and": [{ "channel": "CHAT" }, { "isSimulation": true }] },
                        { "contactEmail": "ALICE.SMITH@example.com" },
                    ],
                }),
                vec!["C01", "C10"],
            ),
            (
                json!({ "not": { "not": { "priority": "LOW" } } }),
                vec!["C03", "C10", "C05"],
            ),
            // C12 matches two members and still comes once.
            (
                json!({ "or": [
                    { "taskId": sid("TASK3") },
                    { "sessionId": sid("SES2") },
                    { "campaignId": sid("CAMP2") },
                ] }),
                vec!["C09", "C12", "C07", "C04", "C08"],
            ),
            (
                json!({
                    "channel": "WHATSAPP",
                    "or": [{ "sessionId": sid("SES2") }, { "priority": "URGENT" }],
                }),
                vec!["C02", "C07"],
            ),
            (
                json!({ "and": [
                    { "or": [{ "status": "OPEN" }, { "status": "PENDING" }] },
                    { "or": [{ "priority": "HIGH" }, { "priority": "URGENT" }] },
                ] }),
                vec!["C01", "C02", "C07", "C08"],
            ),
        ],
    )
    .await;
}

/// `not` negates: a row matches `not: X` exactly when it does not match X, also when X
/// tests a column that is null on the row.
async fn not_is_the_complement_also_for_null_columns(app: &TestApp) {
    fx::load(app.conn()).await;
    check_filters(
        app,
        vec![
            // C06 has no source.
            (
                json!({ "not": { "source": "WIDGET" } }),
                vec![
                    "C09", "C06", "C12", "C11", "C01", "C03", "C08", "C10", "C05",
                ],
            ),
            // C02, C08, C10, C05 are unassigned.
            (
                json!({ "not": { "assigneeId": sid("AG1") } }),
                vec!["C09", "C06", "C11", "C03", "C02", "C08", "C10", "C05"],
            ),
            // C05, C08, C10 have no responder.
            (
                json!({ "not": { "respondedBy": "AI" } }),
                vec!["C09", "C12", "C01", "C03", "C08", "C10", "C05"],
            ),
            // C04's contact has no phone, C08 has no contact.
            (
                json!({ "not": { "contactPhoneNumber": "0102" } }),
                vec!["C09", "C06", "C03", "C04", "C08", "C10"],
            ),
            // C03 and C10 have no lastMessageAt.
            (
                json!({ "not": { "lastMessageAt": { "from": iso(19) } } }),
                vec!["C01", "C03", "C02", "C07", "C04", "C08", "C10", "C05"],
            ),
            (
                json!({ "not": { "campaignId": sid("CAMP1") } }),
                vec![
                    "C06", "C12", "C11", "C01", "C07", "C04", "C08", "C10", "C05",
                ],
            ),
        ],
    )
    .await;
}

async fn another_company_sees_only_its_rows_for_the_same_filters(app: &TestApp) {
    fx::load(app.conn()).await;
    let beta = app.reader(BETA);
    let cases = vec![
        (json!({}), vec!["BX1", "BX2"]),
        (json!({ "campaignId": sid("CAMP1") }), vec!["BX1", "BX2"]),
        (json!({ "taskId": sid("TASK1") }), vec!["BX2"]),
        (json!({ "sessionId": sid("SES1") }), vec!["BX2"]),
        (json!({ "contactPhoneNumber": "0102" }), vec!["BX1", "BX2"]),
        (
            json!({ "contactEmail": "Alice.Smith@Example.com" }),
            vec!["BX1", "BX2"],
        ),
        (json!({ "unassigned": true }), vec!["BX2"]),
        (json!({ "isSimulation": true }), vec!["BX1"]),
        (json!({ "inboxId": sid("IB1") }), vec![]),
        (json!({ "assigneeId": sid("AG1") }), vec![]),
        (json!({ "contactId": sid("CT1") }), vec![]),
    ];
    for (filter, expected) in cases {
        let got = conversations(app, &beta, filter.clone()).await;
        assert_eq!(got, expected, "Beta, filter {filter}");
    }
    assert_eq!(
        contacts(app, &beta, json!({ "firstName": "alice" }), Value::Null).await,
        ["BC1"]
    );
    assert_eq!(
        calls(
            app,
            &beta,
            json!({ "campaignId": sid("CAMP1") }),
            Value::Null
        )
        .await,
        ["BCL1"]
    );
    let data = app
        .data(
            &beta,
            "{ agents { nodes { id } } inboxes { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(node_labels(&data["agents"]), ["BG1"]);
    assert_eq!(node_labels(&data["inboxes"]), ["BI1"]);
}

async fn a_malformed_id_in_a_filter_is_bad_user_input(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    for filter in [
        json!({ "inboxId": "nope" }),
        json!({ "contactId": "12345" }),
        json!({ "agentId": "" }),
        json!({ "assigneeId": "c0000000-0001" }),
        json!({ "campaignId": "not a uuid" }),
        json!({ "taskId": "x" }),
        json!({ "sessionId": "y" }),
        json!({ "or": [{ "status": "OPEN" }, { "contactId": "bad" }] }),
        json!({ "and": [{ "inboxId": "bad" }] }),
        json!({ "not": { "taskId": "bad" } }),
    ] {
        assert_error(
            app,
            &token,
            CONVERSATIONS,
            json!({ "filter": filter }),
            "BAD_USER_INPUT",
        )
        .await;
    }
    for filter in [
        json!({ "conversationId": "bad" }),
        json!({ "campaignId": "bad" }),
    ] {
        assert_error(
            app,
            &token,
            CALLS,
            json!({ "filter": filter }),
            "BAD_USER_INPUT",
        )
        .await;
    }
    assert_error(
        app,
        &token,
        r#"query ($id: ID!) {
          contact(id: $id) { conversations(filter: { sessionId: "zz" }) { totalCount } }
        }"#,
        json!({ "id": sid("CT1") }),
        "BAD_USER_INPUT",
    )
    .await;
    assert_error(
        app,
        &token,
        CONTACTS,
        json!({ "filter": { "phoneNumber": "abc" } }),
        "BAD_USER_INPUT",
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// Orderings
// ---------------------------------------------------------------------------------------

async fn conversations_in_every_order(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    for (field, direction, expected) in CONVERSATION_ORDERS {
        let data = app
            .data(
                &token,
                CONVERSATIONS,
                json!({ "orderBy": { "field": field, "direction": direction } }),
            )
            .await;
        assert_eq!(
            node_labels(&data["conversations"]),
            expected,
            "{field} {direction}"
        );
    }
    // Defaults: no orderBy, an empty one, and each half of it.
    let defaults = [
        (Value::Null, fx::CONV_UPDATED_DESC),
        (json!({}), fx::CONV_UPDATED_DESC),
        (json!({ "field": "PRIORITY" }), fx::CONV_PRIORITY_DESC),
        (json!({ "direction": "ASC" }), fx::CONV_UPDATED_ASC),
    ];
    for (order, expected) in defaults {
        let vars = omit_nulls(json!({ "orderBy": order }));
        let data = app.data(&token, CONVERSATIONS, vars).await;
        assert_eq!(node_labels(&data["conversations"]), expected, "{order}");
    }
    // An ordering applies to a filtered list: OPEN by rank LOW, MEDIUM, HIGH, URGENT
    // (C02 < C08 by id).
    let data = app
        .data(
            &token,
            CONVERSATIONS,
            json!({
                "filter": { "status": "OPEN" },
                "orderBy": { "field": "PRIORITY", "direction": "ASC" },
            }),
        )
        .await;
    assert_eq!(
        node_labels(&data["conversations"]),
        ["C10", "C06", "C01", "C02", "C08"]
    );
}

async fn contacts_in_every_order(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    for (field, direction, expected) in CONTACT_ORDERS {
        let got = contacts(
            app,
            &token,
            Value::Null,
            json!({ "field": field, "direction": direction }),
        )
        .await;
        assert_eq!(got, expected, "{field} {direction}");
    }
    assert_eq!(
        contacts(app, &token, Value::Null, Value::Null).await,
        CONTACTS_DEFAULT
    );
    assert_eq!(
        contacts(app, &token, Value::Null, json!({ "field": "FIRST_NAME" })).await,
        ["CT5", "CT6", "CT2", "CT1", "CT4", "CT3"]
    );
}

async fn calls_in_every_order(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    for (field, direction, expected) in CALL_ORDERS {
        let got = calls(
            app,
            &token,
            Value::Null,
            json!({ "field": field, "direction": direction }),
        )
        .await;
        assert_eq!(got, expected, "{field} {direction}");
    }
    assert_eq!(
        calls(app, &token, Value::Null, Value::Null).await,
        CALLS_DEFAULT
    );
    assert_eq!(
        calls(app, &token, Value::Null, json!({ "direction": "ASC" })).await,
        CALL_ORDERS[1].2
    );
}

async fn messages_and_conversation_calls_in_both_directions(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let messages = r#"
    query Messages($id: ID!, $orderBy: MessageOrder) {
      conversation(id: $id) { messages(orderBy: $orderBy) { totalCount nodes { id } } }
    }"#;
    let cases = [
        ("C01", Value::Null, vec!["M03", "M02", "M01"]),
        (
            "C01",
            json!({ "direction": "DESC" }),
            vec!["M03", "M02", "M01"],
        ),
        (
            "C01",
            json!({ "direction": "ASC" }),
            vec!["M01", "M02", "M03"],
        ),
        // M05 and M06 were sent at the same instant: the id breaks the tie.
        ("C02", Value::Null, vec!["M06", "M05", "M04"]),
        (
            "C02",
            json!({ "field": "SENT_AT", "direction": "ASC" }),
            vec!["M04", "M05", "M06"],
        ),
        ("C10", Value::Null, vec![]),
    ];
    for (conv, order, expected) in cases {
        let vars = omit_nulls(json!({ "id": sid(conv), "orderBy": order }));
        let data = app.data(&token, messages, vars).await;
        let list = &data["conversation"]["messages"];
        assert_eq!(node_labels(list), expected, "{conv} {order}");
        assert_eq!(list["totalCount"], expected.len(), "{conv} {order}");
    }

    let calls = r#"
    query Calls($id: ID!, $orderBy: CallOrder) {
      conversation(id: $id) { calls(orderBy: $orderBy) { totalCount nodes { id } } }
    }"#;
    let cases = [
        ("C03", Value::Null, vec!["CL2", "CL1"]),
        ("C03", json!({ "direction": "ASC" }), vec!["CL1", "CL2"]),
        // A null startedAt comes last in both directions.
        ("C11", Value::Null, vec!["CL4", "CL5"]),
        ("C11", json!({ "direction": "ASC" }), vec!["CL4", "CL5"]),
        ("C08", json!({ "direction": "ASC" }), vec!["CL6", "CL3"]),
        (
            "C08",
            json!({ "field": "CREATED_AT", "direction": "ASC" }),
            vec!["CL3", "CL6"],
        ),
        (
            "C11",
            json!({ "field": "CREATED_AT", "direction": "DESC" }),
            vec!["CL5", "CL4"],
        ),
        ("C01", Value::Null, vec![]),
    ];
    for (conv, order, expected) in cases {
        let vars = omit_nulls(json!({ "id": sid(conv), "orderBy": order }));
        let data = app.data(&token, calls, vars).await;
        let list = &data["conversation"]["calls"];
        assert_eq!(node_labels(list), expected, "{conv} {order}");
        assert_eq!(list["totalCount"], expected.len(), "{conv} {order}");
    }
}

async fn agents_and_inboxes_are_ordered_by_name_then_id(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let data = app
        .data(
            &token,
            r#"{
              all: agents { totalCount nodes { id } }
              humans: agents(kind: HUMAN) { totalCount nodes { id } }
              bots: agents(kind: AI) { totalCount nodes { id } }
              inboxes { totalCount nodes { id } }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(node_labels(&data["all"]), AGENTS_ORDER);
    assert_eq!(data["all"]["totalCount"], 5);
    assert_eq!(node_labels(&data["humans"]), ["AG1", "AG2", "AG5"]);
    assert_eq!(data["humans"]["totalCount"], 3);
    assert_eq!(node_labels(&data["bots"]), ["AG4", "AG3"]);
    assert_eq!(data["bots"]["totalCount"], 2);
    assert_eq!(node_labels(&data["inboxes"]), INBOXES_ORDER);
    assert_eq!(data["inboxes"]["totalCount"], 5);
}

// ---------------------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------------------

async fn conversations_page_both_ways_in_every_order(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    for (field, direction, expected) in CONVERSATION_ORDERS {
        walk(
            app,
            &token,
            WALK_CONVERSATIONS,
            json!({ "orderBy": { "field": field, "direction": direction } }),
            &["conversations"],
            &expected,
        )
        .await;
    }
    walk(
        app,
        &token,
        WALK_CONVERSATIONS,
        json!({}),
        &["conversations"],
        &CONV_UPDATED_DESC,
    )
    .await;
}

async fn filtered_lists_page_with_their_own_total(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    walk(
        app,
        &token,
        WALK_CONVERSATIONS,
        json!({ "filter": { "status": "OPEN" } }),
        &["conversations"],
        &["C06", "C01", "C02", "C08", "C10"],
    )
    .await;
    walk(
        app,
        &token,
        WALK_CONVERSATIONS,
        json!({
            "filter": { "or": [{ "status": "ARCHIVED" }, { "priority": "URGENT" }] },
            "orderBy": { "field": "LAST_MESSAGE_AT", "direction": "ASC" },
        }),
        &["conversations"],
        // C05 4, C08 8, C02 14, C11 21.
        &["C05", "C08", "C02", "C11"],
    )
    .await;
    // One page of a filtered list still counts the whole filtered list.
    let data = app
        .data(
            &token,
            CONVERSATIONS_PAGE,
            json!({ "filter": { "status": "OPEN" }, "first": 2 }),
        )
        .await;
    let list = &data["conversations"];
    assert_eq!(list["totalCount"], 5);
    assert_eq!(node_labels(list), ["C06", "C01"]);
    assert_eq!(list["pageInfo"]["hasNextPage"], true);
    assert_eq!(list["pageInfo"]["hasPreviousPage"], false);
}

async fn other_connections_page_both_ways(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    for (field, direction, expected) in CONTACT_ORDERS {
        walk(
            app,
            &token,
            WALK_CONTACTS,
            json!({ "orderBy": { "field": field, "direction": direction } }),
            &["contacts"],
            &expected,
        )
        .await;
    }
    for (field, direction, expected) in CALL_ORDERS {
        walk(
            app,
            &token,
            WALK_CALLS,
            json!({ "orderBy": { "field": field, "direction": direction } }),
            &["calls"],
            &expected,
        )
        .await;
    }
    walk(
        app,
        &token,
        WALK_AGENTS,
        json!({}),
        &["agents"],
        &AGENTS_ORDER,
    )
    .await;
    walk(
        app,
        &token,
        WALK_AGENTS,
        json!({ "kind": "HUMAN" }),
        &["agents"],
        &["AG1", "AG2", "AG5"],
    )
    .await;
    walk(
        app,
        &token,
        WALK_INBOXES,
        json!({}),
        &["inboxes"],
        &INBOXES_ORDER,
    )
    .await;
    let message_cases = [
        ("C01", "DESC", vec!["M03", "M02", "M01"]),
        ("C01", "ASC", vec!["M01", "M02", "M03"]),
        ("C02", "DESC", vec!["M06", "M05", "M04"]),
        ("C02", "ASC", vec!["M04", "M05", "M06"]),
    ];
    for (conv, direction, expected) in message_cases {
        walk(
            app,
            &token,
            WALK_MESSAGES,
            json!({ "id": sid(conv), "orderBy": { "field": "SENT_AT", "direction": direction } }),
            &["conversation", "messages"],
            &expected,
        )
        .await;
    }
    walk(
        app,
        &token,
        WALK_CONVERSATION_CALLS,
        json!({ "id": sid("C08"), "orderBy": { "field": "STARTED_AT", "direction": "DESC" } }),
        &["conversation", "calls"],
        &["CL6", "CL3"],
    )
    .await;
    walk(
        app,
        &token,
        WALK_CONTACT_CONVERSATIONS,
        json!({ "id": sid("CT2"), "orderBy": { "field": "LAST_MESSAGE_AT", "direction": "ASC" } }),
        &["contact", "conversations"],
        &["C07", "C02", "C12"],
    )
    .await;
    walk(
        app,
        &token,
        WALK_INBOX_CONVERSATIONS,
        json!({ "id": sid("IB1") }),
        &["inbox", "conversations"],
        &["C09", "C12", "C01", "C05"],
    )
    .await;
}

async fn a_cursor_from_another_ordering_or_list_is_rejected(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let cursor_of = |data: &Value, path: &[&str]| at(data, path)["pageInfo"]["endCursor"].clone();

    let data = app
        .data(
            &token,
            WALK_CONVERSATIONS,
            json!({ "first": 2, "orderBy": { "field": "UPDATED_AT", "direction": "DESC" } }),
        )
        .await;
    let updated_desc = cursor_of(&data, &["conversations"]);
    // The same ordering spelled as the default accepts it: C09, C06 | C12, C11.
    let data = app
        .data(
            &token,
            WALK_CONVERSATIONS,
            json!({ "first": 2, "after": updated_desc }),
        )
        .await;
    assert_eq!(edge_labels(&data["conversations"]), ["C12", "C11"]);
    for order in [
        json!({ "field": "UPDATED_AT", "direction": "ASC" }),
        json!({ "field": "CREATED_AT", "direction": "DESC" }),
        json!({ "field": "LAST_MESSAGE_AT", "direction": "DESC" }),
        json!({ "field": "PRIORITY", "direction": "DESC" }),
    ] {
        for (arg, size) in [("after", "first"), ("before", "last")] {
            let mut vars = json!({ "orderBy": order });
            vars[arg] = updated_desc.clone();
            vars[size] = json!(2);
            assert_error(app, &token, WALK_CONVERSATIONS, vars, "BAD_USER_INPUT").await;
        }
    }

    // A contact cursor is not a conversation cursor, nor an agent one.
    let data = app.data(&token, WALK_CONTACTS, json!({ "first": 2 })).await;
    let contact_cursor = cursor_of(&data, &["contacts"]);
    assert_error(
        app,
        &token,
        WALK_CONVERSATIONS,
        json!({ "first": 2, "after": contact_cursor }),
        "BAD_USER_INPUT",
    )
    .await;
    assert_error(
        app,
        &token,
        WALK_AGENTS,
        json!({ "last": 2, "before": contact_cursor }),
        "BAD_USER_INPUT",
    )
    .await;
    // A conversation cursor is not an inbox cursor.
    assert_error(
        app,
        &token,
        WALK_INBOXES,
        json!({ "first": 2, "after": updated_desc }),
        "BAD_USER_INPUT",
    )
    .await;

    // Calls: STARTED_AT DESC cursor used with CREATED_AT DESC and with STARTED_AT ASC.
    let data = app.data(&token, WALK_CALLS, json!({ "first": 3 })).await;
    let call_cursor = cursor_of(&data, &["calls"]);
    for order in [
        json!({ "field": "CREATED_AT", "direction": "DESC" }),
        json!({ "field": "STARTED_AT", "direction": "ASC" }),
    ] {
        assert_error(
            app,
            &token,
            WALK_CALLS,
            json!({ "last": 2, "before": call_cursor, "orderBy": order }),
            "BAD_USER_INPUT",
        )
        .await;
    }

    // Messages: a DESC cursor used ASC.
    let data = app
        .data(
            &token,
            WALK_MESSAGES,
            json!({ "id": sid("C01"), "first": 1 }),
        )
        .await;
    let message_cursor = cursor_of(&data, &["conversation", "messages"]);
    assert_error(
        app,
        &token,
        WALK_MESSAGES,
        json!({
            "id": sid("C01"),
            "first": 1,
            "after": message_cursor,
            "orderBy": { "field": "SENT_AT", "direction": "ASC" },
        }),
        "BAD_USER_INPUT",
    )
    .await;

    // Contacts: CREATED_AT DESC cursor used with NAME DESC; garbage.
    assert_error(
        app,
        &token,
        WALK_CONTACTS,
        json!({ "first": 2, "after": contact_cursor, "orderBy": { "field": "FIRST_NAME" } }),
        "BAD_USER_INPUT",
    )
    .await;
    assert_error(
        app,
        &token,
        WALK_CONTACTS,
        json!({ "first": 2, "after": "not a cursor" }),
        "BAD_USER_INPUT",
    )
    .await;
}

async fn a_page_size_above_100_is_rejected_on_every_connection(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let cases = [
        (WALK_CONVERSATIONS, json!({ "first": 101 })),
        (WALK_CONVERSATIONS, json!({ "last": 101 })),
        (WALK_CONTACTS, json!({ "first": 101 })),
        (WALK_CALLS, json!({ "last": 101 })),
        (WALK_AGENTS, json!({ "first": 101 })),
        (WALK_INBOXES, json!({ "last": 101 })),
        (WALK_MESSAGES, json!({ "id": sid("C01"), "first": 101 })),
        (
            WALK_CONVERSATION_CALLS,
            json!({ "id": sid("C03"), "last": 101 }),
        ),
        (
            WALK_CONTACT_CONVERSATIONS,
            json!({ "id": sid("CT1"), "first": 101 }),
        ),
        (
            WALK_INBOX_CONVERSATIONS,
            json!({ "id": sid("IB1"), "first": 101 }),
        ),
    ];
    for (query, vars) in cases {
        let body = assert_error(app, &token, query, vars.clone(), "BAD_USER_INPUT").await;
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("100"), "{vars}: {message}");
    }
    // 100 itself is fine.
    let data = app
        .data(&token, WALK_CONVERSATIONS, json!({ "first": 100 }))
        .await;
    assert_eq!(edge_labels(&data["conversations"]), CONV_UPDATED_DESC);
    let data = app
        .data(&token, WALK_CONTACTS, json!({ "last": 100 }))
        .await;
    assert_eq!(edge_labels(&data["contacts"]), CONTACTS_DEFAULT);
}

// ---------------------------------------------------------------------------------------
// Lookups
// ---------------------------------------------------------------------------------------

const CONVERSATION_FIELDS: &str = r#"
query Conversation($id: ID!) {
  conversation(id: $id) {
    id subject status priority channel source isSimulation respondedBy isChatOpened
    campaign { id } listing { id } startedAt lastMessageAt createdAt updatedAt
  }
}"#;

async fn conversation_lookup_returns_every_field(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let expected = [
        json!({
            "id": sid("C02"),
            "subject": "WhatsApp enquiry",
            "status": "OPEN",
            "priority": "URGENT",
            "channel": "WHATSAPP",
            "source": "WIDGET",
            "isSimulation": false,
            "respondedBy": "AI",
            "isChatOpened": true,
            "campaign": { "id": sid("CAMP1") },
            "listing": { "id": sid("LIST1") },
            "startedAt": "2026-03-01T09:00:00.000000Z",
            "lastMessageAt": "2026-03-01T23:00:00.000000Z",
            "createdAt": "2026-03-01T09:00:00.000000Z",
            "updatedAt": "2026-03-02T00:00:00.000000Z",
        }),
        json!({
            "id": sid("C04"),
            "subject": "Pricing question",
            "status": "CLOSED",
            "priority": "MEDIUM",
            "channel": "CHAT",
            "source": "WIDGET",
            "isSimulation": true,
            "respondedBy": "AI",
            "isChatOpened": true,
            "campaign": { "id": sid("CAMP2") },
            "listing": null,
            "startedAt": "2026-03-01T14:00:00.000000Z",
            "lastMessageAt": "2026-03-01T20:00:00.000000Z",
            "createdAt": "2026-03-01T14:00:00.000000Z",
            "updatedAt": "2026-03-01T21:00:00.000000Z",
        }),
        json!({
            "id": sid("C05"),
            "subject": "Old refund",
            "status": "ARCHIVED",
            "priority": "LOW",
            "channel": "EMAIL",
            "source": "API",
            "isSimulation": false,
            "respondedBy": null,
            "isChatOpened": false,
            "campaign": null,
            "listing": null,
            "startedAt": null,
            "lastMessageAt": "2026-03-01T13:00:00.000000Z",
            "createdAt": "2026-02-27T09:00:00.000000Z",
            "updatedAt": "2026-03-01T14:00:00.000000Z",
        }),
        // C08's campaign comes only from its call: its own campaignId stays null.
        json!({
            "id": sid("C08"),
            "subject": null,
            "status": "OPEN",
            "priority": "URGENT",
            "channel": "PHONE",
            "source": "PHONE",
            "isSimulation": true,
            "respondedBy": null,
            "isChatOpened": false,
            "campaign": null,
            "listing": null,
            "startedAt": "2026-03-01T16:00:00.000000Z",
            "lastMessageAt": "2026-03-01T17:00:00.000000Z",
            "createdAt": "2026-03-01T16:00:00.000000Z",
            "updatedAt": "2026-03-01T18:00:00.000000Z",
        }),
        json!({
            "id": sid("C06"),
            "subject": "Text message",
            "status": "OPEN",
            "priority": "MEDIUM",
            "channel": "SMS",
            "source": null,
            "isSimulation": false,
            "respondedBy": "AI",
            "isChatOpened": false,
            "campaign": null,
            "listing": null,
            "startedAt": "2026-03-01T13:00:00.000000Z",
            "lastMessageAt": "2026-03-02T09:00:00.000000Z",
            "createdAt": "2026-03-01T13:00:00.000000Z",
            "updatedAt": "2026-03-02T10:00:00.000000Z",
        }),
    ];
    for want in expected {
        let data = app
            .data(&token, CONVERSATION_FIELDS, json!({ "id": want["id"] }))
            .await;
        assert_eq!(data["conversation"], want);
    }
}

async fn contact_inbox_message_call_and_agent_lookups_return_their_fields(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let contact = r#"query ($id: ID!) {
      contact(id: $id) { id firstName lastName fullName phoneNumber email createdAt updatedAt }
    }"#;
    let data = app.data(&token, contact, json!({ "id": sid("CT1") })).await;
    assert_eq!(
        data["contact"],
        json!({
            "id": sid("CT1"),
            "firstName": "Alice",
            "lastName": "Smith",
            "fullName": "Alice Smith",
            "phoneNumber": "+1 (555) 010-2000",
            "email": "Alice.Smith@Example.com",
            "createdAt": "2026-02-25T09:00:00.000000Z",
            "updatedAt": "2026-03-01T14:00:00.000000Z",
        })
    );
    let data = app.data(&token, contact, json!({ "id": sid("CT4") })).await;
    assert_eq!(
        data["contact"],
        json!({
            "id": sid("CT4"),
            "firstName": null,
            "lastName": null,
            "fullName": null,
            "phoneNumber": null,
            "email": "anon@example.com",
            "createdAt": "2026-02-24T09:00:00.000000Z",
            "updatedAt": "2026-03-01T11:00:00.000000Z",
        })
    );

    let inbox = r#"query ($id: ID!) {
      inbox(id: $id) { id name channel phoneNumber email createdAt updatedAt }
    }"#;
    let data = app.data(&token, inbox, json!({ "id": sid("IB2") })).await;
    assert_eq!(
        data["inbox"],
        json!({
            "id": sid("IB2"),
            "name": "Sales WhatsApp",
            "channel": "WHATSAPP",
            "phoneNumber": "+1 555 010 9999",
            "email": null,
            "createdAt": "2026-01-12T08:00:00.000000Z",
            "updatedAt": "2026-02-12T08:00:00.000000Z",
        })
    );
    let data = app.data(&token, inbox, json!({ "id": sid("IB1") })).await;
    assert_eq!(
        data["inbox"],
        json!({
            "id": sid("IB1"),
            "name": "Support Email",
            "channel": "EMAIL",
            "phoneNumber": null,
            "email": "support@alpha.example",
            "createdAt": "2026-01-11T08:00:00.000000Z",
            "updatedAt": "2026-02-11T08:00:00.000000Z",
        })
    );

    let message = r#"query ($id: ID!) {
      message(id: $id) { id direction content channel metadata sentAt createdAt updatedAt }
    }"#;
    let data = app.data(&token, message, json!({ "id": sid("M07") })).await;
    assert_eq!(
        data["message"],
        json!({
            "id": sid("M07"),
            "direction": "INBOUND",
            "content": "How much is the premium plan?",
            "channel": "CHAT",
            "metadata": {
                "page": "/pricing",
                "utm": { "source": "ads", "tags": ["spring", 2026] },
                "rating": 4.5,
                "bot": true,
                "note": null,
            },
            "sentAt": "2026-03-01T20:00:00.000000Z",
            "createdAt": "2026-03-01T20:01:00.000000Z",
            "updatedAt": "2026-03-01T20:02:00.000000Z",
        })
    );
    let data = app.data(&token, message, json!({ "id": sid("M08") })).await;
    assert_eq!(
        data["message"],
        json!({
            "id": sid("M08"),
            "direction": "INBOUND",
            "content": "Refund please",
            // M08 was stored without a channel: its conversation C05's (EMAIL) is its channel.
            "channel": "EMAIL",
            "metadata": null,
            "sentAt": "2026-03-01T13:00:00.000000Z",
            "createdAt": "2026-03-01T13:01:00.000000Z",
            "updatedAt": "2026-03-01T13:02:00.000000Z",
        })
    );

    let call = r#"query ($id: ID!) {
      call(id: $id) {
        id direction status durationSeconds recordingUrl handledBy summary campaign { id }
        startedAt createdAt updatedAt
      }
    }"#;
    let data = app.data(&token, call, json!({ "id": sid("CL1") })).await;
    assert_eq!(
        data["call"],
        json!({
            "id": sid("CL1"),
            "direction": "INBOUND",
            "status": "COMPLETED",
            "durationSeconds": 300,
            "recordingUrl": "https://rec.example/cl1.mp3",
            "handledBy": "HUMAN",
            "summary": "Asked about an invoice",
            "campaign": { "id": sid("CAMP1") },
            "startedAt": "2026-03-01T12:00:00.000000Z",
            "createdAt": "2026-03-02T01:00:00.000000Z",
            "updatedAt": "2026-03-02T01:30:00.000000Z",
        })
    );
    let data = app.data(&token, call, json!({ "id": sid("CL3") })).await;
    assert_eq!(
        data["call"],
        json!({
            "id": sid("CL3"),
            "direction": "INBOUND",
            "status": "QUEUED",
            "durationSeconds": null,
            "recordingUrl": null,
            "handledBy": null,
            "summary": null,
            "campaign": { "id": sid("CAMP2") },
            "startedAt": null,
            "createdAt": "2026-03-01T16:00:00.000000Z",
            "updatedAt": "2026-03-01T16:30:00.000000Z",
        })
    );
    let data = app.data(&token, call, json!({ "id": sid("CL6") })).await;
    assert_eq!(data["call"]["status"], "BUSY");
    assert_eq!(data["call"]["durationSeconds"], 0);

    let agent = r#"query ($id: ID!) {
      agent(id: $id) { id name email kind createdAt updatedAt }
    }"#;
    let data = app.data(&token, agent, json!({ "id": sid("AG3") })).await;
    assert_eq!(
        data["agent"],
        json!({
            "id": sid("AG3"),
            "name": "Zeta Bot",
            "email": null,
            "kind": "AI",
            "createdAt": "2026-01-03T08:00:00.000000Z",
            "updatedAt": "2026-02-03T08:00:00.000000Z",
        })
    );
    let data = app.data(&token, agent, json!({ "id": sid("AG1") })).await;
    assert_eq!(
        data["agent"],
        json!({
            "id": sid("AG1"),
            "name": "Ada",
            "email": "ada@alpha.example",
            "kind": "HUMAN",
            "createdAt": "2026-01-01T08:00:00.000000Z",
            "updatedAt": "2026-02-01T08:00:00.000000Z",
        })
    );
}

async fn lookups_of_foreign_unknown_or_malformed_ids_are_null(app: &TestApp) {
    fx::load(app.conn()).await;
    let alpha = app.reader(ALPHA);
    let beta = app.reader(BETA);
    // (root field, an Alpha row, the Beta row of that type, an unknown id of that type,
    // a row of another type)
    let cases = [
        ("conversation", "C01", "BX1", "C99", "CT1"),
        ("contact", "CT1", "BC1", "CT9", "C01"),
        ("inbox", "IB1", "BI1", "IB9", "AG1"),
        ("message", "M01", "BM1", "M99", "CL1"),
        ("call", "CL1", "BCL1", "CL9", "M01"),
        ("agent", "AG1", "BG1", "AG9", "IB1"),
    ];
    for (field, own, foreign, unknown, other_type) in cases {
        let query = format!("query Lookup($id: ID!) {{ {field}(id: $id) {{ id }} }}");
        let data = app.data(&alpha, &query, json!({ "id": sid(own) })).await;
        assert_eq!(data[field]["id"], sid(own), "{field}({own})");
        for id in [
            sid(foreign),
            sid(unknown),
            sid(other_type),
            "not-a-uuid".to_owned(),
            String::new(),
        ] {
            let data = app.data(&alpha, &query, json!({ "id": id })).await;
            assert_eq!(data[field], Value::Null, "{field}({id}) for Alpha");
        }
        // Beta sees its own row, and not Alpha's.
        let data = app.data(&beta, &query, json!({ "id": sid(foreign) })).await;
        assert_eq!(
            data[field]["id"],
            sid(foreign),
            "{field}({foreign}) for Beta"
        );
        let data = app.data(&beta, &query, json!({ "id": sid(own) })).await;
        assert_eq!(data[field], Value::Null, "{field}({own}) for Beta");
    }
}

const NODE: &str = r#"
query Node($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Conversation { subject }
    ... on Contact { fullName }
    ... on Inbox { name }
    ... on Message { content }
    ... on Call { status }
    ... on Agent { name kind }
  }
}"#;

async fn node_resolves_each_type(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let cases = [
        json!({ "__typename": "Conversation", "id": sid("C04"), "subject": "Pricing question" }),
        json!({ "__typename": "Contact", "id": sid("CT1"), "fullName": "Alice Smith" }),
        json!({ "__typename": "Inbox", "id": sid("IB3"), "name": "Phone Line" }),
        json!({ "__typename": "Message", "id": sid("M07"), "content": "How much is the premium plan?" }),
        json!({ "__typename": "Call", "id": sid("CL4"), "status": "COMPLETED" }),
        json!({ "__typename": "Agent", "id": sid("AG4"), "name": "Ava Bot", "kind": "AI" }),
    ];
    for want in cases {
        let data = app.data(&token, NODE, json!({ "id": want["id"] })).await;
        assert_eq!(data["node"], want);
    }
    for id in [
        sid("BX1"),
        sid("BC1"),
        sid("BI1"),
        sid("BM1"),
        sid("BCL1"),
        sid("BG1"),
        sid("C99"),
        sid("TASK1"),
        ALPHA.to_string(),
        "not-a-uuid".to_owned(),
    ] {
        let data = app.data(&token, NODE, json!({ "id": id })).await;
        assert_eq!(data["node"], Value::Null, "node({})", label_of(&id));
    }
}

async fn nodes_keeps_order_and_nulls_missing_or_foreign_ids(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let query = r#"query Nodes($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"#;
    let ids = [
        sid("M07"),
        sid("C99"),
        sid("CT1"),
        sid("BX1"),
        sid("IB2"),
        "not-a-uuid".to_owned(),
        sid("CL1"),
        sid("AG3"),
        sid("C01"),
        sid("C01"),
    ];
    let data = app.data(&token, query, json!({ "ids": ids })).await;
    assert_eq!(
        data["nodes"],
        json!([
            { "__typename": "Message", "id": sid("M07") },
            null,
            { "__typename": "Contact", "id": sid("CT1") },
            null,
            { "__typename": "Inbox", "id": sid("IB2") },
            null,
            { "__typename": "Call", "id": sid("CL1") },
            { "__typename": "Agent", "id": sid("AG3") },
            { "__typename": "Conversation", "id": sid("C01") },
            { "__typename": "Conversation", "id": sid("C01") },
        ])
    );
    let data = app.data(&token, query, json!({ "ids": [] })).await;
    assert_eq!(data["nodes"], json!([]));

    // At most 100 ids.
    let mut hundred = vec![sid("C01")];
    hundred.extend((1..100).map(|n| sid(&format!("C{}", 100 + n))));
    let data = app.data(&token, query, json!({ "ids": hundred })).await;
    let got = data["nodes"].as_array().unwrap();
    assert_eq!(got.len(), 100);
    assert_eq!(got[0]["id"], sid("C01"));
    assert!(got[1..].iter().all(Value::is_null));
    hundred.push(sid("C02"));
    assert_error(
        app,
        &token,
        query,
        json!({ "ids": hundred }),
        "BAD_USER_INPUT",
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// Relations
// ---------------------------------------------------------------------------------------

const RELATIONS: &str = r#"
query Relations($first: Int) {
  conversations(first: $first) {
    nodes {
      id
      contact { id fullName }
      inbox { id name }
      agent { id name kind }
      assignee { id name kind }
      seenBy { id name }
      lastMessage { id content }
      latestCall { id status }
      tasks { id }
      sessions { id }
      messages { totalCount nodes { id } }
      calls { totalCount nodes { id } }
    }
  }
}"#;

const ONE_RELATIONS: &str = r#"
query Relations($id: ID!) {
  conversation(id: $id) {
    id
    contact { id fullName }
    inbox { id name }
    agent { id name kind }
    assignee { id name kind }
    seenBy { id name }
    lastMessage { id content }
    latestCall { id status }
    tasks { id }
    sessions { id }
    messages { totalCount nodes { id } }
    calls { totalCount nodes { id } }
  }
}"#;

/// The expected relations of conversation `label`, read off the fixture tables.
fn relations_of(label: &str) -> Value {
    let ada = json!({ "id": sid("AG1"), "name": "Ada", "kind": "HUMAN" });
    let ben = json!({ "id": sid("AG2"), "name": "Ben", "kind": "HUMAN" });
    let zeta = json!({ "id": sid("AG3"), "name": "Zeta Bot", "kind": "AI" });
    let ava = json!({ "id": sid("AG4"), "name": "Ava Bot", "kind": "AI" });
    let seen_ada = json!({ "id": sid("AG1"), "name": "Ada" });
    let seen_ben = json!({ "id": sid("AG2"), "name": "Ben" });
    let contact = |l: &str, full: Value| json!({ "id": sid(l), "fullName": full });
    let inbox = |l: &str, name: &str| json!({ "id": sid(l), "name": name });
    let message = |l: &str, content: &str| json!({ "id": sid(l), "content": content });
    let call = |l: &str, status: &str| json!({ "id": sid(l), "status": status });
    let conn = |labels: &[&str]| {
        json!({
            "totalCount": labels.len(),
            "nodes": labels.iter().map(|l| json!({ "id": sid(l) })).collect::<Vec<_>>(),
        })
    };
    let (contact, inbox, agent, assignee, seen_by, last, call, tasks, sessions, messages, calls) =
        match label {
            "C01" => (
                contact("CT1", json!("Alice Smith")),
                inbox("IB1", "Support Email"),
                Value::Null,
                ada.clone(),
                seen_ada.clone(),
                message("M03", "Thanks!"),
                Value::Null,
                ids(&["TASK1"]),
                ids(&[]),
                conn(&["M03", "M02", "M01"]),
                conn(&[]),
            ),
            "C02" => (
                contact("CT2", json!("Bob")),
                inbox("IB2", "Sales WhatsApp"),
                zeta.clone(),
                Value::Null,
                Value::Null,
                // M05 and M06 share sentAt: the larger id wins.
                message("M06", "Great"),
                Value::Null,
                ids(&[]),
                ids(&["SES1"]),
                conn(&["M06", "M05", "M04"]),
                conn(&[]),
            ),
            "C03" => (
                contact("CT3", json!("Jones")),
                inbox("IB3", "Phone Line"),
                Value::Null,
                ben.clone(),
                seen_ada.clone(),
                Value::Null,
                call("CL2", "NO_ANSWER"),
                ids(&[]),
                ids(&[]),
                conn(&[]),
                conn(&["CL2", "CL1"]),
            ),
            "C04" => (
                contact("CT4", Value::Null),
                inbox("IB4", "Website Chat"),
                ava.clone(),
                ada.clone(),
                seen_ben.clone(),
                message("M07", "How much is the premium plan?"),
                Value::Null,
                ids(&[]),
                ids(&[]),
                conn(&["M07"]),
                conn(&[]),
            ),
            "C05" => (
                contact("CT1", json!("Alice Smith")),
                inbox("IB1", "Support Email"),
                Value::Null,
                Value::Null,
                Value::Null,
                message("M08", "Refund please"),
                Value::Null,
                // Inserted TASK2 first; listed sorted.
                ids(&["TASK1", "TASK2"]),
                ids(&[]),
                conn(&["M08"]),
                conn(&[]),
            ),
            "C06" => (
                contact("CT5", json!("Malik Brown")),
                inbox("IB3", "Phone Line"),
                zeta.clone(),
                ben.clone(),
                seen_ben.clone(),
                message("M10", "Sure, when suits you?"),
                Value::Null,
                ids(&[]),
                ids(&[]),
                conn(&["M10", "M09"]),
                conn(&[]),
            ),
            "C07" => (
                contact("CT2", json!("Bob")),
                inbox("IB2", "Sales WhatsApp"),
                zeta.clone(),
                ada.clone(),
                Value::Null,
                message("M11", "I'd like a viewing"),
                Value::Null,
                ids(&[]),
                // Inserted SES2 first; listed sorted.
                ids(&["SES1", "SES2"]),
                conn(&["M11"]),
                conn(&[]),
            ),
            "C08" => (
                Value::Null,
                inbox("IB3", "Phone Line"),
                Value::Null,
                Value::Null,
                seen_ada.clone(),
                message("M15", "Voicemail: please call back"),
                // CL3 has no startedAt, so CL6 is the latest.
                call("CL6", "BUSY"),
                ids(&[]),
                ids(&[]),
                conn(&["M15"]),
                conn(&["CL6", "CL3"]),
            ),
            "C09" => (
                contact("CT3", json!("Jones")),
                inbox("IB1", "Support Email"),
                Value::Null,
                ben.clone(),
                Value::Null,
                message("M12", "This is unacceptable"),
                call("CL7", "COMPLETED"),
                ids(&["TASK3"]),
                ids(&[]),
                conn(&["M12"]),
                conn(&["CL7"]),
            ),
            "C10" => (
                contact("CT5", json!("Malik Brown")),
                inbox("IB4", "Website Chat"),
                ava.clone(),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                ids(&[]),
                ids(&[]),
                conn(&[]),
                conn(&[]),
            ),
            "C11" => (
                contact("CT1", json!("Alice Smith")),
                inbox("IB3", "Phone Line"),
                ava.clone(),
                ben.clone(),
                seen_ada.clone(),
                message("M13", "Call transcript: viewing booked"),
                // CL5 has no startedAt, so CL4 is the latest.
                call("CL4", "COMPLETED"),
                ids(&[]),
                ids(&[]),
                conn(&["M13"]),
                conn(&["CL4", "CL5"]),
            ),
            "C12" => (
                contact("CT2", json!("Bob")),
                inbox("IB1", "Support Email"),
                Value::Null,
                ada.clone(),
                seen_ada.clone(),
                message("M14", "Just following up"),
                Value::Null,
                ids(&[]),
                ids(&["SES2"]),
                conn(&["M14"]),
                conn(&[]),
            ),
            other => panic!("no relations written for {other}"),
        };
    json!({
        "id": sid(label),
        "contact": contact,
        "inbox": inbox,
        "agent": agent,
        "assignee": assignee,
        "seenBy": seen_by,
        "lastMessage": last,
        "latestCall": call,
        "tasks": refs(&tasks),
        "sessions": refs(&sessions),
        "messages": messages,
        "calls": calls,
    })
}

async fn conversation_relations(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    // One by one.
    for label in ["C02", "C03", "C05", "C07", "C08", "C10", "C11"] {
        let data = app
            .data(&token, ONE_RELATIONS, json!({ "id": sid(label) }))
            .await;
        assert_eq!(data["conversation"], relations_of(label), "{label}");
    }
    // All at once, in the default order.
    let data = app.data(&token, RELATIONS, json!({ "first": 100 })).await;
    let nodes = data["conversations"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), CONV_UPDATED_DESC.len());
    for (node, label) in nodes.iter().zip(CONV_UPDATED_DESC) {
        assert_eq!(node, &relations_of(label), "{label}");
    }
}

async fn message_and_call_relations(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let message = r#"query ($id: ID!) {
      message(id: $id) { id conversation { id subject } contact { id fullName email } }
    }"#;
    let cases = [
        (
            "M07",
            json!({ "id": sid("C04"), "subject": "Pricing question" }),
            json!({ "id": sid("CT4"), "fullName": null, "email": "anon@example.com" }),
        ),
        (
            "M01",
            json!({ "id": sid("C01"), "subject": "Refund request" }),
            json!({ "id": sid("CT1"), "fullName": "Alice Smith", "email": "Alice.Smith@Example.com" }),
        ),
        (
            "M13",
            json!({ "id": sid("C11"), "subject": "Booking call" }),
            json!({ "id": sid("CT1"), "fullName": "Alice Smith", "email": "Alice.Smith@Example.com" }),
        ),
        // C08 has no subject and no contact.
        (
            "M15",
            json!({ "id": sid("C08"), "subject": null }),
            Value::Null,
        ),
    ];
    for (label, conversation, contact) in cases {
        let data = app.data(&token, message, json!({ "id": sid(label) })).await;
        assert_eq!(
            data["message"],
            json!({ "id": sid(label), "conversation": conversation, "contact": contact }),
            "{label}"
        );
    }

    let call = r#"query ($id: ID!) {
      call(id: $id) { id conversation { id subject contact { id } } }
    }"#;
    let cases = [
        (
            "CL1",
            json!({ "id": sid("C03"), "subject": "Invoice call", "contact": { "id": sid("CT3") } }),
        ),
        (
            "CL6",
            json!({ "id": sid("C08"), "subject": null, "contact": null }),
        ),
        (
            "CL4",
            json!({ "id": sid("C11"), "subject": "Booking call", "contact": { "id": sid("CT1") } }),
        ),
    ];
    for (label, conversation) in cases {
        let data = app.data(&token, call, json!({ "id": sid(label) })).await;
        assert_eq!(
            data["call"],
            json!({ "id": sid(label), "conversation": conversation }),
            "{label}"
        );
    }

    // Every call with its conversation, in the default order.
    let data = app
        .data(
            &token,
            "{ calls { nodes { id conversation { id } } } }",
            json!({}),
        )
        .await;
    let pairs: Vec<(String, String)> = data["calls"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                label_of(n["id"].as_str().unwrap()),
                label_of(n["conversation"]["id"].as_str().unwrap()),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("CL7", "C09"),
        ("CL4", "C11"),
        ("CL2", "C03"),
        ("CL6", "C08"),
        ("CL1", "C03"),
        ("CL5", "C11"),
        ("CL3", "C08"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(pairs, expected);

    // Messages reach their conversation's contact through a list as well.
    let data = app
        .data(
            &token,
            r#"query ($id: ID!) {
              conversation(id: $id) { messages { nodes { id conversation { id } contact { id } } } }
            }"#,
            json!({ "id": sid("C02") }),
        )
        .await;
    assert_eq!(
        data["conversation"]["messages"]["nodes"],
        json!([
            { "id": sid("M06"), "conversation": { "id": sid("C02") }, "contact": { "id": sid("CT2") } },
            { "id": sid("M05"), "conversation": { "id": sid("C02") }, "contact": { "id": sid("CT2") } },
            { "id": sid("M04"), "conversation": { "id": sid("C02") }, "contact": { "id": sid("CT2") } },
        ])
    );
}

async fn contact_full_name_in_all_four_cases(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let data = app
        .data(
            &token,
            r#"{
              contacts(orderBy: { field: FIRST_NAME, direction: ASC }) {
                nodes { id firstName lastName fullName }
              }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["contacts"]["nodes"],
        json!([
            { "id": sid("CT1"), "firstName": "Alice", "lastName": "Smith", "fullName": "Alice Smith" },
            { "id": sid("CT2"), "firstName": "Bob", "lastName": null, "fullName": "Bob" },
            { "id": sid("CT6"), "firstName": "Bob", "lastName": "Stone", "fullName": "Bob Stone" },
            { "id": sid("CT5"), "firstName": "Malik", "lastName": "Brown", "fullName": "Malik Brown" },
            { "id": sid("CT3"), "firstName": null, "lastName": "Jones", "fullName": "Jones" },
            { "id": sid("CT4"), "firstName": null, "lastName": null, "fullName": null },
        ])
    );
}

const CONTACT_CONVERSATIONS: &str = r#"
query ContactConversations($id: ID!, $filter: ConversationFilter, $orderBy: ConversationOrder,
                           $first: Int) {
  contact(id: $id) {
    conversations(filter: $filter, orderBy: $orderBy, first: $first) {
      totalCount
      nodes { id }
      pageInfo { hasNextPage }
    }
  }
}"#;

async fn contact_conversations_take_a_filter_and_an_order(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    // (contact, variables, expected page, totalCount, hasNextPage)
    let cases = [
        ("CT1", json!({}), vec!["C11", "C01", "C05"], 3, false),
        (
            "CT1",
            json!({ "filter": { "status": "CLOSED" } }),
            vec!["C11"],
            1,
            false,
        ),
        (
            "CT1",
            json!({ "orderBy": { "field": "CREATED_AT", "direction": "ASC" } }),
            vec!["C05", "C01", "C11"],
            3,
            false,
        ),
        (
            "CT1",
            json!({
                "filter": { "not": { "status": "ARCHIVED" } },
                "orderBy": { "field": "PRIORITY", "direction": "DESC" },
            }),
            vec!["C11", "C01"],
            2,
            false,
        ),
        (
            "CT1",
            json!({ "filter": { "inboxId": sid("IB3") } }),
            vec!["C11"],
            1,
            false,
        ),
        // The contact's own constraint still applies.
        (
            "CT1",
            json!({ "filter": { "contactId": sid("CT2") } }),
            vec![],
            0,
            false,
        ),
        (
            "CT2",
            json!({ "orderBy": { "field": "LAST_MESSAGE_AT", "direction": "ASC" } }),
            vec!["C07", "C02", "C12"],
            3,
            false,
        ),
        ("CT2", json!({ "first": 1 }), vec!["C12"], 3, true),
        ("CT6", json!({}), vec![], 0, false),
    ];
    for (contact, mut vars, expected, total, next) in cases {
        vars["id"] = json!(sid(contact));
        let data = app.data(&token, CONTACT_CONVERSATIONS, vars.clone()).await;
        let list = &data["contact"]["conversations"];
        assert_eq!(node_labels(list), expected, "{contact} {vars}");
        assert_eq!(list["totalCount"], total, "{contact} {vars}");
        assert_eq!(list["pageInfo"]["hasNextPage"], next, "{contact} {vars}");
    }
}

const INBOX_CONVERSATIONS: &str = r#"
query InboxConversations($id: ID!, $filter: ConversationFilter, $orderBy: ConversationOrder,
                         $first: Int) {
  inbox(id: $id) {
    conversations(filter: $filter, orderBy: $orderBy, first: $first) {
      totalCount
      nodes { id }
      pageInfo { hasNextPage }
    }
  }
}"#;

async fn inbox_conversations_take_a_filter_and_an_order(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let cases = [
        ("IB3", json!({}), vec!["C06", "C11", "C03", "C08"], 4, false),
        (
            "IB3",
            json!({ "filter": { "isSimulation": true } }),
            vec!["C08"],
            1,
            false,
        ),
        // PRIORITY ASC: LOW C05, MEDIUM C12, HIGH C01 < C09 (by id).
        (
            "IB1",
            json!({ "orderBy": { "field": "PRIORITY", "direction": "ASC" } }),
            vec!["C05", "C12", "C01", "C09"],
            4,
            false,
        ),
        ("IB2", json!({ "first": 1 }), vec!["C02"], 2, true),
        ("IB5", json!({}), vec![], 0, false),
    ];
    for (inbox, mut vars, expected, total, next) in cases {
        vars["id"] = json!(sid(inbox));
        let data = app.data(&token, INBOX_CONVERSATIONS, vars.clone()).await;
        let list = &data["inbox"]["conversations"];
        assert_eq!(node_labels(list), expected, "{inbox} {vars}");
        assert_eq!(list["totalCount"], total, "{inbox} {vars}");
        assert_eq!(list["pageInfo"]["hasNextPage"], next, "{inbox} {vars}");
    }
}

async fn nested_connections_count_their_own_rows(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let data = app
        .data(
            &token,
            r#"{
              inboxes {
                totalCount
                nodes {
                  id
                  conversations(first: 1) {
                    totalCount
                    nodes { id messages(first: 1) { totalCount nodes { id } } }
                  }
                }
              }
            }"#,
            json!({}),
        )
        .await;
    let inbox = |i: &str, total: usize, conv: Option<(&str, usize, &str)>| {
        let nodes = match conv {
            None => json!([]),
            Some((c, messages, first)) => json!([{
                "id": sid(c),
                "messages": { "totalCount": messages, "nodes": [{ "id": sid(first) }] },
            }]),
        };
        json!({ "id": sid(i), "conversations": { "totalCount": total, "nodes": nodes } })
    };
    assert_eq!(
        data["inboxes"],
        json!({
            "totalCount": 5,
            "nodes": [
                inbox("IB3", 4, Some(("C06", 2, "M10"))),
                inbox("IB2", 2, Some(("C02", 3, "M06"))),
                inbox("IB1", 4, Some(("C09", 1, "M12"))),
                inbox("IB5", 0, None),
                inbox("IB4", 2, Some(("C04", 1, "M07"))),
            ],
        })
    );

    let data = app
        .data(
            &token,
            "{ contacts { nodes { id conversations { totalCount } } } }",
            json!({}),
        )
        .await;
    let counts: Vec<(String, i64)> = data["contacts"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                label_of(n["id"].as_str().unwrap()),
                n["conversations"]["totalCount"].as_i64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, i64)> = [
        ("CT3", 2),
        ("CT6", 0),
        ("CT5", 2),
        ("CT1", 3),
        ("CT4", 1),
        ("CT2", 3),
    ]
    .iter()
    .map(|(l, n)| (l.to_string(), *n))
    .collect();
    assert_eq!(counts, expected);
}

// ---------------------------------------------------------------------------------------
// ContactFilter, CallFilter
// ---------------------------------------------------------------------------------------

async fn contact_filter_fields(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    // Default order: CT3, CT6, CT5, CT1, CT4, CT2.
    let cases = vec![
        (Value::Null, CONTACTS_DEFAULT.to_vec()),
        (json!({ "firstName": "ALI" }), vec!["CT5", "CT1"]),
        (json!({ "firstName": "bob" }), vec!["CT6", "CT2"]),
        (json!({ "firstName": "zzz" }), vec![]),
        (json!({ "lastName": "ON" }), vec!["CT3", "CT6"]),
        (json!({ "lastName": "smith" }), vec!["CT1"]),
        (
            json!({ "email": "EXAMPLE.COM" }),
            vec!["CT5", "CT1", "CT4", "CT2"],
        ),
        (json!({ "email": "j.jones" }), vec!["CT3"]),
        (json!({ "phoneNumber": "5550102000" }), vec!["CT1", "CT2"]),
        (json!({ "phoneNumber": "(44) 20" }), vec!["CT3"]),
        (json!({ "phoneNumber": "44" }), vec!["CT3"]),
        (json!({ "phoneNumber": "1234" }), vec!["CT5"]),
        (json!({ "phoneNumber": "+1 555" }), vec!["CT5", "CT1"]),
        (json!({ "phoneNumber": "9999" }), vec![]),
        (
            json!({ "firstName": "bob", "lastName": "stone" }),
            vec!["CT6"],
        ),
    ];
    for (filter, expected) in cases {
        let got = contacts(app, &token, filter.clone(), Value::Null).await;
        assert_eq!(got, expected, "contact filter {filter}");
    }
}

async fn contact_filter_and_or_not(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    let cases = vec![
        (
            json!({ "or": [{ "firstName": "alice" }, { "lastName": "jones" }] }),
            vec!["CT3", "CT1"],
        ),
        (
            json!({ "and": [{ "phoneNumber": "555" }, { "not": { "firstName": "alice" } }] }),
            vec!["CT5", "CT2"],
        ),
        // Complement, including CT6 whose email is null.
        (
            json!({ "not": { "email": "example.com" } }),
            vec!["CT3", "CT6"],
        ),
        (
            json!({ "or": [{ "phoneNumber": "44" }, { "and": [{ "firstName": "bob" }, { "lastName": "st" }] }] }),
            vec!["CT3", "CT6"],
        ),
    ];
    for (filter, expected) in cases {
        let got = contacts(app, &token, filter.clone(), Value::Null).await;
        assert_eq!(got, expected, "contact filter {filter}");
    }
    // A filter and an ordering together.
    let got = contacts(
        app,
        &token,
        json!({ "email": "example.com" }),
        json!({ "field": "FIRST_NAME", "direction": "ASC" }),
    )
    .await;
    assert_eq!(got, ["CT1", "CT2", "CT5", "CT4"]);
}

async fn call_filter_fields(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.reader(ALPHA);
    // Default order: CL7, CL4, CL2, CL6, CL1, CL5, CL3.
    let cases = vec![
        (
            json!({ "direction": "INBOUND" }),
            vec!["CL7", "CL4", "CL1", "CL3"],
        ),
        (
            json!({ "direction": "OUTBOUND" }),
            vec!["CL2", "CL6", "CL5"],
        ),
        (json!({ "status": "COMPLETED" }), vec!["CL7", "CL4", "CL1"]),
        (json!({ "status": "RINGING" }), vec![]),
        (
            json!({ "statusIn": ["BUSY", "FAILED", "QUEUED"] }),
            vec!["CL6", "CL5", "CL3"],
        ),
        (json!({ "handledBy": "HUMAN" }), vec!["CL7", "CL6", "CL1"]),
        (json!({ "handledBy": "AI" }), vec!["CL4"]),
        (
            json!({ "campaignId": sid("CAMP1") }),
            vec!["CL7", "CL2", "CL1"],
        ),
        (json!({ "campaignId": sid("CAMP2") }), vec!["CL3"]),
        (json!({ "campaignId": sid("CAMP9") }), vec![]),
        (json!({ "conversationId": sid("C03") }), vec!["CL2", "CL1"]),
        (json!({ "conversationId": sid("C11") }), vec!["CL4", "CL5"]),
        (json!({ "conversationId": sid("C08") }), vec!["CL6", "CL3"]),
        (json!({ "conversationId": sid("C01") }), vec![]),
        (json!({ "conversationId": sid("BX2") }), vec![]),
        // startedAt: CL1 3, CL6 8, CL2 14, CL4 20, CL7 28; CL3 and CL5 null never match.
        (
            json!({ "startedAt": { "from": iso(14) } }),
            vec!["CL7", "CL4", "CL2"],
        ),
        (json!({ "startedAt": { "to": iso(8) } }), vec!["CL1"]),
        (
            json!({ "startedAt": { "from": iso(8), "to": iso(20) } }),
            vec!["CL2", "CL6"],
        ),
        (
            json!({ "direction": "INBOUND", "status": "COMPLETED" }),
            vec!["CL7", "CL4", "CL1"],
        ),
        (
            json!({ "handledBy": "HUMAN", "startedAt": { "from": iso(5) } }),
            vec!["CL7", "CL6"],
        ),
    ];
    for (filter, expected) in cases {
        let got = calls(app, &token, filter.clone(), Value::Null).await;
        assert_eq!(got, expected, "call filter {filter}");
    }
    let got = calls(
        app,
        &token,
        json!({ "conversationId": sid("C08") }),
        json!({ "field": "CREATED_AT", "direction": "ASC" }),
    )
    .await;
    assert_eq!(got, ["CL3", "CL6"]);
}

// ---------------------------------------------------------------------------------------
// Scope
// ---------------------------------------------------------------------------------------

async fn root_fields_need_the_read_scope(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = app.token(ALPHA, "write:conversations");
    let queries = [
        ("{ contacts { totalCount } }", json!({})),
        ("{ calls { totalCount } }", json!({})),
        ("{ agents { totalCount } }", json!({})),
        ("{ inboxes { totalCount } }", json!({})),
        (
            "query ($id: ID!) { node(id: $id) { id } }",
            json!({ "id": sid("C01") }),
        ),
        (
            "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": [sid("C01")] }),
        ),
        (
            "query ($id: ID!) { contact(id: $id) { id } }",
            json!({ "id": sid("CT1") }),
        ),
        (
            "query ($id: ID!) { message(id: $id) { id } }",
            json!({ "id": sid("M01") }),
        ),
        (
            "query ($id: ID!) { call(id: $id) { id } }",
            json!({ "id": sid("CL1") }),
        ),
        (
            "query ($id: ID!) { agent(id: $id) { id } }",
            json!({ "id": sid("AG1") }),
        ),
        (
            "query ($id: ID!) { inbox(id: $id) { id } }",
            json!({ "id": sid("IB1") }),
        ),
    ];
    for (query, vars) in queries {
        let body = assert_error(app, &token, query, vars, "FORBIDDEN").await;
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("read:conversations"), "{query}: {message}");
    }
    // The same token with the scope added reads them.
    let token = app.token(ALPHA, "write:conversations read:conversations");
    let data = app
        .data(
            &token,
            "{ contacts { totalCount } calls { totalCount } agents { totalCount } inboxes { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data,
        json!({
            "contacts": { "totalCount": 6 },
            "calls": { "totalCount": 7 },
            "agents": { "totalCount": 5 },
            "inboxes": { "totalCount": 5 },
        })
    );
}

both_backends!(
    filter_by_inbox_contact_agent_and_assignee,
    filter_unassigned_true_and_false,
    filter_by_campaign_matches_the_conversation_or_any_of_its_calls,
    filter_by_listing,
    filter_by_task_and_session_links,
    filter_by_status_priority_channel_and_their_lists,
    filter_by_source_flags_and_responder,
    filter_by_contact_phone_ignores_formatting,
    filter_by_contact_email_is_case_insensitive_equality,
    filter_by_date_ranges,
    filters_that_match_nothing_give_an_empty_connection,
    filters_combine_with_and,
    nested_and_or_not,
    not_is_the_complement_also_for_null_columns,
    another_company_sees_only_its_rows_for_the_same_filters,
    a_malformed_id_in_a_filter_is_bad_user_input,
    conversations_in_every_order,
    contacts_in_every_order,
    calls_in_every_order,
    messages_and_conversation_calls_in_both_directions,
    agents_and_inboxes_are_ordered_by_name_then_id,
    conversations_page_both_ways_in_every_order,
    filtered_lists_page_with_their_own_total,
    other_connections_page_both_ways,
    a_cursor_from_another_ordering_or_list_is_rejected,
    a_page_size_above_100_is_rejected_on_every_connection,
    conversation_lookup_returns_every_field,
    contact_inbox_message_call_and_agent_lookups_return_their_fields,
    lookups_of_foreign_unknown_or_malformed_ids_are_null,
    node_resolves_each_type,
    nodes_keeps_order_and_nulls_missing_or_foreign_ids,
    conversation_relations,
    message_and_call_relations,
    contact_full_name_in_all_four_cases,
    contact_conversations_take_a_filter_and_an_order,
    inbox_conversations_take_a_filter_and_an_order,
    nested_connections_count_their_own_rows,
    contact_filter_fields,
    contact_filter_and_or_not,
    call_filter_fields,
    root_fields_need_the_read_scope,
);
