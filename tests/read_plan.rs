//! The read plan changes how many statements run, never the answer: a corpus of queries
//! (every list, every relation of a conversation, every filter and ordering, fragments,
//! aliases, directives, cursors, refusals) gets byte-for-byte the same JSON from a server
//! that plans its reads and from one that resolves every relation through the loaders,
//! over the same database.

mod common;

use common::{ReadPlan, TestApp};
use conversations_graph::seed;
use serde_json::{Value, json};

/// Every field of each type, every relation of a conversation with every field of its own.
const FRAGMENTS: [(&str, &str); 5] = [
    (
        "Agent",
        "fragment Agent on Agent { id name email kind createdAt updatedAt }",
    ),
    (
        "Contact",
        "fragment Contact on Contact {
           id firstName lastName fullName phoneNumber email createdAt updatedAt
         }",
    ),
    (
        "Message",
        "fragment Message on Message {
           id direction content channel metadata sentAt createdAt updatedAt
           contact { id firstName }
           conversation { id subject }
         }",
    ),
    (
        "Call",
        "fragment Call on Call {
           id direction status durationSeconds recordingUrl handledBy summary startedAt
           createdAt updatedAt campaign { id }
         }",
    ),
    (
        "Conversation",
        "fragment Conversation on Conversation {
           id subject status priority channel source isSimulation respondedBy isChatOpened
           campaign { id } listing { id }
           startedAt lastMessageAt createdAt updatedAt
           contact { ...Contact }
           inbox { id name channel phoneNumber email createdAt updatedAt }
           agent { ...Agent }
           assignee { ...Agent }
           seenBy { ...Agent }
           lastMessage { ...Message }
           latestCall { ...Call }
           messages(first: 3) { totalCount nodes { ...Message } pageInfo { hasNextPage endCursor } }
           calls(first: 2) { totalCount nodes { ...Call } }
           tasks { id }
           sessions { id }
         }",
    ),
];

/// `operation` with the fragments it spreads, and theirs (unused fragments are refused).
fn document(operation: &str) -> String {
    let mut text = operation.to_owned();
    let mut added = Vec::new();
    loop {
        let missing = FRAGMENTS
            .iter()
            .find(|(name, _)| !added.contains(name) && text.contains(&format!("...{name}")));
        match missing {
            Some((name, fragment)) => {
                added.push(name);
                text = format!("{text}\n{fragment}");
            }
            None => return text,
        }
    }
}

