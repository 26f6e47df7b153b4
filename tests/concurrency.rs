//! Concurrent writes through the real router, on both databases: many requests racing for
//! one conversation, contact or message, each race repeated on fresh rows. Whatever the
//! interleaving, no write is lost, none fails internally, a write that loses a race says so
//! (NOT_FOUND as a userError; CONFLICT is tolerated and counted), and the tables end in a
//! state some serial order of the successful writes explains: lastMessageAt is the newest
//! remaining message's sentAt, nothing refers to a deleted row, every delete has exactly
//! one audit row.
//!
//! Rows are set up straight through the entities (`common::fixtures` plus the inserts
//! below) and the end state is read back the same way, never through the code under test.

mod common;

use chrono::{DateTime, Duration, FixedOffset, SecondsFormat, Utc};
use common::TestApp;
use common::fixtures::{self as fx, ACME, conv, t0};
use common::writes::{
    CREATE_CONVERSATION, CREATE_MESSAGE, DELETE_CONTACT, DELETE_CONVERSATION, DELETE_MESSAGE,
    UPDATE_CONVERSATION, instant, uuid_of, writer,
};
use entity::{
    AgentKind, Channel, ConversationStatus, Direction, EventKind, Priority, Source, agent, contact,
    conversation, conversation_event, message,
};
use futures_util::future::{join, join_all};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// A seeded generator; the seed is printed so that a failing interleaving of inputs can be
/// replayed with CONCURRENCY_SEED.
fn rng(test: &str) -> StdRng {
    let seed = std::env::var("CONCURRENCY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random::<u64>);
    eprintln!("{test}: CONCURRENCY_SEED={seed}");
    StdRng::seed_from_u64(seed)
}

/// The RFC 3339 form of `at` at microsecond precision, written in the offset `offset_hours`
/// (the instant is the same whatever the offset).
fn rfc3339(at: DateTime<Utc>, offset_hours: i32) -> String {
    let offset = FixedOffset::east_opt(offset_hours * 3600).unwrap();
    at.with_timezone(&offset)
        .to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// An instant around T0 (within ±`hours`), with a random number of microseconds, or a whole
/// second, or whole milliseconds, so that every precision is stored and compared.
fn random_instant(rng: &mut StdRng, hours: i64) -> DateTime<Utc> {
    let seconds = rng.random_range(-hours * 3600..=hours * 3600);
    let micros = match rng.random_range(0..3) {
        0 => 0,
        1 => rng.random_range(0..1000) * 1000,
        _ => rng.random_range(0..1_000_000),
    };
    t0() + Duration::seconds(seconds) + Duration::microseconds(micros)
}

/// The inbox of the fixture's Acme conversations.
async fn acme_inbox(app: &TestApp) -> Uuid {
    conversation::Entity::find_by_id(conv("A1"))
        .one(app.conn())
        .await
        .unwrap()
        .unwrap()
        .inbox_id
}

/// A conversation of Acme inserted straight through the entity, with messages sent at
/// `sent` (lastMessageAt the newest of them); returns its id and its messages' ids.
async fn insert_conversation(
    app: &TestApp,
    inbox: Uuid,
    contact: Option<Uuid>,
    sent: &[DateTime<Utc>],
) -> (Uuid, Vec<Uuid>) {
    let id = Uuid::new_v4();
    conversation::Model {
        id,
        company_id: ACME,
        inbox_id: inbox,
        contact_id: contact,
        subject: Some("Original".into()),
        status: ConversationStatus::Open,
        priority: Priority::Medium,
        channel: Channel::Email,
        source: Some(Source::Email),
        is_simulation: false,
        responded_by: None,
        agent_id: None,
        assignee_id: None,
        seen_by_id: None,
        is_chat_opened: false,
        campaign_id: None,
        listing_id: None,
        started_at: Some(t0()),
        last_message_at: sent.iter().max().copied(),
        created_at: t0(),
        updated_at: t0(),
    }
    .into_active_model()
    .insert(app.conn())
    .await
    .unwrap();
    let mut messages = Vec::new();
    for (i, at) in sent.iter().enumerate() {
        let m = Uuid::new_v4();
        message::Model {
            id: m,
            company_id: ACME,
            conversation_id: id,
            direction: Direction::Inbound,
            content: format!("fixture message {i}"),
            content_folded: entity::text::fold(&format!("fixture message {i}")),
            channel: None,
            metadata: None,
            sent_at: *at,
            created_at: t0(),
            updated_at: t0(),
        }
        .into_active_model()
        .insert(app.conn())
        .await
        .unwrap();
        messages.push(m);
    }
    (id, messages)
}

async fn insert_contact(app: &TestApp) -> Uuid {
    let id = Uuid::new_v4();
    contact::Model {
        id,
        company_id: ACME,
        name: Some("Racing".into()),
        name_folded: Some(entity::text::fold("Racing")),
        surname: Some("Contact".into()),
        surname_folded: Some(entity::text::fold("Contact")),
        phone_number: None,
        email: None,
        email_folded: None,
        created_at: t0(),
        updated_at: t0(),
    }
    .into_active_model()
    .insert(app.conn())
    .await
    .unwrap();
    id
}

async fn insert_agent(app: &TestApp, name: &str) -> Uuid {
    let id = Uuid::new_v4();
    agent::Model {
        id,
        company_id: ACME,
        name: name.into(),
        email: None,
        kind: AgentKind::Human,
        created_at: t0(),
        updated_at: t0(),
    }
    .into_active_model()
    .insert(app.conn())
    .await
    .unwrap();
    id
}

async fn conversation_row(app: &TestApp, id: Uuid) -> Option<conversation::Model> {
    conversation::Entity::find_by_id(id)
        .one(app.conn())
        .await
        .unwrap()
}

async fn messages_of(app: &TestApp, conversation: Uuid) -> Vec<message::Model> {
    message::Entity::find()
        .filter(message::Column::ConversationId.eq(conversation))
        .all(app.conn())
        .await
        .unwrap()
}

/// The (entity, entity_id) of every audit row naming one of `ids`, sorted.
async fn audit_of(app: &TestApp, ids: &[Uuid]) -> Vec<(String, Uuid)> {
    let rows = conversation_event::Entity::find()
        .filter(conversation_event::Column::EntityId.is_in(ids.iter().copied()))
        .filter(conversation_event::Column::Kind.is_in([
            EventKind::ConversationDeleted,
            EventKind::MessageDeleted,
            EventKind::CallDeleted,
            EventKind::ContactDeleted,
            EventKind::InboxDeleted,
            EventKind::AgentDeleted,
        ]))
        .all(app.conn())
        .await
        .unwrap();
    for row in &rows {
        assert_eq!(row.company_id, ACME, "{row:?}");
    }
    let mut got: Vec<(String, Uuid)> = rows.into_iter().map(|r| (r.entity, r.entity_id)).collect();
    got.sort();
    got
}

/// Asserts the conversation's stored lastMessageAt is the newest sentAt of its messages
/// (null without messages). Returns the messages.
async fn assert_last_message_at_is_newest(
    app: &TestApp,
    id: Uuid,
    what: &str,
) -> Vec<message::Model> {
    let row = conversation_row(app, id)
        .await
        .unwrap_or_else(|| panic!("{what}: conversation {id} is gone"));
    let messages = messages_of(app, id).await;
    let newest = messages.iter().map(|m| m.sent_at).max();
    assert_eq!(
        row.last_message_at,
        newest,
        "{what}: lastMessageAt of {id} is not the newest of its {} messages",
        messages.len()
    );
    messages
}

/// How a racing write ended.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// No userErrors: the payload.
    Done(Value),
    /// Refused with exactly one userError: (field path, code).
    Refused(Vec<String>, String),
    /// A GraphQL error with code CONFLICT and no payload (allowed, and counted).
    Conflict,
    /// No payload, and an error other than CONFLICT (already recorded as a problem).
    Failed,
}

/// The responses of a series of races. Every GraphQL error other than CONFLICT (such as
/// INTERNAL_SERVER_ERROR) is a problem: recorded, so that the race's end state is still
/// checked, and reported by `finish`.
#[derive(Default)]
struct Races {
    problems: Vec<String>,
    conflicts: usize,
    /// Payload relations deleted between the commit and their read.
    vanished: usize,
}

impl Races {
    /// Classifies a racing write's response body.
    fn outcome(&mut self, body: &Value, field: &str, what: &str) -> Outcome {
        let payload = &body["data"][field];
        if let Some(errors) = body.get("errors") {
            let codes: Vec<&str> = errors
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["extensions"]["code"].as_str().unwrap_or("<none>"))
                .collect();
            if payload.is_null() && codes.iter().all(|c| *c == "CONFLICT") {
                self.conflicts += 1;
                return Outcome::Conflict;
            }
            // A relation of the payload read after the commit, deleted by the racing write
            // in between (each read of a request is its own snapshot): NOT_FOUND inside the
            // payload, which is still there.
            let vanished = |e: &Value| {
                e["extensions"]["code"] == "NOT_FOUND"
                    && e["path"].as_array().is_some_and(|p| p.len() > 2)
                    && e["message"]
                        .as_str()
                        .is_some_and(|m| m.contains("deleted by another request"))
            };
            if !payload.is_null() && errors.as_array().unwrap().iter().all(vanished) {
                self.vanished += 1;
            } else {
                self.problems.push(format!(
                    "{what}: {field} answered with errors {codes:?}: {body:#}"
                ));
            }
            if payload.is_null() {
                return Outcome::Failed;
            }
        }
        let errors = payload["userErrors"]
            .as_array()
            .unwrap_or_else(|| panic!("{what}: no userErrors in {body:#}"));
        match errors.as_slice() {
            [] => Outcome::Done(payload.clone()),
            [e] => {
                for (key, value) in payload.as_object().unwrap() {
                    if key != "userErrors" {
                        assert!(
                            value.is_null(),
                            "{what}: {key} set beside a userError: {body:#}"
                        );
                    }
                }
                let path = e["field"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap().to_owned())
                    .collect();
                Outcome::Refused(path, e["code"].as_str().unwrap().to_owned())
            }
            _ => panic!("{what}: several userErrors: {body:#}"),
        }
    }

    /// Expects `Done`; returns the payload.
    fn done(&mut self, body: &Value, field: &str, what: &str) -> Value {
        match self.outcome(body, field, what) {
            Outcome::Done(payload) => payload,
            other => panic!("{what}: expected {field} to succeed, got {other:?}: {body:#}"),
        }
    }

    /// Fails the test if any response had an error other than CONFLICT.
    fn finish(self, test: &str) {
        eprintln!(
            "{test}: {} CONFLICT errors, {} payload relations deleted before they were read",
            self.conflicts, self.vanished
        );
        assert!(
            self.problems.is_empty(),
            "{test}: {} responses with errors; the first:\n{}",
            self.problems.len(),
            self.problems[0]
        );
    }
}

