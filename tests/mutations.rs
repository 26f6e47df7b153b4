//! The mutations (issue 4, `/tmp/contract/mutations.md`) against the hand-built data set of
//! `common::read_fixtures` (companies Alpha and Beta; see the tables in its module comment).
//! Every expected answer is worked out by hand from those tables and the contract; the
//! tables are read back straight through the entities (`common::writes::Snapshot`) to prove
//! what a request wrote, and that a refused request wrote nothing at all.
//!
//! Row counts of the fixture (both companies): 2 companies, 6 agents, 6 inboxes,
//! 7 contacts, 14 conversations, 5 task links, 5 session links, 16 messages, 8 calls and an
//! empty audit log.

mod common;

use chrono::{TimeZone, Utc};
use common::read_fixtures::{self as fx, ALPHA, BETA, id, iso, label_of, sid, t};
use common::writes::{
    CREATE_AGENT, CREATE_CALL, CREATE_CONTACT, CREATE_CONVERSATION, CREATE_INBOX, CREATE_MESSAGE,
    DELETE_AGENT, DELETE_CALL, DELETE_CONTACT, DELETE_CONTACT_DEFAULT, DELETE_CONVERSATION,
    DELETE_INBOX, DELETE_INBOX_DEFAULT, DELETE_MESSAGE, Op, READ_AGENT, READ_CALL, READ_CONTACT,
    READ_CONVERSATION, READ_INBOX, READ_MESSAGE, Snapshot, UPDATE_AGENT, UPDATE_CALL,
    UPDATE_CONTACT, UPDATE_CONVERSATION, UPDATE_INBOX, Window, added, assert_audit, assert_same,
    insert_sorted, instant, ok, refused, rejected, uuid_of, writer,
};
use common::{Backend, TestApp, first_code};
use entity::{
    AgentKind, CallStatus, Channel, ConversationStatus, Direction, Priority, Responder, Source,
};
use entity::{agent, call, contact, conversation, conversation_session, inbox, message};
use futures_util::future::{join, join_all};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Statement};
use serde_json::{Value, json};
use uuid::Uuid;

const BAD: &str = "BAD_USER_INPUT";
const NOT_FOUND: &str = "NOT_FOUND";
const CONFLICT: &str = "CONFLICT";

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// The labels of a connection's `nodes` ("C04"; a new row's uuid stays a uuid).
fn node_labels(conn: &Value) -> Vec<String> {
    conn["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("no nodes in {conn:#}"))
        .iter()
        .map(|n| label_of(n["id"].as_str().unwrap()))
        .collect()
}

/// `vars` with `vars[key] = value`.
fn with(mut vars: Value, key: &str, value: Value) -> Value {
    vars[key] = value;
    vars
}

/// `vars` with `vars["input"][key] = value`.
fn with_input(mut vars: Value, key: &str, value: Value) -> Value {
    vars["input"][key] = value;
    vars
}

/// An email of exactly `n` characters of the shape local@domain.tld: a 64-character local
/// part and a domain of labels of at most 63 characters.
fn email_of_len(n: usize) -> String {
    let local = "a".repeat(64);
    let mut rest = n - local.len() - 1 - ".com".len();
    let mut domain = String::new();
    while rest > 64 {
        domain.push_str(&"b".repeat(63));
        domain.push('.');
        rest -= 64;
    }
    domain.push_str(&"c".repeat(rest));
    let email = format!("{local}@{domain}.com");
    assert_eq!(email.chars().count(), n);
    email
}

/// A phone number of 32 characters with 16 digits: "1-1-...1-".
fn phone_of_32() -> String {
    let phone = "1-".repeat(16);
    assert_eq!(phone.len(), 32);
    phone
}

/// A phone number of 33 characters with 16 digits.
fn phone_of_33() -> String {
    format!("+{}", phone_of_32())
}

/// A conversation row inserted straight through the entity, for tests that need fresh ones.
async fn insert_conversation(app: &TestApp, subject: &str) -> Uuid {
    let conv = Uuid::new_v4();
    conversation::Model {
        id: conv,
        company_id: ALPHA,
        inbox_id: id("IB1"),
        contact_id: Some(id("CT1")),
        subject: Some(subject.into()),
        status: ConversationStatus::Open,
        priority: Priority::Medium,
        channel: Channel::Email,
        source: Some(Source::Email),
        is_simulation: false,
        responded_by: None,
        agent_id: None,
        assignee_id: Some(id("AG1")),
        seen_by_id: None,
        is_chat_opened: false,
        campaign_id: None,
        listing_id: None,
        started_at: Some(t(1)),
        last_message_at: None,
        created_at: t(1),
        updated_at: t(1),
    }
    .into_active_model()
    .insert(app.conn())
    .await
    .unwrap();
    conv
}

async fn conversation_row(app: &TestApp, conv: Uuid) -> conversation::Model {
    conversation::Entity::find_by_id(conv)
        .one(app.conn())
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("conversation {conv} is gone"))
}

/// C09 gets a session link (SES3) so that it has messages (M12), a call (CL7), a task link
/// (TASK3) and a session link: every kind of row a conversation delete removes.
async fn link_c09_to_a_session(app: &TestApp) {
    conversation_session::Model {
        id: Uuid::new_v4(),
        company_id: ALPHA,
        conversation_id: id("C09"),
        session_id: id("SES3"),
        created_at: t(6),
        updated_at: t(6),
    }
    .into_active_model()
    .insert(app.conn())
    .await
    .unwrap();
}

// ---------------------------------------------------------------------------------------
// Conversations
// ---------------------------------------------------------------------------------------

async fn create_conversation_with_defaults(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);
    let before = Snapshot::take(app.conn()).await;
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        CREATE_CONVERSATION,
        json!({ "input": { "inboxId": sid("IB1") } }),
    )
    .await;
    let window = window.close();
    let got = &payload["conversation"];
    let new_id = uuid_of(&got["id"]);
    assert!(
        !before.conversations.iter().any(|c| c.id == new_id),
        "a new id"
    );
    window.assert_json(&got["createdAt"], "createdAt");
    window.assert_json(&got["updatedAt"], "updatedAt");
    // Defaults: status OPEN, priority MEDIUM, channel EMAIL, both flags false; every
    // optional field null; no messages, so no lastMessageAt.
    assert_eq!(
        *got,
        json!({
            "id": new_id.to_string(),
            "subject": null, "status": "OPEN", "priority": "MEDIUM", "channel": "EMAIL",
            "source": null, "isSimulation": false, "respondedBy": null, "isChatOpened": false,
            "campaign": null, "listing": null, "startedAt": null, "lastMessageAt": null,
            "createdAt": got["createdAt"], "updatedAt": got["updatedAt"],
            "contact": null, "inbox": { "id": sid("IB1") }, "agent": null, "assignee": null,
            "seenBy": null, "tasks": [], "sessions": [],
        })
    );
    let data = app
        .data(
            &token,
            READ_CONVERSATION,
            json!({ "id": new_id.to_string() }),
        )
        .await;
    assert_eq!(data["conversation"], *got, "read back");

    let after = Snapshot::take(app.conn()).await;
    let row = after.conversation(new_id).clone();
    window.assert_contains(row.created_at, "created_at");
    window.assert_contains(row.updated_at, "updated_at");
    let mut expected = before.clone();
    insert_sorted(
        &mut expected.conversations,
        conversation::Model {
            id: new_id,
            company_id: ALPHA,
            inbox_id: id("IB1"),
            contact_id: None,
            subject: None,
            status: ConversationStatus::Open,
            priority: Priority::Medium,
            channel: Channel::Email,
            source: None,
            is_simulation: false,
            responded_by: None,
            agent_id: None,
            assignee_id: None,
            seen_by_id: None,
            is_chat_opened: false,
            campaign_id: None,
            listing_id: None,
            started_at: None,
            last_message_at: None,
            created_at: row.created_at,
            updated_at: row.updated_at,
        },
    );
    assert_same(&expected, &after, "createConversation with defaults");

    // The newest update of IB1's conversations (C09 30, C12 22, C01 20, C05 5).
    let data = app
        .data(
            &token,
            "query ($id: ID!) { inbox(id: $id) { conversations { totalCount nodes { id } } } }",
            json!({ "id": sid("IB1") }),
        )
        .await;
    let list = &data["inbox"]["conversations"];
    assert_eq!(list["totalCount"], 5);
    assert_eq!(
        node_labels(list),
        [new_id.to_string().as_str(), "C09", "C12", "C01", "C05"]
    );
}

async fn create_conversation_with_every_field(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);
    let before = Snapshot::take(app.conn()).await;
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        CREATE_CONVERSATION,
        json!({ "input": {
            "inboxId": sid("IB2"), "subject": "  Full house  ", "contactId": sid("CT2"),
            "channel": "WHATSAPP", "priority": "URGENT", "status": "PENDING", "source": "WIDGET",
            "assigneeId": sid("AG1"), "agentId": sid("AG3"), "seenById": sid("AG2"),
            "campaignId": sid("CAMP1"), "listingId": sid("LIST1"),
            "isSimulation": true, "isChatOpened": true, "respondedBy": "AI",
            // 10:30 UTC written with another offset.
            "startedAt": "2026-03-05T11:30:00+01:00",
        } }),
    )
    .await;
    let window = window.close();
    let got = &payload["conversation"];
    let new_id = uuid_of(&got["id"]);
    window.assert_json(&got["createdAt"], "createdAt");
    window.assert_json(&got["updatedAt"], "updatedAt");
    assert_eq!(
        *got,
        json!({
            "id": new_id.to_string(),
            "subject": "Full house", "status": "PENDING", "priority": "URGENT",
            "channel": "WHATSAPP", "source": "WIDGET", "isSimulation": true,
            "respondedBy": "AI", "isChatOpened": true,
            "campaign": { "id": sid("CAMP1") }, "listing": { "id": sid("LIST1") },
            "startedAt": "2026-03-05T10:30:00.000000Z", "lastMessageAt": null,
            "createdAt": got["createdAt"], "updatedAt": got["updatedAt"],
            "contact": { "id": sid("CT2") }, "inbox": { "id": sid("IB2") },
            "agent": { "id": sid("AG3") }, "assignee": { "id": sid("AG1") },
            "seenBy": { "id": sid("AG2") }, "tasks": [], "sessions": [],
        })
    );
    let data = app
        .data(
            &token,
            READ_CONVERSATION,
            json!({ "id": new_id.to_string() }),
        )
        .await;
    assert_eq!(data["conversation"], *got, "read back");

    let after = Snapshot::take(app.conn()).await;
    let row = after.conversation(new_id).clone();
    window.assert_contains(row.created_at, "created_at");
    window.assert_contains(row.updated_at, "updated_at");
    let mut expected = before.clone();
    insert_sorted(
        &mut expected.conversations,
        conversation::Model {
            id: new_id,
            company_id: ALPHA,
            inbox_id: id("IB2"),
            contact_id: Some(id("CT2")),
            subject: Some("Full house".into()),
            status: ConversationStatus::Pending,
            priority: Priority::Urgent,
            channel: Channel::Whatsapp,
            source: Some(Source::Widget),
            is_simulation: true,
            responded_by: Some(Responder::Ai),
            agent_id: Some(id("AG3")),
            assignee_id: Some(id("AG1")),
            seen_by_id: Some(id("AG2")),
            is_chat_opened: true,
            campaign_id: Some(id("CAMP1")),
            listing_id: Some(id("LIST1")),
            started_at: Some(Utc.with_ymd_and_hms(2026, 3, 5, 10, 30, 0).unwrap()),
            last_message_at: None,
            created_at: row.created_at,
            updated_at: row.updated_at,
        },
    );
    assert_same(&expected, &after, "createConversation with every field");

    // CT2's conversations by updatedAt DESC: the new one, C12 22, C02 15, C07 12.
    let data = app
        .data(
            &token,
            "query ($id: ID!) { contact(id: $id) { conversations { totalCount nodes { id } } } }",
            json!({ "id": sid("CT2") }),
        )
        .await;
    let list = &data["contact"]["conversations"];
    assert_eq!(list["totalCount"], 4);
    assert_eq!(
        node_labels(list),
        [new_id.to_string().as_str(), "C12", "C02", "C07"]
    );
}

/// C01 as the API shows it with `subject`, `priority` and `assignee` as given and
/// `updatedAt` as returned (the rest is the fixture's C01).
fn c01_json(subject: &str, priority: &str, updated_at: &Value) -> Value {
    json!({
        "id": sid("C01"), "subject": subject, "status": "OPEN", "priority": priority,
        "channel": "EMAIL", "source": "EMAIL", "isSimulation": false, "respondedBy": "HUMAN",
        "isChatOpened": false, "campaign": null, "listing": null,
        "startedAt": iso(2), "lastMessageAt": iso(18), "createdAt": iso(2),
        "updatedAt": updated_at,
        "contact": { "id": sid("CT1") }, "inbox": { "id": sid("IB1") }, "agent": null,
        "assignee": null, "seenBy": { "id": sid("AG1") },
        "tasks": [{ "id": sid("TASK1") }], "sessions": [],
    })
}

