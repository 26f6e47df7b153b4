//! GraphQL over HTTP: POST executes JSON requests (single or batched); GET executes a query
//! from the URL, or opens GraphiQL for a browser. Bearer authentication happens here, before
//! anything executes; a missing or bad token is HTTP 401 with code UNAUTHENTICATED.

use super::AppState;
use crate::auth::{TokenError, Viewer};
use crate::graphql::loaders::with_loader;
use async_graphql::parser::types::OperationType;
use async_graphql::{BatchRequest, BatchResponse};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

pub async fn post_graphql(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let media = response_media(&headers);
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
    if content_type.as_deref() != Some(JSON) {
        return request_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            "BAD_REQUEST",
            "send the request as Content-Type: application/json",
        );
    }
    let viewer = match authenticate(&state, &headers) {
        Ok(v) => v,
        Err(err) => return unauthorized(err, &headers),
    };
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(batch) => batch,
        Err(e) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                media,
                "BAD_REQUEST",
                &format!("the body is not a GraphQL request: {e}"),
            );
        }
    };
    execute(&state, viewer, batch, media).await
}

pub async fn get_graphql(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let media = response_media(&headers);
    let query = query.unwrap_or_default();
    let request = match async_graphql::http::parse_query_string(&query) {
        Ok(r) if !r.query.trim().is_empty() => r,
        Ok(_) if accepts_html(&headers) => return Html(state.graphiql.to_string()).into_response(),
        Ok(_) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                media,
                "BAD_REQUEST",
                "missing `query` parameter",
            );
        }
        Err(e) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                media,
                "BAD_REQUEST",
                &format!("malformed GraphQL request in the URL: {e}"),
            );
        }
    };
    let viewer = match authenticate(&state, &headers) {
        Ok(v) => v,
        Err(err) => return unauthorized(err, &headers),
    };
    if is_mutation(&request.query, request.operation_name.as_deref()) {
        let mut response = request_error(
            StatusCode::METHOD_NOT_ALLOWED,
            media,
            "BAD_REQUEST",
            "mutations must be sent with POST",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    execute(&state, viewer, BatchRequest::Single(request), media).await
}

async fn execute(
    state: &AppState,
    viewer: Viewer,
    batch: BatchRequest,
    media: &'static str,
) -> Response {
    let response = with_loader(state.db.clone(), viewer.clone(), |loader| {
        state.schema.execute_batch(batch.data(viewer).data(loader))
    })
    .await;
    // With the GraphQL response media type, a request that could not execute at all (no
    // data, only errors without a path: parse or validation failures) is a 400.
    let failed_request = |r: &async_graphql::Response| {
        r.data == async_graphql::Value::Null
            && !r.errors.is_empty()
            && r.errors.iter().all(|e| e.path.is_empty())
    };
    let status = match &response {
        BatchResponse::Single(r) if media == GRAPHQL_RESPONSE && failed_request(r) => {
            StatusCode::BAD_REQUEST
        }
        _ => StatusCode::OK,
    };
    let body = serde_json::to_vec(&response).expect("a GraphQL response always serializes");
    (status, [(header::CONTENT_TYPE, media)], body).into_response()
}

fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Viewer, TokenError> {
    let header = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("\u{0}"));
    state.keys.authenticate(header)
}

/// HTTP 401 with `WWW-Authenticate: Bearer` and an UNAUTHENTICATED error.
fn unauthorized(err: TokenError, headers: &HeaderMap) -> Response {
    let mut response = request_error(
        StatusCode::UNAUTHORIZED,
        response_media(headers),
        "UNAUTHENTICATED",
        &err.to_string(),
    );
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// A response carrying one request-level error and no data.
fn request_error(status: StatusCode, media: &'static str, code: &str, message: &str) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (status, [(header::CONTENT_TYPE, media)], body.to_string()).into_response()
}

/// `application/graphql-response+json` when the client accepts it, else `application/json`.
fn response_media(headers: &HeaderMap) -> &'static str {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if accept.contains(GRAPHQL_RESPONSE) {
        GRAPHQL_RESPONSE
    } else {
        JSON
    }
}

fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

/// Whether the operation that would run is a mutation (unparsable documents are left to
/// the executor, which reports them).
fn is_mutation(query: &str, operation_name: Option<&str>) -> bool {
    let Ok(doc) = async_graphql::parser::parse_query(query) else {
        return false;
    };
    let op = match operation_name {
        Some(name) => doc
            .operations
            .iter()
            .find(|(n, _)| n.is_some_and(|n| n.as_str() == name))
            .map(|(_, op)| op.node.ty),
        None => doc.operations.iter().next().map(|(_, op)| op.node.ty),
    };
    op == Some(OperationType::Mutation)
}
