//! The one text-matching rule (README "Text matching"): both sides folded with Unicode full
//! case folding and NFC, no accent folding, compared as substrings. The fixture is written
//! through the API (the mutations write the folded shadow columns), and every expected
//! answer below is worked out by hand from the rule, not by running the code:
//!
//! - "ß" and "ẞ" fold to "ss"; "ſ" to "s"; "ﬁ" to "fi"; final "ς" and "Σ" to "σ";
//!   "İ" to "i" + U+0307 (combining dot above); "ı" stays "ı"; "E" + U+0301 is "É" (NFC).
//! - Highlights are (start, length) in characters of the original text; an occurrence that
//!   starts or ends inside a character whose folding is longer covers that whole character.
//! - Blank text (empty or only white space) is refused everywhere with BAD_USER_INPUT.
//!
//! Both databases are held to the same literal JSON, so they answer identically.

mod common;

use chrono::{TimeZone, Utc};
use common::{TestApp, first_code};
use sea_orm::{ActiveModelTrait, IntoActiveModel};
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

const COMPANY: Uuid = Uuid::from_u128(0x7e47_0000_0000_4000_8000_0000_0000_0001);

/// Contacts: label, first name, last name, email.
const CONTACTS: &[(&str, &str, &str, Option<&str>)] = &[
    ("K1", "\u{c9}lodie", "Durand", Some("Elodie@Example.com")),
    ("K2", "E\u{301}lodie", "Martin", None),
    ("K3", "\u{e9}lodie", "Petit", None),
    ("K4", "Y\u{131}lmaz", "\u{d6}zt\u{fc}rk", None),
    ("K5", "\u{130}brahim", "STRASSE", None),
    ("K6", "Hans", "Stra\u{df}e", None),
    (
        "K7",
        "Nikos",
        "\u{39f}\u{394}\u{3a5}\u{3a3}\u{3a3}\u{395}\u{3a5}\u{3a3}",
        None,
    ),
];

/// Messages of one CHAT conversation, oldest first (sent one minute apart): label,
/// content, own channel (None: the conversation's).
const MESSAGES: &[(&str, &str, Option<&str>)] = &[
    ("M1", "Stra\u{df}e 5", None),
    ("M2", "business hours", None),
    ("M3", "\u{17f}tar wars", None),
    ("M4", "Y\u{131}lmaz", None),
    ("M5", "\u{130}stanbul", None),
    ("M6", "\u{fb01}le attached", None),
    ("M7", "Cafe\u{301}", None),
    (
        "M8",
        "\u{39f}\u{394}\u{3a5}\u{3a3}\u{3a3}\u{395}\u{3a5}\u{3a3}",
        None,
    ),
    ("M9", "\u{1f44d}\u{1f3fd} thanks", None),
    (
        "M10",
        "\u{5e9}\u{5dc}\u{5d5}\u{5dd} \u{5e2}\u{5d5}\u{5dc}\u{5dd}",
        Some("EMAIL"),
    ),
];

/// The content of message `n` ("M<n>"): these contents are short, so a snippet is the
/// whole content.
fn m(n: usize) -> &'static str {
    MESSAGES[n - 1].1
}

struct Fixture {
    token: String,
    /// API id -> label.
    labels: HashMap<String, String>,
}

async fn ok(app: &TestApp, token: &str, doc: &str, vars: Value, field: &str) -> Value {
    let body = app.graphql(token, doc, vars).await;
    assert!(body.get("errors").is_none(), "{field}: {body}");
    let payload = &body["data"][field];
    assert_eq!(payload["userErrors"], json!([]), "{field}: {body}");
    payload.clone()
}