async fn update_conversation_changes_only_the_given_fields(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);
    let c01 = id("C01");

    // A new subject (trimmed) and an explicit null assignee; nothing else given.
    let before = Snapshot::take(app.conn()).await;
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        UPDATE_CONVERSATION,
        json!({ "id": sid("C01"), "input": { "subject": "  Refund approved  ", "assigneeId": null } }),
    )
    .await;
    let window = window.close();
    let got = &payload["conversation"];
    window.assert_json(&got["updatedAt"], "updatedAt");
    assert_eq!(*got, c01_json("Refund approved", "HIGH", &got["updatedAt"]));
    let data = app
        .data(&token, READ_CONVERSATION, json!({ "id": sid("C01") }))
        .await;
    assert_eq!(data["conversation"], *got, "read back");
    let after = Snapshot::take(app.conn()).await;
    let row = after.conversation(c01).clone();
    window.assert_contains(row.updated_at, "updated_at");
    assert!(row.updated_at > before.conversation(c01).updated_at);
    let mut expected = before.clone();
    {
        let r = expected.conversation_mut(c01);
        r.subject = Some("Refund approved".into());
        r.assignee_id = None;
        r.updated_at = row.updated_at;
    }
    assert_same(&expected, &after, "subject and assigneeId: null");

    // C01 is unassigned now, and the most recently updated conversation.
    let list = |filter: Value| {
        let token = token.clone();
        async move {
            let data = app
                .data(
                    &token,
                    "query ($filter: ConversationFilter) { conversations(filter: $filter) { nodes { id } } }",
                    json!({ "filter": filter }),
                )
                .await;
            node_labels(&data["conversations"])
        }
    };
    assert_eq!(
        list(json!({ "unassigned": true })).await,
        ["C01", "C02", "C08", "C10", "C05"]
    );
    assert_eq!(
        list(json!({ "assigneeId": sid("AG1") })).await,
        ["C12", "C07", "C04"]
    );

    // Only the priority: the new subject and the cleared assignee stay.
    let previous = row;
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        UPDATE_CONVERSATION,
        json!({ "id": sid("C01"), "input": { "priority": "LOW" } }),
    )
    .await;
    let window = window.close();
    let got = &payload["conversation"];
    window.assert_json(&got["updatedAt"], "updatedAt");
    assert_eq!(*got, c01_json("Refund approved", "LOW", &got["updatedAt"]));
    let after2 = Snapshot::take(app.conn()).await;
    let row = after2.conversation(c01).clone();
    window.assert_contains(row.updated_at, "updated_at");
    assert!(
        row.updated_at > previous.updated_at,
        "updatedAt moves forward"
    );
    let mut expected = after.clone();
    {
        let r = expected.conversation_mut(c01);
        r.priority = Priority::Low;
        r.updated_at = row.updated_at;
    }
    assert_same(&expected, &after2, "priority only");

    // An empty input, and an input whose values equal the stored ones, succeed and write
    // nothing: updatedAt stays, so the conversation keeps its place in the default order.
    for input in [
        json!({}),
        json!({ "priority": "LOW", "subject": "Refund approved", "assigneeId": null }),
    ] {
        let payload = ok(
            app,
            &token,
            UPDATE_CONVERSATION,
            json!({ "id": sid("C01"), "input": input }),
        )
        .await;
        let got = &payload["conversation"];
        assert_eq!(instant(&got["updatedAt"]), row.updated_at, "{input}");
        assert_eq!(*got, c01_json("Refund approved", "LOW", &got["updatedAt"]));
        assert_same(&after2, &Snapshot::take(app.conn()).await, "a no-op update");
    }
}

async fn update_conversation_sets_and_clears_every_field(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);
    let c02 = id("C02");

    // Every field of C02 changed.
    let before = Snapshot::take(app.conn()).await;
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        UPDATE_CONVERSATION,
        json!({ "id": sid("C02"), "input": {
            "subject": "Changed", "status": "CLOSED", "priority": "LOW", "channel": "SMS",
            "source": "API", "inboxId": sid("IB5"), "contactId": sid("CT6"),
            "assigneeId": sid("AG5"), "agentId": sid("AG4"), "seenById": sid("AG2"),
            "campaignId": sid("CAMP2"), "listingId": sid("LIST2"),
            "isSimulation": true, "isChatOpened": false, "respondedBy": "HUMAN",
            "startedAt": iso(7),
        } }),
    )
    .await;
    let window = window.close();
    let got = &payload["conversation"];
    window.assert_json(&got["updatedAt"], "updatedAt");
    assert_eq!(
        *got,
        json!({
            "id": sid("C02"), "subject": "Changed", "status": "CLOSED", "priority": "LOW",
            "channel": "SMS", "source": "API", "isSimulation": true, "respondedBy": "HUMAN",
            "isChatOpened": false, "campaign": { "id": sid("CAMP2") }, "listing": { "id": sid("LIST2") },
            "startedAt": iso(7), "lastMessageAt": iso(14), "createdAt": iso(0),
            "updatedAt": got["updatedAt"],
            "contact": { "id": sid("CT6") }, "inbox": { "id": sid("IB5") },
            "agent": { "id": sid("AG4") }, "assignee": { "id": sid("AG5") },
            "seenBy": { "id": sid("AG2") }, "tasks": [], "sessions": [{ "id": sid("SES1") }],
        })
    );
    let data = app
        .data(&token, READ_CONVERSATION, json!({ "id": sid("C02") }))
        .await;
    assert_eq!(data["conversation"], *got, "read back");
    let after = Snapshot::take(app.conn()).await;
    let row = after.conversation(c02).clone();
    window.assert_contains(row.updated_at, "updated_at");
    let mut expected = before.clone();
    *expected.conversation_mut(c02) = conversation::Model {
        id: c02,
        company_id: ALPHA,
        inbox_id: id("IB5"),
        contact_id: Some(id("CT6")),
        subject: Some("Changed".into()),
        status: ConversationStatus::Closed,
        priority: Priority::Low,
        channel: Channel::Sms,
        source: Some(Source::Api),
        is_simulation: true,
        responded_by: Some(Responder::Human),
        agent_id: Some(id("AG4")),
        assignee_id: Some(id("AG5")),
        seen_by_id: Some(id("AG2")),
        is_chat_opened: false,
        campaign_id: Some(id("CAMP2")),
        listing_id: Some(id("LIST2")),
        started_at: Some(t(7)),
        last_message_at: Some(t(14)),
        created_at: t(0),
        updated_at: row.updated_at,
    };
    assert_same(&expected, &after, "every field set");

    // The relations follow: IB5 and CT6 had no conversations, IB2 and CT2 lose C02.
    let data = app
        .data(
            &token,
            r#"query ($ib5: ID!, $ib2: ID!, $ct6: ID!, $ct2: ID!) {
              ib5: inbox(id: $ib5) { conversations { nodes { id } } }
              ib2: inbox(id: $ib2) { conversations { nodes { id } } }
              ct6: contact(id: $ct6) { conversations { nodes { id } } }
              ct2: contact(id: $ct2) { conversations { nodes { id } } }
            }"#,
            json!({ "ib5": sid("IB5"), "ib2": sid("IB2"), "ct6": sid("CT6"), "ct2": sid("CT2") }),
        )
        .await;
    assert_eq!(node_labels(&data["ib5"]["conversations"]), ["C02"]);
    assert_eq!(node_labels(&data["ib2"]["conversations"]), ["C07"]);
    assert_eq!(node_labels(&data["ct6"]["conversations"]), ["C02"]);
    assert_eq!(node_labels(&data["ct2"]["conversations"]), ["C12", "C07"]);

    // Explicit nulls clear every nullable field; the others stay as set above.
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        UPDATE_CONVERSATION,
        json!({ "id": sid("C02"), "input": {
            "subject": null, "source": null, "contactId": null, "assigneeId": null,
            "agentId": null, "seenById": null, "campaignId": null, "listingId": null,
            "respondedBy": null, "startedAt": null,
        } }),
    )
    .await;
    let window = window.close();
    let got = &payload["conversation"];
    window.assert_json(&got["updatedAt"], "updatedAt");
    assert_eq!(
        *got,
        json!({
            "id": sid("C02"), "subject": null, "status": "CLOSED", "priority": "LOW",
            "channel": "SMS", "source": null, "isSimulation": true, "respondedBy": null,
            "isChatOpened": false, "campaign": null, "listing": null,
            "startedAt": null, "lastMessageAt": iso(14), "createdAt": iso(0),
            "updatedAt": got["updatedAt"],
            "contact": null, "inbox": { "id": sid("IB5") }, "agent": null, "assignee": null,
            "seenBy": null, "tasks": [], "sessions": [{ "id": sid("SES1") }],
        })
    );
    let after2 = Snapshot::take(app.conn()).await;
    let row = after2.conversation(c02).clone();
    window.assert_contains(row.updated_at, "updated_at");
    let mut expected = after.clone();
    {
        let r = expected.conversation_mut(c02);
        r.subject = None;
        r.source = None;
        r.contact_id = None;
        r.assignee_id = None;
        r.agent_id = None;
        r.seen_by_id = None;
        r.campaign_id = None;
        r.listing_id = None;
        r.responded_by = None;
        r.started_at = None;
        r.updated_at = row.updated_at;
    }
    assert_same(&expected, &after2, "every nullable field cleared");
}

// ---------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------

async fn create_message_moves_last_message_at_forward_only(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);
    let c01 = id("C01");
    let metadata = json!({ "k": [1, "two", null], "n": 1.5, "nested": { "ok": true } });

    // Newer than C01's last message (18): lastMessageAt becomes 40.
    let before = Snapshot::take(app.conn()).await;
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        CREATE_MESSAGE,
        json!({ "conversationId": sid("C01"), "input": {
            "content": "  Any update?\nThanks\t ", "direction": "INBOUND", "channel": "EMAIL",
            "metadata": metadata, "sentAt": iso(40),
        } }),
    )
    .await;
    let window = window.close();
    let message = &payload["message"];
    let first = uuid_of(&message["id"]);
    window.assert_json(&message["createdAt"], "message createdAt");
    window.assert_json(&message["updatedAt"], "message updatedAt");
    // Trimmed at both ends; the newline inside is kept.
    assert_eq!(
        *message,
        json!({
            "id": first.to_string(), "direction": "INBOUND", "content": "Any update?\nThanks",
            "channel": "EMAIL", "metadata": metadata, "sentAt": iso(40),
            "createdAt": message["createdAt"], "updatedAt": message["updatedAt"],
            "conversation": { "id": sid("C01") },
        })
    );
    let conv = &payload["conversation"];
    window.assert_json(&conv["updatedAt"], "conversation updatedAt");
    assert_eq!(
        *conv,
        json!({ "id": sid("C01"), "lastMessageAt": iso(40), "updatedAt": conv["updatedAt"] })
    );
    let data = app
        .data(&token, READ_MESSAGE, json!({ "id": first.to_string() }))
        .await;
    assert_eq!(data["message"], *message, "read back");
    let after = Snapshot::take(app.conn()).await;
    let c01_row = after.conversation(c01).clone();
    window.assert_contains(c01_row.updated_at, "conversation updated_at");
    let new = added(&before.messages, &after.messages);
    assert_eq!(new.len(), 1);
    window.assert_contains(new[0].created_at, "message created_at");
    window.assert_contains(new[0].updated_at, "message updated_at");
    let mut expected = before.clone();
    insert_sorted(
        &mut expected.messages,
        message::Model {
            id: first,
            company_id: ALPHA,
            conversation_id: c01,
            direction: Direction::Inbound,
            content: "Any update?\nThanks".into(),
            content_folded: entity::text::fold("Any update?\nThanks"),
            channel: Some(Channel::Email),
            metadata: Some(metadata.clone()),
            sent_at: t(40),
            created_at: new[0].created_at,
            updated_at: new[0].updated_at,
        },
    );
    {
        let r = expected.conversation_mut(c01);
        r.last_message_at = Some(t(40));
        r.updated_at = c01_row.updated_at;
    }
    assert_same(&expected, &after, "a newer message");

    // Older than the last message (sent at 1): lastMessageAt stays 40, updatedAt moves.
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        CREATE_MESSAGE,
        json!({ "conversationId": sid("C01"), "input": {
            "content": "Late import", "direction": "OUTBOUND", "sentAt": iso(1),
        } }),
    )
    .await;
    let window = window.close();
    let message = &payload["message"];
    let second = uuid_of(&message["id"]);
    // Created without a channel: the conversation's (C01, EMAIL) is its channel.
    assert_eq!(message["channel"], "EMAIL");
    assert_eq!(message["metadata"], Value::Null);
    assert_eq!(message["sentAt"], iso(1));
    assert_eq!(message["direction"], "OUTBOUND");
    let conv = &payload["conversation"];
    assert_eq!(conv["lastMessageAt"], iso(40), "never moves backwards");
    let updated = window.assert_json(&conv["updatedAt"], "conversation updatedAt");
    assert!(updated > c01_row.updated_at, "updatedAt moves forward");
    let after2 = Snapshot::take(app.conn()).await;
    let row = after2.conversation(c01).clone();
    assert_eq!(row.last_message_at, Some(t(40)));
    window.assert_contains(row.updated_at, "conversation updated_at");
    let mut expected = after.clone();
    let new = added(&after.messages, &after2.messages);
    assert_eq!(new.len(), 1);
    insert_sorted(
        &mut expected.messages,
        message::Model {
            id: second,
            company_id: ALPHA,
            conversation_id: c01,
            direction: Direction::Outbound,
            content: "Late import".into(),
            content_folded: entity::text::fold("Late import"),
            channel: None,
            metadata: None,
            sent_at: t(1),
            created_at: new[0].created_at,
            updated_at: new[0].updated_at,
        },
    );
    expected.conversation_mut(c01).updated_at = row.updated_at;
    assert_same(&expected, &after2, "an older message");

    // The conversation reads the newest message as its last one.
    let data = app
        .data(
            &token,
            r#"query ($id: ID!) { conversation(id: $id) {
                lastMessageAt lastMessage { id }
                messages(orderBy: { field: SENT_AT, direction: ASC }) { totalCount nodes { id } }
            } }"#,
            json!({ "id": sid("C01") }),
        )
        .await;
    let conv = &data["conversation"];
    assert_eq!(conv["lastMessageAt"], iso(40));
    assert_eq!(conv["lastMessage"]["id"], first.to_string());
    assert_eq!(conv["messages"]["totalCount"], 5);
    assert_eq!(
        node_labels(&conv["messages"]),
        [
            second.to_string().as_str(),
            "M01",
            "M02",
            "M03",
            first.to_string().as_str()
        ]
    );

    // Without sentAt the message is sent now, which is newer than 40.
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        CREATE_MESSAGE,
        json!({ "conversationId": sid("C01"), "input": { "content": "Now", "direction": "OUTBOUND", "channel": "SMS" } }),
    )
    .await;
    let window = window.close();
    let sent = window.assert_json(&payload["message"]["sentAt"], "sentAt defaults to now");
    assert_eq!(instant(&payload["conversation"]["lastMessageAt"]), sent);
    let row = conversation_row(app, c01).await;
    let third = uuid_of(&payload["message"]["id"]);
    let stored = message::Entity::find_by_id(third)
        .one(app.conn())
        .await
        .unwrap()
        .unwrap();
    window.assert_contains(stored.sent_at, "stored sent_at");
    assert_eq!(row.last_message_at, Some(stored.sent_at));
    assert_eq!(stored.channel, Some(Channel::Sms));

    // A conversation without messages (C03) takes the first one's sentAt, however old.
    let payload = ok(
        app,
        &token,
        CREATE_MESSAGE,
        json!({ "conversationId": sid("C03"), "input": { "content": "Old note", "direction": "INBOUND", "sentAt": iso(-10) } }),
    )
    .await;
    assert_eq!(payload["conversation"]["lastMessageAt"], iso(-10));
    assert_eq!(
        conversation_row(app, id("C03")).await.last_message_at,
        Some(t(-10))
    );
}

