//! Support for the mutation suites (`tests/mutations.rs`, `tests/isolation.rs`): a document
//! for every mutation, a snapshot of every table to prove what a request wrote (or that it
//! wrote nothing), helpers that run a mutation expecting success or exactly a given set of
//! userErrors, and time windows for "set to the current time".

use super::TestApp;
use chrono::{DateTime, Utc};
use entity::{
    agent, call, company, contact, conversation, conversation_event, conversation_session,
    conversation_task, inbox, message,
};
use sea_orm::{ActiveEnum, DatabaseConnection, EntityTrait};
use serde_json::{Value, json};
use std::fmt::{Debug, Write as _};
use uuid::Uuid;

// ---------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------

/// A token of `company` that may read and write.
pub fn writer(app: &TestApp, company: Uuid) -> String {
    app.token(company, "read:conversations write:conversations")
}

// ---------------------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------------------

/// One mutation: its root field and a document selecting the whole payload.
#[derive(Debug, Clone, Copy)]
pub struct Op {
    pub name: &'static str,
    pub doc: &'static str,
}

macro_rules! conversation_fields {
    () => {
        "id subject status priority channel source isSimulation respondedBy isChatOpened
         campaign { id } listing { id } startedAt lastMessageAt createdAt updatedAt
         contact { id } inbox { id } agent { id } assignee { id } seenBy { id }
         tasks { id } sessions { id }"
    };
}
macro_rules! message_fields {
    () => {
        "id direction content channel metadata sentAt createdAt updatedAt conversation { id }"
    };
}
macro_rules! contact_fields {
    () => {
        "id firstName lastName fullName phoneNumber email createdAt updatedAt"
    };
}
macro_rules! inbox_fields {
    () => {
        "id name channel phoneNumber email createdAt updatedAt"
    };
}
macro_rules! call_fields {
    () => {
        "id direction status durationSeconds recordingUrl handledBy summary campaign { id }
         startedAt createdAt updatedAt conversation { id }"
    };
}
macro_rules! agent_fields {
    () => {
        "id name email kind createdAt updatedAt"
    };
}
macro_rules! user_errors {
    () => {
        "userErrors { field message code }"
    };
}

/// The selection of a Conversation that every suite compares.
pub const CONVERSATION_FIELDS: &str = conversation_fields!();
pub const MESSAGE_FIELDS: &str = message_fields!();
pub const CONTACT_FIELDS: &str = contact_fields!();
pub const INBOX_FIELDS: &str = inbox_fields!();
pub const CALL_FIELDS: &str = call_fields!();
pub const AGENT_FIELDS: &str = agent_fields!();

