//! GET /metrics: Prometheus text with requests by operation and outcome, the SQL each
//! request ran, errors by code and the pool. The recorder is process-wide, so each test
//! names its operations uniquely and reads differences.

mod common;

use common::TestApp;
use common::fixtures::{self, ACME};
use serde_json::{Value, json};
use uuid::Uuid;

both_backends!(
    metrics_are_prometheus_text,
    an_operation_is_counted_with_its_sql,
    refusals_and_errors_are_counted_by_code,
    operation_names_do_not_grow_the_labels_without_bound,
);

async fn scrape(app: &TestApp) -> String {
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    response.text().await.unwrap()
}

/// The value of the sample `name{labels}` (labels as printed), 0 when absent.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| {
            line.strip_prefix(series)
                .and_then(|rest| rest.strip_prefix(' '))
                .map(|v| v.trim().parse().unwrap())
        })
        .unwrap_or(0.0)
}

fn unique(prefix: &str) -> String {
    format!("{prefix}_{}", Uuid::new_v4().simple())
}

async fn post(app: &TestApp, token: &str, body: Value) -> Value {
    app.client
        .post(app.url("/graphql"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn metrics_are_prometheus_text(app: &TestApp) {
    fixtures::load(app.conn()).await;
    let token = app.reader(ACME);
    let name = unique("Warmup");
    let query = format!("query {name} {{ conversations {{ totalCount }} }}");
    post(app, &token, json!({ "query": query })).await;
    let text = scrape(app).await;
    for family in [
        "graphql_requests_total",
        "graphql_request_duration_seconds",
        "graphql_request_sql_statements",
        "graphql_request_sql_seconds",
        "sql_statements_total",
        "sql_statement_duration_seconds",
        "db_pool_connections",
        "db_pool_max_connections",
    ] {
        assert!(
            text.contains(&format!("# TYPE {family} ")),
            "{family} missing from\n{text}"
        );
    }
    assert!(sample(&text, "db_pool_max_connections") >= 1.0, "{text}");
    assert!(
        text.contains(&format!(
            "graphql_request_duration_seconds_bucket{{operation=\"{name}\",outcome=\"ok\",le=\"0.0005\"}}"
        )),
        "latency is a histogram with buckets"
    );
}

async fn an_operation_is_counted_with_its_sql(app: &TestApp) {
    fixtures::load(app.conn()).await;
    let token = app.reader(ACME);
    let name = unique("Inbox");
    // A page of Acme's conversations (which all belong to its one inbox) with their
    // inbox and the count: one statement, which reads the page, joins the inbox and
    // counts the matches as a window.
    let query = format!(
        "query {name} {{ conversations(first: 5) {{ totalCount nodes {{ id inbox {{ name }} }} }} }}"
    );
    let before_statements = app.statements();
    for _ in 0..3 {
        let body = post(app, &token, json!({ "query": query })).await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    let ran = app.statements() - before_statements;
    assert_eq!(ran, 3, "three requests of one statement each");
    let text = scrape(app).await;
    let labels = format!("{{operation=\"{name}\",outcome=\"ok\"}}");
    assert_eq!(
        sample(&text, &format!("graphql_requests_total{labels}")),
        3.0
    );
    assert_eq!(
        sample(
            &text,
            &format!("graphql_request_duration_seconds_count{labels}")
        ),
        3.0
    );
    let op = format!("{{operation=\"{name}\"}}");
    assert_eq!(
        sample(&text, &format!("graphql_request_sql_statements_count{op}")),
        3.0
    );
    assert_eq!(
        sample(&text, &format!("graphql_request_sql_statements_sum{op}")),
        3.0
    );
    assert!(sample(&text, &format!("graphql_request_sql_seconds_sum{op}")) > 0.0);
}

async fn refusals_and_errors_are_counted_by_code(app: &TestApp) {
    fixtures::load(app.conn()).await;
    let token = app.reader(ACME);
    let before = scrape(app).await;
    let name = unique("TooDeep");
    let mut deep = String::from("__typename");
    for _ in 0..13 {
        deep = format!("conversations {{ nodes {{ contact {{ {deep} }} }} }}");
    }
    let body = post(
        app,
        &token,
        json!({ "query": format!("query {name} {{ {deep} }}"), "operationName": name }),
    )
    .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "QUERY_TOO_DEEP");
    let name2 = unique("Forbidden");
    let body = post(
        app,
        &token,
        json!({ "query": format!("mutation {name2} {{ deleteMessage(id: \"{}\") {{ deletedId }} }}", Uuid::nil()) }),
    )
    .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let unauthenticated = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), 401);
    let after = scrape(app).await;
    assert_eq!(
        sample(
            &after,
            &format!("graphql_requests_total{{operation=\"{name}\",outcome=\"rejected\"}}")
        ),
        1.0
    );
    assert_eq!(
        sample(
            &after,
            &format!("graphql_requests_total{{operation=\"{name2}\",outcome=\"error\"}}")
        ),
        1.0
    );
    for code in ["QUERY_TOO_DEEP", "FORBIDDEN", "UNAUTHENTICATED"] {
        let series = format!("graphql_errors_total{{code=\"{code}\"}}");
        assert!(
            sample(&after, &series) >= sample(&before, &series) + 1.0,
            "{series}"
        );
    }
}

async fn operation_names_do_not_grow_the_labels_without_bound(app: &TestApp) {
    fixtures::load(app.conn()).await;
    let token = app.reader(ACME);
    // A name that is not a GraphQL name is counted as "other" (sent only as operationName,
    // which then matches no operation: a rejected request).
    let body = post(
        app,
        &token,
        json!({ "query": "{ __typename }", "operationName": "not a name; {}" }),
    )
    .await;
    assert!(body.get("errors").is_some(), "{body}");
    let text = scrape(app).await;
    assert!(
        !text.contains("not a name"),
        "the raw name never becomes a label"
    );
    assert!(
        sample(
            &text,
            "graphql_requests_total{operation=\"other\",outcome=\"rejected\"}"
        ) >= 1.0,
        "{text}"
    );
}