async fn delete_message_recomputes_last_message_at(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);
    let c01 = id("C01");
    // C01: M01 at 3, M02 at 4, M03 at 18 (its lastMessageAt).
    // (message, reason sent, reason stored, C01's lastMessageAt afterwards)
    let steps = [
        ("M03", json!("  duplicate  "), Some("duplicate"), Some(t(4))),
        ("M02", Value::Null, None, Some(t(3))),
        ("M01", json!(""), None, None),
    ];
    for (label, reason, stored_reason, last) in steps {
        let before = Snapshot::take(app.conn()).await;
        let mut vars = json!({ "id": sid(label) });
        if !reason.is_null() {
            vars["reason"] = reason;
        }
        let window = Window::open();
        let payload = ok(app, &token, DELETE_MESSAGE, vars).await;
        let window = window.close();
        assert_eq!(payload["deletedId"], sid(label));
        let after = Snapshot::take(app.conn()).await;
        let row = after.conversation(c01).clone();
        assert_eq!(row.last_message_at, last, "after deleting {label}");
        window.assert_contains(row.updated_at, "updated_at");
        let mut expected = before.clone();
        expected.messages.retain(|m| m.id != id(label));
        {
            let r = expected.conversation_mut(c01);
            r.last_message_at = last;
            r.updated_at = row.updated_at;
        }
        expected.audit = after.audit.clone();
        assert_same(&expected, &after, &format!("deleteMessage {label}"));
        assert_audit(
            &added(&before.audit, &after.audit),
            ALPHA,
            &[("message", id(label))],
            stored_reason,
            &window,
        );
    }
    let data = app
        .data(
            &token,
            r#"query ($id: ID!) { conversation(id: $id) { lastMessageAt lastMessage { id } messages { totalCount } } }"#,
            json!({ "id": sid("C01") }),
        )
        .await;
    assert_eq!(
        data["conversation"],
        json!({ "lastMessageAt": null, "lastMessage": null, "messages": { "totalCount": 0 } })
    );

    // C02: M05 and M06 both at 14; without M06, M05 still makes it 14.
    let payload = ok(
        app,
        &token,
        DELETE_MESSAGE,
        json!({ "id": sid("M06"), "reason": "tie" }),
    )
    .await;
    assert_eq!(payload["deletedId"], sid("M06"));
    let data = app
        .data(
            &token,
            r#"query ($id: ID!) { conversation(id: $id) { lastMessageAt lastMessage { id } } }"#,
            json!({ "id": sid("C02") }),
        )
        .await;
    assert_eq!(
        data["conversation"],
        json!({ "lastMessageAt": iso(14), "lastMessage": { "id": sid("M05") } })
    );
    let data = app
        .data(&token, READ_MESSAGE, json!({ "id": sid("M03") }))
        .await;
    assert_eq!(data["message"], Value::Null);

    // A deleted message is not found any more.
    rejected(
        app,
        &token,
        DELETE_MESSAGE,
        json!({ "id": sid("M03") }),
        &[(&["id"], NOT_FOUND)],
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// Contacts, inboxes, calls, agents
// ---------------------------------------------------------------------------------------

async fn contacts_create_update_delete(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);

    let before = Snapshot::take(app.conn()).await;
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        CREATE_CONTACT,
        json!({ "input": {
            "firstName": " Dana ", "lastName": "Scully  ", "phoneNumber": " +1 (202) 555-0143 ",
            "email": "  dana@fbi.example ",
        } }),
    )
    .await;
    let window = window.close();
    let got = &payload["contact"];
    let dana = uuid_of(&got["id"]);
    window.assert_json(&got["createdAt"], "createdAt");
    window.assert_json(&got["updatedAt"], "updatedAt");
    assert_eq!(
        *got,
        json!({
            "id": dana.to_string(), "firstName": "Dana", "lastName": "Scully", "fullName": "Dana Scully",
            "phoneNumber": "+1 (202) 555-0143", "email": "dana@fbi.example",
            "createdAt": got["createdAt"], "updatedAt": got["updatedAt"],
        })
    );
    let data = app
        .data(&token, READ_CONTACT, json!({ "id": dana.to_string() }))
        .await;
    assert_eq!(data["contact"], *got, "read back");
    let after = Snapshot::take(app.conn()).await;
    let row = added(&before.contacts, &after.contacts);
    assert_eq!(row.len(), 1);
    window.assert_contains(row[0].created_at, "created_at");
    window.assert_contains(row[0].updated_at, "updated_at");
    let mut expected = before.clone();
    insert_sorted(
        &mut expected.contacts,
        contact::Model {
            id: dana,
            company_id: ALPHA,
            name: Some("Dana".into()),
            name_folded: Some(entity::text::fold("Dana")),
            surname: Some("Scully".into()),
            surname_folded: Some(entity::text::fold("Scully")),
            phone_number: Some("+1 (202) 555-0143".into()),
            email: Some("dana@fbi.example".into()),
            email_folded: Some(entity::text::fold("dana@fbi.example")),
            created_at: row[0].created_at,
            updated_at: row[0].updated_at,
        },
    );
    assert_same(&expected, &after, "createContact");

    // Every field is optional.
    let payload = ok(app, &token, CREATE_CONTACT, json!({ "input": {} })).await;
    let empty = uuid_of(&payload["contact"]["id"]);
    assert_eq!(
        payload["contact"],
        json!({
            "id": empty.to_string(), "firstName": null, "lastName": null, "fullName": null,
            "phoneNumber": null, "email": null,
            "createdAt": payload["contact"]["createdAt"], "updatedAt": payload["contact"]["updatedAt"],
        })
    );

    // Only the email changes.
    let before = Snapshot::take(app.conn()).await;
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        UPDATE_CONTACT,
        json!({ "id": dana.to_string(), "input": { "email": "d.scully@fbi.example" } }),
    )
    .await;
    let window = window.close();
    assert_eq!(payload["contact"]["email"], "d.scully@fbi.example");
    assert_eq!(payload["contact"]["phoneNumber"], "+1 (202) 555-0143");
    assert_eq!(payload["contact"]["fullName"], "Dana Scully");
    let after = Snapshot::take(app.conn()).await;
    let row = after
        .contacts
        .iter()
        .find(|c| c.id == dana)
        .unwrap()
        .clone();
    window.assert_contains(row.updated_at, "updated_at");
    let mut expected = before.clone();
    {
        let r = expected.contacts.iter_mut().find(|c| c.id == dana).unwrap();
        r.email = Some("d.scully@fbi.example".into());
        // The folded shadow follows the email.
        r.email_folded = Some("d.scully@fbi.example".into());
        r.updated_at = row.updated_at;
    }
    assert_same(&expected, &after, "updateContact email");

    // Explicit null and an empty string both clear.
    let before = after;
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        UPDATE_CONTACT,
        json!({ "id": dana.to_string(), "input": { "phoneNumber": null, "lastName": "" } }),
    )
    .await;
    let window = window.close();
    assert_eq!(payload["contact"]["phoneNumber"], Value::Null);
    assert_eq!(payload["contact"]["lastName"], Value::Null);
    assert_eq!(payload["contact"]["fullName"], "Dana");
    assert_eq!(payload["contact"]["email"], "d.scully@fbi.example");
    let after = Snapshot::take(app.conn()).await;
    let row = after
        .contacts
        .iter()
        .find(|c| c.id == dana)
        .unwrap()
        .clone();
    window.assert_contains(row.updated_at, "updated_at");
    let mut expected = before.clone();
    {
        let r = expected.contacts.iter_mut().find(|c| c.id == dana).unwrap();
        r.phone_number = None;
        r.surname = None;
        r.surname_folded = None;
        r.updated_at = row.updated_at;
    }
    assert_same(&expected, &after, "updateContact clears");

    // An empty input, and values equal to the stored ones, write nothing: updatedAt stays.
    let previous = row.updated_at;
    let unchanged = Snapshot::take(app.conn()).await;
    for input in [
        json!({}),
        json!({ "firstName": "Dana", "email": "d.scully@fbi.example" }),
    ] {
        let payload = ok(
            app,
            &token,
            UPDATE_CONTACT,
            json!({ "id": dana.to_string(), "input": input }),
        )
        .await;
        assert_eq!(
            instant(&payload["contact"]["updatedAt"]),
            previous,
            "{input}"
        );
        assert_eq!(payload["contact"]["firstName"], "Dana");
        assert_same(
            &unchanged,
            &Snapshot::take(app.conn()).await,
            "a no-op update",
        );
    }

    // CT6 has no conversations: deleted, with one audit row.
    let before = Snapshot::take(app.conn()).await;
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        DELETE_CONTACT,
        json!({ "id": sid("CT6"), "reason": "gdpr" }),
    )
    .await;
    let window = window.close();
    assert_eq!(payload["deletedId"], sid("CT6"));
    let after = Snapshot::take(app.conn()).await;
    let mut expected = before.clone();
    expected.contacts.retain(|c| c.id != id("CT6"));
    expected.audit = after.audit.clone();
    assert_same(&expected, &after, "deleteContact CT6");
    assert_audit(
        &added(&before.audit, &after.audit),
        ALPHA,
        &[("contact", id("CT6"))],
        Some("gdpr"),
        &window,
    );
    let data = app
        .data(&token, READ_CONTACT, json!({ "id": sid("CT6") }))
        .await;
    assert_eq!(data["contact"], Value::Null);

    // Without cascade and without a reason.
    let before = after;
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        DELETE_CONTACT_DEFAULT,
        json!({ "id": empty.to_string() }),
    )
    .await;
    let window = window.close();
    assert_eq!(payload["deletedId"], empty.to_string());
    let after = Snapshot::take(app.conn()).await;
    assert_audit(
        &added(&before.audit, &after.audit),
        ALPHA,
        &[("contact", empty)],
        None,
        &window,
    );
    let data = app
        .data(&token, "{ contacts { totalCount } }", json!({}))
        .await;
    // 6 - CT6 + Dana.
    assert_eq!(data["contacts"]["totalCount"], 6);
}

async fn inboxes_create_update_delete(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);

    let before = Snapshot::take(app.conn()).await;
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        CREATE_INBOX,
        json!({ "input": { "name": "  Text Desk ", "channel": "SMS", "phoneNumber": "+1 555 000 1111" } }),
    )
    .await;
    let window = window.close();
    let got = &payload["inbox"];
    let desk = uuid_of(&got["id"]);
    window.assert_json(&got["createdAt"], "createdAt");
    window.assert_json(&got["updatedAt"], "updatedAt");
    assert_eq!(
        *got,
        json!({
            "id": desk.to_string(), "name": "Text Desk", "channel": "SMS",
            "phoneNumber": "+1 555 000 1111", "email": null,
            "createdAt": got["createdAt"], "updatedAt": got["updatedAt"],
        })
    );
    let data = app
        .data(&token, READ_INBOX, json!({ "id": desk.to_string() }))
        .await;
    assert_eq!(data["inbox"], *got, "read back");
    let after = Snapshot::take(app.conn()).await;
    let row = added(&before.inboxes, &after.inboxes);
    assert_eq!(row.len(), 1);
    window.assert_contains(row[0].created_at, "created_at");
    let mut expected = before.clone();
    insert_sorted(
        &mut expected.inboxes,
        inbox::Model {
            id: desk,
            company_id: ALPHA,
            name: "Text Desk".into(),
            channel: Channel::Sms,
            phone_number: Some("+1 555 000 1111".into()),
            email: None,
            created_at: row[0].created_at,
            updated_at: row[0].updated_at,
        },
    );
    assert_same(&expected, &after, "createInbox");
    // Listed by name: Phone Line, Sales WhatsApp, Support Email (IB1, IB5), Text Desk,
    // Website Chat.
    let data = app
        .data(&token, "{ inboxes { nodes { id } } }", json!({}))
        .await;
    assert_eq!(
        node_labels(&data["inboxes"]),
        ["IB3", "IB2", "IB1", "IB5", desk.to_string().as_str(), "IB4"]
    );

    // Name and email change; channel and phone stay.
    let before = after;
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        UPDATE_INBOX,
        json!({ "id": desk.to_string(), "input": { "name": "SMS Desk", "email": "sms@alpha.example" } }),
    )
    .await;
    let window = window.close();
    assert_eq!(payload["inbox"]["name"], "SMS Desk");
    assert_eq!(payload["inbox"]["channel"], "SMS");
    assert_eq!(payload["inbox"]["phoneNumber"], "+1 555 000 1111");
    assert_eq!(payload["inbox"]["email"], "sms@alpha.example");
    let after = Snapshot::take(app.conn()).await;
    let row = after.inboxes.iter().find(|r| r.id == desk).unwrap().clone();
    window.assert_contains(row.updated_at, "updated_at");
    let mut expected = before.clone();
    {
        let r = expected.inboxes.iter_mut().find(|r| r.id == desk).unwrap();
        r.name = "SMS Desk".into();
        r.email = Some("sms@alpha.example".into());
        r.updated_at = row.updated_at;
    }
    assert_same(&expected, &after, "updateInbox");

    // Channel changes, the phone is cleared.
    let payload = ok(
        app,
        &token,
        UPDATE_INBOX,
        json!({ "id": desk.to_string(), "input": { "channel": "WHATSAPP", "phoneNumber": null } }),
    )
    .await;
    assert_eq!(payload["inbox"]["channel"], "WHATSAPP");
    assert_eq!(payload["inbox"]["phoneNumber"], Value::Null);
    assert_eq!(payload["inbox"]["name"], "SMS Desk");
    assert_eq!(payload["inbox"]["email"], "sms@alpha.example");

    // IB5 has no conversations: deleted with one audit row (entity "inbox").
    let before = Snapshot::take(app.conn()).await;
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        DELETE_INBOX,
        json!({ "id": sid("IB5"), "reason": "unused" }),
    )
    .await;
    let window = window.close();
    assert_eq!(payload["deletedId"], sid("IB5"));
    let after = Snapshot::take(app.conn()).await;
    let mut expected = before.clone();
    expected.inboxes.retain(|r| r.id != id("IB5"));
    expected.audit = after.audit.clone();
    assert_same(&expected, &after, "deleteInbox IB5");
    assert_audit(
        &added(&before.audit, &after.audit),
        ALPHA,
        &[("inbox", id("IB5"))],
        Some("unused"),
        &window,
    );
    let data = app
        .data(&token, READ_INBOX, json!({ "id": sid("IB5") }))
        .await;
    assert_eq!(data["inbox"], Value::Null);
}