fn path(p: &[&str]) -> Vec<String> {
    p.iter().map(|s| s.to_string()).collect()
}

// ---------------------------------------------------------------------------------------
// Many messages on one conversation
// ---------------------------------------------------------------------------------------

/// Sends a request as a well-behaved client does when its company has more requests in
/// flight than the server lets one company run or queue: waits `Retry-After` (1 s) and
/// sends it again. A refused request was never executed, so retrying it is safe.
async fn retrying_overload(app: &TestApp, token: &str, query: &str, vars: Value) -> Value {
    loop {
        let body = app.graphql(token, query, vars.clone()).await;
        if body["errors"][0]["extensions"]["code"] != "OVERLOADED" {
            return body;
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

async fn two_hundred_concurrent_messages_are_all_kept(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ACME);
    let mut rng = rng("two_hundred_concurrent_messages_are_all_kept");
    let a1 = conv("A1");
    // 200 distinct instants: one per hour from T0-100h, each with its own sub-second part,
    // sent in a random order and written in various offsets.
    let mut sent: Vec<DateTime<Utc>> = (0..200)
        .map(|i| {
            let micros = random_instant(&mut rng, 0).timestamp_subsec_micros();
            t0() + Duration::hours(i - 100) + Duration::microseconds(micros as i64)
        })
        .collect();
    sent.shuffle(&mut rng);
    let newest = *sent.iter().max().unwrap();
    let requests: Vec<_> = sent
        .iter()
        .enumerate()
        .map(|(i, at)| {
            let offset = [0, 2, -5, 9][i % 4];
            let vars = json!({ "conversationId": a1.to_string(), "input": {
                "content": format!("message {i}"), "direction": "INBOUND",
                "sentAt": rfc3339(*at, offset),
            } });
            retrying_overload(app, &token, CREATE_MESSAGE.doc, vars)
        })
        .collect();
    let bodies = join_all(requests).await;

    let mut races = Races::default();
    let mut returned: BTreeMap<Uuid, DateTime<Utc>> = BTreeMap::new();
    for (i, body) in bodies.iter().enumerate() {
        let what = format!("createMessage {i}");
        let payload = races.done(body, "createMessage", &what);
        let id = uuid_of(&payload["message"]["id"]);
        let at = instant(&payload["message"]["sentAt"]);
        assert_eq!(at, sent[i], "{what}: sentAt as saved");
        assert_eq!(payload["message"]["content"], format!("message {i}"));
        // The conversation as saved with this message: never older than the message.
        let last = instant(&payload["conversation"]["lastMessageAt"]);
        assert!(
            last >= at,
            "{what}: lastMessageAt {last} is older than the message {at}"
        );
        assert!(
            returned.insert(id, at).is_none(),
            "{what}: id {id} returned twice"
        );
    }
    assert_eq!(returned.len(), 200);

    let stored: BTreeMap<Uuid, DateTime<Utc>> = messages_of(app, a1)
        .await
        .into_iter()
        .map(|m| (m.id, m.sent_at))
        .collect();
    assert_eq!(
        stored, returned,
        "exactly the 200 messages, none lost, none extra"
    );
    let row = conversation_row(app, a1).await.unwrap();
    assert_eq!(
        row.last_message_at,
        Some(newest),
        "lastMessageAt is the newest sentAt"
    );

    let newest_id = returned.iter().find(|(_, at)| **at == newest).unwrap().0;
    let data = app
        .data(
            &token,
            "query ($id: ID!) { conversation(id: $id) { lastMessageAt lastMessage { id } messages { totalCount } } }",
            json!({ "id": a1.to_string() }),
        )
        .await;
    assert_eq!(instant(&data["conversation"]["lastMessageAt"]), newest);
    assert_eq!(
        data["conversation"]["lastMessage"]["id"],
        newest_id.to_string()
    );
    assert_eq!(data["conversation"]["messages"]["totalCount"], 200);
    races.finish("two_hundred_concurrent_messages_are_all_kept");
}

// ---------------------------------------------------------------------------------------
// Updates of different fields
// ---------------------------------------------------------------------------------------

const STATUSES: [&str; 4] = ["OPEN", "PENDING", "CLOSED", "ARCHIVED"];
const PRIORITIES: [&str; 4] = ["LOW", "MEDIUM", "HIGH", "URGENT"];

fn word<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

async fn concurrent_updates_of_four_fields_all_survive(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ACME);
    let agents = [
        insert_agent(app, "Ada").await,
        insert_agent(app, "Ben").await,
    ];
    let a2 = conv("A2");
    let mut races = Races::default();
    for round in 0..15 {
        let before = conversation_row(app, a2).await.unwrap();
        // Every field gets a value different from its current one.
        let subject = format!("Round {round}");
        let status = STATUSES[(STATUSES
            .iter()
            .position(|s| *s == word(before.status))
            .unwrap()
            + 1)
            % 4];
        let priority = PRIORITIES[(PRIORITIES
            .iter()
            .position(|p| *p == word(before.priority))
            .unwrap()
            + 1)
            % 4];
        let assignee = if before.assignee_id == Some(agents[0]) {
            agents[1]
        } else {
            agents[0]
        };
        let inputs = [
            json!({ "subject": subject }),
            json!({ "status": status }),
            json!({ "priority": priority }),
            json!({ "assigneeId": assignee.to_string() }),
        ];
        // Each change sent twice, all eight at once, in a round-dependent order.
        let mut order: Vec<usize> = (0..8).collect();
        order.rotate_left(round % 8);
        let bodies = join_all(order.iter().map(|i| {
            app.graphql(
                &token,
                UPDATE_CONVERSATION.doc,
                json!({ "id": a2.to_string(), "input": inputs[i % 4] }),
            )
        }))
        .await;
        for (i, body) in order.iter().zip(&bodies) {
            let what = format!("round {round} update {i}");
            let got = &races.done(body, "updateConversation", &what)["conversation"];
            // The payload shows the request's own change (no later write can undo it).
            match i % 4 {
                0 => assert_eq!(got["subject"], subject, "{what}"),
                1 => assert_eq!(got["status"], status, "{what}"),
                2 => assert_eq!(got["priority"], priority, "{what}"),
                _ => assert_eq!(got["assignee"]["id"], assignee.to_string(), "{what}"),
            }
        }
        let after = conversation_row(app, a2).await.unwrap();
        let mut expected = before.clone();
        expected.subject = Some(subject.clone());
        expected.status = serde_json::from_value(json!(status)).unwrap();
        expected.priority = serde_json::from_value(json!(priority)).unwrap();
        expected.assignee_id = Some(assignee);
        expected.updated_at = after.updated_at;
        assert_eq!(
            after, expected,
            "round {round}: every change survives, nothing else moves"
        );
        assert!(
            after.updated_at > before.updated_at,
            "round {round}: updatedAt moves"
        );
    }
    races.finish("concurrent_updates_of_four_fields_all_survive");
}

// ---------------------------------------------------------------------------------------
// A delete racing another write
// ---------------------------------------------------------------------------------------

async fn delete_and_update_of_one_conversation(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ACME);
    let inbox = acme_inbox(app).await;
    let mut races = Races::default();
    let (mut updated, mut not_found) = (0, 0);
    for round in 0..20 {
        let (id, messages) =
            insert_conversation(app, inbox, None, &[t0(), t0() + Duration::hours(1)]).await;
        let delete = app.graphql(
            &token,
            DELETE_CONVERSATION.doc,
            json!({ "id": id.to_string(), "reason": "race" }),
        );
        let update = app.graphql(
            &token,
            UPDATE_CONVERSATION.doc,
            json!({ "id": id.to_string(), "input": { "subject": "Raced" } }),
        );
        // Alternate which request is sent first.
        let (deleted, changed) = if round % 2 == 0 {
            join(delete, update).await
        } else {
            let (u, d) = join(update, delete).await;
            (d, u)
        };
        let what = format!("round {round}");
        assert_eq!(
            races.done(&deleted, "deleteConversation", &what)["deletedId"],
            id.to_string(),
            "{what}"
        );
        match races.outcome(&changed, "updateConversation", &what) {
            Outcome::Done(p) => {
                assert_eq!(p["conversation"]["id"], id.to_string(), "{what}");
                assert_eq!(p["conversation"]["subject"], "Raced", "{what}");
                updated += 1;
            }
            Outcome::Refused(field, code) => {
                assert_eq!(
                    (field, code.as_str()),
                    (path(&["id"]), "NOT_FOUND"),
                    "{what}"
                );
                not_found += 1;
            }
            Outcome::Conflict | Outcome::Failed => {}
        }
        assert!(conversation_row(app, id).await.is_none(), "{what}: deleted");
        assert!(
            messages_of(app, id).await.is_empty(),
            "{what}: its messages deleted"
        );
        let mut ids = messages.clone();
        ids.push(id);
        assert_eq!(
            audit_of(app, &ids).await,
            vec![("conversation".to_owned(), id)],
            "{what}: exactly one audit row"
        );
    }
    eprintln!("update won {updated}, lost {not_found}");
    races.finish("delete_and_update_of_one_conversation");
}