pub const CREATE_CONVERSATION: Op = Op {
    name: "createConversation",
    doc: concat!(
        "mutation ($input: CreateConversationInput!) { createConversation(input: $input) { conversation { ",
        conversation_fields!(),
        " } ",
        user_errors!(),
        " } }"
    ),
};
pub const UPDATE_CONVERSATION: Op = Op {
    name: "updateConversation",
    doc: concat!(
        "mutation ($id: ID!, $input: UpdateConversationInput!) { updateConversation(id: $id, input: $input) { conversation { ",
        conversation_fields!(),
        " } ",
        user_errors!(),
        " } }"
    ),
};
pub const DELETE_CONVERSATION: Op = Op {
    name: "deleteConversation",
    doc: concat!(
        "mutation ($id: ID!, $reason: String) { deleteConversation(id: $id, reason: $reason) { deletedId ",
        user_errors!(),
        " } }"
    ),
};
pub const CREATE_MESSAGE: Op = Op {
    name: "createMessage",
    doc: concat!(
        "mutation ($conversationId: ID!, $input: CreateMessageInput!) { createMessage(conversationId: $conversationId, input: $input) { message { ",
        message_fields!(),
        " } conversation { id lastMessageAt updatedAt } ",
        user_errors!(),
        " } }"
    ),
};
pub const DELETE_MESSAGE: Op = Op {
    name: "deleteMessage",
    doc: concat!(
        "mutation ($id: ID!, $reason: String) { deleteMessage(id: $id, reason: $reason) { deletedId ",
        user_errors!(),
        " } }"
    ),
};
pub const CREATE_CONTACT: Op = Op {
    name: "createContact",
    doc: concat!(
        "mutation ($input: CreateContactInput!) { createContact(input: $input) { contact { ",
        contact_fields!(),
        " } ",
        user_errors!(),
        " } }"
    ),
};
pub const UPDATE_CONTACT: Op = Op {
    name: "updateContact",
    doc: concat!(
        "mutation ($id: ID!, $input: UpdateContactInput!) { updateContact(id: $id, input: $input) { contact { ",
        contact_fields!(),
        " } ",
        user_errors!(),
        " } }"
    ),
};
/// `cascade` is optional in the operation too: leaving the variable out sends false.
pub const DELETE_CONTACT: Op = Op {
    name: "deleteContact",
    doc: concat!(
        "mutation ($id: ID!, $cascade: Boolean = false, $reason: String) { deleteContact(id: $id, cascade: $cascade, reason: $reason) { deletedId ",
        user_errors!(),
        " } }"
    ),
};
/// deleteContact without the cascade argument at all (the schema's default applies).
pub const DELETE_CONTACT_DEFAULT: Op = Op {
    name: "deleteContact",
    doc: concat!(
        "mutation ($id: ID!, $reason: String) { deleteContact(id: $id, reason: $reason) { deletedId ",
        user_errors!(),
        " } }"
    ),
};
pub const CREATE_INBOX: Op = Op {
    name: "createInbox",
    doc: concat!(
        "mutation ($input: CreateInboxInput!) { createInbox(input: $input) { inbox { ",
        inbox_fields!(),
        " } ",
        user_errors!(),
        " } }"
    ),
};
pub const UPDATE_INBOX: Op = Op {
    name: "updateInbox",
    doc: concat!(
        "mutation ($id: ID!, $input: UpdateInboxInput!) { updateInbox(id: $id, input: $input) { inbox { ",
        inbox_fields!(),
        " } ",
        user_errors!(),
        " } }"
    ),
};
pub const DELETE_INBOX: Op = Op {
    name: "deleteInbox",
    doc: concat!(
        "mutation ($id: ID!, $cascade: Boolean = false, $reason: String) { deleteInbox(id: $id, cascade: $cascade, reason: $reason) { deletedId ",
        user_errors!(),
        " } }"
    ),
};
/// deleteInbox without the cascade argument at all (the schema's default applies).
pub const DELETE_INBOX_DEFAULT: Op = Op {
    name: "deleteInbox",
    doc: concat!(
        "mutation ($id: ID!, $reason: String) { deleteInbox(id: $id, reason: $reason) { deletedId ",
        user_errors!(),
        " } }"
    ),
};
pub const CREATE_CALL: Op = Op {
    name: "createCall",
    doc: concat!(
        "mutation ($conversationId: ID!, $input: CreateCallInput!) { createCall(conversationId: $conversationId, input: $input) { call { ",
        call_fields!(),
        " } ",
        user_errors!(),
        " } }"
    ),
};
pub const UPDATE_CALL: Op = Op {
    name: "updateCall",
    doc: concat!(
        "mutation ($id: ID!, $input: UpdateCallInput!) { updateCall(id: $id, input: $input) { call { ",
        call_fields!(),
        " } ",
        user_errors!(),
        " } }"
    ),
};
pub const DELETE_CALL: Op = Op {
    name: "deleteCall",
    doc: concat!(
        "mutation ($id: ID!, $reason: String) { deleteCall(id: $id, reason: $reason) { deletedId ",
        user_errors!(),
        " } }"
    ),
};
pub const CREATE_AGENT: Op = Op {
    name: "createAgent",
    doc: concat!(
        "mutation ($input: CreateAgentInput!) { createAgent(input: $input) { agent { ",
        agent_fields!(),
        " } ",
        user_errors!(),
        " } }"
    ),
};
pub const UPDATE_AGENT: Op = Op {
    name: "updateAgent",
    doc: concat!(
        "mutation ($id: ID!, $input: UpdateAgentInput!) { updateAgent(id: $id, input: $input) { agent { ",
        agent_fields!(),
        " } ",
        user_errors!(),
        " } }"
    ),
};
pub const DELETE_AGENT: Op = Op {
    name: "deleteAgent",
    doc: concat!(
        "mutation ($id: ID!, $reason: String) { deleteAgent(id: $id, reason: $reason) { deletedId ",
        user_errors!(),
        " } }"
    ),
};

