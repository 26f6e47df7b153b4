//! A GraphQL-over-WebSocket client for the tests: the real protocol, frame by frame, over
//! a real socket to the served router.

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for a frame it expects.
pub const WAIT: Duration = Duration::from_secs(15);

pub struct Socket {
    ws: WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>,
    /// The close frame the server sent, once it sent one.
    pub closed: Option<(u16, String)>,
    /// Frames of other operations read while waiting for one operation's.
    pending: std::collections::VecDeque<Value>,
}

/// What the socket gave within a wait.
#[derive(Debug)]
pub enum Frame {
    Json(Value),
    Closed(u16, String),
    Nothing,
}

impl Socket {
    /// Opens a WebSocket to `addr`'s /graphql offering `protocol`
    /// ("graphql-transport-ws" or "graphql-ws").
    pub async fn open(addr: SocketAddr, protocol: &str) -> Socket {
        Self::open_url(&format!("ws://{addr}/graphql"), protocol).await
    }

    pub async fn open_url(url: &str, protocol: &str) -> Socket {
        let mut request = url.into_client_request().unwrap();
        request
            .headers_mut()
            .insert("sec-websocket-protocol", protocol.parse().unwrap());
        let (ws, response) = tokio_tungstenite::connect_async(request)
            .await
            .expect("the WebSocket opens");
        assert_eq!(
            response.headers()["sec-websocket-protocol"],
            protocol,
            "the server speaks the offered protocol"
        );
        Socket {
            ws,
            closed: None,
            pending: Default::default(),
        }
    }

    /// Opens a graphql-transport-ws socket and initialises it with `token`, asserting the
    /// acknowledgement.
    pub async fn connected(addr: SocketAddr, token: &str) -> Socket {
        let mut socket = Socket::open(addr, "graphql-transport-ws").await;
        socket
            .send(json!({
                "type": "connection_init",
                "payload": { "Authorization": format!("Bearer {token}") },
            }))
            .await;
        match socket.frame(WAIT).await {
            Frame::Json(ack) => assert_eq!(ack["type"], "connection_ack", "{ack}"),
            other => panic!("expected connection_ack, got {other:?}"),
        }
        socket
    }

    pub async fn send(&mut self, message: Value) {
        self.ws
            .send(Message::Text(message.to_string().into()))
            .await
            .expect("the frame is sent");
    }

    /// Starts operation `id` (graphql-transport-ws `subscribe`).
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({
            "id": id,
            "type": "subscribe",
            "payload": { "query": query, "variables": variables },
        }))
        .await;
    }

    /// Ends operation `id`.
    pub async fn complete(&mut self, id: &str) {
        self.send(json!({ "id": id, "type": "complete" })).await;
    }

    /// The next JSON frame (pings answered and skipped), the close, or nothing within
    /// `wait`.
    pub async fn frame(&mut self, wait: Duration) -> Frame {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let next = match tokio::time::timeout_at(deadline, self.ws.next()).await {
                Err(_) => return Frame::Nothing,
                Ok(next) => next,
            };
            match next {
                Some(Ok(Message::Text(text))) => {
                    let value: Value = serde_json::from_str(&text).expect("frames are JSON");
                    if value["type"] == "ping" {
                        self.send(json!({ "type": "pong" })).await;
                        continue;
                    }
                    return Frame::Json(value);
                }
                Some(Ok(Message::Close(frame))) => {
                    let (code, reason) = frame
                        .map(|f| (u16::from(f.code), f.reason.to_string()))
                        .unwrap_or((1005, String::new()));
                    self.closed = Some((code, reason.clone()));
                    return Frame::Closed(code, reason);
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Frame::Closed(1006, String::new()),
            }
        }
    }

    /// The next frame of operation `id`: one read earlier while waiting for another
    /// operation's, or the next to arrive (other operations' frames are kept for later).
    async fn frame_of(&mut self, id: &str) -> Frame {
        if let Some(at) = self.pending.iter().position(|v| v["id"] == id) {
            return Frame::Json(self.pending.remove(at).unwrap());
        }
        loop {
            match self.frame(WAIT).await {
                Frame::Json(v) if v["id"] != id && v.get("id").is_some() => {
                    self.pending.push_back(v)
                }
                other => return other,
            }
        }
    }

    /// The payload of the next `next` frame of operation `id`; panics on anything else.
    pub async fn next_of(&mut self, id: &str) -> Value {
        match self.frame_of(id).await {
            Frame::Json(v) if v["type"] == "next" || v["type"] == "data" => v["payload"].clone(),
            other => panic!("expected a result of {id}, got {other:?}"),
        }
    }

    /// The event of the next result of operation `id` (its `data.<field>`), asserting the
    /// result has no errors.
    pub async fn event(&mut self, id: &str, field: &str) -> Value {
        let payload = self.next_of(id).await;
        assert!(payload.get("errors").is_none(), "errors in {payload:#}");
        payload["data"][field].clone()
    }

    /// Waits for operation `id`'s `complete`, skipping other operations' frames.
    pub async fn completed(&mut self, id: &str) {
        match self.frame_of(id).await {
            Frame::Json(v) if v["type"] == "complete" => {}
            other => panic!("expected {id} to complete, got {other:?}"),
        }
    }

    /// Asserts that nothing arrives within `wait` (and nothing read earlier is unread).
    pub async fn quiet(&mut self, wait: Duration) {
        assert!(self.pending.is_empty(), "unread frames: {:?}", self.pending);
        match self.frame(wait).await {
            Frame::Nothing => {}
            other => panic!("expected nothing, got {other:?}"),
        }
    }
}