async fn calls_create_update_delete(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);
    let c08 = id("C08");

    // Only the direction: status QUEUED, the rest null.
    let before = Snapshot::take(app.conn()).await;
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        CREATE_CALL,
        json!({ "conversationId": sid("C08"), "input": { "direction": "OUTBOUND" } }),
    )
    .await;
    let window = window.close();
    let got = &payload["call"];
    let plain = uuid_of(&got["id"]);
    window.assert_json(&got["createdAt"], "createdAt");
    window.assert_json(&got["updatedAt"], "updatedAt");
    assert_eq!(
        *got,
        json!({
            "id": plain.to_string(), "direction": "OUTBOUND", "status": "QUEUED",
            "durationSeconds": null, "recordingUrl": null, "handledBy": null, "summary": null,
            "campaign": null, "startedAt": null,
            "createdAt": got["createdAt"], "updatedAt": got["updatedAt"],
            "conversation": { "id": sid("C08") },
        })
    );
    let after = Snapshot::take(app.conn()).await;
    let row = added(&before.calls, &after.calls);
    assert_eq!(row.len(), 1);
    window.assert_contains(row[0].created_at, "created_at");
    assert_eq!(
        row[0],
        call::Model {
            id: plain,
            company_id: ALPHA,
            conversation_id: c08,
            direction: Direction::Outbound,
            status: CallStatus::Queued,
            duration_seconds: None,
            recording_url: None,
            handled_by: None,
            summary: None,
            campaign_id: None,
            started_at: None,
            created_at: row[0].created_at,
            updated_at: row[0].updated_at,
        }
    );
    // Nothing but the call is added; the contract says nothing about the conversation's
    // updatedAt here, so only that column of C08 is not compared.
    let mut expected = before.clone();
    insert_sorted(&mut expected.calls, row[0].clone());
    expected.conversation_mut(c08).updated_at = after.conversation(c08).updated_at;
    assert_same(&expected, &after, "createCall with defaults");

    // Every field; summary keeps its inner newline.
    let payload = ok(
        app,
        &token,
        CREATE_CALL,
        json!({ "conversationId": sid("C08"), "input": {
            "direction": "INBOUND", "status": "COMPLETED", "durationSeconds": 0,
            "recordingUrl": " https://rec.example/new.mp3 ", "handledBy": "AI",
            "summary": " Line 1\nLine 2 ", "campaignId": sid("CAMP2"), "startedAt": iso(30),
        } }),
    )
    .await;
    let got = &payload["call"];
    let full = uuid_of(&got["id"]);
    assert_eq!(
        *got,
        json!({
            "id": full.to_string(), "direction": "INBOUND", "status": "COMPLETED",
            "durationSeconds": 0, "recordingUrl": "https://rec.example/new.mp3",
            "handledBy": "AI", "summary": "Line 1\nLine 2", "campaign": { "id": sid("CAMP2") },
            "startedAt": iso(30),
            "createdAt": got["createdAt"], "updatedAt": got["updatedAt"],
            "conversation": { "id": sid("C08") },
        })
    );
    let data = app
        .data(&token, READ_CALL, json!({ "id": full.to_string() }))
        .await;
    assert_eq!(data["call"], *got, "read back");
    // C08's calls by startedAt DESC, nulls last: the new one (30), CL6 (8), then the
    // null startedAts by id: CL3 and the plain one (its uuid is random: compare as a set).
    let data = app
        .data(
            &token,
            "query ($id: ID!) { conversation(id: $id) { calls { totalCount nodes { id } } } }",
            json!({ "id": sid("C08") }),
        )
        .await;
    let calls = node_labels(&data["conversation"]["calls"]);
    assert_eq!(data["conversation"]["calls"]["totalCount"], 4);
    assert_eq!(calls[..2], [full.to_string(), "CL6".to_owned()]);
    let mut tail = calls[2..].to_vec();
    tail.sort();
    let mut want = vec!["CL3".to_owned(), plain.to_string()];
    want.sort();
    assert_eq!(tail, want);

    // Status and duration change; the rest stays.
    let before = Snapshot::take(app.conn()).await;
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        UPDATE_CALL,
        json!({ "id": plain.to_string(), "input": { "status": "IN_PROGRESS", "durationSeconds": 42 } }),
    )
    .await;
    let window = window.close();
    assert_eq!(payload["call"]["status"], "IN_PROGRESS");
    assert_eq!(payload["call"]["durationSeconds"], 42);
    assert_eq!(payload["call"]["direction"], "OUTBOUND");
    let after = Snapshot::take(app.conn()).await;
    let row = after.calls.iter().find(|r| r.id == plain).unwrap().clone();
    window.assert_contains(row.updated_at, "updated_at");
    let mut expected = before.clone();
    {
        let r = expected.calls.iter_mut().find(|r| r.id == plain).unwrap();
        r.status = CallStatus::InProgress;
        r.duration_seconds = Some(42);
        r.updated_at = row.updated_at;
    }
    expected.conversation_mut(c08).updated_at = after.conversation(c08).updated_at;
    assert_same(&expected, &after, "updateCall");

    // Explicit null and empty strings clear.
    let payload = ok(
        app,
        &token,
        UPDATE_CALL,
        json!({ "id": full.to_string(), "input": {
            "recordingUrl": null, "summary": "  ", "campaignId": null, "handledBy": null,
            "durationSeconds": null, "startedAt": null,
        } }),
    )
    .await;
    let got = &payload["call"];
    assert_eq!(
        *got,
        json!({
            "id": full.to_string(), "direction": "INBOUND", "status": "COMPLETED",
            "durationSeconds": null, "recordingUrl": null, "handledBy": null, "summary": null,
            "campaign": null, "startedAt": null,
            "createdAt": got["createdAt"], "updatedAt": got["updatedAt"],
            "conversation": { "id": sid("C08") },
        })
    );

    // deleteCall removes the call only.
    let before = Snapshot::take(app.conn()).await;
    let payload = ok(
        app,
        &token,
        DELETE_CALL,
        json!({ "id": sid("CL1"), "reason": "test call" }),
    )
    .await;
    assert_eq!(payload["deletedId"], sid("CL1"));
    let after = Snapshot::take(app.conn()).await;
    // The contract lists no audit row for calls: the audit log and C03's updatedAt are not
    // compared.
    let mut expected = before.without_audit();
    expected.calls.retain(|r| r.id != id("CL1"));
    expected.conversation_mut(id("C03")).updated_at = after.conversation(id("C03")).updated_at;
    assert_same(&expected, &after.without_audit(), "deleteCall CL1");
    let data = app
        .data(&token, READ_CALL, json!({ "id": sid("CL1") }))
        .await;
    assert_eq!(data["call"], Value::Null);
    let data = app
        .data(
            &token,
            "query ($id: ID!) { conversation(id: $id) { calls { nodes { id } } } }",
            json!({ "id": sid("C03") }),
        )
        .await;
    assert_eq!(node_labels(&data["conversation"]["calls"]), ["CL2"]);
}

async fn agents_create_update_delete(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);

    let before = Snapshot::take(app.conn()).await;
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        CREATE_AGENT,
        json!({ "input": { "name": "  Zed  " } }),
    )
    .await;
    let window = window.close();
    let got = &payload["agent"];
    let zed = uuid_of(&got["id"]);
    window.assert_json(&got["createdAt"], "createdAt");
    window.assert_json(&got["updatedAt"], "updatedAt");
    assert_eq!(
        *got,
        json!({
            "id": zed.to_string(), "name": "Zed", "email": null, "kind": "HUMAN",
            "createdAt": got["createdAt"], "updatedAt": got["updatedAt"],
        })
    );
    let data = app
        .data(&token, READ_AGENT, json!({ "id": zed.to_string() }))
        .await;
    assert_eq!(data["agent"], *got, "read back");
    let after = Snapshot::take(app.conn()).await;
    let row = added(&before.agents, &after.agents);
    assert_eq!(row.len(), 1);
    window.assert_contains(row[0].created_at, "created_at");
    let mut expected = before.clone();
    insert_sorted(
        &mut expected.agents,
        agent::Model {
            id: zed,
            company_id: ALPHA,
            name: "Zed".into(),
            email: None,
            kind: AgentKind::Human,
            created_at: row[0].created_at,
            updated_at: row[0].updated_at,
        },
    );
    assert_same(&expected, &after, "createAgent");

    let payload = ok(
        app,
        &token,
        CREATE_AGENT,
        json!({ "input": { "name": "Robo", "email": "robo@bots.example", "kind": "AI" } }),
    )
    .await;
    let robo = uuid_of(&payload["agent"]["id"]);
    assert_eq!(payload["agent"]["email"], "robo@bots.example");
    assert_eq!(payload["agent"]["kind"], "AI");

    // Only the email; then name and kind; then the email cleared.
    let before = Snapshot::take(app.conn()).await;
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        UPDATE_AGENT,
        json!({ "id": zed.to_string(), "input": { "email": "zed@alpha.example" } }),
    )
    .await;
    let window = window.close();
    assert_eq!(payload["agent"]["email"], "zed@alpha.example");
    assert_eq!(payload["agent"]["name"], "Zed");
    assert_eq!(payload["agent"]["kind"], "HUMAN");
    let after = Snapshot::take(app.conn()).await;
    let row = after.agents.iter().find(|r| r.id == zed).unwrap().clone();
    window.assert_contains(row.updated_at, "updated_at");
    let mut expected = before.clone();
    {
        let r = expected.agents.iter_mut().find(|r| r.id == zed).unwrap();
        r.email = Some("zed@alpha.example".into());
        r.updated_at = row.updated_at;
    }
    assert_same(&expected, &after, "updateAgent email");
    let payload = ok(
        app,
        &token,
        UPDATE_AGENT,
        json!({ "id": zed.to_string(), "input": { "name": "Zed Bot", "kind": "AI" } }),
    )
    .await;
    assert_eq!(payload["agent"]["name"], "Zed Bot");
    assert_eq!(payload["agent"]["kind"], "AI");
    assert_eq!(payload["agent"]["email"], "zed@alpha.example");
    let payload = ok(
        app,
        &token,
        UPDATE_AGENT,
        json!({ "id": zed.to_string(), "input": { "email": null } }),
    )
    .await;
    assert_eq!(payload["agent"]["email"], Value::Null);
    assert_eq!(payload["agent"]["name"], "Zed Bot");

    // AI agents by name: Ava Bot (AG4), Robo, Zed Bot, Zeta Bot (AG3).
    let data = app
        .data(
            &token,
            "{ agents(kind: AI) { totalCount nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["agents"]["totalCount"], 4);
    assert_eq!(
        node_labels(&data["agents"]),
        [
            "AG4",
            robo.to_string().as_str(),
            zed.to_string().as_str(),
            "AG3"
        ]
    );

    // AG5 is on no conversation: deleting it removes the row only.
    let before = Snapshot::take(app.conn()).await;
    let payload = ok(app, &token, DELETE_AGENT, json!({ "id": sid("AG5") })).await;
    assert_eq!(payload["deletedId"], sid("AG5"));
    let after = Snapshot::take(app.conn()).await;
    // The contract lists no audit row for agents: the audit log is not compared.
    let mut expected = before.without_audit();
    expected.agents.retain(|r| r.id != id("AG5"));
    assert_same(&expected, &after.without_audit(), "deleteAgent AG5");
    let data = app
        .data(&token, READ_AGENT, json!({ "id": sid("AG5") }))
        .await;
    assert_eq!(data["agent"], Value::Null);
}

async fn delete_agent_leaves_its_conversations_without_it(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);
    // AG1: assignee of C01, C04, C07, C12; seen by on C01, C03, C08, C11, C12.
    // AG4: the agent of C04, C10, C11. AG3: the agent of C02, C06, C07.
    for label in ["AG1", "AG4", "AG3"] {
        let agent = id(label);
        let before = Snapshot::take(app.conn()).await;
        let payload = ok(app, &token, DELETE_AGENT, json!({ "id": sid(label) })).await;
        assert_eq!(payload["deletedId"], sid(label));
        let after = Snapshot::take(app.conn()).await;
        let mut expected = before.without_audit();
        expected.agents.retain(|r| r.id != agent);
        for conv in &mut expected.conversations {
            let touched = [conv.agent_id, conv.assignee_id, conv.seen_by_id].contains(&Some(agent));
            for column in [
                &mut conv.agent_id,
                &mut conv.assignee_id,
                &mut conv.seen_by_id,
            ] {
                if *column == Some(agent) {
                    *column = None;
                }
            }
            // Whether updatedAt moves is not in the contract: not compared for those rows.
            if touched {
                conv.updated_at = after.conversation(conv.id).updated_at;
            }
        }
        assert_same(
            &expected,
            &after.without_audit(),
            &format!("deleteAgent {label}"),
        );
    }
    let data = app
        .data(
            &token,
            r#"query ($id: ID!) { conversation(id: $id) { agent { id } assignee { id } seenBy { id } } }"#,
            json!({ "id": sid("C04") }),
        )
        .await;
    assert_eq!(
        data["conversation"],
        json!({ "agent": null, "assignee": null, "seenBy": { "id": sid("AG2") } })
    );
    let data = app
        .data(
            &token,
            r#"query ($id: ID!) { conversation(id: $id) { agent { id } assignee { id } seenBy { id } } }"#,
            json!({ "id": sid("C11") }),
        )
        .await;
    assert_eq!(
        data["conversation"],
        json!({ "agent": null, "assignee": { "id": sid("AG2") }, "seenBy": null })
    );
    let data = app
        .data(&token, "{ conversations { totalCount } }", json!({}))
        .await;
    assert_eq!(data["conversations"]["totalCount"], 12);
}