/// Reads one conversation with the same selection as the mutation payloads.
pub const READ_CONVERSATION: &str = concat!(
    "query ($id: ID!) { conversation(id: $id) { ",
    conversation_fields!(),
    " } }"
);
pub const READ_MESSAGE: &str = concat!(
    "query ($id: ID!) { message(id: $id) { ",
    message_fields!(),
    " } }"
);
pub const READ_CONTACT: &str = concat!(
    "query ($id: ID!) { contact(id: $id) { ",
    contact_fields!(),
    " } }"
);
pub const READ_INBOX: &str = concat!(
    "query ($id: ID!) { inbox(id: $id) { ",
    inbox_fields!(),
    " } }"
);
pub const READ_CALL: &str = concat!(
    "query ($id: ID!) { call(id: $id) { ",
    call_fields!(),
    " } }"
);
pub const READ_AGENT: &str = concat!(
    "query ($id: ID!) { agent(id: $id) { ",
    agent_fields!(),
    " } }"
);

// ---------------------------------------------------------------------------------------
// Running mutations
// ---------------------------------------------------------------------------------------

/// Runs `op` expecting success: no GraphQL error and an empty `userErrors`. Returns the
/// payload.
pub async fn ok(app: &TestApp, token: &str, op: Op, vars: Value) -> Value {
    let body = app.graphql(token, op.doc, vars.clone()).await;
    assert!(
        body.get("errors").is_none(),
        "{} {vars}: unexpected errors: {body:#}",
        op.name
    );
    let payload = body["data"][op.name].clone();
    assert_eq!(
        payload["userErrors"],
        json!([]),
        "{} {vars}: expected no userErrors: {payload:#}",
        op.name
    );
    payload
}

/// The (field path, code) pairs of a payload's userErrors, sorted and without repeats.
/// Checks that every userError has a non-empty message.
pub fn user_errors(payload: &Value) -> Vec<(Vec<String>, String)> {
    let errors = payload["userErrors"]
        .as_array()
        .unwrap_or_else(|| panic!("no userErrors in {payload:#}"));
    let mut got: Vec<(Vec<String>, String)> = errors
        .iter()
        .map(|e| {
            let message = e["message"].as_str().unwrap_or_default();
            assert!(
                !message.trim().is_empty(),
                "a userError without a message: {e}"
            );
            let field = e["field"]
                .as_array()
                .unwrap_or_else(|| panic!("userError without a field path: {e}"))
                .iter()
                .map(|f| {
                    f.as_str()
                        .expect("field path segments are strings")
                        .to_owned()
                })
                .collect();
            let code = e["code"].as_str().expect("a userError code").to_owned();
            (field, code)
        })
        .collect();
    got.sort();
    got.dedup();
    got
}

/// An expected userError: its field path and code.
pub type Expected<'a> = (&'a [&'a str], &'a str);