async fn load(app: &TestApp) -> Fixture {
    let jan = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    entity::company::Model {
        id: COMPANY,
        name: "Folds".into(),
        created_at: jan,
        updated_at: jan,
    }
    .into_active_model()
    .insert(app.conn())
    .await
    .unwrap();
    let token = app.token(COMPANY, "read:conversations write:conversations");
    let mut labels = HashMap::new();
    let inbox = ok(
        app,
        &token,
        "mutation ($i: CreateInboxInput!) { createInbox(input: $i) { inbox { id } userErrors { code } } }",
        json!({ "i": { "name": "Chat", "channel": "CHAT" } }),
        "createInbox",
    )
    .await["inbox"]["id"]
        .clone();
    let mut k1 = Value::Null;
    for (label, first, last, email) in CONTACTS {
        let id = ok(
            app,
            &token,
            "mutation ($i: CreateContactInput!) { createContact(input: $i) { contact { id } userErrors { code } } }",
            json!({ "i": { "firstName": first, "lastName": last, "email": email } }),
            "createContact",
        )
        .await["contact"]["id"]
            .clone();
        if *label == "K1" {
            k1 = id.clone();
        }
        labels.insert(id.as_str().unwrap().to_owned(), label.to_string());
    }
    let conversation = ok(
        app,
        &token,
        "mutation ($i: CreateConversationInput!) { createConversation(input: $i) { conversation { id } userErrors { code } } }",
        json!({ "i": { "inboxId": inbox, "contactId": k1, "channel": "CHAT" } }),
        "createConversation",
    )
    .await["conversation"]["id"]
        .clone();
    labels.insert(conversation.as_str().unwrap().to_owned(), "C1".into());
    for (i, (label, content, channel)) in MESSAGES.iter().enumerate() {
        let sent = Utc.with_ymd_and_hms(2026, 2, 1, 9, i as u32, 0).unwrap();
        let id = ok(
            app,
            &token,
            "mutation ($c: ID!, $i: CreateMessageInput!) { createMessage(conversationId: $c, input: $i) { message { id } userErrors { code } } }",
            json!({ "c": conversation, "i": {
                "content": content, "direction": "INBOUND", "channel": channel,
                "sentAt": sent.to_rfc3339(),
            } }),
            "createMessage",
        )
        .await["message"]["id"]
            .clone();
        labels.insert(id.as_str().unwrap().to_owned(), label.to_string());
    }
    Fixture { token, labels }
}

impl Fixture {
    fn label(&self, id: &Value) -> String {
        self.labels
            .get(id.as_str().unwrap())
            .cloned()
            .unwrap_or_else(|| panic!("{id} is not a fixture row"))
    }
}

const SEARCH: &str = r#"
query ($q: String!, $filter: MessageSearchFilter) {
  searchMessages(query: $q, first: 50, filter: $filter) {
    totalCount
    nodes { message { id channel } snippet highlights { start length } }
  }
}"#;

/// The hits of `query` as [label, snippet, [[start, length], ...]], newest first.
async fn search(app: &TestApp, fx: &Fixture, query: &str, filter: Value) -> Value {
    let data = app
        .data(&fx.token, SEARCH, json!({ "q": query, "filter": filter }))
        .await;
    let hits = &data["searchMessages"];
    let nodes = hits["nodes"].as_array().unwrap();
    assert_eq!(hits["totalCount"], json!(nodes.len()), "{query}");
    Value::Array(
        nodes
            .iter()
            .map(|n| {
                let highlights: Vec<Value> = n["highlights"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| json!([h["start"], h["length"]]))
                    .collect();
                assert!(
                    !highlights.is_empty(),
                    "a hit of {query:?} has no highlight"
                );
                json!([fx.label(&n["message"]["id"]), n["snippet"], highlights])
            })
            .collect(),
    )
}

async fn search_folds_case_and_normalisation(app: &TestApp) {
    let fx = load(app).await;
    let cases: Vec<(&str, Value)> = vec![
        // German: ß, ẞ and SS are one spelling; ß is one character of the original.
        ("STRASSE", json!([["M1", m(1), [[0, 6]]]])),
        ("stra\u{df}e", json!([["M1", m(1), [[0, 6]]]])),
        (
            "\u{df}",
            json!([["M2", m(2), [[6, 2]]], ["M1", m(1), [[4, 1]]]]),
        ),
        (
            "\u{1e9e}",
            json!([["M2", m(2), [[6, 2]]], ["M1", m(1), [[4, 1]]]]),
        ),
        // Long s folds to s.
        ("STAR", json!([["M3", m(3), [[0, 4]]]])),
        // Turkish: dotless ı is its own letter; İ is i with a combining dot above, so
        // "i" finds it (a match inside İ's folding covers the İ) and "istanbul" does not.
        ("\u{131}", json!([["M4", m(4), [[1, 1]]]])),
        ("\u{130}stanbul", json!([["M5", m(5), [[0, 8]]]])),
        ("istanbul", json!([])),
        (
            "i",
            json!([
                ["M6", m(6), [[0, 1]]],
                ["M5", m(5), [[0, 1]]],
                ["M2", m(2), [[3, 1]]],
            ]),
        ),
        // Ligature: ﬁ folds to fi; "file" covers the ligature and "le".
        ("file", json!([["M6", m(6), [[0, 3]]]])),
        ("\u{fb01}", json!([["M6", m(6), [[0, 1]]]])),
        // Decomposed and precomposed accents are one; accents are not folded away.
        ("caf\u{e9}", json!([["M7", m(7), [[0, 5]]]])),
        ("CAFE\u{301}", json!([["M7", m(7), [[0, 5]]]])),
        ("cafe", json!([])),
        // Greek: capital and final sigma fold to σ.
        (
            "\u{3bf}\u{3b4}\u{3c5}\u{3c3}\u{3c3}\u{3b5}\u{3c5}\u{3c2}",
            json!([["M8", m(8), [[0, 8]]]]),
        ),
        // Emoji: the skin-tone modifier is a character of its own.
        ("\u{1f44d}", json!([["M9", m(9), [[0, 1]]]])),
        // Right-to-left text: offsets count characters in logical order.
        (
            "\u{5e2}\u{5d5}\u{5dc}\u{5dd}",
            json!([["M10", m(10), [[5, 4]]]]),
        ),
    ];
    for (query, expected) in cases {
        assert_eq!(
            search(app, &fx, query, Value::Null).await,
            expected,
            "{query:?}"
        );
    }
}

