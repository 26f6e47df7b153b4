//! GraphQL over HTTP: POST executes JSON requests (single or batched); GET executes a query
//! from the URL, or opens GraphiQL for a browser. Bearer authentication happens here, before
//! anything executes; a missing or bad token is HTTP 401 with code UNAUTHENTICATED.
//!
//! Follows the GraphQL-over-HTTP specification (checked in CI by graphql-http's server
//! audits, tests/federation/audits.mjs): the response media type is negotiated on `Accept`
//! (`application/graphql-response+json` or `application/json`, the default); a POST must be
//! `Content-Type: application/json` (else 415) with a string `query` (else 400); a mutation
//! over GET is 405; a request that cannot execute (parse or validation failure) has no `data`
//! entry, and is HTTP 400 under `application/graphql-response+json` (200 under
//! `application/json`, for older clients).

use super::{AppState, RequestId};
use crate::auth::{TokenError, Viewer};
use crate::codes;
use crate::fairness::Overloaded;
use crate::graphql::Checked;
use crate::graphql::budget::Budget;
use crate::graphql::limits;
use crate::graphql::loaders::with_loader;
use crate::metrics;
use async_graphql::BatchRequest;
use async_graphql::parser::types::OperationType;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::{Extension, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use http_body_util::BodyExt;
use serde_json::json;
use std::sync::Arc;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";
/// Longest error message sent; longer ones are cut.
const MAX_MESSAGE_CHARS: usize = 1000;

pub async fn post_graphql(
    State(state): State<AppState>,
    Extension(id): Extension<RequestId>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    let media = response_media(&headers);
    if !is_json_utf8(&headers) {
        return request_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            codes::BAD_REQUEST,
            "send the request as Content-Type: application/json (UTF-8)",
        );
    }
    let viewer = match authenticate(&state, &headers) {
        Ok(v) => v,
        Err(err) => return unauthorized(err, &headers),
    };
    let limit = state.limits.max_body_bytes;
    let read = http_body_util::Limited::new(body, limit);
    let body = match tokio::time::timeout(state.limits.body_read_timeout, read.collect()).await {
        Ok(Ok(body)) => body.to_bytes(),
        Ok(Err(err)) if err.is::<http_body_util::LengthLimitError>() => {
            return request_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                media,
                codes::PAYLOAD_TOO_LARGE,
                &format!("the request body is larger than {limit} bytes"),
            );
        }
        Ok(Err(_)) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                media,
                codes::BAD_REQUEST,
                "the request body could not be read",
            );
        }
        Err(_) => {
            let mut response = request_error(
                StatusCode::REQUEST_TIMEOUT,
                media,
                codes::TIMEOUT,
                &format!(
                    "the request body did not arrive within {} ms",
                    state.limits.body_read_timeout.as_millis()
                ),
            );
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            return response;
        }
    };
    let batch = match parse_body(&body) {
        Ok(batch) => batch,
        Err(message) => {
            return request_error(StatusCode::BAD_REQUEST, media, codes::BAD_REQUEST, &message);
        }
    };
    if let BatchRequest::Batch(requests) = &batch
        && requests.len() > state.limits.max_batch
    {
        let limit = state.limits.max_batch;
        return request_error(
            StatusCode::BAD_REQUEST,
            media,
            codes::BATCH_TOO_LARGE,
            &format!(
                "the batch has {} operations, and at most {limit} are allowed",
                requests.len()
            ),
        );
    }
    execute(&state, viewer, batch, media, &id.0).await
}