/// Runs `op` expecting it to be refused with exactly the userErrors `expected` (as a set of
/// (field path, code); a repeated pair counts once), every other payload field null, and
/// NOTHING written to any table. Returns the whole response body.
pub async fn rejected(
    app: &TestApp,
    token: &str,
    op: Op,
    vars: Value,
    expected: &[Expected<'_>],
) -> Value {
    let before = Snapshot::take(app.conn()).await;
    let body = app.graphql(token, op.doc, vars.clone()).await;
    assert!(
        body.get("errors").is_none(),
        "{} {vars}: expected userErrors, not GraphQL errors: {body:#}",
        op.name
    );
    let payload = &body["data"][op.name];
    let mut want: Vec<(Vec<String>, String)> = expected
        .iter()
        .map(|(field, code)| {
            (
                field.iter().map(|s| s.to_string()).collect(),
                code.to_string(),
            )
        })
        .collect();
    want.sort();
    want.dedup();
    assert_eq!(
        user_errors(payload),
        want,
        "{} {vars}: userErrors of {payload:#}",
        op.name
    );
    let fields = payload
        .as_object()
        .unwrap_or_else(|| panic!("{}: no payload in {body:#}", op.name));
    for (key, value) in fields {
        if key != "userErrors" {
            assert!(
                value.is_null(),
                "{} {vars}: {key} must be null when there are userErrors: {payload:#}",
                op.name
            );
        }
    }
    let after = Snapshot::take(app.conn()).await;
    assert_same(&before, &after, &format!("{} {vars}", op.name));
    body
}

/// Runs `op` expecting a GraphQL error with `code` (FORBIDDEN, ...), the field's data null
/// and nothing written. Returns the first error's message.
pub async fn refused(app: &TestApp, token: &str, op: Op, vars: Value, code: &str) -> String {
    let before = Snapshot::take(app.conn()).await;
    let body = app.graphql(token, op.doc, vars.clone()).await;
    assert_eq!(
        super::first_code(&body),
        code,
        "{} {vars}: {body:#}",
        op.name
    );
    assert!(
        body["data"][op.name].is_null(),
        "{} {vars}: data must be null: {body:#}",
        op.name
    );
    let after = Snapshot::take(app.conn()).await;
    assert_same(&before, &after, &format!("{} {vars}", op.name));
    body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

// ---------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------

/// The instants around a request: `open` before sending it, `close` after the answer.
/// A timestamp the server sets to "now" lies in [start, end]. The start is rounded down to
/// the microsecond, the resolution PostgreSQL stores.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
}

impl Window {
    pub fn open() -> Window {
        let now = Utc::now();
        Window {
            start: DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap(),
            end: None,
        }
    }

    pub fn close(mut self) -> Window {
        self.end = Some(Utc::now());
        self
    }

    /// Asserts `at` lies in the window.
    pub fn assert_contains(&self, at: DateTime<Utc>, what: &str) {
        let end = self.end.expect("close the window first");
        assert!(
            self.start <= at && at <= end,
            "{what}: {at:?} is not in the request's window {:?} ..= {end:?}",
            self.start
        );
    }

    /// Asserts the RFC 3339 string `value` lies in the window; returns the instant.
    pub fn assert_json(&self, value: &Value, what: &str) -> DateTime<Utc> {
        let at = instant(value);
        self.assert_contains(at, what);
        at
    }
}

/// The instant of an RFC 3339 string in a response.
pub fn instant(value: &Value) -> DateTime<Utc> {
    let s = value
        .as_str()
        .unwrap_or_else(|| panic!("expected a DateTime string, got {value}"));
    DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("{s} is not RFC 3339: {e}"))
        .with_timezone(&Utc)
}

/// The uuid of an id in a response.
pub fn uuid_of(value: &Value) -> Uuid {
    let s = value
        .as_str()
        .unwrap_or_else(|| panic!("expected an id, got {value}"));
    Uuid::parse_str(s).unwrap_or_else(|e| panic!("{s} is not a uuid: {e}"))
}

// ---------------------------------------------------------------------------------------
// Snapshots
// ---------------------------------------------------------------------------------------

/// A row of any table: its id and the company it belongs to.
pub trait Row: Clone + Debug + PartialEq {
    fn id(&self) -> Uuid;
    fn company(&self) -> Uuid;
}

macro_rules! rows {
    ($($model:path),+ $(,)?) => {
        $(impl Row for $model {
            fn id(&self) -> Uuid {
                self.id
            }
            fn company(&self) -> Uuid {
                self.company_id
            }
        })+
    };
}

rows!(
    agent::Model,
    inbox::Model,
    contact::Model,
    conversation::Model,
    conversation_task::Model,
    conversation_session::Model,
    message::Model,
    call::Model,
    conversation_event::Model,
);

impl Row for company::Model {
    fn id(&self) -> Uuid {
        self.id
    }
    fn company(&self) -> Uuid {
        self.id
    }
}