// ---------------------------------------------------------------------------------------
// Deletes with dependants
// ---------------------------------------------------------------------------------------

async fn delete_conversation_removes_its_rows_and_writes_one_audit_row(app: &TestApp) {
    fx::load(app.conn()).await;
    link_c09_to_a_session(app).await;
    let token = writer(app, ALPHA);
    let before = Snapshot::take(app.conn()).await;
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        DELETE_CONVERSATION,
        json!({ "id": sid("C09"), "reason": "  Customer asked\nby phone  " }),
    )
    .await;
    let window = window.close();
    assert_eq!(payload["deletedId"], sid("C09"));
    let after = Snapshot::take(app.conn()).await;
    // C09 with M12, CL7, its TASK3 link and its SES3 link.
    assert_eq!(
        after.counts(),
        [
            ("companies", 2),
            ("agents", 6),
            ("inboxes", 6),
            ("contacts", 7),
            ("conversations", 13),
            ("conversation_tasks", 4),
            ("conversation_sessions", 5),
            ("messages", 15),
            ("calls", 7),
            ("conversation_events (deletes)", 1),
        ]
    );
    let expected = before.without_conversations(&[id("C09")]);
    assert_same(
        &expected.without_audit(),
        &after.without_audit(),
        "deleteConversation C09",
    );
    assert_audit(
        &after.audit,
        ALPHA,
        &[("conversation", id("C09"))],
        Some("Customer asked\nby phone"),
        &window,
    );
    let data = app
        .data(
            &token,
            r#"query ($c: ID!, $m: ID!, $cl: ID!, $task: ID!) {
              conversation(id: $c) { id }
              message(id: $m) { id }
              call(id: $cl) { id }
              byTask: conversations(filter: { taskId: $task }) { totalCount }
              all: conversations { totalCount }
            }"#,
            json!({ "c": sid("C09"), "m": sid("M12"), "cl": sid("CL7"), "task": sid("TASK3") }),
        )
        .await;
    assert_eq!(
        data,
        json!({
            "conversation": null, "message": null, "call": null,
            "byTask": { "totalCount": 0 }, "all": { "totalCount": 11 },
        })
    );

    // Gone: a second delete is NOT_FOUND. Without a reason the audit reason is null.
    rejected(
        app,
        &token,
        DELETE_CONVERSATION,
        json!({ "id": sid("C09") }),
        &[(&["id"], NOT_FOUND)],
    )
    .await;
    let before = Snapshot::take(app.conn()).await;
    let window = Window::open();
    ok(
        app,
        &token,
        DELETE_CONVERSATION,
        json!({ "id": sid("C03") }),
    )
    .await;
    let window = window.close();
    let after = Snapshot::take(app.conn()).await;
    // C03: calls CL1 and CL2, no messages or links.
    assert_same(
        &before.without_conversations(&[id("C03")]).without_audit(),
        &after.without_audit(),
        "deleteConversation C03",
    );
    assert_eq!(after.calls.len(), 5);
    assert_audit(
        &added(&before.audit, &after.audit),
        ALPHA,
        &[("conversation", id("C03"))],
        None,
        &window,
    );
}

async fn delete_contact_with_conversations_conflicts_unless_cascade(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);
    // CT1 has C01, C05 and C11.
    rejected(
        app,
        &token,
        DELETE_CONTACT_DEFAULT,
        json!({ "id": sid("CT1"), "reason": "erase me" }),
        &[(&["id"], CONFLICT)],
    )
    .await;
    rejected(
        app,
        &token,
        DELETE_CONTACT,
        json!({ "id": sid("CT1"), "cascade": false }),
        &[(&["id"], CONFLICT)],
    )
    .await;

    let before = Snapshot::take(app.conn()).await;
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        DELETE_CONTACT,
        json!({ "id": sid("CT1"), "cascade": true, "reason": "erase me" }),
    )
    .await;
    let window = window.close();
    assert_eq!(payload["deletedId"], sid("CT1"));
    let after = Snapshot::take(app.conn()).await;
    // Gone: CT1; C01, C05, C11; messages M01 M02 M03 M08 M13; calls CL4 CL5; the task
    // links C01-TASK1, C05-TASK2, C05-TASK1.
    assert_eq!(
        after.counts(),
        [
            ("companies", 2),
            ("agents", 6),
            ("inboxes", 6),
            ("contacts", 6),
            ("conversations", 11),
            ("conversation_tasks", 2),
            ("conversation_sessions", 5),
            ("messages", 11),
            ("calls", 6),
            ("conversation_events (deletes)", 4),
        ]
    );
    let mut expected = before.without_conversations(&[id("C01"), id("C05"), id("C11")]);
    expected.contacts.retain(|c| c.id != id("CT1"));
    assert_same(
        &expected.without_audit(),
        &after.without_audit(),
        "deleteContact CT1 with cascade",
    );
    assert_audit(
        &after.audit,
        ALPHA,
        &[
            ("contact", id("CT1")),
            ("conversation", id("C01")),
            ("conversation", id("C05")),
            ("conversation", id("C11")),
        ],
        Some("erase me"),
        &window,
    );
    let data = app
        .data(
            &token,
            "{ contacts { totalCount } conversations { totalCount nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["contacts"]["totalCount"], 5);
    assert_eq!(
        node_labels(&data["conversations"]),
        [
            "C09", "C06", "C12", "C03", "C02", "C07", "C04", "C08", "C10"
        ]
    );
}

async fn delete_inbox_with_conversations_conflicts_unless_cascade(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);
    // IB1 has C01, C05, C09 and C12.
    rejected(
        app,
        &token,
        DELETE_INBOX_DEFAULT,
        json!({ "id": sid("IB1") }),
        &[(&["id"], CONFLICT)],
    )
    .await;
    rejected(
        app,
        &token,
        DELETE_INBOX,
        json!({ "id": sid("IB1"), "cascade": false, "reason": "closing" }),
        &[(&["id"], CONFLICT)],
    )
    .await;

    let before = Snapshot::take(app.conn()).await;
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        DELETE_INBOX,
        json!({ "id": sid("IB1"), "cascade": true, "reason": "closing" }),
    )
    .await;
    let window = window.close();
    assert_eq!(payload["deletedId"], sid("IB1"));
    let after = Snapshot::take(app.conn()).await;
    // Gone: IB1; C01, C05, C09, C12; messages M01 M02 M03 M08 M12 M14; call CL7; the task
    // links C05-TASK2, C01-TASK1, C05-TASK1, C09-TASK3; the session link C12-SES2.
    // Contacts stay.
    assert_eq!(
        after.counts(),
        [
            ("companies", 2),
            ("agents", 6),
            ("inboxes", 5),
            ("contacts", 7),
            ("conversations", 10),
            ("conversation_tasks", 1),
            ("conversation_sessions", 4),
            ("messages", 10),
            ("calls", 7),
            ("conversation_events (deletes)", 5),
        ]
    );
    let mut expected = before.without_conversations(&[id("C01"), id("C05"), id("C09"), id("C12")]);
    expected.inboxes.retain(|c| c.id != id("IB1"));
    assert_same(
        &expected.without_audit(),
        &after.without_audit(),
        "deleteInbox IB1 with cascade",
    );
    assert_audit(
        &after.audit,
        ALPHA,
        &[
            ("inbox", id("IB1")),
            ("conversation", id("C01")),
            ("conversation", id("C05")),
            ("conversation", id("C09")),
            ("conversation", id("C12")),
        ],
        Some("closing"),
        &window,
    );
    let data = app
        .data(
            &token,
            "{ inboxes { nodes { id } } conversations { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(node_labels(&data["inboxes"]), ["IB3", "IB2", "IB5", "IB4"]);
    assert_eq!(data["conversations"]["totalCount"], 8);
}

/// Makes every insert into the event log with reason 'simulate failure' fail.
async fn install_failing_audit_trigger(app: &TestApp) {
    let statements: &[&str] = match app.db.backend {
        Backend::Sqlite => &[
            "CREATE TRIGGER fail_audit BEFORE INSERT ON conversation_events \
             WHEN NEW.reason = 'simulate failure' \
             BEGIN SELECT RAISE(ABORT, 'simulated'); END",
        ],
        Backend::Postgres => &[
            "CREATE FUNCTION fail_audit() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'simulated'; END $$",
            "CREATE TRIGGER fail_audit BEFORE INSERT ON conversation_events FOR EACH ROW \
             WHEN (NEW.reason = 'simulate failure') EXECUTE FUNCTION fail_audit()",
        ],
    };
    let conn = app.conn();
    for sql in statements {
        conn.execute_raw(Statement::from_string(
            conn.get_database_backend(),
            sql.to_string(),
        ))
        .await
        .expect("install the failing trigger");
    }
}

/// Runs `op` expecting an INTERNAL_SERVER_ERROR that reveals nothing of the cause, with
/// nothing changed in any table.
async fn fails_internally(app: &TestApp, token: &str, op: Op, vars: Value) {
    let message = refused(app, token, op, vars.clone(), "INTERNAL_SERVER_ERROR").await;
    let lower = message.to_lowercase();
    for needle in [
        "simulated",
        "simulate",
        "audit_log",
        "insert",
        "select",
        "raise",
        "trigger",
        "fail_audit",
        "sqlx",
        "sqlite",
        "postgres",
        "error returned from database",
    ] {
        assert!(
            !lower.contains(needle),
            "{} {vars}: the message reveals the cause ({needle}): {message}",
            op.name
        );
    }
}

async fn a_failure_inside_a_delete_changes_nothing(app: &TestApp) {
    fx::load(app.conn()).await;
    link_c09_to_a_session(app).await;
    install_failing_audit_trigger(app).await;
    let token = writer(app, ALPHA);
    let fail = "simulate failure";
    // C09 with M12, CL7, TASK3 and SES3: the rows go first, the audit insert fails last.
    fails_internally(
        app,
        &token,
        DELETE_CONVERSATION,
        json!({ "id": sid("C09"), "reason": fail }),
    )
    .await;
    // The same for the other deletes that write audit rows.
    fails_internally(
        app,
        &token,
        DELETE_MESSAGE,
        json!({ "id": sid("M12"), "reason": fail }),
    )
    .await;
    fails_internally(
        app,
        &token,
        DELETE_CONTACT,
        json!({ "id": sid("CT3"), "cascade": true, "reason": fail }),
    )
    .await;
    fails_internally(
        app,
        &token,
        DELETE_INBOX,
        json!({ "id": sid("IB1"), "cascade": true, "reason": fail }),
    )
    .await;
    let data = app
        .data(
            &token,
            r#"query ($id: ID!) { conversation(id: $id) {
                id lastMessageAt tasks { id } sessions { id } messages { nodes { id } } calls { nodes { id } }
            } }"#,
            json!({ "id": sid("C09") }),
        )
        .await;
    assert_eq!(
        data["conversation"],
        json!({
            "id": sid("C09"), "lastMessageAt": iso(29),
            "tasks": [{ "id": sid("TASK3") }], "sessions": [{ "id": sid("SES3") }],
            "messages": { "nodes": [{ "id": sid("M12") }] },
            "calls": { "nodes": [{ "id": sid("CL7") }] },
        })
    );

    // Nothing is left half-done or locked: the same delete with another reason works.
    let before = Snapshot::take(app.conn()).await;
    let window = Window::open();
    let payload = ok(
        app,
        &token,
        DELETE_CONVERSATION,
        json!({ "id": sid("C09"), "reason": "for real" }),
    )
    .await;
    let window = window.close();
    assert_eq!(payload["deletedId"], sid("C09"));
    let after = Snapshot::take(app.conn()).await;
    assert_same(
        &before.without_conversations(&[id("C09")]).without_audit(),
        &after.without_audit(),
        "deleteConversation after the failures",
    );
    assert_audit(
        &after.audit,
        ALPHA,
        &[("conversation", id("C09"))],
        Some("for real"),
        &window,
    );
}

// ---------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------