/// GET /graphql: a WebSocket upgrade (subscriptions, `super::ws`), GraphiQL for a
/// browser, or a query in the URL.
pub async fn get_graphql(
    State(state): State<AppState>,
    Extension(id): Extension<RequestId>,
    websocket: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    if super::ws::is_upgrade(&headers) {
        return match websocket {
            Ok(upgrade) => super::ws::upgrade(state, upgrade, &headers),
            Err(rejection) => rejection.into_response(),
        };
    }
    let media = response_media(&headers);
    let query = query.unwrap_or_default();
    let request = match parse_url(&query) {
        Ok(r) if !r.query.trim().is_empty() => r,
        Ok(_) if accepts_html(&headers) => return Html(state.graphiql.to_string()).into_response(),
        Ok(_) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                media,
                codes::BAD_REQUEST,
                "missing `query` parameter",
            );
        }
        Err(message) => {
            return request_error(StatusCode::BAD_REQUEST, media, codes::BAD_REQUEST, &message);
        }
    };
    let viewer = match authenticate(&state, &headers) {
        Ok(v) => v,
        Err(err) => return unauthorized(err, &headers),
    };
    // A document nested too deep is not parsed here: executing refuses it.
    let parsable = crate::graphql::nesting::check(&request.query, usize::MAX).is_ok();
    if parsable && is_mutation(&request.query, request.operation_name.as_deref()) {
        let mut response = request_error(
            StatusCode::METHOD_NOT_ALLOWED,
            media,
            codes::BAD_REQUEST,
            "mutations must be sent with POST",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    execute(&state, viewer, BatchRequest::Single(request), media, &id.0).await
}

/// What one operation of a request became after its checks.
struct Slot {
    name: String,
    checked: Result<Checked, async_graphql::Response>,
}

async fn execute(
    state: &AppState,
    viewer: Viewer,
    batch: BatchRequest,
    media: &'static str,
    request_id: &str,
) -> Response {
    let single = matches!(batch, BatchRequest::Single(_));
    let requests = match batch {
        BatchRequest::Single(r) => vec![r],
        BatchRequest::Batch(rs) => rs,
    };
    let started = std::time::Instant::now();
    let span = tracing::info_span!("request", id = %request_id, company = %viewer.company_id);
    // Every operation is checked before any executes; a refused one is answered as such,
    // and the batch's costs are summed.
    let mut slots = Vec::with_capacity(requests.len());
    for request in requests {
        let name = request.operation_name.clone();
        let slot = match state.schema.check(request).await {
            Ok(mut checked) => Slot {
                name: checked.name().unwrap_or_default(),
                checked: Ok(checked),
            },
            Err(refused) => {
                let name = name.unwrap_or_default();
                metrics::request(&name, "rejected", started.elapsed());
                Slot {
                    name,
                    checked: Err(refused),
                }
            }
        };
        slots.push(slot);
    }
    let cost = slots
        .iter()
        .filter_map(|s| s.checked.as_ref().ok())
        .fold(0u64, |sum, c| sum.saturating_add(c.cost));
    if cost > state.limits.max_complexity {
        // Only a batch gets here: a single operation over the limit was refused above.
        let error = limits::too_complex(cost, state.limits.max_complexity, "");
        for slot in &mut slots {
            if slot.checked.is_ok() {
                metrics::request(&slot.name, "rejected", started.elapsed());
            }
            slot.checked = Err(async_graphql::Response::from_errors(vec![error.clone()]));
        }
    }
    // Database work waits for the company's turn; nothing waits when nothing executes.
    let turn = if slots.iter().any(|s| s.checked.is_ok()) {
        match state.fairness.turn(viewer.company_id).await {
            Ok(turn) => Some(turn),
            Err(overloaded) => {
                for slot in &slots {
                    metrics::request(&slot.name, "overloaded", started.elapsed());
                }
                return overloaded_response(media, overloaded);
            }
        }
    } else {
        None
    };
    let budget = Arc::new(Budget::new(state.limits.max_response_bytes));
    let names: Vec<String> = slots.iter().map(|s| s.name.clone()).collect();
    // Execution runs as its own task, watched from here: the timeout fires even while the
    // execution is busy, a panic inside it is this request's internal error alone, and the
    // company's turn is given back only when the work has really stopped.
    let work = {
        let (state, budget) = (state.clone(), budget.clone());
        async move {
            let _turn = turn;
            let shared = budget.clone();
            let responses = metrics::counting_sql(with_loader(
                state.db.clone(),
                viewer.clone(),
                |loader| async move {
                    let mut responses = Vec::with_capacity(slots.len());
                    // One loader for the whole batch; its operations run one after the other.
                    for slot in slots {
                        let response = match slot.checked {
                            Ok(checked) => {
                                let data = |r: async_graphql::Request| {
                                    r.data(viewer.clone())
                                        .data(loader.clone())
                                        .data(shared.clone())
                                };
                                run_operation(&state, checked, data, &slot.name).await
                            }
                            Err(refused) => refused,
                        };
                        responses.push(response);
                    }
                    responses
                },
            ))
            .await;
            render(responses, single, media, &budget)
        }
    };
    match watch(
        tracing::Instrument::instrument(work, span.clone()),
        state.limits.timeout,
    )
    .await
    {
        Watched::Done(response) => response,
        Watched::Panicked(failed) => {
            let _entered = span.enter();
            tracing::error!(error = %failed, "the request's execution panicked");
            metrics::panic();
            for name in &names {
                metrics::request(name, "error", started.elapsed());
            }
            request_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                media,
                codes::INTERNAL_SERVER_ERROR,
                "internal error",
            )
        }
        Watched::TimedOut => {
            // The task was aborted: it stops at its next await, which execution reaches at
            // every charged field at the latest, and an open transaction rolls back. A
            // field charged before then is refused.
            budget.cancel();
            for name in &names {
                metrics::request(name, "timeout", started.elapsed());
            }
            let status = if media == GRAPHQL_RESPONSE {
                StatusCode::GATEWAY_TIMEOUT
            } else {
                StatusCode::OK
            };
            request_error(
                status,
                media,
                codes::TIMEOUT,
                &format!(
                    "the request did not finish within {} ms and was cancelled",
                    state.limits.timeout.as_millis()
                ),
            )
        }
    }
}