/// Queries over the conversation list, each with `$filter`, `$order` and paging variables.
fn corpus(ids: &Ids) -> Vec<(String, Value)> {
    let list = |selection: &str| {
        document(&format!(
            "query List($filter: ConversationFilter, $order: ConversationOrder, $first: Int, $after: String,
           $last: Int, $before: String) {{
  conversations(filter: $filter, orderBy: $order, first: $first, after: $after, last: $last,
                before: $before) {{
    {selection}
  }}
}}"
        ))
    };
    let full = list(
        "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
         nodes { ...Conversation }",
    );
    let mut out = Vec::new();
    let mut add = |query: &String, vars: Value| out.push((query.clone(), vars));

    // Every filter on its own, and combined.
    let filters = [
        json!(null),
        json!({}),
        json!({ "inboxId": ids.inbox }),
        json!({ "contactId": ids.contact }),
        json!({ "agentId": ids.agent }),
        json!({ "assigneeId": ids.agent }),
        json!({ "unassigned": true }),
        json!({ "unassigned": false }),
        json!({ "status": "OPEN" }),
        json!({ "statusIn": ["OPEN", "CLOSED"] }),
        json!({ "priority": "HIGH" }),
        json!({ "priorityIn": ["LOW", "URGENT"] }),
        json!({ "channel": "WHATSAPP" }),
        json!({ "channelIn": ["EMAIL", "SMS"] }),
        json!({ "isChatOpened": true }),
        json!({ "isSimulation": false }),
        json!({ "respondedBy": "HUMAN" }),
        json!({ "contactPhoneNumber": "42" }),
        json!({ "contactEmail": ids.contact_email }),
        json!({ "createdAt": { "from": "2020-01-01T00:00:00Z" } }),
        json!({ "updatedAt": { "to": "2100-01-01T00:00:00Z" } }),
        json!({ "lastMessageAt": { "from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z" } }),
        json!({ "or": [{ "status": "OPEN" }, { "unassigned": true }] }),
        json!({ "and": [{ "channel": "WHATSAPP" }], "not": { "status": "CLOSED" } }),
        json!({ "or": [] }),
    ];
    for filter in &filters {
        add(&full, json!({ "filter": filter, "first": 15 }));
    }
    // Every ordering, both ways, from the start and from the end.
    for field in ["CREATED_AT", "UPDATED_AT", "LAST_MESSAGE_AT", "PRIORITY"] {
        for direction in ["ASC", "DESC"] {
            let order = json!({ "field": field, "direction": direction });
            add(&full, json!({ "order": order, "first": 12 }));
            add(&full, json!({ "order": order, "last": 7 }));
        }
    }
    // Page sizes, and the refused ones.
    for first in [0, 1, 100, 101, -1] {
        add(&full, json!({ "first": first }));
    }
    add(&full, json!({ "first": 5, "last": 5 }));
    add(&full, json!({ "after": "not a cursor" }));

    // Edges instead of nodes, aliases, the same relation twice, directives, fragments on
    // the interface, and selections the plan does not cover.
    let shapes = [
        "edges { cursor node { id contact { id firstName } inbox { name } } }",
        "nodes { id a: contact { id } b: contact { email } assignee { name } x: assignee { id } }",
        "nodes { id contact @skip(if: true) { id } inbox @include(if: false) { id } lastMessage { id } }",
        "nodes { ... on Node { id } ... on Conversation { seenBy { id } agent { name } } }",
        "nodes { id } edges { node { lastMessage { content sentAt } } }",
        "totalCount",
        "pageInfo { hasNextPage endCursor }",
        "nodes { id messages(first: 2, orderBy: { direction: ASC }) { nodes { id } } }",
        "nodes { id lastMessage { id conversation { id lastMessage { id } } } }",
        "nodes { __typename id inbox { __typename id conversations(first: 2) { nodes { id contact { id } } } } }",
        "nodes { id contact { conversations(first: 3) { totalCount nodes { id assignee { id } } } } }",
        // Child pages: the same field twice with other arguments, from the end, refused and
        // bad arguments, arguments from variables, the default page, through edges.
        "nodes { id a: calls(first: 1) { nodes { id } } b: calls(first: 3, orderBy: { field: CREATED_AT, direction: ASC }) { nodes { id } pageInfo { hasNextPage } } }",
        "nodes { id calls(last: 2) { nodes { id } pageInfo { hasPreviousPage startCursor } } messages(last: 1) { nodes { id } } }",
        "nodes { id calls(first: 101) { nodes { id } } }",
        "nodes { id messages(first: 2, after: \"not a cursor\") { nodes { id } } }",
        "nodes { id calls(first: $first) { totalCount nodes { id } } messages(first: $first) { nodes { id sentAt } } }",
        "edges { node { id messages(first: 4) { totalCount edges { cursor node { id content } } } calls { nodes { id } } } }",
    ];
    for shape in shapes {
        add(&list(shape), json!({ "first": 20 }));
    }

    // Cursors taken from the planned list, used on both.
    add(&full, json!({ "first": 10, "after": ids.cursor }));
    add(&full, json!({ "last": 10, "before": ids.cursor }));

    // The other lists and lookups, with their relations.
    let others = [
        format!(
            "query {{ conversation(id: \"{}\") {{ ...Conversation }} }}",
            ids.conversation
        ),
        format!(
            "query {{ contact(id: \"{}\") {{ ...Contact conversations(first: 5) {{ nodes {{ ...Conversation }} }} }} }}",
            ids.contact
        ),
        format!(
            "query {{ inbox(id: \"{}\") {{ conversations(first: 5, filter: {{ status: OPEN }}) {{ totalCount nodes {{ ...Conversation }} }} }} }}",
            ids.inbox
        ),
        format!(
            "query {{ nodes(ids: [\"{}\", \"{}\"]) {{ ... on Conversation {{ ...Conversation }} }} }}",
            ids.conversation, ids.contact
        ),
        "query { contacts(first: 10) { nodes { ...Contact } } }".to_owned(),
        "query { calls(first: 10) { nodes { ...Call conversation { ...Conversation } } } }".to_owned(),
        "query { agents(first: 10) { nodes { ...Agent } } }".to_owned(),
        "query { inboxes(first: 10) { nodes { id name conversations(first: 2) { nodes { ...Conversation } } } } }".to_owned(),
        "query { searchMessages(query: \"the\", first: 5) { totalCount nodes { id snippet message { ...Message } } } }".to_owned(),
        "query { searchMessages(query: \"the\", first: 3) { edges { cursor node { message { id conversation { id status contact { id } } } } } pageInfo { endCursor hasNextPage } } }".to_owned(),
        "query { searchMessages(query: \"a\", first: 4, filter: { direction: INBOUND }) { nodes { message { contact { firstName } conversation @skip(if: true) { id } } } } }".to_owned(),
        "query { hits: searchMessages(query: \"e\", first: 2) { nodes { message { id } } } again: searchMessages(query: \"e\", first: 2) { nodes { message { conversation { ...Conversation } } } } }".to_owned(),
    ];
    for query in &others {
        add(&document(query), json!({}));
    }
    out
}