async fn create_message_and_delete_conversation(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ACME);
    let inbox = acme_inbox(app).await;
    let mut races = Races::default();
    let (mut created, mut not_found) = (0, 0);
    for round in 0..40 {
        let (id, messages) = insert_conversation(app, inbox, None, &[t0()]).await;
        let delete = app.graphql(
            &token,
            DELETE_CONVERSATION.doc,
            json!({ "id": id.to_string() }),
        );
        let create = app.graphql(
            &token,
            CREATE_MESSAGE.doc,
            json!({ "conversationId": id.to_string(), "input": {
                "content": "Are you there?", "direction": "INBOUND",
                "sentAt": rfc3339(t0() + Duration::hours(2), 0),
            } }),
        );
        let (deleted, message) = if round % 2 == 0 {
            join(delete, create).await
        } else {
            let (c, d) = join(create, delete).await;
            (d, c)
        };
        let what = format!("round {round}");
        assert_eq!(
            races.done(&deleted, "deleteConversation", &what)["deletedId"],
            id.to_string()
        );
        match races.outcome(&message, "createMessage", &what) {
            Outcome::Done(p) => {
                // Written before the delete took the conversation (and then deleted with it).
                // When the delete committed between the write and the payload's read of
                // `message.conversation`, the message is null (it no longer exists), with
                // the NOT_FOUND error at its path that `outcome` counted as vanished.
                if !p["message"].is_null() {
                    assert_eq!(p["message"]["content"], "Are you there?", "{what}: {p:#}");
                }
                created += 1;
            }
            Outcome::Refused(field, code) => {
                assert_eq!(
                    (field, code.as_str()),
                    (path(&["conversationId"]), "NOT_FOUND"),
                    "{what}"
                );
                not_found += 1;
            }
            Outcome::Conflict | Outcome::Failed => {}
        }
        assert!(conversation_row(app, id).await.is_none(), "{what}: deleted");
        assert!(
            messages_of(app, id).await.is_empty(),
            "{what}: no message outlives its conversation"
        );
        let mut ids = messages;
        ids.push(id);
        assert_eq!(
            audit_of(app, &ids).await,
            vec![("conversation".to_owned(), id)],
            "{what}: exactly one audit row"
        );
    }
    eprintln!("message created first {created}, refused {not_found}");
    races.finish("create_message_and_delete_conversation");
}