/// Every row of every table, each table sorted by id.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub companies: Vec<company::Model>,
    pub agents: Vec<agent::Model>,
    pub inboxes: Vec<inbox::Model>,
    pub contacts: Vec<contact::Model>,
    pub conversations: Vec<conversation::Model>,
    pub tasks: Vec<conversation_task::Model>,
    pub sessions: Vec<conversation_session::Model>,
    pub messages: Vec<message::Model>,
    pub calls: Vec<call::Model>,
    /// The event log's deletes (its other events are the subject of tests/live.rs).
    pub audit: Vec<conversation_event::Model>,
}

async fn all<E>(db: &DatabaseConnection) -> Vec<E::Model>
where
    E: EntityTrait,
    E::Model: Row,
{
    let mut rows = E::find().all(db).await.expect("read a table");
    rows.sort_by_key(|r| r.id());
    rows
}

/// The events of the log that record a delete, sorted by id.
async fn deletes(db: &DatabaseConnection) -> Vec<conversation_event::Model> {
    let mut rows: Vec<_> = all::<conversation_event::Entity>(db)
        .await
        .into_iter()
        .filter(|e| e.kind.to_value().ends_with("_DELETED"))
        .collect();
    rows.sort_by_key(|r| r.id);
    rows
}

fn keep<T: Row>(rows: &[T], company: Uuid) -> Vec<T> {
    rows.iter()
        .filter(|r| r.company() == company)
        .cloned()
        .collect()
}

impl Snapshot {
    pub async fn take(db: &DatabaseConnection) -> Snapshot {
        Snapshot {
            companies: all::<company::Entity>(db).await,
            agents: all::<agent::Entity>(db).await,
            inboxes: all::<inbox::Entity>(db).await,
            contacts: all::<contact::Entity>(db).await,
            conversations: all::<conversation::Entity>(db).await,
            tasks: all::<conversation_task::Entity>(db).await,
            sessions: all::<conversation_session::Entity>(db).await,
            messages: all::<message::Entity>(db).await,
            calls: all::<call::Entity>(db).await,
            audit: deletes(db).await,
        }
    }

    /// Only the rows of `company` (and the company itself).
    pub fn of_company(&self, company: Uuid) -> Snapshot {
        Snapshot {
            companies: keep(&self.companies, company),
            agents: keep(&self.agents, company),
            inboxes: keep(&self.inboxes, company),
            contacts: keep(&self.contacts, company),
            conversations: keep(&self.conversations, company),
            tasks: keep(&self.tasks, company),
            sessions: keep(&self.sessions, company),
            messages: keep(&self.messages, company),
            calls: keep(&self.calls, company),
            audit: keep(&self.audit, company),
        }
    }

    /// The number of rows of each table.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        vec![
            ("companies", self.companies.len()),
            ("agents", self.agents.len()),
            ("inboxes", self.inboxes.len()),
            ("contacts", self.contacts.len()),
            ("conversations", self.conversations.len()),
            ("conversation_tasks", self.tasks.len()),
            ("conversation_sessions", self.sessions.len()),
            ("messages", self.messages.len()),
            ("calls", self.calls.len()),
            ("conversation_events (deletes)", self.audit.len()),
        ]
    }

    /// This snapshot without the conversations `ids` and their messages, calls and links:
    /// what a delete of those conversations leaves.
    pub fn without_conversations(&self, ids: &[Uuid]) -> Snapshot {
        let mut s = self.clone();
        s.conversations.retain(|r| !ids.contains(&r.id));
        s.messages.retain(|r| !ids.contains(&r.conversation_id));
        s.calls.retain(|r| !ids.contains(&r.conversation_id));
        s.tasks.retain(|r| !ids.contains(&r.conversation_id));
        s.sessions.retain(|r| !ids.contains(&r.conversation_id));
        s
    }

    /// The same snapshot without the audit log.
    pub fn without_audit(&self) -> Snapshot {
        Snapshot {
            audit: Vec::new(),
            ..self.clone()
        }
    }

    pub fn conversation(&self, id: Uuid) -> &conversation::Model {
        self.conversations
            .iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("no conversation {id}"))
    }

    pub fn conversation_mut(&mut self, id: Uuid) -> &mut conversation::Model {
        self.conversations
            .iter_mut()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("no conversation {id}"))
    }
}