/// Ids from the fixture to filter and look up by.
struct Ids {
    inbox: String,
    contact: String,
    contact_email: String,
    agent: String,
    conversation: String,
    cursor: String,
}

async fn ids(app: &TestApp, token: &str) -> Ids {
    let data = app
        .data(
            token,
            "query {
              conversations(first: 30, filter: { unassigned: false }) {
                edges { cursor node { id inbox { id } assignee { id } contact { id email } } }
              }
            }",
            json!({}),
        )
        .await;
    let edges = data["conversations"]["edges"].as_array().unwrap();
    let with_contact = edges
        .iter()
        .find(|e| e["node"]["contact"]["email"].is_string())
        .expect("the fixture has a conversation whose contact has an email");
    let text = |v: &Value| v.as_str().unwrap().to_owned();
    Ids {
        inbox: text(&edges[0]["node"]["inbox"]["id"]),
        contact: text(&with_contact["node"]["contact"]["id"]),
        contact_email: text(&with_contact["node"]["contact"]["email"]),
        agent: text(&edges[0]["node"]["assignee"]["id"]),
        conversation: text(&edges[0]["node"]["id"]),
        cursor: text(&edges[10]["cursor"]),
    }
}

/// POSTs and returns the raw body text: the two servers must agree byte for byte.
async fn body(app: &TestApp, token: &str, query: &str, variables: &Value) -> String {
    app.client
        .post(app.url("/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn planned_and_unplanned_answers_are_identical(app: &TestApp) {
    seed::seed(app.conn(), 0.3, 11).await.unwrap();
    let unplanned = app.sibling(ReadPlan(false)).await;
    let token = app.reader(seed::company_id(11, 0));
    let ids = ids(app, &token).await;
    let corpus = corpus(&ids);
    assert!(corpus.len() > 60, "the corpus has {} queries", corpus.len());
    let (mut with_errors, mut rows) = (0, 0);
    for (query, variables) in &corpus {
        let planned_body = body(app, &token, query, variables).await;
        let unplanned_body = body(&unplanned, &token, query, variables).await;
        assert_eq!(
            planned_body, unplanned_body,
            "the answers differ for variables {variables} and\n{query}"
        );
        let parsed: Value = serde_json::from_str(&planned_body).unwrap();
        if parsed.get("errors").is_some() {
            with_errors += 1;
        }
        rows += parsed["data"]["conversations"]["nodes"]
            .as_array()
            .map_or(0, Vec::len);
    }
    // The corpus exercises answers, not only refusals: the refused page sizes and the bad
    // cursors (of the list and of a child page) are the only queries with errors, and the
    // lists hold rows.
    assert_eq!(with_errors, 6, "queries answered with errors");
    assert!(rows > 500, "conversation rows compared: {rows}");
}

/// A company's page never brings along another company's rows, planned or not: the
/// relations of the second company's conversations are its own.
async fn joined_relations_stay_in_the_company(app: &TestApp) {
    seed::seed(app.conn(), 0.3, 12).await.unwrap();
    let unplanned = app.sibling(ReadPlan(false)).await;
    for company in 0..2 {
        let token = app.reader(seed::company_id(12, company));
        let query = "{ conversations(first: 100) { nodes { id contact { id } inbox { id }
                       assignee { id } agent { id } seenBy { id } lastMessage { id } } } }";
        let planned = app.data(&token, query, json!({})).await;
        let loaded = unplanned.data(&token, query, json!({})).await;
        assert_eq!(planned, loaded);
        let own = app
            .data(
                &token,
                "{ inboxes(first: 100) { nodes { id } } agents(first: 100) { nodes { id } } }",
                json!({}),
            )
            .await;
        let set = |v: &Value| -> Vec<String> {
            v["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["id"].as_str().unwrap().to_owned())
                .collect()
        };
        let (inboxes, agents) = (set(&own["inboxes"]), set(&own["agents"]));
        for node in planned["conversations"]["nodes"].as_array().unwrap() {
            assert!(inboxes.contains(&node["inbox"]["id"].as_str().unwrap().to_owned()));
            for rel in ["assignee", "agent", "seenBy"] {
                if let Some(id) = node[rel]["id"].as_str() {
                    assert!(agents.contains(&id.to_owned()), "{rel} {id}");
                }
            }
        }
    }
}

