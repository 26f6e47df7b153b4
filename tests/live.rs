//! Live updates over real WebSockets, on both databases: the event log each write appends,
//! the subscriptions that follow it (filtered, resumed, limited, authenticated), and their
//! isolation between companies.
//!
//! Expected events come from the writes the tests make: each write's kind, fields and
//! values are written out by hand below, never read back from the server first.

mod common;

use common::fixtures::{ACME, GLOBEX, conv, load};
use common::ws::{Frame, Socket, WAIT};
use common::{SECRET, TestApp, TestDb, first_code};
use conversations_graph::auth::{TokenChecks, TokenKeys};
use conversations_graph::graphql::limits::Limits;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use std::time::Duration;

const EVENT_FIELDS: &str = "cursor kind entityId conversationId actor reason \
    changedFields { field oldValue newValue } conversation { id status subject } \
    message { id content }";

fn events_subscription() -> String {
    format!(
        "subscription ($filter: ConversationFilter, $after: EventCursor) {{ \
         conversationEvents(filter: $filter, after: $after) {{ {EVENT_FIELDS} }} }}"
    )
}

fn writer(app: &TestApp, company: uuid::Uuid) -> String {
    app.token(company, "read:conversations write:conversations")
}

async fn inbox_of(app: &TestApp, company: uuid::Uuid) -> String {
    let data = app
        .data(
            &app.reader(company),
            "{ inboxes(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    data["inboxes"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn write(app: &TestApp, token: &str, doc: &str, vars: Value) -> Value {
    let data = app.data(token, doc, vars).await;
    let payload = data.as_object().unwrap().values().next().unwrap().clone();
    assert_eq!(payload["userErrors"], json!([]), "{payload:#}");
    payload
}

const CREATE: &str = "mutation ($input: CreateConversationInput!) { createConversation(input: $input) { conversation { id } userErrors { code field } } }";
const UPDATE: &str = "mutation ($id: ID!, $input: UpdateConversationInput!) { updateConversation(id: $id, input: $input) { conversation { id } userErrors { code field } } }";
const DELETE: &str = "mutation ($id: ID!, $reason: String) { deleteConversation(id: $id, reason: $reason) { deletedId userErrors { code field } } }";
const MESSAGE: &str = "mutation ($id: ID!, $content: String!) { createMessage(conversationId: $id, input: { content: $content, direction: INBOUND }) { message { id } userErrors { code field } } }";
const AGENT: &str = "mutation { createAgent(input: { name: \"Live agent\" }) { agent { id } userErrors { code field } } }";

fn change(field: &str, old: Value, new: Value) -> Value {
    json!([{ "field": field, "oldValue": old, "newValue": new }])
}

/// Every kind of write arrives on a filtered subscription (status OPEN) as it should: a
/// create, updates with their changed fields, an assignment, a message, a status change
/// that leaves the filter, a change while outside it (not delivered), the change back
/// (ENTERED_FILTER), and the delete with its reason. An unfiltered subscription gets every
/// event of the company, and another company's subscriber only its own.
async fn a_filtered_subscription_follows_every_kind_of_write(app: &TestApp) {
    load(app.conn()).await;
    let acme = writer(app, ACME);
    let inbox = inbox_of(app, ACME).await;
    let mut socket = Socket::connected(app.addr, &app.reader(ACME)).await;
    socket
        .subscribe(
            "open",
            &events_subscription(),
            json!({ "filter": { "statusIn": ["OPEN"] } }),
        )
        .await;
    socket
        .subscribe("all", &events_subscription(), json!({}))
        .await;
    let mut globex = Socket::connected(app.addr, &app.reader(GLOBEX)).await;
    globex
        .subscribe("all", &events_subscription(), json!({}))
        .await;
    // Subscriptions start from the log's head when they are set up; give the server the
    // moment it takes to read it before writing.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let agent = write(app, &acme, AGENT, json!({})).await["agent"]["id"].clone();
    let id = write(
        app,
        &acme,
        CREATE,
        json!({ "input": { "inboxId": inbox, "subject": "Live one" } }),
    )
    .await["conversation"]["id"]
        .clone();
    let update = |input: Value| json!({ "id": id, "input": input });
    write(app, &acme, UPDATE, update(json!({ "subject": "Live two" }))).await;
    write(app, &acme, UPDATE, update(json!({ "assigneeId": agent }))).await;
    let message = write(
        app,
        &acme,
        MESSAGE,
        json!({ "id": id, "content": "hello live" }),
    )
    .await["message"]["id"]
        .clone();
    write(app, &acme, UPDATE, update(json!({ "status": "CLOSED" }))).await;
    write(
        app,
        &acme,
        UPDATE,
        update(json!({ "subject": "Live three" })),
    )
    .await;
    write(app, &acme, UPDATE, update(json!({ "status": "OPEN" }))).await;
    write(
        app,
        &acme,
        DELETE,
        json!({ "id": id, "reason": "done live" }),
    )
    .await;

    let field = "conversationEvents";
    let mut cursors = Vec::new();
    fn expect(cursors: &mut Vec<String>, event: &Value, kind: &str, changed: Value) {
        assert_eq!(event["kind"], kind, "{event:#}");
        assert_eq!(event["changedFields"], changed, "{event:#}");
        assert_eq!(event["actor"], "tester", "{event:#}");
        cursors.push(event["cursor"].as_str().unwrap().to_owned());
    }
    // The filtered subscription.
    let e = socket.event("open", field).await;
    expect(&mut cursors, &e, "CONVERSATION_CREATED", json!([]));
    assert_eq!(e["entityId"], id);
    assert_eq!(e["conversationId"], id);
    let e = socket.event("open", field).await;
    expect(
        &mut cursors,
        &e,
        "CONVERSATION_UPDATED",
        change("subject", json!("Live one"), json!("Live two")),
    );
    let e = socket.event("open", field).await;
    expect(
        &mut cursors,
        &e,
        "CONVERSATION_UPDATED",
        change("assigneeId", Value::Null, agent.clone()),
    );
    let e = socket.event("open", field).await;
    expect(&mut cursors, &e, "MESSAGE_CREATED", json!([]));
    assert_eq!(e["entityId"], message);
    assert_eq!(e["conversationId"], id);
    let e = socket.event("open", field).await;
    expect(
        &mut cursors,
        &e,
        "LEFT_FILTER",
        change("status", json!("OPEN"), json!("CLOSED")),
    );
    // The subject change while closed is not delivered; the reopening enters the filter.
    let e = socket.event("open", field).await;
    expect(
        &mut cursors,
        &e,
        "ENTERED_FILTER",
        change("status", json!("CLOSED"), json!("OPEN")),
    );
    let e = socket.event("open", field).await;
    expect(&mut cursors, &e, "CONVERSATION_DELETED", json!([]));
    assert_eq!(e["reason"], "done live");
    assert_eq!(e["conversation"], Value::Null, "deleted: {e:#}");
    // Cursors only grow.
    let positions: Vec<String> = cursors.clone();
    let mut sorted = positions.clone();
    sorted.sort_by_key(|c| decode(c));
    assert_eq!(positions, sorted);

    // The unfiltered subscription: every event of the company, in order.
    let mut kinds = Vec::new();
    for _ in 0..9 {
        let e = socket.event("all", field).await;
        kinds.push(e["kind"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        kinds,
        [
            "AGENT_CREATED",
            "CONVERSATION_CREATED",
            "CONVERSATION_UPDATED",
            "CONVERSATION_UPDATED",
            "MESSAGE_CREATED",
            "CONVERSATION_UPDATED",
            "CONVERSATION_UPDATED",
            "CONVERSATION_UPDATED",
            "CONVERSATION_DELETED",
        ]
    );

    // Globex hears nothing of all this; its own write reaches it and nobody at Acme.
    globex.quiet(Duration::from_millis(300)).await;
    write(
        app,
        &writer(app, GLOBEX),
        UPDATE,
        json!({ "id": conv("G1"), "input": { "subject": "Globex only" } }),
    )
    .await;
    let e = globex.event("all", field).await;
    expect(
        &mut cursors,
        &e,
        "CONVERSATION_UPDATED",
        change("subject", json!("Refund request"), json!("Globex only")),
    );
    assert_eq!(e["conversation"]["subject"], "Globex only");
    socket.quiet(Duration::from_millis(500)).await;
}

/// A cursor's position (the cursor is base64 of "event:<position>").
fn decode(cursor: &str) -> i64 {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .expect("a cursor is base64");
    String::from_utf8(bytes).unwrap()["event:".len()..]
        .parse()
        .unwrap()
}

/// A subscriber disconnects, 500 events are written, and it resumes with its cursor: it
/// receives all 500 in order, none twice, then the live stream.
async fn a_resumed_subscription_misses_nothing_and_repeats_nothing(app: &TestApp) {
    load(app.conn()).await;
    let acme = writer(app, ACME);
    let query = "subscription ($after: EventCursor) { conversationEvents(after: $after) { cursor kind entityId changedFields { field newValue } } }";
    let mut socket = Socket::connected(app.addr, &app.reader(ACME)).await;
    socket.subscribe("1", query, json!({})).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    write(
        app,
        &acme,
        UPDATE,
        json!({ "id": conv("A1"), "input": { "subject": "s-start" } }),
    )
    .await;
    let first = socket.event("1", "conversationEvents").await;
    let cursor = first["cursor"].as_str().unwrap().to_owned();
    drop(socket);

    for i in 0..500 {
        let target = if i % 2 == 0 { "A2" } else { "A3" };
        write(
            app,
            &acme,
            UPDATE,
            json!({ "id": conv(target), "input": { "subject": format!("s-{i}") } }),
        )
        .await;
    }
    let mut socket = Socket::connected(app.addr, &app.reader(ACME)).await;
    socket
        .subscribe("2", query, json!({ "after": cursor }))
        .await;
    let mut last = decode(&cursor);
    for i in 0..500 {
        let e = socket.event("2", "conversationEvents").await;
        let target = if i % 2 == 0 { conv("A2") } else { conv("A3") };
        assert_eq!(e["entityId"], target.to_string(), "event {i}: {e:#}");
        assert_eq!(
            e["changedFields"],
            json!([{ "field": "subject", "newValue": format!("s-{i}") }]),
            "event {i}"
        );
        let position = decode(e["cursor"].as_str().unwrap());
        assert!(position > last, "event {i} comes after the one before");
        last = position;
    }
    // Then the live stream: the next write, and nothing else.
    write(
        app,
        &acme,
        UPDATE,
        json!({ "id": conv("A4"), "input": { "subject": "s-live" } }),
    )
    .await;
    let e = socket.event("2", "conversationEvents").await;
    assert_eq!(e["changedFields"][0]["newValue"], "s-live");
    socket.quiet(Duration::from_millis(300)).await;
}

/// A refused write (an unknown inbox) and an update that changes nothing append no event;
/// a subscriber hears nothing and the log does not grow.
async fn a_refused_or_empty_write_emits_nothing(app: &TestApp) {
    load(app.conn()).await;
    let acme = writer(app, ACME);
    let mut socket = Socket::connected(app.addr, &app.reader(ACME)).await;
    socket
        .subscribe("1", &events_subscription(), json!({}))
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = count_events(app).await;
    let refused = app
        .data(
            &acme,
            CREATE,
            json!({ "input": { "inboxId": uuid::Uuid::new_v4(), "subject": "x" } }),
        )
        .await;
    assert_eq!(
        refused["createConversation"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    // A1's subject is "Refund request" already.
    write(
        app,
        &acme,
        UPDATE,
        json!({ "id": conv("A1"), "input": { "subject": "Refund request" } }),
    )
    .await;
    socket.quiet(Duration::from_millis(1_500)).await;
    assert_eq!(count_events(app).await, before);
}

async fn count_events(app: &TestApp) -> i64 {
    let row = app
        .conn()
        .query_one_raw(Statement::from_string(
            app.conn().get_database_backend(),
            "SELECT COUNT(*) FROM conversation_events",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// The token comes in `connection_init`: a bad one closes the socket with 4403, none at
/// all is refused the same way, and a subscription needs the read scope.
async fn connection_init_checks_the_token(app: &TestApp) {
    for payload in [
        json!({ "Authorization": "Bearer not-a-token" }),
        json!({}),
        json!({ "Authorization": format!("Bearer {}", TokenKeys::hs256(b"another secret").issue(ACME, "read:conversations", "x", 60)) }),
    ] {
        let mut socket = Socket::open(app.addr, "graphql-transport-ws").await;
        socket
            .send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        match socket.frame(WAIT).await {
            Frame::Closed(4403, reason) => assert!(reason.starts_with("Forbidden"), "{reason}"),
            other => panic!("{payload}: expected a 4403 close, got {other:?}"),
        }
    }
    // A subscribe before connection_init is not executed.
    let mut socket = Socket::open(app.addr, "graphql-transport-ws").await;
    socket
        .subscribe("1", &events_subscription(), json!({}))
        .await;
    match socket.frame(WAIT).await {
        Frame::Closed(code, _) => assert_ne!(code, 1000),
        other => panic!("expected a close, got {other:?}"),
    }
    // A token without the read scope: the subscription is refused, FORBIDDEN.
    let mut socket = Socket::connected(app.addr, &app.token(ACME, "write:conversations")).await;
    socket
        .subscribe("1", &events_subscription(), json!({}))
        .await;
    let payload = socket.next_of("1").await;
    assert_eq!(first_code(&payload), "FORBIDDEN", "{payload:#}");
}

/// graphql-ws, the legacy protocol: init, start, data.
async fn the_legacy_protocol_works_too(app: &TestApp) {
    load(app.conn()).await;
    let mut socket = Socket::open(app.addr, "graphql-ws").await;
    socket
        .send(json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {}", app.reader(ACME)) } }))
        .await;
    match socket.frame(WAIT).await {
        Frame::Json(v) => assert_eq!(v["type"], "connection_ack", "{v}"),
        other => panic!("{other:?}"),
    }
    socket
        .send(json!({ "id": "1", "type": "start", "payload": { "query": "subscription { conversationEvents { kind entityId } }" } }))
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    write(
        app,
        &writer(app, ACME),
        UPDATE,
        json!({ "id": conv("A5"), "input": { "priority": "HIGH" } }),
    )
    .await;
    let e = socket.event("1", "conversationEvents").await;
    assert_eq!(
        e,
        json!({ "kind": "CONVERSATION_UPDATED", "entityId": conv("A5").to_string() })
    );
}

/// messageCreated follows one conversation's new messages and nothing else; an unknown
/// conversation (or another company's) is NOT_FOUND.
async fn message_created_follows_one_thread(app: &TestApp) {
    load(app.conn()).await;
    let acme = writer(app, ACME);
    let query = "subscription ($id: ID!) { messageCreated(conversationId: $id) { kind message { content conversation { id } } } }";
    let mut socket = Socket::connected(app.addr, &app.reader(ACME)).await;
    socket
        .subscribe("a1", query, json!({ "id": conv("A1") }))
        .await;
    socket
        .subscribe("g1", query, json!({ "id": conv("G1") }))
        .await;
    let refused = socket.next_of("g1").await;
    assert_eq!(first_code(&refused), "NOT_FOUND", "{refused:#}");
    socket.completed("g1").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    write(
        app,
        &acme,
        MESSAGE,
        json!({ "id": conv("A2"), "content": "elsewhere" }),
    )
    .await;
    write(
        app,
        &acme,
        UPDATE,
        json!({ "id": conv("A1"), "input": { "subject": "not a message" } }),
    )
    .await;
    write(
        app,
        &acme,
        MESSAGE,
        json!({ "id": conv("A1"), "content": "in the thread" }),
    )
    .await;
    let e = socket.event("a1", "messageCreated").await;
    assert_eq!(
        e,
        json!({ "kind": "MESSAGE_CREATED", "message": { "content": "in the thread", "conversation": { "id": conv("A1").to_string() } } })
    );
    socket.quiet(Duration::from_millis(300)).await;
}

/// A cursor below what retention pruned is CURSOR_EXPIRED; a cursor that is not one is
/// refused before anything runs.
async fn an_expired_or_bad_cursor_is_refused(app: &TestApp) {
    load(app.conn()).await;
    app.conn()
        .execute_raw(Statement::from_string(
            app.conn().get_database_backend(),
            "UPDATE event_log SET pruned_through = 1000 WHERE id = 1",
        ))
        .await
        .unwrap();
    let mut socket = Socket::connected(app.addr, &app.reader(ACME)).await;
    let old = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("event:999")
    };
    socket
        .subscribe("1", &events_subscription(), json!({ "after": old }))
        .await;
    let payload = socket.next_of("1").await;
    assert_eq!(first_code(&payload), "CURSOR_EXPIRED", "{payload:#}");
    socket
        .subscribe(
            "2",
            &events_subscription(),
            json!({ "after": "not a cursor" }),
        )
        .await;
    loop {
        match socket.frame(WAIT).await {
            Frame::Json(v) if v["id"] == "2" => {
                let text = v.to_string();
                assert!(text.contains("not an event cursor"), "{text}");
                break;
            }
            Frame::Json(_) => continue,
            other => panic!("{other:?}"),
        }
    }
}

/// The log is readable: `events` (oldest first, filtered, paginated, counted) and a
/// conversation's `timeline` (messages, calls and events merged, newest first); another
/// company sees none of it.
async fn events_and_the_timeline_read_the_log(app: &TestApp) {
    load(app.conn()).await;
    let acme = writer(app, ACME);
    let a1 = conv("A1");
    let old = write(
        app,
        &acme,
        "mutation ($id: ID!) { createMessage(conversationId: $id, input: { content: \"m-old\", direction: INBOUND, sentAt: \"2020-01-01T00:00:00Z\" }) { message { id } userErrors { code field } } }",
        json!({ "id": a1 }),
    )
    .await["message"]["id"]
        .clone();
    write(
        app,
        &acme,
        UPDATE,
        json!({ "id": a1, "input": { "subject": "t-1" } }),
    )
    .await;
    write(app, &acme, MESSAGE, json!({ "id": a1, "content": "m-now" })).await;
    write(
        app,
        &acme,
        UPDATE,
        json!({ "id": a1, "input": { "status": "PENDING" } }),
    )
    .await;
    write(
        app,
        &acme,
        "mutation ($id: ID!) { deleteMessage(id: $id, reason: \"spam\") { deletedId userErrors { code field } } }",
        json!({ "id": old }),
    )
    .await;
    // Another conversation's event, which A1's lists leave out.
    write(
        app,
        &acme,
        UPDATE,
        json!({ "id": conv("A2"), "input": { "subject": "elsewhere" } }),
    )
    .await;

    let events = "query ($filter: ConversationEventFilter, $first: Int, $after: String, $last: Int) { events(filter: $filter, first: $first, after: $after, last: $last) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { kind entityId reason changedFields { field oldValue newValue } } } }";
    let reader = app.reader(ACME);
    let all = app
        .data(
            &reader,
            events,
            json!({ "filter": { "conversationId": a1 } }),
        )
        .await["events"]
        .clone();
    let kinds: Vec<&str> = all["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "MESSAGE_CREATED",
            "CONVERSATION_UPDATED",
            "MESSAGE_CREATED",
            "CONVERSATION_UPDATED",
            "MESSAGE_DELETED"
        ]
    );
    assert_eq!(all["totalCount"], 5);
    assert_eq!(
        all["nodes"][1]["changedFields"],
        change("subject", json!("Refund request"), json!("t-1"))
    );
    assert_eq!(
        all["nodes"][3]["changedFields"],
        change("status", json!("OPEN"), json!("PENDING"))
    );
    assert_eq!(all["nodes"][4]["reason"], "spam");
    assert_eq!(all["nodes"][4]["entityId"], old);
    // Pages of two, forwards: 2 + 2 + 1, nothing lost or repeated.
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = app
            .data(
                &reader,
                events,
                json!({ "filter": { "conversationId": a1 }, "first": 2, "after": after }),
            )
            .await["events"]
            .clone();
        for n in page["nodes"].as_array().unwrap() {
            seen.push(n["kind"].as_str().unwrap().to_owned());
        }
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, kinds);
    // The newest, and a kind filter.
    let newest = app
        .data(
            &reader,
            events,
            json!({ "filter": { "conversationId": a1 }, "last": 1 }),
        )
        .await["events"]
        .clone();
    assert_eq!(newest["nodes"][0]["kind"], "MESSAGE_DELETED");
    assert_eq!(newest["pageInfo"]["hasPreviousPage"], true);
    let created = app
        .data(
            &reader,
            events,
            json!({ "filter": { "kindIn": ["MESSAGE_CREATED"], "conversationId": a1 } }),
        )
        .await["events"]
        .clone();
    assert_eq!(created["totalCount"], 2);
    let refused = app
        .graphql(
            &reader,
            events,
            json!({ "filter": { "kind": "LEFT_FILTER" } }),
        )
        .await;
    assert_eq!(first_code(&refused), "BAD_USER_INPUT", "{refused:#}");

    // The timeline, newest first: the message's delete, the status change, the new
    // message, the subject change (the deleted message is gone; message creations are the
    // messages themselves).
    let timeline = "query ($id: ID!, $first: Int, $after: String) { conversation(id: $id) { timeline(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { __typename ... on Message { content } ... on ConversationEvent { kind } } } } }";
    let mut items = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = app
            .data(
                &reader,
                timeline,
                json!({ "id": a1, "first": 1, "after": after }),
            )
            .await["conversation"]["timeline"]
            .clone();
        assert_eq!(page["totalCount"], 4, "{page:#}");
        for n in page["nodes"].as_array().unwrap() {
            items.push(match n["__typename"].as_str().unwrap() {
                "Message" => format!("Message {}", n["content"].as_str().unwrap()),
                t => format!("{t} {}", n["kind"].as_str().unwrap()),
            });
        }
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(
        items,
        [
            "ConversationEvent MESSAGE_DELETED",
            "ConversationEvent CONVERSATION_UPDATED",
            "Message m-now",
            "ConversationEvent CONVERSATION_UPDATED",
        ]
    );

    // Globex sees none of it.
    let globex = app.reader(GLOBEX);
    let theirs = app.data(&globex, events, json!({})).await["events"].clone();
    assert_eq!(theirs["totalCount"], 0);
    assert_eq!(theirs["nodes"], json!([]));
    let theirs = app
        .data(
            &globex,
            events,
            json!({ "filter": { "conversationId": a1 } }),
        )
        .await["events"]
        .clone();
    assert_eq!(theirs["nodes"], json!([]));
    let theirs = app.data(&globex, timeline, json!({ "id": a1 })).await;
    assert_eq!(theirs["conversation"], Value::Null);
}

both_backends!(
    events_and_the_timeline_read_the_log,
    a_filtered_subscription_follows_every_kind_of_write,
    a_resumed_subscription_misses_nothing_and_repeats_nothing,
    a_refused_or_empty_write_emits_nothing,
    connection_init_checks_the_token,
    the_legacy_protocol_works_too,
    message_created_follows_one_thread,
    an_expired_or_bad_cursor_is_refused,
);

/// The connection's and the company's subscription limits, and a connection that never
/// sends connection_init (closed with 4408).
mod limits {
    use super::*;

    async fn serve(backend: common::Backend) -> Option<TestApp> {
        let db = TestDb::create(backend).await?;
        let limits = Limits {
            max_subscriptions_per_connection: 2,
            max_subscriptions_per_company: 3,
            connection_init_timeout: Duration::from_millis(500),
            ..Limits::default()
        };
        Some(TestApp::serve_with_limits(db, limits).await)
    }

    async fn limits_hold(app: &TestApp) {
        load(app.conn()).await;
        let query = &events_subscription();
        let mut one = Socket::connected(app.addr, &app.reader(ACME)).await;
        // async-graphql starts a connection's operations in no particular order: the two
        // allowed ones are started before the one too many is sent.
        one.subscribe("1", query, json!({})).await;
        one.subscribe("2", query, json!({})).await;
        one.quiet(Duration::from_millis(300)).await;
        one.subscribe("3", query, json!({})).await;
        let refused = one.next_of("3").await;
        assert_eq!(
            first_code(&refused),
            "TOO_MANY_SUBSCRIPTIONS",
            "{refused:#}"
        );
        one.completed("3").await;
        // The company's third, on another connection, is accepted; its fourth is not.
        let mut two = Socket::connected(app.addr, &app.reader(ACME)).await;
        two.subscribe("1", query, json!({})).await;
        two.quiet(Duration::from_millis(300)).await;
        two.subscribe("2", query, json!({})).await;
        let refused = two.next_of("2").await;
        assert_eq!(
            first_code(&refused),
            "TOO_MANY_SUBSCRIPTIONS",
            "{refused:#}"
        );
        two.completed("2").await;
        // Another company is not held back by Acme's.
        let mut globex = Socket::connected(app.addr, &app.reader(GLOBEX)).await;
        globex.subscribe("1", query, json!({})).await;
        globex.quiet(Duration::from_millis(300)).await;
        // Completing one frees its place.
        one.complete("1").await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        two.subscribe("3", query, json!({})).await;
        two.quiet(Duration::from_millis(300)).await;

        let mut silent = Socket::open(app.addr, "graphql-transport-ws").await;
        match silent.frame(WAIT).await {
            Frame::Closed(4408, _) => {}
            other => panic!("expected 4408, got {other:?}"),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        limits_hold(&serve(common::Backend::Sqlite).await.unwrap()).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(app) = serve(common::Backend::Postgres).await {
            limits_hold(&app).await;
        }
    }
}

/// A token's expiry closes its socket (4403), with no leeway configured.
mod expiry {
    use super::*;

    async fn expiry_closes(app: &TestApp) {
        let keys = TokenKeys::hs256(SECRET.as_bytes());
        let token = keys.issue(ACME, "read:conversations", "tester", 2);
        let mut socket = Socket::connected(app.addr, &token).await;
        socket
            .subscribe("1", &events_subscription(), json!({}))
            .await;
        let started = std::time::Instant::now();
        match socket.frame(Duration::from_secs(10)).await {
            Frame::Closed(4403, reason) => assert!(reason.contains("expired"), "{reason}"),
            other => panic!("expected a 4403 close, got {other:?}"),
        }
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    async fn serve(backend: common::Backend) -> Option<TestApp> {
        let db = TestDb::create(backend).await?;
        let keys = TokenKeys::hs256(SECRET.as_bytes()).with_checks(TokenChecks {
            issuer: None,
            audience: None,
            leeway_seconds: 0,
        });
        Some(TestApp::serve_with_keys(db, keys).await)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        expiry_closes(&serve(common::Backend::Sqlite).await.unwrap()).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(app) = serve(common::Backend::Postgres).await {
            expiry_closes(&app).await;
        }
    }
}

/// Two server processes on one PostgreSQL database: a write through one reaches a
/// subscriber of the other, woken by NOTIFY (the second polls the log only every 30 s, so
/// nothing else could bring it within the wait).
mod instances {
    use super::*;
    use common::process::{Server, writer_token};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_through_one_instance_reaches_a_subscriber_of_another() {
        let Some(db) = TestDb::create(common::Backend::Postgres).await else {
            return;
        };
        load(&db.conn).await;
        let writer_side = Server::spawn(&db.url, &[]).await;
        let reader_side = Server::spawn(&db.url, &[("EVENT_POLL_INTERVAL_SECONDS", "30")]).await;
        let token = writer_token(ACME);
        let ws = format!("{}/graphql", reader_side.base().replacen("http", "ws", 1));
        let mut socket = Socket::open_url(&ws, "graphql-transport-ws").await;
        socket
            .send(json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } }))
            .await;
        match socket.frame(WAIT).await {
            Frame::Json(v) => assert_eq!(v["type"], "connection_ack"),
            other => panic!("{other:?}"),
        }
        socket
            .subscribe("1", "subscription { conversationEvents(filter: { statusIn: [OPEN] }) { kind entityId changedFields { field newValue } } }", json!({}))
            .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let client = reqwest::Client::new();
        let started = std::time::Instant::now();
        let reply = common::process::post(
            &client,
            &writer_side.base(),
            &token,
            UPDATE,
            json!({ "id": conv("A6"), "input": { "subject": "across" } }),
        )
        .await
        .unwrap();
        assert_eq!(
            reply.json()["data"]["updateConversation"]["userErrors"],
            json!([])
        );
        let e = socket.event("1", "conversationEvents").await;
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "woken, not polled"
        );
        assert_eq!(
            e,
            json!({ "kind": "CONVERSATION_UPDATED", "entityId": conv("A6").to_string(), "changedFields": [{ "field": "subject", "newValue": "across" }] })
        );
    }
}