/// What became of work run under `watch`.
enum Watched<T> {
    Done(T),
    Panicked(tokio::task::JoinError),
    TimedOut,
}

/// Runs `work` as a task of its own and waits for it at most `timeout`. A panic inside it
/// is caught at the task's edge; past the timeout the task is aborted. The deadline holds
/// however busy the work is, provided it yields now and then (execution does, at every
/// charged field; see `budget::charge`).
async fn watch<T: Send + 'static>(
    work: impl Future<Output = T> + Send + 'static,
    timeout: std::time::Duration,
) -> Watched<T> {
    let mut task = tokio::spawn(work);
    match tokio::time::timeout(timeout, &mut task).await {
        Ok(Ok(done)) => Watched::Done(done),
        Ok(Err(failed)) => Watched::Panicked(failed),
        Err(_) => {
            task.abort();
            Watched::TimedOut
        }
    }
}

/// The HTTP response for the operations' responses: one, or an array for a batch. A
/// response that went past the budget, while executing or once serialized, becomes one
/// RESPONSE_TOO_LARGE error.
fn render(
    mut responses: Vec<async_graphql::Response>,
    single: bool,
    media: &'static str,
    budget: &Budget,
) -> Response {
    let too_large = || {
        metrics::error(codes::RESPONSE_TOO_LARGE);
        refused_body(
            codes::RESPONSE_TOO_LARGE,
            &crate::error::AppError::ResponseTooLarge(budget.max_bytes()).message(),
            Some(budget.max_bytes()),
        )
    };
    let (mut request_failed, body) = if budget.exceeded() {
        if single {
            (true, too_large())
        } else {
            let each: Vec<_> = responses.iter().map(|_| too_large()).collect();
            (false, serde_json::Value::Array(each))
        }
    } else if single && let Some(response) = responses.pop() {
        (is_request_error(&response), response_body(response))
    } else {
        let bodies = responses.into_iter().map(response_body).collect();
        (false, serde_json::Value::Array(bodies))
    };
    let mut text = body.to_string();
    if text.len() > budget.max_bytes() {
        text = too_large().to_string();
        request_failed = true;
    }
    // With the GraphQL response media type, a request that could not execute at all is a
    // 400.
    let status = if single && media == GRAPHQL_RESPONSE && request_failed {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    (status, [(header::CONTENT_TYPE, media)], text).into_response()
}

/// 429 with `Retry-After`: the company has as much running as it may.
fn overloaded_response(media: &'static str, overloaded: Overloaded) -> Response {
    let seconds = overloaded.retry_after.as_secs().max(1);
    let mut response = request_error(
        StatusCode::TOO_MANY_REQUESTS,
        media,
        codes::OVERLOADED,
        &format!("your company has as many requests running as it may; retry in {seconds} s"),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

/// Executes one checked operation, and records it: its outcome and time, and the SQL it
/// ran.
async fn run_operation(
    state: &AppState,
    checked: Checked,
    data: impl FnOnce(async_graphql::Request) -> async_graphql::Request,
    name: &str,
) -> async_graphql::Response {
    let started = std::time::Instant::now();
    let sql_before = metrics::sql_so_far();
    let response = state.schema.run(checked, data).await;
    let outcome = if response.errors.is_empty() {
        "ok"
    } else {
        "error"
    };
    metrics::request(name, outcome, started.elapsed());
    let (statements, time) = metrics::sql_so_far();
    metrics::request_sql(
        name,
        statements.saturating_sub(sql_before.0),
        time.saturating_sub(sql_before.1),
    );
    response
}

/// A request that could not execute at all: no data, and only errors without a path (parse
/// or validation failures, limits, unknown operation, variables that do not coerce).
fn is_request_error(r: &async_graphql::Response) -> bool {
    r.data == async_graphql::Value::Null
        && !r.errors.is_empty()
        && r.errors.iter().all(|e| e.path.is_empty())
}

/// The response as JSON. A request error has no `data` entry at all (the GraphQL spec: "If an
/// error was raised before execution begins, the data entry should not be present"); a
/// response that executed keeps `data`, null included.
fn response_body(r: async_graphql::Response) -> serde_json::Value {
    let request_error = is_request_error(&r);
    let mut body = serde_json::to_value(&r).expect("a GraphQL response always serializes");
    if request_error && let Some(object) = body.as_object_mut() {
        object.remove("data");
    }
    // async-graphql's own errors (parse, validation, variables, argument coercion) carry no
    // code; ours always do. Give every error one: BAD_REQUEST before execution,
    // BAD_USER_INPUT for a field argument that did not coerce.
    if let Some(errors) = body.get_mut("errors").and_then(|e| e.as_array_mut()) {
        for error in errors {
            let has_path = error.get("path").is_some_and(|p| !p.is_null());
            let Some(object) = error.as_object_mut() else {
                continue;
            };
            // Parse errors quote the offending line, which can be the whole document.
            if let Some(serde_json::Value::String(message)) = object.get_mut("message")
                && message.chars().count() > MAX_MESSAGE_CHARS
            {
                let cut: String = message.chars().take(MAX_MESSAGE_CHARS).collect();
                *message = format!("{cut}…");
            }
            let extensions = object
                .entry("extensions")
                .or_insert_with(|| serde_json::json!({}));
            if let Some(ext) = extensions.as_object_mut()
                && !ext.contains_key("code")
            {
                let code = if has_path {
                    codes::BAD_USER_INPUT
                } else {
                    codes::BAD_REQUEST
                };
                ext.insert("code".into(), code.into());
            }
            if let Some(code) = object
                .get("extensions")
                .and_then(|e| e.get("code"))
                .and_then(|c| c.as_str())
            {
                metrics::error(code);
            }
        }
    }
    body
}

/// A GraphQL request from a URL's query string: `query`, `operationName`, and `variables`
/// and `extensions` as JSON (the GraphQL-over-HTTP parameter names).
fn parse_url(query: &str) -> Result<async_graphql::Request, String> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Params {
        #[serde(default)]
        query: String,
        operation_name: Option<String>,
        variables: Option<String>,
        extensions: Option<String>,
    }
    let malformed =
        |e: &dyn std::fmt::Display| format!("malformed GraphQL request in the URL: {e}");
    let params: Params = serde_urlencoded::from_str(query).map_err(|e| malformed(&e))?;
    let json = |name: &str, text: Option<String>| -> Result<serde_json::Value, String> {
        match text.as_deref().map(str::trim) {
            None | Some("") | Some("null") => Ok(json!({})),
            Some(text) => serde_json::from_str(text)
                .map_err(|e| malformed(&format!("`{name}` is not JSON: {e}"))),
        }
    };
    let request = json!({
        "query": params.query,
        "operationName": params.operation_name.filter(|n| !n.is_empty()),
        "variables": json("variables", params.variables)?,
        "extensions": json("extensions", params.extensions)?,
    });
    serde_json::from_value(request).map_err(|e| malformed(&e))
}

/// The body of a POST: one request object, or a non-empty array of them (a batch), each with
/// a string `query`. The error message says what is wrong, for a 400.
fn parse_body(body: &[u8]) -> Result<BatchRequest, String> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let requests = match &value {
        serde_json::Value::Array(items) if items.is_empty() => {
            return Err("the batch is empty: send at least one request".into());
        }
        serde_json::Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    for request in requests {
        let Some(object) = request.as_object() else {
            return Err("a GraphQL request is a JSON object with a `query`".into());
        };
        match object.get("query") {
            Some(serde_json::Value::String(_)) => {}
            Some(_) => return Err("`query` must be a string".into()),
            None => return Err("missing `query`: the GraphQL document to execute".into()),
        }
    }
    serde_json::from_value(value).map_err(|e| format!("the body is not a GraphQL request: {e}"))
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
        codes::UNAUTHENTICATED,
        &err.to_string(),
    );
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// A response carrying one request-level error and no data.
fn request_error(status: StatusCode, media: &'static str, code: &str, message: &str) -> Response {
    metrics::error(code);
    let body = refused_body(code, message, None);
    (status, [(header::CONTENT_TYPE, media)], body.to_string()).into_response()
}

/// The body of a refusal: one error, no data; `limit` in its extensions when given.
fn refused_body(code: &str, message: &str, limit: Option<usize>) -> serde_json::Value {
    let mut extensions = json!({ "code": code });
    if let Some(limit) = limit {
        extensions["limit"] = limit.into();
    }
    json!({ "errors": [{ "message": message, "extensions": extensions }] })
}

/// The response media type, negotiated on `Accept`: of `application/graphql-response+json`
/// and `application/json`, the one with the higher quality, where a type named explicitly
/// takes its own quality and otherwise that of `application/*`, else `*/*` (the most specific
/// range wins, as in HTTP); on a tie, the type named explicitly, then
/// `application/graphql-response+json`. Without `Accept`, or when it accepts neither,
/// `application/json` (the spec's default, which it allows instead of a 406).
fn response_media(headers: &HeaderMap) -> &'static str {
    // The highest quality (in thousandths) given to each media range.
    let (mut graphql_response, mut json, mut application, mut any) = (None, None, None, None);
    for value in headers.get_all(header::ACCEPT) {
        let Ok(value) = value.to_str() else { continue };
        for range in value.split(',') {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let quality = parts
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
                .map_or(1000, |(_, q)| parse_quality(q.trim()));
            let slot = match media.as_str() {
                GRAPHQL_RESPONSE => &mut graphql_response,
                JSON => &mut json,
                "application/*" => &mut application,
                "*/*" => &mut any,
                _ => continue,
            };
            *slot = (*slot).max(Some(quality));
        }
    }
    // (quality, named explicitly) of each type.
    let effective = |named: Option<u16>| {
        named
            .map(|q| (q, true))
            .or(application.or(any).map(|q| (q, false)))
            .unwrap_or((0, false))
    };
    let (graphql_response, json) = (effective(graphql_response), effective(json));
    let named_and_tied = graphql_response == json && graphql_response.1;
    if graphql_response.0 > 0 && (graphql_response > json || named_and_tied) {
        GRAPHQL_RESPONSE
    } else {
        JSON
    }
}

/// An HTTP quality value ("0.8") in thousandths; malformed values count as 0 (not acceptable).
fn parse_quality(q: &str) -> u16 {
    let (whole, fraction) = q.split_once('.').unwrap_or((q, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    match whole {
        "1" if fraction.bytes().all(|b| b == b'0') => 1000,
        "0" => format!("{fraction:0<3}").parse().unwrap_or(0),
        _ => 0,
    }
}

/// Whether the request body is declared as `application/json`, in UTF-8 (the only charset
/// the specification requires; `charset` may be absent, meaning UTF-8).
fn is_json_utf8(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mut parts = value.split(';');
    if !parts
        .next()
        .unwrap_or_default()
        .trim()
        .eq_ignore_ascii_case(JSON)
    {
        return false;
    }
    parts.filter_map(|p| p.split_once('=')).all(|(k, v)| {
        !k.trim().eq_ignore_ascii_case("charset")
            || v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{Duration, Instant};

    #[tokio::test]
    async fn a_panic_in_watched_work_is_caught() {
        let watched = watch(async { panic!("a bug") }, Duration::from_secs(5)).await;
        assert!(matches!(watched, Watched::Panicked(e) if e.is_panic()));
        // The runtime, and the next piece of work, carry on.
        assert!(matches!(
            watch(async { 7 }, Duration::from_secs(5)).await,
            Watched::Done(7)
        ));
    }

    /// One thread, and the work never waits on anything: the deadline holds only because
    /// the work yields through the cooperative budget, as execution does at every charged
    /// field. Once aborted, the work stops.
    #[tokio::test(flavor = "current_thread")]
    async fn the_deadline_holds_on_one_busy_thread_and_the_work_stops() {
        let steps = Arc::new(AtomicU64::new(0));
        let counted = steps.clone();
        let busy = async move {
            loop {
                let until = Instant::now() + Duration::from_micros(50);
                while Instant::now() < until {
                    std::hint::spin_loop();
                }
                counted.fetch_add(1, Ordering::Relaxed);
                tokio::task::coop::consume_budget().await;
            }
        };
        let started = Instant::now();
        let watched = watch(busy, Duration::from_millis(100)).await;
        assert!(matches!(watched, Watched::TimedOut));
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        let at_abort = steps.load(Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(
            steps.load(Ordering::Relaxed),
            at_abort,
            "aborted work ran on"
        );
    }

    fn accept(value: &str) -> &'static str {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        response_media(&headers)
    }

    #[test]
    fn the_response_type_follows_accept() {
        assert_eq!(response_media(&HeaderMap::new()), JSON);
        assert_eq!(accept("application/json"), JSON);
        assert_eq!(
            accept("application/graphql-response+json"),
            GRAPHQL_RESPONSE
        );
        assert_eq!(
            accept("application/graphql-response+json, application/json;q=0.9"),
            GRAPHQL_RESPONSE
        );
        assert_eq!(
            accept("application/graphql-response+json;q=0.5, application/json"),
            JSON
        );
        assert_eq!(
            accept("application/json, application/graphql-response+json"),
            GRAPHQL_RESPONSE
        );
        assert_eq!(accept("*/*"), JSON);
        assert_eq!(accept("application/*"), JSON);
        assert_eq!(
            accept("*/*;q=0.8, application/graphql-response+json"),
            GRAPHQL_RESPONSE
        );
        assert_eq!(accept("application/graphql-response+json;q=0"), JSON);
        assert_eq!(
            accept("Application/GraphQL-Response+JSON; charset=utf-8"),
            GRAPHQL_RESPONSE
        );
        assert_eq!(accept("text/html"), JSON);
        // The most specific range decides: JSON is refused here, so GraphQL's type it is.
        assert_eq!(
            accept("application/*;q=0.5, application/json;q=0"),
            GRAPHQL_RESPONSE
        );
        assert_eq!(accept("*/*, application/graphql-response+json;q=0"), JSON);
        assert_eq!(
            accept("application/graphql-response+json;q=0.9, */*;q=1"),
            JSON
        );
    }

    #[test]
    fn quality_values_parse() {
        assert_eq!(parse_quality("1"), 1000);
        assert_eq!(parse_quality("1.000"), 1000);
        assert_eq!(parse_quality("0.8"), 800);
        assert_eq!(parse_quality("0.05"), 50);
        assert_eq!(parse_quality("0"), 0);
        for bad in ["", "2", "1.5", "0.1234", "x", "0.-1", "-0.5"] {
            assert_eq!(parse_quality(bad), 0, "{bad}");
        }
    }

    #[test]
    fn only_json_in_utf8_is_accepted() {
        let content_type = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(value).unwrap());
            is_json_utf8(&headers)
        };
        assert!(!is_json_utf8(&HeaderMap::new()));
        assert!(content_type("application/json"));
        assert!(content_type("Application/JSON; charset=\"UTF-8\""));
        assert!(!content_type("application/json; charset=latin1"));
        assert!(!content_type("text/plain"));
        assert!(!content_type("application/graphql"));
        assert!(!content_type("application/jsonx"));
    }

    #[test]
    fn a_post_body_needs_a_string_query() {
        assert!(parse_body(br#"{"query":"{ __typename }"}"#).is_ok());
        assert!(parse_body(br#"[{"query":"{ a }"},{"query":"{ b }"}]"#).is_ok());
        for (body, says) in [
            (&b"{ not json"[..], "not JSON"),
            (b"[]", "empty"),
            (b"{}", "missing `query`"),
            (br#"{"qeury":"{ a }"}"#, "missing `query`"),
            (br#"{"query":null}"#, "must be a string"),
            (br#"{"query":1}"#, "must be a string"),
            (br#"[{"query":"{ a }"},{}]"#, "missing `query`"),
            (b"[1]", "JSON object"),
            (br#""{ a }""#, "JSON object"),
            (
                br#"{"query":"{ a }","variables":"x"}"#,
                "not a GraphQL request",
            ),
        ] {
            let err = parse_body(body).err().unwrap_or_else(|| {
                panic!("accepted {}", String::from_utf8_lossy(body));
            });
            assert!(err.contains(says), "{err}");
        }
    }
}
