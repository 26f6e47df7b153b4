//! The HTTP and GraphQL surface of the foundation: authentication, the conversation
//! lookups, keyset pagination in both directions, and health endpoints.

mod common;

use common::fixtures::{self, ACME, ACME_ORDER, GLOBEX, conv};
use common::{TestApp, first_code};
use serde_json::{Value, json};

const LIST: &str = r#"
query List($first: Int, $after: String, $last: Int, $before: String) {
  conversations(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { id subject } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"#;

const ONE: &str = r#"
query One($id: ID!) {
  conversation(id: $id) { id subject status priority channel source isSimulation isChatOpened updatedAt }
}"#;

fn ids(conn: &Value) -> Vec<String> {
    conn["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
        .collect()
}

fn expected(labels: &[&str]) -> Vec<String> {
    labels.iter().map(|l| conv(l).to_string()).collect()
}

async fn a_conversation_is_found_by_id(app: &TestApp) {
    fixtures::load(app.conn()).await;
    let data = app
        .data(&app.reader(ACME), ONE, json!({ "id": conv("A2") }))
        .await;
    assert_eq!(
        data["conversation"],
        json!({
            "id": conv("A2").to_string(),
            "subject": "Where is my order?",
            "status": "OPEN",
            "priority": "MEDIUM",
            "channel": "EMAIL",
            "source": "EMAIL",
            "isSimulation": false,
            "isChatOpened": false,
            "updatedAt": "2026-03-01T11:00:00.000000Z",
        })
    );
}

async fn another_companys_or_unknown_id_is_null(app: &TestApp) {
    fixtures::load(app.conn()).await;
    let token = app.reader(ACME);
    for id in [
        conv("G1").to_string(),
        uuid::Uuid::new_v4().to_string(),
        "not-a-uuid".to_owned(),
    ] {
        let data = app.data(&token, ONE, json!({ "id": id })).await;
        assert_eq!(data["conversation"], Value::Null, "id {id}");
    }
}

async fn the_list_is_ordered_and_scoped_to_the_company(app: &TestApp) {
    fixtures::load(app.conn()).await;
    let data = app.data(&app.reader(ACME), LIST, json!({})).await;
    let list = &data["conversations"];
    assert_eq!(ids(list), expected(ACME_ORDER));
    assert_eq!(list["totalCount"], 6);
    assert_eq!(list["pageInfo"]["hasNextPage"], false);
    assert_eq!(list["pageInfo"]["hasPreviousPage"], false);

    let data = app.data(&app.reader(GLOBEX), LIST, json!({})).await;
    assert_eq!(ids(&data["conversations"]), expected(&["G2", "G1"]));
    assert_eq!(data["conversations"]["totalCount"], 2);
}

async fn paging_forwards_sees_every_row_once_in_order(app: &TestApp) {
    fixtures::load(app.conn()).await;
    let token = app.reader(ACME);
    for size in [1, 2, 4, 5, 6, 7] {
        let mut seen = Vec::new();
        let mut after = Value::Null;
        let mut pages = 0;
        loop {
            let data = app
                .data(&token, LIST, json!({ "first": size, "after": after }))
                .await;
            let list = &data["conversations"];
            seen.extend(ids(list));
            pages += 1;
            assert_eq!(list["pageInfo"]["hasPreviousPage"], pages > 1);
            if list["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = list["pageInfo"]["endCursor"].clone();
            assert!(pages < 10, "paging does not end");
        }
        assert_eq!(seen, expected(ACME_ORDER), "page size {size}");
    }
}

async fn paging_backwards_sees_every_row_once_in_order(app: &TestApp) {
    fixtures::load(app.conn()).await;
    let token = app.reader(ACME);
    for size in [1, 2, 4, 6] {
        let mut pages_seen: Vec<Vec<String>> = Vec::new();
        let mut before = Value::Null;
        loop {
            let data = app
                .data(&token, LIST, json!({ "last": size, "before": before }))
                .await;
            let list = &data["conversations"];
            pages_seen.push(ids(list));
            if list["pageInfo"]["hasPreviousPage"] == false {
                break;
            }
            before = list["pageInfo"]["startCursor"].clone();
            assert!(pages_seen.len() < 10, "paging does not end");
        }
        let seen: Vec<String> = pages_seen.into_iter().rev().flatten().collect();
        assert_eq!(seen, expected(ACME_ORDER), "page size {size}");
    }
}

async fn a_row_inserted_meanwhile_does_not_shift_pages(app: &TestApp) {
    fixtures::load(app.conn()).await;
    let token = app.reader(ACME);
    let data = app.data(&token, LIST, json!({ "first": 2 })).await;
    let after = data["conversations"]["pageInfo"]["endCursor"].clone();
    // A new conversation updated most recently lands at the head, before the cursor.
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let a1 = entity::conversation::Entity::find_by_id(conv("A1"))
        .one(app.conn())
        .await
        .unwrap()
        .unwrap();
    let mut fresh: entity::conversation::ActiveModel = a1.into();
    fresh.id = Set(uuid::Uuid::new_v4());
    fresh.updated_at = Set(fixtures::t0() + chrono::Duration::hours(10));
    fresh.insert(app.conn()).await.unwrap();
    let data = app
        .data(&token, LIST, json!({ "first": 2, "after": after }))
        .await;
    assert_eq!(ids(&data["conversations"]), expected(&["A4", "A3"]));
}

async fn page_sizes_and_cursors_are_checked(app: &TestApp) {
    fixtures::load(app.conn()).await;
    let token = app.reader(ACME);
    let cases = [
        (json!({ "first": 101 }), "100"),
        (json!({ "last": 101 }), "100"),
        (json!({ "first": -1 }), "between"),
        (json!({ "first": 1, "last": 1 }), "not both"),
        (json!({ "after": "bm9wZQ" }), "cursor"),
        (json!({ "before": "%%%" }), "cursor"),
    ];
    for (variables, needle) in cases {
        let body = app.graphql(&token, LIST, variables.clone()).await;
        assert_eq!(first_code(&body), "BAD_USER_INPUT", "{variables}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(needle), "{variables}: {message}");
    }
    let data = app.data(&token, LIST, json!({ "first": 100 })).await;
    assert_eq!(ids(&data["conversations"]).len(), 6);
}

async fn requests_without_a_valid_token_get_401(app: &TestApp) {
    fixtures::load(app.conn()).await;
    let expired = {
        use jsonwebtoken::{EncodingKey, Header, encode};
        let claims =
            json!({ "company_id": ACME, "scope": "read:conversations", "exp": 1_000_000_000 });
        encode(
            &Header::default(),
            &claims,
            &EncodingKey::from_secret(common::SECRET.as_bytes()),
        )
        .unwrap()
    };
    let forged = {
        use jsonwebtoken::{EncodingKey, Header, encode};
        let claims =
            json!({ "company_id": ACME, "scope": "read:conversations", "exp": 4_000_000_000u64 });
        encode(
            &Header::default(),
            &claims,
            &EncodingKey::from_secret(b"another secret"),
        )
        .unwrap()
    };
    let no_exp = {
        use jsonwebtoken::{EncodingKey, Header, encode};
        let claims = json!({ "company_id": ACME, "scope": "read:conversations" });
        encode(
            &Header::default(),
            &claims,
            &EncodingKey::from_secret(common::SECRET.as_bytes()),
        )
        .unwrap()
    };
    let headers = [
        None,
        Some("Bearer".to_owned()),
        Some("Basic dXNlcjpwYXNz".to_owned()),
        Some("Bearer not.a.jwt".to_owned()),
        Some(format!("Bearer {expired}")),
        Some(format!("Bearer {forged}")),
        Some(format!("Bearer {no_exp}")),
    ];
    for header in headers {
        let mut request = app
            .client
            .post(app.url("/graphql"))
            .json(&json!({ "query": "{ conversations { totalCount } }" }));
        if let Some(h) = &header {
            request = request.header("Authorization", h);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{header:?}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        let body: Value = response.json().await.unwrap();
        assert_eq!(first_code(&body), "UNAUTHENTICATED", "{header:?}");
        assert!(body.get("data").is_none());
    }
}

async fn a_token_without_the_read_scope_is_forbidden(app: &TestApp) {
    fixtures::load(app.conn()).await;
    let token = app.token(ACME, "write:conversations");
    let body = app.graphql(&token, LIST, json!({})).await;
    assert_eq!(first_code(&body), "FORBIDDEN");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("read:conversations")
    );
    // Scopes may also come as a `permissions` list.
    use jsonwebtoken::{EncodingKey, Header, encode};
    let claims = json!({ "company_id": ACME, "permissions": ["read:conversations"], "exp": 4_000_000_000u64 });
    let token = encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(common::SECRET.as_bytes()),
    )
    .unwrap();
    let data = app.data(&token, LIST, json!({})).await;
    assert_eq!(data["conversations"]["totalCount"], 6);
}

async fn get_executes_a_query_and_opens_graphiql_for_browsers(app: &TestApp) {
    fixtures::load(app.conn()).await;
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "{ conversations(first: 1) { totalCount } }")])
        .bearer_auth(app.reader(ACME))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["conversations"]["totalCount"], 6);

    let page = app
        .client
        .get(app.url("/graphql"))
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("graphiql"));

    let mutation = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { __typename }")])
        .bearer_auth(app.reader(ACME))
        .send()
        .await
        .unwrap();
    assert_eq!(mutation.status(), 405);
}

