//! GraphiQL served entirely by this binary: the page that GET /graphql answers a browser
//! with, and the files it loads (GraphiQL, React, ReactDOM, a start script), embedded from
//! assets/graphiql/ at build time. The page names no other host, so GraphiQL works offline
//! and behind a firewall; its Content-Security-Policy keeps it that way.
//!
//! Each file is served at a path that changes with its content (the package version for the
//! vendored files, a content hash for the start script), so it can be cached for a year
//! (`immutable`) and an upgrade still reaches every browser. See assets/graphiql/README.md
//! for where the vendored files come from and how to refresh them.

use super::AppState;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use std::sync::LazyLock;

/// The graphiql npm package the vendored `graphiql.min.*` files come from.
pub const GRAPHIQL_VERSION: &str = "4.1.2";
/// The react and react-dom npm packages the vendored UMD builds come from.
pub const REACT_VERSION: &str = "18.3.1";

/// How long browsers may keep an asset: a year, never revalidated. Safe because each path
/// changes with its content.
pub const CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

const START_JS: &[u8] = include_bytes!("../../assets/graphiql/start.js");
const START_JS_HASH: u64 = fnv1a(START_JS);

/// A file served under /graphiql/.
pub struct Asset {
    pub path: String,
    pub content_type: &'static str,
    pub body: &'static [u8],
}

/// Every file the page loads, in the order the page loads them (the stylesheet first).
static ASSETS: LazyLock<[Asset; 5]> = LazyLock::new(|| {
    let graphiql = format!("/graphiql/graphiql-{GRAPHIQL_VERSION}");
    [
        Asset {
            path: format!("{graphiql}/graphiql.min.css"),
            content_type: CSS,
            body: include_bytes!("../../assets/graphiql/graphiql.min.css"),
        },
        Asset {
            path: format!("/graphiql/react-{REACT_VERSION}/react.production.min.js"),
            content_type: JAVASCRIPT,
            body: include_bytes!("../../assets/graphiql/react.production.min.js"),
        },
        Asset {
            path: format!("/graphiql/react-dom-{REACT_VERSION}/react-dom.production.min.js"),
            content_type: JAVASCRIPT,
            body: include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
        },
        Asset {
            path: format!("{graphiql}/graphiql.min.js"),
            content_type: JAVASCRIPT,
            body: include_bytes!("../../assets/graphiql/graphiql.min.js"),
        },
        Asset {
            path: format!("/graphiql/start-{START_JS_HASH:016x}.js"),
            content_type: JAVASCRIPT,
            body: START_JS,
        },
    ]
});

/// The files the page loads, with their paths.
pub fn assets() -> &'static [Asset] {
    ASSETS.as_slice()
}

/// The routes serving the assets; every other path under /graphiql/ falls through to 404.
pub fn routes() -> Router<AppState> {
    assets().iter().fold(Router::new(), |router, asset| {
        router.route(&asset.path, get(move || async move { serve(asset) }))
    })
}

fn serve(asset: &'static Asset) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(CACHE_CONTROL),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        asset.body,
    )
        .into_response()
}

/// Only this server: no script, style, font, image or request goes to another host. Styles
/// may be inline because GraphiQL's components set some at run time.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
     connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";

/// The GraphiQL page for `endpoint`. With `demo_token`, the editor opens with
/// `Authorization: Bearer <demo_token>` in its headers.
pub fn page(endpoint: &str, demo_token: Option<&str>) -> String {
    let mut config = json!({ "endpoint": endpoint });
    if let Some(token) = demo_token {
        config["headers"] = json!({ "Authorization": format!("Bearer {token}") });
    }
    let [css, react, react_dom, graphiql, start] = &*ASSETS;
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">
    <title>conversations-graph · GraphiQL</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="{css}">
    <style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script id="graphiql-config" type="application/json">{config}</script>
    <script src="{react}"></script>
    <script src="{react_dom}"></script>
    <script src="{graphiql}"></script>
    <script src="{start}"></script>
  </body>
</html>
"#,
        css = css.path,
        react = react.path,
        react_dom = react_dom.path,
        graphiql = graphiql.path,
        start = start.path,
        config = script_json(&config),
    )
}

/// JSON that is safe inside a `<script>` element: `<`, `>` and `&` occur in JSON only
/// within strings, where their `\u` escapes mean the same, so nothing in a value can close
/// the element or start markup.
fn script_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// 64-bit FNV-1a, for content-addressed paths (not for security).
const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_cannot_break_out_of_the_script() {
        let page = page("/graphql", Some("</script><script>alert(1)</script>&amp;"));
        assert!(!page.contains("alert(1)</script>"));
        assert!(page.contains(r"\u003c/script\u003e\u003cscript\u003ealert(1)"));
        let start = page.find(r#"type="application/json">"#).unwrap() + 24;
        let end = start + page[start..].find("</script>").unwrap();
        let config: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
        assert_eq!(
            config["headers"]["Authorization"],
            "Bearer </script><script>alert(1)</script>&amp;"
        );
    }

    #[test]
    fn without_a_token_there_are_no_headers() {
        let page = page("/graphql", None);
        assert!(page.contains(r#"{"endpoint":"/graphql"}"#));
        assert!(!page.contains("Bearer"));
    }
}