async fn maximum_lengths_count_characters_after_trimming(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);
    let s = |n: usize| "s".repeat(n);
    let e = |n: usize| "é".repeat(n);

    // subject 255, on create and update, in characters (é is two bytes), after trimming.
    for subject in [s(255), e(255)] {
        let payload = ok(
            app,
            &token,
            CREATE_CONVERSATION,
            json!({ "input": { "inboxId": sid("IB1"), "subject": format!("  {subject}  ") } }),
        )
        .await;
        assert_eq!(payload["conversation"]["subject"], subject);
    }
    let payload = ok(
        app,
        &token,
        UPDATE_CONVERSATION,
        json!({ "id": sid("C01"), "input": { "subject": e(255) } }),
    )
    .await;
    assert_eq!(payload["conversation"]["subject"], e(255));
    let conv = json!({ "input": { "inboxId": sid("IB1") } });
    for subject in [s(256), e(256)] {
        rejected(
            app,
            &token,
            CREATE_CONVERSATION,
            with_input(conv.clone(), "subject", json!(subject)),
            &[(&["input", "subject"], BAD)],
        )
        .await;
        rejected(
            app,
            &token,
            UPDATE_CONVERSATION,
            json!({ "id": sid("C02"), "input": { "subject": subject } }),
            &[(&["input", "subject"], BAD)],
        )
        .await;
    }

    // name / lastName 255 (contacts, inboxes, agents).
    let payload = ok(
        app,
        &token,
        CREATE_CONTACT,
        json!({ "input": { "firstName": s(255), "lastName": e(255) } }),
    )
    .await;
    assert_eq!(payload["contact"]["firstName"], s(255));
    assert_eq!(payload["contact"]["lastName"], e(255));
    let payload = ok(
        app,
        &token,
        CREATE_INBOX,
        json!({ "input": { "name": e(255), "channel": "EMAIL" } }),
    )
    .await;
    assert_eq!(payload["inbox"]["name"], e(255));
    let payload = ok(
        app,
        &token,
        CREATE_AGENT,
        json!({ "input": { "name": s(255) } }),
    )
    .await;
    assert_eq!(payload["agent"]["name"], s(255));

    // email 254.
    let payload = ok(
        app,
        &token,
        CREATE_CONTACT,
        json!({ "input": { "email": email_of_len(254) } }),
    )
    .await;
    assert_eq!(payload["contact"]["email"], email_of_len(254));
    let payload = ok(
        app,
        &token,
        UPDATE_INBOX,
        json!({ "id": sid("IB1"), "input": { "email": email_of_len(254) } }),
    )
    .await;
    assert_eq!(payload["inbox"]["email"], email_of_len(254));
    let payload = ok(
        app,
        &token,
        UPDATE_AGENT,
        json!({ "id": sid("AG1"), "input": { "email": email_of_len(254) } }),
    )
    .await;
    assert_eq!(payload["agent"]["email"], email_of_len(254));

    // phoneNumber 32.
    let payload = ok(
        app,
        &token,
        CREATE_CONTACT,
        json!({ "input": { "phoneNumber": phone_of_32() } }),
    )
    .await;
    assert_eq!(payload["contact"]["phoneNumber"], phone_of_32());
    let payload = ok(
        app,
        &token,
        UPDATE_INBOX,
        json!({ "id": sid("IB2"), "input": { "phoneNumber": phone_of_32() } }),
    )
    .await;
    assert_eq!(payload["inbox"]["phoneNumber"], phone_of_32());

    // content 10000.
    for content in ["c".repeat(10_000), "é".repeat(10_000)] {
        let payload = ok(
            app,
            &token,
            CREATE_MESSAGE,
            json!({ "conversationId": sid("C01"), "input": { "content": content, "direction": "INBOUND" } }),
        )
        .await;
        assert_eq!(payload["message"]["content"], content);
    }

    // summary 10000 and recordingUrl 2048.
    let url = format!("https://rec.example/{}", "a".repeat(2048 - 20));
    assert_eq!(url.len(), 2048);
    let payload = ok(
        app,
        &token,
        CREATE_CALL,
        json!({ "conversationId": sid("C03"), "input": {
            "direction": "INBOUND", "summary": "é".repeat(10_000), "recordingUrl": url,
        } }),
    )
    .await;
    assert_eq!(payload["call"]["summary"], "é".repeat(10_000));
    assert_eq!(payload["call"]["recordingUrl"], url);

    // reason 1000 (stored in the audit row).
    let reason = "r".repeat(1000);
    ok(
        app,
        &token,
        DELETE_MESSAGE,
        json!({ "id": sid("M01"), "reason": format!(" {reason} ") }),
    )
    .await;
    let audit = Snapshot::take(app.conn()).await.audit;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].reason.as_deref(), Some(reason.as_str()));

    // One more character is refused everywhere, with nothing written.
    let cases: Vec<(Op, Value, &[&str])> = vec![
        (
            CREATE_CONTACT,
            json!({ "input": { "firstName": s(256) } }),
            &["input", "firstName"],
        ),
        (
            CREATE_CONTACT,
            json!({ "input": { "lastName": e(256) } }),
            &["input", "lastName"],
        ),
        (
            UPDATE_CONTACT,
            json!({ "id": sid("CT1"), "input": { "firstName": e(256) } }),
            &["input", "firstName"],
        ),
        (
            UPDATE_CONTACT,
            json!({ "id": sid("CT1"), "input": { "lastName": s(256) } }),
            &["input", "lastName"],
        ),
        (
            CREATE_INBOX,
            json!({ "input": { "name": s(256), "channel": "EMAIL" } }),
            &["input", "name"],
        ),
        (
            UPDATE_INBOX,
            json!({ "id": sid("IB1"), "input": { "name": e(256) } }),
            &["input", "name"],
        ),
        (
            CREATE_AGENT,
            json!({ "input": { "name": e(256) } }),
            &["input", "name"],
        ),
        (
            UPDATE_AGENT,
            json!({ "id": sid("AG1"), "input": { "name": s(256) } }),
            &["input", "name"],
        ),
        (
            CREATE_CONTACT,
            json!({ "input": { "email": email_of_len(255) } }),
            &["input", "email"],
        ),
        (
            UPDATE_CONTACT,
            json!({ "id": sid("CT1"), "input": { "email": email_of_len(255) } }),
            &["input", "email"],
        ),
        (
            CREATE_INBOX,
            json!({ "input": { "name": "Mail", "channel": "EMAIL", "email": email_of_len(255) } }),
            &["input", "email"],
        ),
        (
            CREATE_AGENT,
            json!({ "input": { "name": "Al", "email": email_of_len(255) } }),
            &["input", "email"],
        ),
        (
            CREATE_CONTACT,
            json!({ "input": { "phoneNumber": phone_of_33() } }),
            &["input", "phoneNumber"],
        ),
        (
            UPDATE_CONTACT,
            json!({ "id": sid("CT1"), "input": { "phoneNumber": phone_of_33() } }),
            &["input", "phoneNumber"],
        ),
        (
            CREATE_INBOX,
            json!({ "input": { "name": "Line", "channel": "PHONE", "phoneNumber": phone_of_33() } }),
            &["input", "phoneNumber"],
        ),
        (
            UPDATE_INBOX,
            json!({ "id": sid("IB3"), "input": { "phoneNumber": phone_of_33() } }),
            &["input", "phoneNumber"],
        ),
        (
            CREATE_MESSAGE,
            json!({ "conversationId": sid("C01"), "input": { "content": "c".repeat(10_001), "direction": "INBOUND" } }),
            &["input", "content"],
        ),
        (
            CREATE_MESSAGE,
            json!({ "conversationId": sid("C01"), "input": { "content": "é".repeat(10_001), "direction": "OUTBOUND" } }),
            &["input", "content"],
        ),
        (
            CREATE_CALL,
            json!({ "conversationId": sid("C03"), "input": { "direction": "INBOUND", "summary": "s".repeat(10_001) } }),
            &["input", "summary"],
        ),
        (
            UPDATE_CALL,
            json!({ "id": sid("CL1"), "input": { "summary": "é".repeat(10_001) } }),
            &["input", "summary"],
        ),
        (
            CREATE_CALL,
            json!({ "conversationId": sid("C03"), "input": { "direction": "INBOUND", "recordingUrl": format!("{url}a") } }),
            &["input", "recordingUrl"],
        ),
        (
            UPDATE_CALL,
            json!({ "id": sid("CL1"), "input": { "recordingUrl": format!("{url}a") } }),
            &["input", "recordingUrl"],
        ),
        (
            DELETE_MESSAGE,
            json!({ "id": sid("M02"), "reason": "r".repeat(1001) }),
            &["reason"],
        ),
        (
            DELETE_CONVERSATION,
            json!({ "id": sid("C02"), "reason": "é".repeat(1001) }),
            &["reason"],
        ),
        (
            DELETE_CONTACT,
            json!({ "id": sid("CT6"), "reason": "r".repeat(1001) }),
            &["reason"],
        ),
        (
            DELETE_INBOX,
            json!({ "id": sid("IB5"), "reason": "r".repeat(1001) }),
            &["reason"],
        ),
        (
            DELETE_CALL,
            json!({ "id": sid("CL2"), "reason": "r".repeat(1001) }),
            &["reason"],
        ),
        (
            DELETE_AGENT,
            json!({ "id": sid("AG5"), "reason": "r".repeat(1001) }),
            &["reason"],
        ),
    ];
    for (op, vars, path) in cases {
        rejected(app, &token, op, vars, &[(path, BAD)]).await;
    }
}

async fn strings_are_trimmed_and_blank_optional_strings_become_null(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);

    let payload = ok(
        app,
        &token,
        CREATE_CONTACT,
        json!({ "input": { "firstName": "  Ann  ", "lastName": " Lee", "phoneNumber": " 555 0100 ", "email": "  ann@example.com " } }),
    )
    .await;
    let c = &payload["contact"];
    assert_eq!(
        (
            &c["firstName"],
            &c["lastName"],
            &c["phoneNumber"],
            &c["email"]
        ),
        (
            &json!("Ann"),
            &json!("Lee"),
            &json!("555 0100"),
            &json!("ann@example.com")
        )
    );
    let ann = uuid_of(&c["id"]);
    let row = contact::Entity::find_by_id(ann)
        .one(app.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.name.as_deref(), Some("Ann"));
    assert_eq!(row.email.as_deref(), Some("ann@example.com"));

    let payload = ok(
        app,
        &token,
        CREATE_CONTACT,
        json!({ "input": { "firstName": "   ", "lastName": "", "phoneNumber": " ", "email": "  " } }),
    )
    .await;
    let c = &payload["contact"];
    assert_eq!(
        [
            &c["firstName"],
            &c["lastName"],
            &c["phoneNumber"],
            &c["email"]
        ],
        [&Value::Null, &Value::Null, &Value::Null, &Value::Null]
    );
    let row = contact::Entity::find_by_id(uuid_of(&c["id"]))
        .one(app.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.name, row.surname, row.phone_number, row.email),
        (None, None, None, None)
    );

    // An update to a blank optional string clears it.
    let payload = ok(
        app,
        &token,
        UPDATE_CONTACT,
        json!({ "id": sid("CT1"), "input": { "firstName": "  ", "email": " " } }),
    )
    .await;
    assert_eq!(payload["contact"]["firstName"], Value::Null);
    assert_eq!(payload["contact"]["email"], Value::Null);
    assert_eq!(payload["contact"]["lastName"], "Smith");
    assert_eq!(payload["contact"]["fullName"], "Smith");

    let payload = ok(
        app,
        &token,
        CREATE_CONVERSATION,
        json!({ "input": { "inboxId": sid("IB1"), "subject": "   " } }),
    )
    .await;
    assert_eq!(payload["conversation"]["subject"], Value::Null);
    let payload = ok(
        app,
        &token,
        UPDATE_CONVERSATION,
        json!({ "id": sid("C01"), "input": { "subject": "" } }),
    )
    .await;
    assert_eq!(payload["conversation"]["subject"], Value::Null);
    assert_eq!(conversation_row(app, id("C01")).await.subject, None);

    let payload = ok(
        app,
        &token,
        CREATE_INBOX,
        json!({ "input": { "name": " Desk ", "channel": "CHAT", "phoneNumber": "", "email": " " } }),
    )
    .await;
    let i = &payload["inbox"];
    assert_eq!(
        (&i["name"], &i["phoneNumber"], &i["email"]),
        (&json!("Desk"), &Value::Null, &Value::Null)
    );

    let payload = ok(
        app,
        &token,
        CREATE_AGENT,
        json!({ "input": { "name": " Zoe ", "email": "" } }),
    )
    .await;
    assert_eq!(payload["agent"]["name"], "Zoe");
    assert_eq!(payload["agent"]["email"], Value::Null);

    let payload = ok(
        app,
        &token,
        CREATE_CALL,
        json!({ "conversationId": sid("C03"), "input": { "direction": "OUTBOUND", "recordingUrl": "  ", "summary": " " } }),
    )
    .await;
    assert_eq!(payload["call"]["recordingUrl"], Value::Null);
    assert_eq!(payload["call"]["summary"], Value::Null);
    let payload = ok(
        app,
        &token,
        CREATE_CALL,
        json!({ "conversationId": sid("C03"), "input": {
            "direction": "OUTBOUND", "recordingUrl": " http://rec.example/x.mp3 ", "summary": "\n Summary\tline\n",
        } }),
    )
    .await;
    assert_eq!(payload["call"]["recordingUrl"], "http://rec.example/x.mp3");
    assert_eq!(payload["call"]["summary"], "Summary\tline");

    let payload = ok(
        app,
        &token,
        CREATE_MESSAGE,
        json!({ "conversationId": sid("C01"), "input": { "content": "\n  Hello\tthere\t\n", "direction": "INBOUND" } }),
    )
    .await;
    assert_eq!(payload["message"]["content"], "Hello\tthere");
}

async fn blank_required_strings_are_rejected(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);
    let cases: Vec<(Op, Value, &[&str])> = vec![
        (
            CREATE_INBOX,
            json!({ "input": { "name": "", "channel": "EMAIL" } }),
            &["input", "name"],
        ),
        (
            CREATE_INBOX,
            json!({ "input": { "name": "   ", "channel": "EMAIL" } }),
            &["input", "name"],
        ),
        (
            UPDATE_INBOX,
            json!({ "id": sid("IB1"), "input": { "name": "  " } }),
            &["input", "name"],
        ),
        (
            CREATE_AGENT,
            json!({ "input": { "name": "" } }),
            &["input", "name"],
        ),
        (
            CREATE_AGENT,
            json!({ "input": { "name": "    ", "kind": "AI" } }),
            &["input", "name"],
        ),
        (
            UPDATE_AGENT,
            json!({ "id": sid("AG1"), "input": { "name": "" } }),
            &["input", "name"],
        ),
        (
            CREATE_MESSAGE,
            json!({ "conversationId": sid("C01"), "input": { "content": "", "direction": "INBOUND" } }),
            &["input", "content"],
        ),
        (
            CREATE_MESSAGE,
            json!({ "conversationId": sid("C01"), "input": { "content": "   ", "direction": "INBOUND" } }),
            &["input", "content"],
        ),
        (
            CREATE_MESSAGE,
            json!({ "conversationId": sid("C01"), "input": { "content": "\n\t \n", "direction": "OUTBOUND" } }),
            &["input", "content"],
        ),
    ];
    for (op, vars, path) in cases {
        rejected(app, &token, op, vars, &[(path, BAD)]).await;
    }
}

