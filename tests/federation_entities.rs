//! Federation `_entities`: every type resolves by its key through the loaders (one
//! statement per type, however many representations), scoped to the caller's company.

mod common;

use common::TestApp;
use common::read_fixtures::{self as fx, ALPHA, BETA, sid};
use serde_json::{Value, json};

const ENTITIES: &str = r#"
query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Contact { id fullName }
    ... on Conversation { id subject }
    ... on Inbox { id name }
    ... on Message { id content }
    ... on Call { id status }
    ... on Agent { id name }
  }
}"#;

fn rep(typename: &str, label: &str) -> Value {
    json!({ "__typename": typename, "id": sid(label) })
}

async fn every_type_resolves_by_its_key(app: &TestApp) {
    fx::load(app.conn()).await;
    let representations = json!([
        rep("Contact", "CT1"),
        rep("Conversation", "C02"),
        rep("Inbox", "IB2"),
        rep("Message", "M07"),
        rep("Call", "CL1"),
        rep("Agent", "AG1"),
    ]);
    let data = app
        .data(
            &app.reader(ALPHA),
            ENTITIES,
            json!({ "representations": representations }),
        )
        .await;
    let got = data["_entities"].as_array().unwrap();
    let typenames: Vec<&str> = got
        .iter()
        .map(|e| e["__typename"].as_str().unwrap())
        .collect();
    assert_eq!(
        typenames,
        [
            "Contact",
            "Conversation",
            "Inbox",
            "Message",
            "Call",
            "Agent"
        ]
    );
    // Values from the fixture tables.
    assert_eq!(got[0]["fullName"], "Alice Smith");
    assert_eq!(got[1]["subject"], "WhatsApp enquiry");
    assert_eq!(got[2]["name"], "Sales WhatsApp");
    assert_eq!(got[5]["name"], "Ada");
    for (entity, label) in got.iter().zip(["CT1", "C02", "IB2", "M07", "CL1", "AG1"]) {
        assert_eq!(entity["id"], sid(label));
    }
}

async fn another_companys_and_unknown_keys_resolve_to_null(app: &TestApp) {
    fx::load(app.conn()).await;
    let representations = json!([
        rep("Contact", "CT1"),
        rep("Contact", "BC1"),
        rep("Conversation", "BX1"),
        { "__typename": "Contact", "id": uuid::Uuid::new_v4().to_string() },
        { "__typename": "Contact", "id": "not-a-uuid" },
    ]);
    let data = app
        .data(
            &app.reader(ALPHA),
            ENTITIES,
            json!({ "representations": representations }),
        )
        .await;
    let got = data["_entities"].as_array().unwrap();
    assert_eq!(got[0]["id"], sid("CT1"));
    assert_eq!(
        &got[1..],
        &[Value::Null, Value::Null, Value::Null, Value::Null]
    );
    // Beta sees its own contact and not Alpha's.
    let data = app
        .data(
            &app.reader(BETA),
            ENTITIES,
            json!({ "representations": [rep("Contact", "BC1"), rep("Contact", "CT1")] }),
        )
        .await;
    assert_eq!(data["_entities"][0]["id"], sid("BC1"));
    assert_eq!(data["_entities"][1], Value::Null);
}

async fn many_representations_cost_one_statement_per_type(app: &TestApp) {
    fx::load(app.conn()).await;
    let contacts = ["CT1", "CT2", "CT3", "CT4", "CT5", "CT6"];
    let conversations = ["C01", "C02", "C03", "C04", "C05", "C06", "C07", "C08"];
    let mut representations: Vec<Value> = contacts.iter().map(|l| rep("Contact", l)).collect();
    representations.extend(conversations.iter().map(|l| rep("Conversation", l)));
    let before = app.statements();
    let data = app
        .data(
            &app.reader(ALPHA),
            ENTITIES,
            json!({ "representations": representations }),
        )
        .await;
    let used = app.statements() - before;
    assert_eq!(data["_entities"].as_array().unwrap().len(), 14);
    assert!(
        data["_entities"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| !e.is_null())
    );
    assert_eq!(used, 2, "one statement for contacts, one for conversations");
}

async fn entities_need_the_read_scope(app: &TestApp) {
    fx::load(app.conn()).await;
    let body = app
        .graphql(
            &app.token(ALPHA, "write:conversations"),
            ENTITIES,
            json!({ "representations": [rep("Contact", "CT1")] }),
        )
        .await;
    assert_eq!(common::first_code(&body), "FORBIDDEN");
}

both_backends!(
    every_type_resolves_by_its_key,
    another_companys_and_unknown_keys_resolve_to_null,
    many_representations_cost_one_statement_per_type,
    entities_need_the_read_scope,
);