async fn content_types_are_negotiated(app: &TestApp) {
    fixtures::load(app.conn()).await;
    let token = app.reader(ACME);
    let post = |accept: &'static str, content_type: &'static str, body: &'static str| {
        app.client
            .post(app.url("/graphql"))
            .bearer_auth(&token)
            .header("Accept", accept)
            .header("Content-Type", content_type)
            .body(body)
            .send()
    };
    let ok = post(
        "application/graphql-response+json",
        "application/json",
        r#"{"query":"{ __typename }"}"#,
    )
    .await
    .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.headers()["content-type"],
        "application/graphql-response+json"
    );

    let invalid = post(
        "application/graphql-response+json",
        "application/json",
        r#"{"query":"{ nope }"}"#,
    )
    .await
    .unwrap();
    assert_eq!(invalid.status(), 400);

    let legacy = post(
        "application/json",
        "application/json",
        r#"{"query":"{ nope }"}"#,
    )
    .await
    .unwrap();
    assert_eq!(legacy.status(), 200);
    assert_eq!(legacy.headers()["content-type"], "application/json");

    let text = post(
        "application/json",
        "text/plain",
        r#"{"query":"{ __typename }"}"#,
    )
    .await
    .unwrap();
    assert_eq!(text.status(), 415);

    let malformed = post("application/json", "application/json", "{ not json")
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let body: Value = malformed.json().await.unwrap();
    assert_eq!(first_code(&body), "BAD_REQUEST");
}

