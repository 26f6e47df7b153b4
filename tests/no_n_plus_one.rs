//! A page of conversations with their relations costs a constant number of SQL statements,
//! whatever the page size: the page statement reads the to-one relations and the last
//! message the query selected (the read plan), and every other relation goes through a
//! batching DataLoader. With the plan off, every relation goes through the loaders.

mod common;

use common::{ReadPlan, TestApp};
use conversations_graph::seed;
use serde_json::json;

const DASHBOARD: &str = r#"
query Dashboard($first: Int!) {
  conversations(first: $first) {
    nodes {
      id subject status
      contact { firstName lastName phoneNumber email }
      inbox { name }
      assignee { name }
      lastMessage { content sentAt }
      latestCall { status durationSeconds }
      messages(first: 5) { nodes { content direction sentAt } }
    }
  }
}"#;

/// One statement for the page with its contacts, inboxes, assignees and last messages, then
/// one for the latest calls and one for the first five messages of every conversation.
const PLANNED_STATEMENTS: usize = 3;

/// Without the plan: one for the page, then one each for contacts, inboxes, assignees, last
/// messages, latest calls and the first five messages of every conversation.
const UNPLANNED_STATEMENTS: usize = 7;

/// The benchmark's dashboard: the page with its to-one relations and last message, then
/// the first five calls of every conversation.
const BENCH_DASHBOARD: &str = include_str!("../bench/operations/dashboard.graphql");
const BENCH_DASHBOARD_STATEMENTS: usize = 2;

async fn a_page_costs_the_same_statements_at_10_and_100(app: &TestApp) {
    // 400 conversations over two companies: 200 each, enough for a page of 100.
    seed::seed(app.conn(), 0.4, 3).await.unwrap();
    dashboard_costs(app, PLANNED_STATEMENTS).await;
    let unplanned = app.sibling(ReadPlan(false)).await;
    dashboard_costs(&unplanned, UNPLANNED_STATEMENTS).await;
}

async fn the_benchmark_dashboard_costs_two_statements_at_10_and_100(app: &TestApp) {
    seed::seed(app.conn(), 0.4, 3).await.unwrap();
    let token = app.reader(seed::company_id(3, 0));
    for first in [10, 100] {
        let before = app.statements();
        let data = app
            .data(&token, BENCH_DASHBOARD, json!({ "first": first }))
            .await;
        let used = app.statements() - before;
        let nodes = data["conversations"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), first);
        assert!(nodes.iter().all(|n| n["inbox"]["name"].is_string()));
        assert!(nodes.iter().any(|n| n["assignee"]["name"].is_string()));
        assert!(
            nodes
                .iter()
                .any(|n| !n["calls"]["nodes"].as_array().unwrap().is_empty())
        );
        assert_eq!(used, BENCH_DASHBOARD_STATEMENTS, "page of {first}");
    }
}

async fn dashboard_costs(app: &TestApp, expected: usize) {
    let token = app.reader(seed::company_id(3, 0));
    for first in [10, 100] {
        let before = app.statements();
        let data = app.data(&token, DASHBOARD, json!({ "first": first })).await;
        let used = app.statements() - before;
        let nodes = data["conversations"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), first);
        // The relations were really resolved, not skipped.
        assert!(nodes.iter().all(|n| n["inbox"]["name"].is_string()));
        assert!(
            nodes
                .iter()
                .all(|n| n["lastMessage"]["content"].is_string())
        );
        assert!(nodes.iter().any(|n| n["contact"]["firstName"].is_string()));
        assert!(nodes.iter().any(|n| n["assignee"]["name"].is_string()));
        assert!(nodes.iter().any(|n| n["latestCall"]["status"].is_string()));
        assert!(
            nodes
                .iter()
                .all(|n| (1..=5).contains(&n["messages"]["nodes"].as_array().unwrap().len()))
        );
        assert_eq!(used, expected, "page of {first}");
    }
}

/// The benchmark's write: the conversation's UPDATE (which finds and locks it and returns
/// it as saved) and the message's INSERT, one data-modifying statement on PostgreSQL (two
/// on SQLite, which has no data-modifying WITH), then the event's append (on PostgreSQL
/// the lock, the INSERT and the NOTIFY; on SQLite the INSERT), all in one transaction.
async fn create_message_costs_its_statements(app: &TestApp) {
    let statements = match app.conn().get_database_backend() {
        sea_orm::DbBackend::Postgres => 4,
        _ => 3,
    };
    seed::seed(app.conn(), 0.1, 3).await.unwrap();
    let token = app.token(
        seed::company_id(3, 0),
        "read:conversations write:conversations",
    );
    let page = app
        .data(
            &token,
            "{ conversations(first: 1) { nodes { id lastMessageAt } } }",
            json!({}),
        )
        .await;
    let conversation = page["conversations"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let write = include_str!("../bench/operations/create_message.graphql");
    let before = app.statements();
    let data = app
        .data(&token, write, json!({ "conversation": conversation }))
        .await;
    assert_eq!(app.statements() - before, statements);
    let payload = &data["createMessage"];
    assert_eq!(payload["userErrors"], json!([]));
    assert!(payload["message"]["id"].is_string());
    // The message is the newest: the conversation's lastMessageAt is its sentAt, as saved.
    assert_eq!(
        payload["conversation"]["lastMessageAt"],
        payload["message"]["sentAt"]
    );
    // An unknown conversation: NOT_FOUND as a user error, after one statement (the UPDATE
    // that found nothing, alone or with the INSERT it gave no row to), and nothing written.
    let before = app.statements();
    let missing = app
        .data(
            &token,
            write,
            json!({ "conversation": uuid::Uuid::new_v4().to_string() }),
        )
        .await;
    assert_eq!(app.statements() - before, 1);
    assert_eq!(
        missing["createMessage"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
}

/// The benchmark's searches: the hits with each message's conversation in one statement on
/// PostgreSQL (two on SQLite, whose loaders read the conversations after the page), and
/// one more for totalCount.
async fn a_search_with_conversations_costs_one_statement_on_postgres(app: &TestApp) {
    let page = match app.conn().get_database_backend() {
        sea_orm::DbBackend::Postgres => 1,
        _ => 2,
    };
    seed::seed(app.conn(), 0.1, 3).await.unwrap();
    let token = app.token(seed::company_id(3, 0), "read:conversations");
    for (document, expected) in [
        (include_str!("../bench/operations/search.graphql"), page),
        (
            include_str!("../bench/operations/search_count.graphql"),
            page + 1,
        ),
    ] {
        let before = app.statements();
        let data = app.data(&token, document, json!({ "q": "the" })).await;
        assert_eq!(app.statements() - before, expected, "{document}");
        let nodes = data["searchMessages"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), 10, "the fixture has more than 10 hits");
        assert!(
            nodes
                .iter()
                .all(|n| n["message"]["conversation"]["id"].is_string())
        );
    }
}

both_backends!(
    a_search_with_conversations_costs_one_statement_on_postgres,
    create_message_costs_its_statements,
    a_page_costs_the_same_statements_at_10_and_100,
    the_benchmark_dashboard_costs_two_statements_at_10_and_100
);