/// A plan reads the unbounded columns (message content and metadata, call summaries) only
/// when a field that shows them is selected: read without them, the same page's rows carry
/// the stand-ins (empty text, null), read with them, what is stored.
async fn unselected_bodies_are_not_read(app: &TestApp) {
    use conversations_graph::auth::Viewer;
    use conversations_graph::services::conversations::{Filter, Joins, Order, list_joined};
    use conversations_graph::services::page::Keyset;
    use conversations_graph::services::{calls, messages};
    seed::seed(app.conn(), 0.1, 3).await.unwrap();
    let viewer = Viewer {
        company_id: seed::company_id(3, 0),
        subject: "test".into(),
        scopes: Vec::new(),
    };
    let page = |bodies: bool| {
        let viewer = viewer.clone();
        async move {
            let message_bodies = messages::Bodies {
                content: bodies,
                metadata: bodies,
            };
            let joins = Joins {
                last_message: true,
                last_message_bodies: message_bodies,
                message_bodies,
                call_bodies: calls::Bodies { summary: bodies },
                calls: Some((calls::Order::default(), Keyset::first(5))),
                messages: Some((messages::Order::default(), Keyset::first(5))),
                ..Joins::default()
            };
            let (page, _) = list_joined(
                app.conn(),
                &viewer,
                &Filter::default(),
                &Order::default(),
                &Keyset::first(50),
                joins,
            )
            .await
            .unwrap();
            page.items
        }
    };
    let (with, without) = (page(true).await, page(false).await);
    assert_eq!(with.len(), 50);
    let (mut contents, mut summaries, mut metadata) = (0, 0, 0);
    for (w, wo) in with.iter().zip(&without) {
        assert_eq!(w.row, wo.row);
        let (w_last, wo_last) = (&w.related.last_message, &wo.related.last_message);
        if let (Some(Some(w_last)), Some(Some(wo_last))) = (w_last, wo_last) {
            assert_eq!(w_last.id, wo_last.id);
            assert_eq!(wo_last.content, "");
            assert!(wo_last.metadata.is_none());
            contents += usize::from(!w_last.content.is_empty());
        }
        let rows = |r: &conversations_graph::services::conversations::Joined| {
            let calls = r.related.calls.as_ref().unwrap().page.items.clone();
            let messages = r.related.messages.as_ref().unwrap().page.items.clone();
            (calls, messages)
        };
        let ((w_calls, w_messages), (wo_calls, wo_messages)) = (rows(w), rows(wo));
        assert_eq!(w_calls.len(), wo_calls.len());
        for (a, b) in w_calls.iter().zip(&wo_calls) {
            assert_eq!(
                (a.id, a.status, a.duration_seconds),
                (b.id, b.status, b.duration_seconds)
            );
            assert!(b.summary.is_none());
            summaries += usize::from(a.summary.is_some());
        }
        assert_eq!(w_messages.len(), wo_messages.len());
        for (a, b) in w_messages.iter().zip(&wo_messages) {
            assert_eq!((a.id, a.sent_at), (b.id, b.sent_at));
            assert_eq!(b.content, "");
            assert!(b.metadata.is_none());
            metadata += usize::from(a.metadata.is_some());
        }
    }
    // The fixture's messages all have content; some have metadata, some calls a summary:
    // the stand-ins above replaced real values.
    assert!(
        contents > 0 && summaries > 0 && metadata > 0,
        "{contents} {summaries} {metadata}"
    );
}

both_backends!(
    planned_and_unplanned_answers_are_identical,
    joined_relations_stay_in_the_company,
    unselected_bodies_are_not_read
);
