//! GraphiQL is served entirely by this binary: the page at GET /graphql names only local
//! files, each served with its content type and a year-long immutable cache header, and the
//! demo token reaches the page as data, not as markup. (tests/browser/ runs it in Chromium.)

mod common;

use common::{Backend, TestApp, TestDb};
use conversations_graph::auth::TokenKeys;
use conversations_graph::{AppState, app};
use serde_json::Value;
use std::net::SocketAddr;
use std::path::Path;

const CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

async fn sqlite() -> TestDb {
    TestDb::create(Backend::Sqlite).await.unwrap()
}

/// The router with `demo_token` prefilled, on an ephemeral port.
async fn serve_with_demo_token(db: &TestDb, demo_token: &str) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(
        db.conn.clone(),
        TokenKeys::hs256(common::SECRET.as_bytes()),
        Some(demo_token),
    );
    tokio::spawn(conversations_graph::http::server::serve(
        listener,
        app(state),
        conversations_graph::http::server::ConnectionLimits::default(),
        std::future::pending(),
    ));
    addr
}

async fn page(client: &reqwest::Client, url: &str) -> String {
    let response = client
        .get(url)
        .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    response.text().await.unwrap()
}

/// The value of every `name="..."` attribute in the `<tag ...>` elements of `html`.
fn attributes(html: &str, tag: &str, name: &str) -> Vec<String> {
    let open = format!("<{tag} ");
    let attr = format!(" {name}=\"");
    html.match_indices(&open)
        .filter_map(|(i, _)| {
            let element = &html[i..i + html[i..].find('>').unwrap()];
            let start = element.find(&attr)? + attr.len();
            let end = start + element[start..].find('"').unwrap();
            Some(element[start..end].to_owned())
        })
        .collect()
}

/// The JSON in the page's `<script id="graphiql-config" type="application/json">`.
fn config(html: &str) -> Value {
    let open = r#"<script id="graphiql-config" type="application/json">"#;
    let start = html.find(open).expect("the page has its config block") + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("the config block is JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_loads_only_files_this_server_serves() {
    let app = TestApp::serve(sqlite().await).await;
    let html = page(&app.client, &app.url("/graphql")).await;

    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "the page names no URL of any host:\n{html}"
    );
    assert!(html.contains("Content-Security-Policy"));
    assert!(html.contains("default-src 'self'"));
    assert!(
        !html.contains("Bearer"),
        "no demo token, no prefilled header"
    );
    assert_eq!(config(&html), serde_json::json!({ "endpoint": "/graphql" }));

    let scripts = attributes(&html, "script", "src");
    let links = attributes(&html, "link", "href");
    assert_eq!(
        scripts.len(),
        4,
        "React, ReactDOM, GraphiQL, start: {scripts:?}"
    );
    assert!(scripts[0].starts_with("/graphiql/react-18.3.1/"));
    assert!(scripts[1].starts_with("/graphiql/react-dom-18.3.1/"));
    assert!(scripts[2].starts_with("/graphiql/graphiql-4.1.2/"));
    assert!(scripts[3].starts_with("/graphiql/start-"));
    assert_eq!(
        links[0], "data:,",
        "an inline favicon, so nothing asks for one"
    );
    let local: Vec<&String> = links[1..].iter().chain(&scripts).collect();
    assert_eq!(local.len(), 5);

    let assets = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/graphiql");
    let mut total = 0;
    for path in local {
        assert!(
            path.starts_with("/graphiql/") && !path.contains("//") && !path.contains(':'),
            "a local path: {path}"
        );
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let headers = response.headers().clone();
        let expected_type = if path.ends_with(".css") {
            "text/css; charset=utf-8"
        } else {
            assert!(path.ends_with(".js"), "{path}");
            "text/javascript; charset=utf-8"
        };
        assert_eq!(headers["content-type"], expected_type, "{path}");
        assert_eq!(headers["cache-control"], CACHE_CONTROL, "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        let body = response.bytes().await.unwrap();
        // Exactly the committed file (the start script is committed as start.js).
        let name = path.rsplit('/').next().unwrap();
        let name = if name.starts_with("start-") {
            "start.js"
        } else {
            name
        };
        let file = std::fs::read(assets.join(name)).unwrap();
        assert!(body[..] == file[..], "{path} serves assets/graphiql/{name}");
        total += body.len();
    }
    assert!(
        (1_500_000..1_800_000).contains(&total),
        "about 1.6 MB in all, got {total}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_paths_under_graphiql_are_not_found() {
    let app = TestApp::serve(sqlite().await).await;
    for path in [
        "/graphiql/graphiql.min.js",
        "/graphiql/graphiql-4.0.0/graphiql.min.js",
        "/graphiql/start.js",
        "/graphiql/graphiql-4.1.2/graphiql.min.js.map",
    ] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_token_is_prefilled_as_data() {
    let db = sqlite().await;
    let client = reqwest::Client::new();

    let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJl";
    let addr = serve_with_demo_token(&db, token).await;
    let html = page(&client, &format!("http://{addr}/graphql")).await;
    assert_eq!(
        config(&html)["headers"]["Authorization"],
        format!("Bearer {token}")
    );

    // Whatever the token holds stays inside the JSON block.
    let hostile = "x</script><script>alert(1)</script><!-- & \"'";
    let addr = serve_with_demo_token(&db, hostile).await;
    let html = page(&client, &format!("http://{addr}/graphql")).await;
    assert!(!html.contains("alert(1)</script>"), "{html}");
    assert!(!html.contains("<!--"), "{html}");
    assert_eq!(attributes(&html, "script", "src").len(), 4);
    assert_eq!(
        config(&html)["headers"]["Authorization"],
        format!("Bearer {hostile}")
    );
}
