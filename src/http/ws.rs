//! GraphQL over WebSocket at GET /graphql (`Upgrade: websocket`): the graphql-transport-ws
//! protocol, and the legacy graphql-ws (subscriptions-transport-ws) one that older Apollo
//! Client and GraphiQL setups send. async-graphql speaks both; this module adds what a
//! production server needs around it:
//!
//! - the token comes in `connection_init`'s payload (`{"Authorization": "Bearer ..."}`;
//!   browsers cannot set headers on a WebSocket) and is checked exactly as a request's; a
//!   refused one closes the socket with 4403 (graphql-transport-ws; the legacy protocol
//!   gets its `connection_error`);
//! - no `connection_init` within `connection_init_timeout`: closed with 4408;
//! - the token's expiry closes the socket with 4403 ("token expired");
//! - a client that does not read what it is sent: once one frame waits longer than
//!   `SEND_TIMEOUT` the socket is dropped (its subscriptions end before that, with
//!   SUBSCRIBER_TOO_SLOW, when they fall past their buffer).

use super::AppState;
use crate::graphql::loaders::spawned_loader;
use crate::graphql::subscription::ConnectionSubscriptions;
use async_graphql::http::{
    ALL_WEBSOCKET_PROTOCOLS, WebSocket as GraphQLSocket, WebSocketProtocols as Protocols, WsMessage,
};
use async_graphql::{Data, Executor, Request, Response};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response as HttpResponse};
use futures_util::stream::BoxStream;
use futures_util::{SinkExt, StreamExt};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Longest one frame may wait for the client to take it.
const SEND_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest frame a client may send (a subscribe message with its document).
const MAX_FRAME_BYTES: usize = 1024 * 1024;

/// Whether a request asks to become a WebSocket.
pub fn is_upgrade(headers: &HeaderMap) -> bool {
    headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// The first GraphQL subprotocol the client offers that this server speaks.
fn protocol(headers: &HeaderMap) -> Option<Protocols> {
    headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|p| Protocols::from_str(p.trim()).ok())
}

/// The read and write buffer of each socket.
const SOCKET_BUFFER_BYTES: usize = 8 * 1024;

/// Upgrades to GraphQL over WebSocket, or refuses (HTTP 400) a client that offers no
/// GraphQL subprotocol.
pub fn upgrade(state: AppState, upgrade: WebSocketUpgrade, headers: &HeaderMap) -> HttpResponse {
    let Some(protocol) = protocol(headers) else {
        let offered: Vec<&str> = ALL_WEBSOCKET_PROTOCOLS.to_vec();
        return (
            StatusCode::BAD_REQUEST,
            format!(
                "a GraphQL WebSocket needs the Sec-WebSocket-Protocol header: one of {}",
                offered.join(", ")
            ),
        )
            .into_response();
    };
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .max_message_size(MAX_FRAME_BYTES)
        // Clients send small frames and each result is flushed as it is sent: buffers of a
        // few KiB (not the 128 KiB default, allocated per connection) are enough.
        .read_buffer_size(SOCKET_BUFFER_BYTES)
        .write_buffer_size(SOCKET_BUFFER_BYTES)
        .on_upgrade(move |socket| serve(socket, state, protocol))
}

/// Runs a WebSocket's operations on the served schema's WebSocket side.
#[derive(Clone)]
struct Live(AppState);

impl Executor for Live {
    async fn execute(&self, request: Request) -> Response {
        // Only batches over HTTP come here, and WebSocket messages never are one.
        self.execute_stream(request, None)
            .next()
            .await
            .unwrap_or_default()
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        self.0.schema.subscribe(request, session_data)
    }
}

/// What `connection_init` decided, for the loop that watches the socket.
#[derive(Clone, Copy)]
enum Init {
    Waiting,
    /// Accepted; the token is good until this many seconds after the epoch.
    Until(u64),
    Refused,
}

async fn serve(socket: WebSocket, state: AppState, protocol: Protocols) {
    crate::metrics::websocket(1);
    let (mut sink, stream) = socket.split();
    let input = stream
        .take_while(|m| futures_util::future::ready(!matches!(m, Ok(Message::Close(_)) | Err(_))))
        .filter_map(|m| {
            futures_util::future::ready(match m {
                Ok(Message::Text(text)) => Some(text.as_bytes().to_vec()),
                Ok(Message::Binary(bytes)) => Some(bytes.to_vec()),
                _ => None,
            })
        });
    let init = Arc::new(Mutex::new(Init::Waiting));
    let mut data = Data::default();
    data.insert(state.hub.clone());
    data.insert(ConnectionSubscriptions::default());
    let on_init = {
        let (state, init) = (state.clone(), init.clone());
        move |payload: serde_json::Value| async move {
            let header = authorization(&payload);
            match state.keys.authenticate_until(header.as_deref()) {
                Ok((viewer, until)) => {
                    *init.lock().unwrap_or_else(|e| e.into_inner()) = Init::Until(until);
                    let mut data = Data::default();
                    data.insert(spawned_loader(state.db.clone(), viewer.clone()));
                    data.insert(viewer);
                    Ok(data)
                }
                Err(error) => {
                    *init.lock().unwrap_or_else(|e| e.into_inner()) = Init::Refused;
                    Err(async_graphql::Error::new(format!("Forbidden: {error}")))
                }
            }
        }
    };
    let mut graphql = GraphQLSocket::new(Live(state.clone()), input, protocol)
        .connection_data(data)
        .on_connection_init(on_init);
    let init_deadline = tokio::time::sleep(state.limits.connection_init_timeout);
    tokio::pin!(init_deadline);
    let close = loop {
        let state_now = *init.lock().unwrap_or_else(|e| e.into_inner());
        let expiry = match state_now {
            Init::Until(until) => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                Some(Duration::from_secs(until.saturating_sub(now)))
            }
            _ => None,
        };
        tokio::select! {
            message = graphql.next() => match message {
                Some(WsMessage::Text(text)) => {
                    match tokio::time::timeout(SEND_TIMEOUT, sink.send(Message::Text(text.into()))).await {
                        Ok(Ok(())) => {}
                        _ => break None,
                    }
                }
                Some(WsMessage::Close(code, reason)) => {
                    // A refused connection_init is Forbidden in graphql-transport-ws.
                    let refused = matches!(*init.lock().unwrap_or_else(|e| e.into_inner()), Init::Refused);
                    break Some(if refused && code == 1002 { (4403, reason) } else { (code, reason) });
                }
                None => break None,
            },
            _ = &mut init_deadline, if matches!(state_now, Init::Waiting) => {
                break Some((4408, "Connection initialisation timeout".to_owned()));
            }
            _ = tokio::time::sleep(expiry.unwrap_or(Duration::MAX)), if expiry.is_some() => {
                break Some((4403, "Forbidden: the token expired".to_owned()));
            }
        }
    };
    if let Some((code, reason)) = close {
        let frame = CloseFrame {
            code,
            reason: reason.chars().take(120).collect::<String>().into(),
        };
        let _ = tokio::time::timeout(SEND_TIMEOUT, sink.send(Message::Close(Some(frame)))).await;
    }
    crate::metrics::websocket(-1);
}

/// The `Authorization` value of a `connection_init` payload: `Authorization` or
/// `authorization`, at the top or under `headers` (as some clients nest it).
fn authorization(payload: &serde_json::Value) -> Option<String> {
    let find = |v: &serde_json::Value| {
        ["Authorization", "authorization"]
            .iter()
            .find_map(|k| v.get(k).and_then(|v| v.as_str()).map(str::to_owned))
    };
    find(payload).or_else(|| payload.get("headers").and_then(find))
}