async fn health_endpoints_answer(app: &TestApp) {
    let live: Value = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(live, json!({ "status": "ok" }));
    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    let ready: Value = ready.json().await.unwrap();
    assert_eq!(ready["status"], "ready");
}

both_backends!(
    a_conversation_is_found_by_id,
    another_companys_or_unknown_id_is_null,
    the_list_is_ordered_and_scoped_to_the_company,
    paging_forwards_sees_every_row_once_in_order,
    paging_backwards_sees_every_row_once_in_order,
    a_row_inserted_meanwhile_does_not_shift_pages,
    page_sizes_and_cursors_are_checked,
    requests_without_a_valid_token_get_401,
    a_token_without_the_read_scope_is_forbidden,
    get_executes_a_query_and_opens_graphiql_for_browsers,
    content_types_are_negotiated,
    health_endpoints_answer,
);

mod codes {
    use super::common::fixtures::ACME;
    use super::common::{TestApp, first_code};
    use serde_json::json;

    async fn every_error_carries_a_code(app: &TestApp) {
        let token = app.reader(ACME);
        // Parse failure, unknown field, and a variable of the wrong type: all before execution.
        for query in ["{ conversations {", "{ nope }"] {
            let body = app.graphql(&token, query, json!({})).await;
            assert_eq!(first_code(&body), "BAD_REQUEST", "{query}");
        }
        let body = app
            .graphql(
                &token,
                "query($n: Int) { conversations(first: $n) { totalCount } }",
                json!({ "n": "ten" }),
            )
            .await;
        assert_eq!(first_code(&body), "BAD_REQUEST");
    }

    crate::both_backends!(every_error_carries_a_code);
}
