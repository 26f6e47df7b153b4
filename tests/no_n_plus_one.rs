//! A page of conversations with their relations costs a constant number of SQL statements,
//! whatever the page size: every relation goes through a batching DataLoader.

mod common;

use common::TestApp;
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

/// One statement for the page, then one each for contacts, inboxes, assignees, last
/// messages, latest calls and the first five messages of every conversation.
const EXPECTED_STATEMENTS: usize = 7;

async fn a_page_costs_the_same_statements_at_10_and_100(app: &TestApp) {
    // 400 conversations over two companies: 200 each, enough for a page of 100.
    seed::seed(app.conn(), 0.4, 3).await.unwrap();
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
        assert_eq!(used, EXPECTED_STATEMENTS, "page of {first}");
    }
}

both_backends!(a_page_costs_the_same_statements_at_10_and_100);