async fn email_must_look_like_an_address(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);
    for email in [
        "a@b.co",
        "first.last+tag@sub.example.co.uk",
        "o'neil@example.ie",
    ] {
        let payload = ok(
            app,
            &token,
            CREATE_CONTACT,
            json!({ "input": { "email": email } }),
        )
        .await;
        assert_eq!(payload["contact"]["email"], email);
    }
    for email in [
        "plainaddress",
        "a@example",
        "a b@example.com",
        "a@exa mple.com",
        "a@@example.com",
        "a@b@example.com",
        "@example.com",
        "ann@",
        "ann.example.com",
    ] {
        rejected(
            app,
            &token,
            CREATE_CONTACT,
            json!({ "input": { "firstName": "Ann", "email": email } }),
            &[(&["input", "email"], BAD)],
        )
        .await;
    }
    let cases: Vec<(Op, Value)> = vec![
        (
            UPDATE_CONTACT,
            json!({ "id": sid("CT1"), "input": { "email": "nope" } }),
        ),
        (
            CREATE_INBOX,
            json!({ "input": { "name": "Mail", "channel": "EMAIL", "email": "support at example.com" } }),
        ),
        (
            UPDATE_INBOX,
            json!({ "id": sid("IB1"), "input": { "email": "support@alpha" } }),
        ),
        (
            CREATE_AGENT,
            json!({ "input": { "name": "Bot", "email": "bot@localhost" } }),
        ),
        (
            UPDATE_AGENT,
            json!({ "id": sid("AG1"), "input": { "email": "ada@@alpha.example" } }),
        ),
    ];
    for (op, vars) in cases {
        rejected(app, &token, op, vars, &[(&["input", "email"], BAD)]).await;
    }
    // Two invalid fields at once: at least one is reported (several may be), nothing else,
    // and nothing is written.
    let before = Snapshot::take(app.conn()).await;
    let body = app
        .graphql(
            &token,
            CREATE_CONTACT.doc,
            json!({ "input": { "email": "nope", "phoneNumber": "12" } }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body:#}");
    let errors = common::writes::user_errors(&body["data"]["createContact"]);
    assert!(!errors.is_empty(), "{body:#}");
    for (field, code) in &errors {
        assert!(
            field == &["input", "email"] || field == &["input", "phoneNumber"],
            "{body:#}"
        );
        assert_eq!(code, BAD);
    }
    assert_eq!(body["data"]["createContact"]["contact"], Value::Null);
    assert_same(&before, &Snapshot::take(app.conn()).await, "two errors");
}

async fn phone_numbers_take_5_to_20_digits_and_few_symbols(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);
    for phone in [
        "12345".to_owned(),
        "1".repeat(20),
        "+1 (555) 010-2000".to_owned(),
        "555.010.2000".to_owned(),
        "555/010/2000".to_owned(),
        "+44 20 7946 0958".to_owned(),
    ] {
        let payload = ok(
            app,
            &token,
            CREATE_CONTACT,
            json!({ "input": { "phoneNumber": phone } }),
        )
        .await;
        assert_eq!(payload["contact"]["phoneNumber"], phone);
    }
    for phone in [
        "1234".to_owned(),
        "1".repeat(21),
        "+1 (555) 010-2000 1234567890".to_owned(),
        "555-CALL-NOW".to_owned(),
        "+1 555 010 2000#1".to_owned(),
        "555_010_2000".to_owned(),
        "+1 555 010 2000 ext 5".to_owned(),
        "(((-)))".to_owned(),
        "+1,555,010,2000".to_owned(),
    ] {
        rejected(
            app,
            &token,
            CREATE_CONTACT,
            json!({ "input": { "phoneNumber": phone } }),
            &[(&["input", "phoneNumber"], BAD)],
        )
        .await;
    }
    let cases: Vec<(Op, Value)> = vec![
        (
            UPDATE_CONTACT,
            json!({ "id": sid("CT1"), "input": { "phoneNumber": "12ab5" } }),
        ),
        (
            CREATE_INBOX,
            json!({ "input": { "name": "Line", "channel": "PHONE", "phoneNumber": "1234" } }),
        ),
        (
            UPDATE_INBOX,
            json!({ "id": sid("IB2"), "input": { "phoneNumber": "+1 555" } }),
        ),
    ];
    for (op, vars) in cases {
        rejected(app, &token, op, vars, &[(&["input", "phoneNumber"], BAD)]).await;
    }
}

async fn control_characters_are_rejected_except_newline_and_tab_in_long_text(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);
    let conv = json!({ "input": { "inboxId": sid("IB1") } });
    let cases: Vec<(Op, Value, &[&str])> = vec![
        (
            CREATE_CONVERSATION,
            with_input(conv.clone(), "subject", json!("Hello\u{7}")),
            &["input", "subject"],
        ),
        (
            CREATE_CONVERSATION,
            with_input(conv.clone(), "subject", json!("two\nlines")),
            &["input", "subject"],
        ),
        (
            CREATE_CONVERSATION,
            with_input(conv.clone(), "subject", json!("tab\tinside")),
            &["input", "subject"],
        ),
        (
            CREATE_CONVERSATION,
            with_input(conv.clone(), "subject", json!("del\u{7f}ete")),
            &["input", "subject"],
        ),
        (
            UPDATE_CONVERSATION,
            json!({ "id": sid("C01"), "input": { "subject": "esc\u{1b}[0m" } }),
            &["input", "subject"],
        ),
        (
            CREATE_CONTACT,
            json!({ "input": { "firstName": "Al\u{0}ice" } }),
            &["input", "firstName"],
        ),
        (
            CREATE_CONTACT,
            json!({ "input": { "lastName": "Sm\nith" } }),
            &["input", "lastName"],
        ),
        (
            CREATE_CONTACT,
            json!({ "input": { "email": "a\u{7}b@example.com" } }),
            &["input", "email"],
        ),
        (
            CREATE_CONTACT,
            json!({ "input": { "phoneNumber": "555\u{7}0102" } }),
            &["input", "phoneNumber"],
        ),
        (
            UPDATE_CONTACT,
            json!({ "id": sid("CT1"), "input": { "firstName": "Bo\tb" } }),
            &["input", "firstName"],
        ),
        (
            CREATE_INBOX,
            json!({ "input": { "name": "Sup\rport", "channel": "EMAIL" } }),
            &["input", "name"],
        ),
        (
            UPDATE_INBOX,
            json!({ "id": sid("IB1"), "input": { "name": "Line\nbreak" } }),
            &["input", "name"],
        ),
        (
            CREATE_AGENT,
            json!({ "input": { "name": "Bo\u{8}b" } }),
            &["input", "name"],
        ),
        (
            UPDATE_AGENT,
            json!({ "id": sid("AG1"), "input": { "name": "A\nda" } }),
            &["input", "name"],
        ),
        (
            CREATE_MESSAGE,
            json!({ "conversationId": sid("C01"), "input": { "content": "Hello\u{7}", "direction": "INBOUND" } }),
            &["input", "content"],
        ),
        (
            CREATE_MESSAGE,
            json!({ "conversationId": sid("C01"), "input": { "content": "line\r\nbreak\u{0}", "direction": "INBOUND" } }),
            &["input", "content"],
        ),
        (
            CREATE_CALL,
            json!({ "conversationId": sid("C03"), "input": { "direction": "INBOUND", "summary": "bad\u{7}bell" } }),
            &["input", "summary"],
        ),
        (
            CREATE_CALL,
            json!({ "conversationId": sid("C03"), "input": { "direction": "INBOUND", "recordingUrl": "https://rec.example/\u{7}.mp3" } }),
            &["input", "recordingUrl"],
        ),
        (
            UPDATE_CALL,
            json!({ "id": sid("CL1"), "input": { "summary": "esc\u{1b}ape" } }),
            &["input", "summary"],
        ),
        (
            DELETE_CONVERSATION,
            json!({ "id": sid("C01"), "reason": "why\u{7}" }),
            &["reason"],
        ),
        (
            DELETE_MESSAGE,
            json!({ "id": sid("M01"), "reason": "x\u{0}y" }),
            &["reason"],
        ),
        (
            DELETE_CONTACT,
            json!({ "id": sid("CT6"), "reason": "bell\u{7}" }),
            &["reason"],
        ),
    ];
    for (op, vars, path) in cases {
        rejected(app, &token, op, vars, &[(path, BAD)]).await;
    }

    // Newlines and tabs are fine inside content, summary and reason.
    let payload = ok(
        app,
        &token,
        CREATE_MESSAGE,
        json!({ "conversationId": sid("C01"), "input": { "content": "line1\nline2\ttabbed", "direction": "INBOUND" } }),
    )
    .await;
    assert_eq!(payload["message"]["content"], "line1\nline2\ttabbed");
    let payload = ok(
        app,
        &token,
        UPDATE_CALL,
        json!({ "id": sid("CL1"), "input": { "summary": "Asked\nabout\tan invoice" } }),
    )
    .await;
    assert_eq!(payload["call"]["summary"], "Asked\nabout\tan invoice");
    ok(
        app,
        &token,
        DELETE_MESSAGE,
        json!({ "id": sid("M01"), "reason": "first\nsecond\tthird" }),
    )
    .await;
    let audit = Snapshot::take(app.conn()).await.audit;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].reason.as_deref(), Some("first\nsecond\tthird"));
}

async fn call_duration_is_not_negative_and_recording_url_is_http(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);
    let payload = ok(
        app,
        &token,
        CREATE_CALL,
        json!({ "conversationId": sid("C03"), "input": {
            "direction": "INBOUND", "durationSeconds": 86400, "recordingUrl": "http://rec.example/a.mp3",
        } }),
    )
    .await;
    assert_eq!(payload["call"]["durationSeconds"], 86400);
    assert_eq!(payload["call"]["recordingUrl"], "http://rec.example/a.mp3");
    let payload = ok(
        app,
        &token,
        UPDATE_CALL,
        json!({ "id": sid("CL2"), "input": { "durationSeconds": 0, "recordingUrl": "https://rec.example/cl2.mp3" } }),
    )
    .await;
    assert_eq!(payload["call"]["durationSeconds"], 0);
    assert_eq!(
        payload["call"]["recordingUrl"],
        "https://rec.example/cl2.mp3"
    );

    let create = json!({ "conversationId": sid("C03"), "input": { "direction": "INBOUND" } });
    for duration in [-1, -3600] {
        rejected(
            app,
            &token,
            CREATE_CALL,
            with_input(create.clone(), "durationSeconds", json!(duration)),
            &[(&["input", "durationSeconds"], BAD)],
        )
        .await;
        rejected(
            app,
            &token,
            UPDATE_CALL,
            json!({ "id": sid("CL1"), "input": { "durationSeconds": duration } }),
            &[(&["input", "durationSeconds"], BAD)],
        )
        .await;
    }
    for url in [
        "ftp://rec.example/a.mp3",
        "rec.example/a.mp3",
        "javascript:alert(1)",
        "https//rec.example/a.mp3",
        "http:/rec.example/a.mp3",
        "file:///etc/passwd",
    ] {
        rejected(
            app,
            &token,
            CREATE_CALL,
            with_input(create.clone(), "recordingUrl", json!(url)),
            &[(&["input", "recordingUrl"], BAD)],
        )
        .await;
        rejected(
            app,
            &token,
            UPDATE_CALL,
            json!({ "id": sid("CL1"), "input": { "recordingUrl": url } }),
            &[(&["input", "recordingUrl"], BAD)],
        )
        .await;
    }
}

async fn null_for_a_non_nullable_field_is_rejected(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);
    let cases: Vec<(Op, &str, &str)> = vec![
        (UPDATE_CONVERSATION, "C01", "status"),
        (UPDATE_CONVERSATION, "C01", "priority"),
        (UPDATE_CONVERSATION, "C01", "channel"),
        (UPDATE_CONVERSATION, "C01", "inboxId"),
        (UPDATE_CONVERSATION, "C01", "isSimulation"),
        (UPDATE_CONVERSATION, "C01", "isChatOpened"),
        (UPDATE_INBOX, "IB1", "name"),
        (UPDATE_INBOX, "IB1", "channel"),
        (UPDATE_AGENT, "AG1", "name"),
        (UPDATE_AGENT, "AG1", "kind"),
        (UPDATE_CALL, "CL1", "direction"),
        (UPDATE_CALL, "CL1", "status"),
    ];
    for (op, row, field) in cases {
        rejected(
            app,
            &token,
            op,
            json!({ "id": sid(row), "input": { field: null } }),
            &[(&["input", field], BAD)],
        )
        .await;
    }
}

/// A mutation with the id of an existing row as an argument.
struct IdArgument {
    op: Op,
    arg: &'static str,
    /// The other variables, all valid.
    vars: Value,
    /// Beta's row of the same type.
    beta: &'static str,
    /// An Alpha row of another type.
    other_type: &'static str,
}

fn id_arguments() -> Vec<IdArgument> {
    let case = |op, arg, vars, beta, other_type| IdArgument {
        op,
        arg,
        vars,
        beta,
        other_type,
    };
    vec![
        case(
            UPDATE_CONVERSATION,
            "id",
            json!({ "input": { "subject": "x" } }),
            "BX1",
            "CT1",
        ),
        case(DELETE_CONVERSATION, "id", json!({}), "BX1", "M01"),
        case(
            CREATE_MESSAGE,
            "conversationId",
            json!({ "input": { "content": "x", "direction": "INBOUND" } }),
            "BX1",
            "M01",
        ),
        case(DELETE_MESSAGE, "id", json!({}), "BM1", "C01"),
        case(
            UPDATE_CONTACT,
            "id",
            json!({ "input": { "firstName": "x" } }),
            "BC1",
            "AG1",
        ),
        case(DELETE_CONTACT, "id", json!({}), "BC1", "IB5"),
        case(
            DELETE_CONTACT,
            "id",
            json!({ "cascade": true }),
            "BC1",
            "C01",
        ),
        case(
            UPDATE_INBOX,
            "id",
            json!({ "input": { "name": "x" } }),
            "BI1",
            "CT1",
        ),
        case(DELETE_INBOX, "id", json!({}), "BI1", "AG5"),
        case(DELETE_INBOX, "id", json!({ "cascade": true }), "BI1", "C01"),
        case(
            CREATE_CALL,
            "conversationId",
            json!({ "input": { "direction": "INBOUND" } }),
            "BX2",
            "CL1",
        ),
        case(
            UPDATE_CALL,
            "id",
            json!({ "input": { "summary": "x" } }),
            "BCL1",
            "C03",
        ),
        case(DELETE_CALL, "id", json!({}), "BCL1", "C03"),
        case(
            UPDATE_AGENT,
            "id",
            json!({ "input": { "name": "x" } }),
            "BG1",
            "IB1",
        ),
        case(DELETE_AGENT, "id", json!({}), "BG1", "CT1"),
    ]
}