async fn create_and_delete_messages_keep_last_message_at(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ACME);
    let inbox = acme_inbox(app).await;
    let mut rng = rng("create_and_delete_messages_keep_last_message_at");
    let sent: Vec<DateTime<Utc>> = (0..16).map(|_| random_instant(&mut rng, 48)).collect();
    let (id, ids) = insert_conversation(app, inbox, None, &sent).await;
    let mut alive: Vec<(Uuid, DateTime<Utc>)> = ids.into_iter().zip(sent).collect();
    let mut deleted_all = Vec::new();
    let mut races = Races::default();
    for round in 0..12 {
        // Delete the newest remaining message and two others, while three messages are
        // created: one newer than all, one older than all, one in between.
        alive.sort_by_key(|(_, at)| *at);
        let mut victims = vec![alive.pop().unwrap()];
        for _ in 0..2 {
            if !alive.is_empty() {
                let i = rng.random_range(0..alive.len());
                victims.push(alive.remove(i));
            }
        }
        let new_sent = [
            random_instant(&mut rng, 0) + Duration::hours(100 + round),
            random_instant(&mut rng, 0) - Duration::hours(100 + round),
            random_instant(&mut rng, 24),
        ];
        let deletes = victims
            .iter()
            .map(|(m, _)| app.graphql(&token, DELETE_MESSAGE.doc, json!({ "id": m.to_string() })));
        let creates = new_sent.iter().enumerate().map(|(i, at)| {
            app.graphql(
                &token,
                CREATE_MESSAGE.doc,
                json!({ "conversationId": id.to_string(), "input": {
                    "content": format!("round {round} message {i}"), "direction": "OUTBOUND",
                    "sentAt": rfc3339(*at, if i == 0 { 3 } else { 0 }),
                } }),
            )
        });
        let (deleted, created) = join(join_all(deletes), join_all(creates)).await;
        let what = format!("round {round}");
        for ((m, _), body) in victims.iter().zip(&deleted) {
            assert_eq!(
                races.done(body, "deleteMessage", &what)["deletedId"],
                m.to_string(),
                "{what}"
            );
            deleted_all.push(*m);
        }
        for (at, body) in new_sent.iter().zip(&created) {
            let p = races.done(body, "createMessage", &what);
            assert_eq!(instant(&p["message"]["sentAt"]), *at, "{what}");
            alive.push((uuid_of(&p["message"]["id"]), *at));
        }
        let stored = assert_last_message_at_is_newest(app, id, &what).await;
        let mut stored: Vec<(Uuid, DateTime<Utc>)> =
            stored.into_iter().map(|m| (m.id, m.sent_at)).collect();
        stored.sort();
        let mut want = alive.clone();
        want.sort();
        assert_eq!(
            stored, want,
            "{what}: exactly the created and not deleted messages"
        );
    }
    let mut expected: Vec<(String, Uuid)> = deleted_all
        .iter()
        .map(|m| ("message".to_owned(), *m))
        .collect();
    expected.sort();
    assert_eq!(
        audit_of(app, &deleted_all).await,
        expected,
        "one audit row per deleted message"
    );
    races.finish("create_and_delete_messages_keep_last_message_at");
}