fn diff_rows<T: Row>(table: &str, before: &[T], after: &[T], out: &mut String) {
    for row in before {
        match after.iter().find(|r| r.id() == row.id()) {
            None => {
                let _ = writeln!(out, "{table}: removed {row:?}");
            }
            Some(now) if now != row => {
                let _ = writeln!(out, "{table}: changed\n  from {row:?}\n  to   {now:?}");
            }
            Some(_) => {}
        }
    }
    for row in after {
        if !before.iter().any(|r| r.id() == row.id()) {
            let _ = writeln!(out, "{table}: added {row:?}");
        }
    }
}

/// The differences between two snapshots, one line per row; empty when they are equal.
pub fn diff(before: &Snapshot, after: &Snapshot) -> String {
    let mut out = String::new();
    diff_rows("companies", &before.companies, &after.companies, &mut out);
    diff_rows("agents", &before.agents, &after.agents, &mut out);
    diff_rows("inboxes", &before.inboxes, &after.inboxes, &mut out);
    diff_rows("contacts", &before.contacts, &after.contacts, &mut out);
    diff_rows(
        "conversations",
        &before.conversations,
        &after.conversations,
        &mut out,
    );
    diff_rows("conversation_tasks", &before.tasks, &after.tasks, &mut out);
    diff_rows(
        "conversation_sessions",
        &before.sessions,
        &after.sessions,
        &mut out,
    );
    diff_rows("messages", &before.messages, &after.messages, &mut out);
    diff_rows("calls", &before.calls, &after.calls, &mut out);
    diff_rows("conversation_events", &before.audit, &after.audit, &mut out);
    out
}

/// Asserts two snapshots are equal, listing the rows that differ when they are not.
pub fn assert_same(expected: &Snapshot, actual: &Snapshot, what: &str) {
    if expected != actual {
        panic!(
            "{what}: the tables differ from what was expected (counts {:?} vs {:?}):\n{}",
            expected.counts(),
            actual.counts(),
            diff(expected, actual)
        );
    }
}

/// The rows of `after` whose id is not in `before`.
pub fn added<T: Row>(before: &[T], after: &[T]) -> Vec<T> {
    after
        .iter()
        .filter(|r| !before.iter().any(|b| b.id() == r.id()))
        .cloned()
        .collect()
}

/// Adds `row` to a table of a snapshot, keeping it sorted by id.
pub fn insert_sorted<T: Row>(rows: &mut Vec<T>, row: T) {
    rows.push(row);
    rows.sort_by_key(|r| r.id());
}

/// Asserts that `rows` are exactly one delete event per (entity, entity_id) of `expected`,
/// each of `company`, by actor "tester", with `reason`, at a time in `window`.
pub fn assert_audit(
    rows: &[conversation_event::Model],
    company: Uuid,
    expected: &[(&str, Uuid)],
    reason: Option<&str>,
    window: &Window,
) {
    let mut got: Vec<(String, Uuid)> = rows
        .iter()
        .map(|r| (r.entity.clone(), r.entity_id))
        .collect();
    got.sort();
    let mut want: Vec<(String, Uuid)> = expected
        .iter()
        .map(|(entity, id)| (entity.to_string(), *id))
        .collect();
    want.sort();
    assert_eq!(got, want, "audit rows (entity, entity_id): {rows:#?}");
    for row in rows {
        assert_eq!(row.company_id, company, "audit company: {row:?}");
        assert_eq!(row.actor, "tester", "audit actor: {row:?}");
        assert_eq!(
            row.kind.to_value(),
            format!("{}_DELETED", row.entity.to_uppercase()),
            "audit kind: {row:?}"
        );
        assert_eq!(row.reason.as_deref(), reason, "audit reason: {row:?}");
        window.assert_contains(row.at, "audit at");
    }
}