async fn a_messages_channel_is_its_own_or_its_conversations(app: &TestApp) {
    let fx = load(app).await;
    let both = json!([["M2", m(2), [[6, 2]]], ["M1", m(1), [[4, 1]]]]);
    assert_eq!(
        search(app, &fx, "ss", json!({ "channel": "CHAT" })).await,
        both
    );
    assert_eq!(
        search(app, &fx, "ss", json!({ "channel": "EMAIL" })).await,
        json!([])
    );
    let hebrew = "\u{5e2}\u{5d5}\u{5dc}\u{5dd}";
    assert_eq!(
        search(app, &fx, hebrew, json!({ "channel": "CHAT" })).await,
        json!([])
    );
    assert_eq!(
        search(app, &fx, hebrew, json!({ "channel": "EMAIL" })).await,
        json!([["M10", m(10), [[5, 4]]]])
    );
    // The field: M1, M2, M3, M5 and M9 have an "s" and no channel of their own; M10 has
    // its own.
    for (query, expected) in [("s", "CHAT"), (hebrew, "EMAIL")] {
        let data = app.data(&fx.token, SEARCH, json!({ "q": query })).await;
        let nodes = data["searchMessages"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), if expected == "CHAT" { 5 } else { 1 });
        for node in nodes {
            assert_eq!(node["message"]["channel"], expected, "{node}");
        }
    }
}

const CONTACTS_QUERY: &str = r#"
query ($filter: ContactFilter) { contacts(filter: $filter, first: 50) { nodes { id } } }"#;

async fn contacts_of(app: &TestApp, fx: &Fixture, filter: Value) -> Vec<String> {
    let data = app
        .data(&fx.token, CONTACTS_QUERY, json!({ "filter": filter }))
        .await;
    let mut labels: Vec<String> = data["contacts"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| fx.label(&n["id"]))
        .collect();
    labels.sort();
    labels
}

async fn contact_filters_fold_the_same_way(app: &TestApp) {
    let fx = load(app).await;
    let cases: Vec<(Value, Vec<&str>)> = vec![
        // The name exactly as stored, lower case, decomposed: the same three contacts.
        (
            json!({ "firstName": "\u{c9}lodie" }),
            vec!["K1", "K2", "K3"],
        ),
        (
            json!({ "firstName": "\u{e9}lodie" }),
            vec!["K1", "K2", "K3"],
        ),
        (
            json!({ "firstName": "E\u{301}LODIE" }),
            vec!["K1", "K2", "K3"],
        ),
        // No accent folding: "elodie" is only in K1's email.
        (json!({ "firstName": "elodie" }), vec![]),
        (json!({ "query": "elodie" }), vec!["K1"]),
        (json!({ "firstName": "\u{131}" }), vec!["K4"]),
        (json!({ "firstName": "\u{130}" }), vec!["K5"]),
        (json!({ "lastName": "stra\u{df}e" }), vec!["K5", "K6"]),
        (json!({ "lastName": "\u{1e9e}" }), vec!["K5", "K6"]),
        (json!({ "lastName": "STRASSE" }), vec!["K5", "K6"]),
        (
            json!({ "lastName": "\u{3bf}\u{3b4}\u{3c5}\u{3c3}\u{3c3}\u{3b5}\u{3c5}\u{3c2}" }),
            vec!["K7"],
        ),
        (json!({ "lastName": "\u{f6}zt\u{fc}rk" }), vec!["K4"]),
        (json!({ "lastName": "OZTURK" }), vec![]),
        (json!({ "email": "ELODIE@EXAMPLE.COM" }), vec!["K1"]),
        // The full name: first name, a space, last name.
        (json!({ "query": "hans stra\u{df}e" }), vec!["K6"]),
    ];
    for (filter, expected) in cases {
        assert_eq!(
            contacts_of(app, &fx, filter.clone()).await,
            expected,
            "{filter}"
        );
    }
    // contactEmail is equality of the folded texts.
    let data = app
        .data(
            &fx.token,
            "query ($e: String) { conversations(filter: { contactEmail: $e }) { nodes { id } } }",
            json!({ "e": "ELODIE@example.COM" }),
        )
        .await;
    let nodes = data["conversations"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 1);
    assert_eq!(fx.label(&nodes[0]["id"]), "C1");
}