async fn delete_contact_with_cascade_and_create_conversation(app: &TestApp) {
    fx::load(app.conn()).await;
    let token = writer(app, ACME);
    let inbox = acme_inbox(app).await;
    let mut races = Races::default();
    let (mut cascaded, mut not_found) = (0, 0);
    for round in 0..20 {
        let contact = insert_contact(app).await;
        let (existing, messages) = insert_conversation(app, inbox, Some(contact), &[t0()]).await;
        let delete = app.graphql(
            &token,
            DELETE_CONTACT.doc,
            json!({ "id": contact.to_string(), "cascade": true }),
        );
        let create = app.graphql(
            &token,
            CREATE_CONVERSATION.doc,
            json!({ "input": {
                "inboxId": inbox.to_string(), "contactId": contact.to_string(),
                "subject": format!("New thread {round}"),
            } }),
        );
        let (deleted, made) = if round % 2 == 0 {
            join(delete, create).await
        } else {
            let (c, d) = join(create, delete).await;
            (d, c)
        };
        let what = format!("round {round}");
        assert_eq!(
            races.done(&deleted, "deleteContact", &what)["deletedId"],
            contact.to_string(),
            "{what}"
        );
        let mut expected_audit = vec![
            ("contact".to_owned(), contact),
            ("conversation".to_owned(), existing),
        ];
        let mut ids = vec![contact, existing];
        ids.extend(messages);
        match races.outcome(&made, "createConversation", &what) {
            Outcome::Done(p) => {
                // Created before the delete took the contact: the cascade took it too. (The
                // payload's `contact` is read after the commit, so it may already be null.)
                let new = uuid_of(&p["conversation"]["id"]);
                let shown = &p["conversation"]["contact"];
                assert!(
                    shown.is_null() || shown["id"] == contact.to_string(),
                    "{what}: the payload shows another contact: {p:#}"
                );
                assert!(
                    conversation_row(app, new).await.is_none(),
                    "{what}: cascaded"
                );
                expected_audit.push(("conversation".to_owned(), new));
                ids.push(new);
                cascaded += 1;
            }
            Outcome::Refused(field, code) => {
                assert_eq!(
                    (field, code.as_str()),
                    (path(&["input", "contactId"]), "NOT_FOUND"),
                    "{what}"
                );
                not_found += 1;
            }
            Outcome::Conflict | Outcome::Failed => {}
        }
        assert!(
            contact::Entity::find_by_id(contact)
                .one(app.conn())
                .await
                .unwrap()
                .is_none(),
            "{what}: the contact is gone"
        );
        let left = conversation::Entity::find()
            .filter(conversation::Column::ContactId.eq(contact))
            .all(app.conn())
            .await
            .unwrap();
        assert!(
            left.is_empty(),
            "{what}: conversations of a deleted contact: {left:?}"
        );
        expected_audit.sort();
        assert_eq!(
            audit_of(app, &ids).await,
            expected_audit,
            "{what}: audit rows"
        );
    }
    // Nothing anywhere refers to a contact that does not exist.
    let contacts: BTreeSet<Uuid> = contact::Entity::find()
        .all(app.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    for c in conversation::Entity::find().all(app.conn()).await.unwrap() {
        if let Some(contact) = c.contact_id {
            assert!(
                contacts.contains(&contact),
                "{} refers to a deleted contact",
                c.id
            );
        }
    }
    eprintln!("created then cascaded {cascaded}, refused {not_found}");
    races.finish("delete_contact_with_cascade_and_create_conversation");
}

both_backends!(
    two_hundred_concurrent_messages_are_all_kept,
    concurrent_updates_of_four_fields_all_survive,
    delete_and_update_of_one_conversation,
    create_message_and_delete_conversation,
    create_and_delete_messages_keep_last_message_at,
    delete_contact_with_cascade_and_create_conversation,
);