/// An id field of an input: (operation, valid variables, field, an Alpha row of another
/// type (None for external ids, which name no table), Beta's row of the right type).
type InputId = (
    Op,
    Value,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
);

fn input_ids() -> Vec<InputId> {
    let create = json!({ "input": { "inboxId": sid("IB1") } });
    let update = json!({ "id": sid("C01"), "input": {} });
    let mut cases: Vec<InputId> = Vec::new();
    for (op, vars) in [(CREATE_CONVERSATION, create), (UPDATE_CONVERSATION, update)] {
        cases.extend([
            (op, vars.clone(), "inboxId", Some("CT1"), Some("BI1")),
            (op, vars.clone(), "contactId", Some("IB1"), Some("BC1")),
            (op, vars.clone(), "assigneeId", Some("CT1"), Some("BG1")),
            (op, vars.clone(), "agentId", Some("IB1"), Some("BG1")),
            (op, vars.clone(), "seenById", Some("C01"), Some("BG1")),
            (op, vars.clone(), "campaignId", None, None),
            (op, vars.clone(), "listingId", None, None),
        ]);
    }
    cases.push((
        CREATE_CALL,
        json!({ "conversationId": sid("C03"), "input": { "direction": "INBOUND" } }),
        "campaignId",
        None,
        None,
    ));
    cases.push((
        UPDATE_CALL,
        json!({ "id": sid("CL1"), "input": {} }),
        "campaignId",
        None,
        None,
    ));
    cases
}

fn malformed_ids() -> Vec<String> {
    vec![
        "not-a-uuid".to_owned(),
        "1234".to_owned(),
        format!("{}x", sid("C01")),
        "c0000000-0001-4000-8000-00000000000g".to_owned(),
    ]
}

async fn malformed_ids_are_bad_user_input_at_their_path(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);
    for case in id_arguments() {
        let mut bad_ids = malformed_ids();
        bad_ids.push(String::new());
        for bad in bad_ids {
            rejected(
                app,
                &token,
                case.op,
                with(case.vars.clone(), case.arg, json!(bad)),
                &[(&[case.arg], BAD)],
            )
            .await;
        }
    }
    for (op, vars, field, _, _) in input_ids() {
        for bad in malformed_ids() {
            rejected(
                app,
                &token,
                op,
                with_input(vars.clone(), field, json!(bad)),
                &[(&["input", field], BAD)],
            )
            .await;
        }
    }
}

async fn unknown_ids_are_not_found_at_their_path(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);
    for case in id_arguments() {
        for unknown in [Uuid::new_v4().to_string(), sid(case.other_type)] {
            rejected(
                app,
                &token,
                case.op,
                with(case.vars.clone(), case.arg, json!(unknown)),
                &[(&[case.arg], NOT_FOUND)],
            )
            .await;
        }
    }
    for (op, vars, field, other_type, _) in input_ids() {
        let Some(other_type) = other_type else {
            continue;
        };
        for unknown in [Uuid::new_v4().to_string(), sid(other_type)] {
            rejected(
                app,
                &token,
                op,
                with_input(vars.clone(), field, json!(unknown)),
                &[(&["input", field], NOT_FOUND)],
            )
            .await;
        }
    }
    // External ids (campaign, listing) name no table: any uuid is accepted.
    let campaign = Uuid::new_v4().to_string();
    let listing = Uuid::new_v4().to_string();
    let payload = ok(
        app,
        &token,
        CREATE_CONVERSATION,
        json!({ "input": { "inboxId": sid("IB1"), "campaignId": campaign, "listingId": listing } }),
    )
    .await;
    assert_eq!(payload["conversation"]["campaign"]["id"], campaign);
    assert_eq!(payload["conversation"]["listing"]["id"], listing);
    let payload = ok(
        app,
        &token,
        UPDATE_CALL,
        json!({ "id": sid("CL1"), "input": { "campaignId": campaign } }),
    )
    .await;
    assert_eq!(payload["call"]["campaign"]["id"], campaign);
}

async fn ids_of_another_company_are_not_found_at_their_path(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);
    for case in id_arguments() {
        rejected(
            app,
            &token,
            case.op,
            with(case.vars.clone(), case.arg, json!(sid(case.beta))),
            &[(&[case.arg], NOT_FOUND)],
        )
        .await;
    }
    for (op, vars, field, _, beta) in input_ids() {
        let Some(beta) = beta else {
            continue;
        };
        rejected(
            app,
            &token,
            op,
            with_input(vars.clone(), field, json!(sid(beta))),
            &[(&["input", field], NOT_FOUND)],
        )
        .await;
    }
    // Beta's rows are untouched, and Beta still sees them as they were.
    let beta = app.reader(BETA);
    let data = app
        .data(&beta, READ_CONVERSATION, json!({ "id": sid("BX1") }))
        .await;
    assert_eq!(data["conversation"]["subject"], "Refund request");
    assert_eq!(data["conversation"]["assignee"]["id"], sid("BG1"));
}

// ---------------------------------------------------------------------------------------
// Scope and authentication
// ---------------------------------------------------------------------------------------

/// One request per mutation, each valid and allowed for Alpha's writer.
fn one_valid_request_per_mutation() -> Vec<(Op, Value)> {
    vec![
        (
            CREATE_CONVERSATION,
            json!({ "input": { "inboxId": sid("IB1") } }),
        ),
        (
            UPDATE_CONVERSATION,
            json!({ "id": sid("C01"), "input": { "subject": "x" } }),
        ),
        (DELETE_CONVERSATION, json!({ "id": sid("C02") })),
        (
            CREATE_MESSAGE,
            json!({ "conversationId": sid("C01"), "input": { "content": "x", "direction": "INBOUND" } }),
        ),
        (DELETE_MESSAGE, json!({ "id": sid("M01") })),
        (CREATE_CONTACT, json!({ "input": { "firstName": "x" } })),
        (
            UPDATE_CONTACT,
            json!({ "id": sid("CT1"), "input": { "firstName": "x" } }),
        ),
        (DELETE_CONTACT, json!({ "id": sid("CT6") })),
        (
            CREATE_INBOX,
            json!({ "input": { "name": "x", "channel": "EMAIL" } }),
        ),
        (
            UPDATE_INBOX,
            json!({ "id": sid("IB1"), "input": { "name": "x" } }),
        ),
        (DELETE_INBOX, json!({ "id": sid("IB5") })),
        (
            CREATE_CALL,
            json!({ "conversationId": sid("C03"), "input": { "direction": "INBOUND" } }),
        ),
        (
            UPDATE_CALL,
            json!({ "id": sid("CL1"), "input": { "summary": "x" } }),
        ),
        (DELETE_CALL, json!({ "id": sid("CL1") })),
        (CREATE_AGENT, json!({ "input": { "name": "x" } })),
        (
            UPDATE_AGENT,
            json!({ "id": sid("AG1"), "input": { "name": "x" } }),
        ),
        (DELETE_AGENT, json!({ "id": sid("AG5") })),
    ]
}

async fn every_mutation_needs_the_write_scope(app: &TestApp) {
    fx::load(app.conn()).await;
    let requests = one_valid_request_per_mutation();
    assert_eq!(requests.len(), 17, "every mutation of the contract");
    let token = app.reader(ALPHA);
    for (op, vars) in &requests {
        let message = refused(app, &token, *op, vars.clone(), "FORBIDDEN").await;
        assert!(
            message.contains("write:conversations"),
            "{}: {message}",
            op.name
        );
    }
    // The same requests are accepted with the scope (each on its own fresh rows).
    let token = writer(app, ALPHA);
    for (op, vars) in requests {
        ok(app, &token, op, vars).await;
    }
}

async fn mutations_without_a_valid_token_get_401(app: &TestApp) {
    fx::load(app.conn()).await;
    let before = Snapshot::take(app.conn()).await;
    for (op, vars) in one_valid_request_per_mutation() {
        for header in [None, Some("Bearer not.a.jwt")] {
            let mut request = app
                .client
                .post(app.url("/graphql"))
                .json(&json!({ "query": op.doc, "variables": vars }));
            if let Some(h) = header {
                request = request.header("Authorization", h);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 401, "{} {header:?}", op.name);
            let body: Value = response.json().await.unwrap();
            assert_eq!(
                first_code(&body),
                "UNAUTHENTICATED",
                "{} {header:?}",
                op.name
            );
            assert!(body.get("data").is_none(), "{body:#}");
        }
    }
    assert_same(
        &before,
        &Snapshot::take(app.conn()).await,
        "requests without a token",
    );
}

// ---------------------------------------------------------------------------------------
// Concurrency
// ---------------------------------------------------------------------------------------

const PRIORITIES: [&str; 4] = ["LOW", "MEDIUM", "HIGH", "URGENT"];

fn priority_word(p: Priority) -> String {
    serde_json::to_value(p)
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

async fn parallel_updates_of_different_fields_keep_both(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);
    let c10 = id("C10");
    let before = Snapshot::take(app.conn()).await;
    let mut current = before.conversation(c10).clone();
    for round in 0..3 {
        // Ten distinct subjects and ten priorities, none equal to the current ones.
        let subjects: Vec<String> = (0..10)
            .map(|i| format!("Round {round} subject {i}"))
            .collect();
        let others: Vec<&str> = PRIORITIES
            .into_iter()
            .filter(|p| *p != priority_word(current.priority))
            .collect();
        let priorities: Vec<&str> = (0..10).map(|i| others[i % others.len()]).collect();
        let requests = (0..20).map(|i| {
            let input = if i % 2 == 0 {
                json!({ "subject": subjects[i / 2] })
            } else {
                json!({ "priority": priorities[i / 2] })
            };
            ok(
                app,
                &token,
                UPDATE_CONVERSATION,
                json!({ "id": sid("C10"), "input": input }),
            )
        });
        let payloads = join_all(requests).await;
        for payload in &payloads {
            assert_eq!(payload["conversation"]["id"], sid("C10"));
        }
        let row = conversation_row(app, c10).await;
        let subject = row.subject.clone().unwrap_or_default();
        assert!(
            subjects.contains(&subject),
            "round {round}: subject {subject:?} is not one of the sent ones (reset by a priority update?)"
        );
        let priority = priority_word(row.priority);
        assert!(
            priorities.contains(&priority.as_str()),
            "round {round}: priority {priority} is not one of the sent ones (reset by a subject update?)"
        );
        let mut expected = current.clone();
        expected.subject = row.subject.clone();
        expected.priority = row.priority;
        expected.updated_at = row.updated_at;
        assert_eq!(row, expected, "round {round}: nothing else changed");
        current = row;
    }
    // No other row changed.
    let after = Snapshot::take(app.conn()).await;
    let mut expected = before.clone();
    *expected.conversation_mut(c10) = current;
    assert_same(&expected, &after, "parallel updates");
}

async fn parallel_subject_and_status_updates_both_survive(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ALPHA);
    for n in 0..10 {
        let conv = insert_conversation(app, "Original").await;
        let before = conversation_row(app, conv).await;
        let subject = format!("S{n}");
        let (a, b) = join(
            ok(
                app,
                &token,
                UPDATE_CONVERSATION,
                json!({ "id": conv.to_string(), "input": { "subject": subject } }),
            ),
            ok(
                app,
                &token,
                UPDATE_CONVERSATION,
                json!({ "id": conv.to_string(), "input": { "status": "CLOSED" } }),
            ),
        )
        .await;
        assert_eq!(a["conversation"]["subject"], subject, "round {n}");
        assert_eq!(b["conversation"]["status"], "CLOSED", "round {n}");
        let row = conversation_row(app, conv).await;
        let mut expected = before.clone();
        expected.subject = Some(subject.clone());
        expected.status = ConversationStatus::Closed;
        expected.updated_at = row.updated_at;
        assert_eq!(row, expected, "round {n}: both changes survive");
        assert!(row.updated_at > before.updated_at, "round {n}");
    }
}

both_backends!(
    create_conversation_with_defaults,
    create_conversation_with_every_field,
    update_conversation_changes_only_the_given_fields,
    update_conversation_sets_and_clears_every_field,
    create_message_moves_last_message_at_forward_only,
    delete_message_recomputes_last_message_at,
    contacts_create_update_delete,
    inboxes_create_update_delete,
    calls_create_update_delete,
    agents_create_update_delete,
    delete_agent_leaves_its_conversations_without_it,
    delete_conversation_removes_its_rows_and_writes_one_audit_row,
    delete_contact_with_conversations_conflicts_unless_cascade,
    delete_inbox_with_conversations_conflicts_unless_cascade,
    a_failure_inside_a_delete_changes_nothing,
    maximum_lengths_count_characters_after_trimming,
    strings_are_trimmed_and_blank_optional_strings_become_null,
    blank_required_strings_are_rejected,
    email_must_look_like_an_address,
    phone_numbers_take_5_to_20_digits_and_few_symbols,
    control_characters_are_rejected_except_newline_and_tab_in_long_text,
    call_duration_is_not_negative_and_recording_url_is_http,
    null_for_a_non_nullable_field_is_rejected,
    malformed_ids_are_bad_user_input_at_their_path,
    unknown_ids_are_not_found_at_their_path,
    ids_of_another_company_are_not_found_at_their_path,
    every_mutation_needs_the_write_scope,
    mutations_without_a_valid_token_get_401,
    parallel_updates_of_different_fields_keep_both,
    parallel_subject_and_status_updates_both_survive,
);