async fn blank_text_is_refused_everywhere(app: &TestApp) {
    let fx = load(app).await;
    let refused = |body: &Value| assert_eq!(first_code(body), "BAD_USER_INPUT", "{body}");
    for blank in ["", " ", "\t\n", "\u{3000}"] {
        for field in ["query", "firstName", "lastName", "email"] {
            let body = app
                .graphql(
                    &fx.token,
                    CONTACTS_QUERY,
                    json!({ "filter": { field: blank } }),
                )
                .await;
            refused(&body);
        }
        let body = app
            .graphql(
                &fx.token,
                "query ($e: String) { conversations(filter: { contactEmail: $e }) { nodes { id } } }",
                json!({ "e": blank }),
            )
            .await;
        refused(&body);
        let body = app.graphql(&fx.token, SEARCH, json!({ "q": blank })).await;
        refused(&body);
    }
    // Leaving the field out is no filter: all seven contacts.
    assert_eq!(contacts_of(app, &fx, json!({})).await.len(), CONTACTS.len());
}

/// Rows written before the folded columns existed: the migration folds them. Here the
/// fixture's rows lose their folded columns (the migration undone) and get them back (the
/// migration again), and then match as before.
async fn the_migration_folds_existing_rows(app: &TestApp) {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::{ConnectionTrait, EntityTrait};
    let fx = load(app).await;
    // The event log's migration came after the folded text's: both are undone.
    Migrator::down(app.conn(), Some(2)).await.unwrap();
    let no_column = app
        .conn()
        .execute_unprepared("SELECT content_folded FROM messages")
        .await;
    assert!(
        no_column.is_err(),
        "the column is gone after the down migration"
    );
    Migrator::up(app.conn(), None).await.unwrap();
    let messages = entity::message::Entity::find()
        .all(app.conn())
        .await
        .unwrap();
    assert_eq!(messages.len(), MESSAGES.len());
    let by_content: HashMap<&str, &str> = messages
        .iter()
        .map(|m| (m.content.as_str(), m.content_folded.as_str()))
        .collect();
    // Folded by hand.
    assert_eq!(by_content[m(1)], "strasse 5");
    assert_eq!(by_content[m(6)], "file attached");
    assert_eq!(by_content[m(7)], "caf\u{e9}");
    assert_eq!(by_content[m(5)], "i\u{307}stanbul");
    let contacts = entity::contact::Entity::find()
        .all(app.conn())
        .await
        .unwrap();
    let k1 = contacts
        .iter()
        .find(|c| c.surname.as_deref() == Some("Durand"))
        .unwrap();
    assert_eq!(k1.name_folded.as_deref(), Some("\u{e9}lodie"));
    assert_eq!(k1.email_folded.as_deref(), Some("elodie@example.com"));
    let k2 = contacts
        .iter()
        .find(|c| c.surname.as_deref() == Some("Martin"))
        .unwrap();
    assert_eq!(k2.name_folded.as_deref(), Some("\u{e9}lodie"));
    assert_eq!(k2.email_folded, None);
    // The index is back, on both paths (FTS for three characters or more on SQLite).
    assert_eq!(
        search(app, &fx, "STRASSE", Value::Null).await,
        json!([["M1", m(1), [[0, 6]]]])
    );
    assert_eq!(
        search(app, &fx, "\u{df}", Value::Null).await,
        json!([["M2", m(2), [[6, 2]]], ["M1", m(1), [[4, 1]]]])
    );
    assert_eq!(
        contacts_of(app, &fx, json!({ "firstName": "E\u{301}LODIE" })).await,
        vec!["K1", "K2", "K3"]
    );
}

both_backends!(
    the_migration_folds_existing_rows,
    search_folds_case_and_normalisation,
    a_messages_channel_is_its_own_or_its_conversations,
    contact_filters_fold_the_same_way,
    blank_text_is_refused_everywhere,
);
