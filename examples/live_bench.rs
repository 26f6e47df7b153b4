//! The live-update measurement of `bench/` (run by `bench/bench.py`, see bench/README.md):
//! opens subscriptions with filters to a running server, writes at a steady rate, and
//! prints one JSON object: the delay from each event's commit to its delivery, what was
//! written and delivered, and the server's memory.
//!
//! The delay of a delivery is the moment the client has read the frame minus the event's
//! `at`, which the server stamps when it appends the event inside the write's transaction
//! (just before the commit); both clocks are this machine's.
//!
//! Settings (environment): LIVE_URL (the server's base URL), LIVE_TOKENS (tokens that may
//! read and write, one per company, comma-separated: subscriptions and writes are spread
//! evenly over the companies), LIVE_PID (the server's process id, for its memory),
//! LIVE_SUBSCRIPTIONS (1000), LIVE_CONNECTIONS (100; the subscriptions are spread evenly
//! over them), LIVE_RATE (writes per second, 200), LIVE_SECONDS (measured, 20),
//! LIVE_WARMUP (seconds written before measuring, 3).

use futures_util::{SinkExt, StreamExt};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const SUBSCRIPTION: &str = "subscription ($filter: ConversationFilter) { \
    conversationEvents(filter: $filter) { cursor kind at conversationId } }";

const PRIORITIES: [&str; 4] = ["LOW", "MEDIUM", "HIGH", "URGENT"];
const STATUSES: [&str; 3] = ["OPEN", "PENDING", "CLOSED"];

fn setting(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

fn number(name: &str, default: u64) -> u64 {
    setting(name, &default.to_string())
        .parse()
        .unwrap_or_else(|_| panic!("{name} must be a whole number"))
}

/// The server's resident memory, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

struct Api {
    client: reqwest::Client,
    url: String,
    token: String,
}

/// One company: its token's API and what the writes and filters use.
struct Company {
    api: Api,
    agents: Vec<String>,
    conversations: Vec<String>,
    views: Vec<Value>,
}

impl Api {
    async fn data(&self, query: &str, variables: Value) -> Result<Value, String> {
        let body: Value = self
            .client
            .post(format!("{}/graphql", self.url))
            .bearer_auth(&self.token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        match body.get("errors") {
            Some(errors) => Err(errors.to_string()),
            None => Ok(body["data"].clone()),
        }
    }

    async fn ids(&self, field: &str, wanted: usize) -> Vec<String> {
        let mut ids = Vec::new();
        let mut after = Value::Null;
        while ids.len() < wanted {
            let query = format!(
                "query ($after: String) {{ {field}(first: 100, after: $after) {{ \
                 pageInfo {{ hasNextPage endCursor }} nodes {{ id }} }} }}"
            );
            let data = self.data(&query, json!({ "after": after })).await.unwrap();
            let page = &data[field];
            ids.extend(
                page["nodes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| n["id"].as_str().unwrap().to_owned()),
            );
            if page["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = page["pageInfo"]["endCursor"].clone();
        }
        ids.truncate(wanted);
        ids
    }
}

/// The views an inbox screen keeps live: everything open, each agent's open
/// conversations, each inbox, each inbox's open ones, the unassigned queue, the urgent
/// ones, and a few compound filters.
fn views(agents: &[String], inboxes: &[String]) -> Vec<Value> {
    let mut views = vec![
        json!({ "status": "OPEN" }),
        json!({ "unassigned": true, "status": "OPEN" }),
        json!({ "priority": "URGENT" }),
        json!({ "priorityIn": ["HIGH", "URGENT"], "statusIn": ["OPEN", "PENDING"] }),
        json!({ "or": [{ "status": "PENDING" }, { "unassigned": true }] }),
        json!({ "not": { "status": "CLOSED" }, "channel": "EMAIL" }),
    ];
    for agent in agents {
        views.push(json!({ "assigneeId": agent, "status": "OPEN" }));
        views.push(json!({ "assigneeId": agent }));
    }
    for inbox in inboxes {
        views.push(json!({ "inboxId": inbox }));
        views.push(json!({ "inboxId": inbox, "status": "OPEN" }));
    }
    views
}

#[derive(Default)]
struct Tally {
    /// Delays of the deliveries read in the measured window, in ms.
    delays: Mutex<Vec<f64>>,
    /// Deliveries whose cursor was not after the subscription's previous one.
    out_of_order: AtomicU64,
    /// Error results and closed sockets.
    failures: AtomicU64,
    writes: AtomicU64,
    write_failures: AtomicU64,
    write_delays: Mutex<Vec<f64>>,
}

fn position(cursor: &str) -> i64 {
    use base64::Engine;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .unwrap_or_default();
    String::from_utf8_lossy(&raw)
        .strip_prefix("event:")
        .and_then(|p| p.parse().ok())
        .unwrap_or(-1)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() {
    let url = setting("LIVE_URL", "http://127.0.0.1:8080");
    let tokens = setting("LIVE_TOKENS", "");
    let pid: u32 = number("LIVE_PID", 0) as u32;
    let subscriptions = number("LIVE_SUBSCRIPTIONS", 1000) as usize;
    let connections = (number("LIVE_CONNECTIONS", 100) as usize).clamp(1, subscriptions);
    let rate = number("LIVE_RATE", 200);
    let seconds = number("LIVE_SECONDS", 20);
    let warmup = number("LIVE_WARMUP", 3);
    let client = reqwest::Client::new();
    let mut companies = Vec::new();
    for token in tokens.split(',').filter(|t| !t.is_empty()) {
        let api = Api {
            client: client.clone(),
            url: url.clone(),
            token: token.to_owned(),
        };
        let agents = api.ids("agents", 100).await;
        let inboxes = api.ids("inboxes", 100).await;
        let conversations = api.ids("conversations", 2000).await;
        let views = views(&agents, &inboxes);
        companies.push(Company {
            api,
            agents,
            conversations,
            views,
        });
    }
    assert!(!companies.is_empty(), "LIVE_TOKENS holds no token");
    let companies = Arc::new(companies);
    let distinct_filters: usize = companies
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let of_company = (i..subscriptions).step_by(companies.len()).count();
            c.views.len().min(of_company)
        })
        .sum();

    let rss_before = rss_kib(pid);
    let tally = Arc::new(Tally::default());
    let measuring = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let opened = Arc::new(AtomicUsize::new(0));
    let ws_url = format!("{}/graphql", url.replacen("http", "ws", 1));
    let mut readers = Vec::new();
    for c in 0..connections {
        // A connection belongs to one company: subscription s is company s % n's.
        let company = &companies[c % companies.len()];
        let token = &company.api.token;
        let mut request = ws_url.as_str().into_client_request().unwrap();
        request.headers_mut().insert(
            "sec-websocket-protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        let (mut ws, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("the WebSocket opens");
        let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
        ws.send(Message::Text(init.to_string().into()))
            .await
            .unwrap();
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(t))) if t.contains("connection_ack") => break,
                Some(Ok(_)) => continue,
                other => panic!("no connection_ack: {other:?}"),
            }
        }
        // Subscriptions c, c + connections, c + 2 * connections, ... (connections is a
        // multiple of the companies, or one company's subscriptions share a connection).
        let mine: Vec<usize> = (c..subscriptions).step_by(connections).collect();
        for &s in &mine {
            let view = &company.views[(s / companies.len()) % company.views.len()];
            let subscribe = json!({ "id": s.to_string(), "type": "subscribe",
                "payload": { "query": SUBSCRIPTION, "variables": { "filter": view } } });
            ws.send(Message::Text(subscribe.to_string().into()))
                .await
                .unwrap();
        }
        opened.fetch_add(mine.len(), Ordering::Relaxed);
        let (tally, measuring) = (tally.clone(), measuring.clone());
        readers.push(tokio::spawn(async move {
            let mut last: std::collections::HashMap<String, i64> = Default::default();
            while let Some(frame) = ws.next().await {
                let text = match frame {
                    Ok(Message::Text(text)) => text,
                    Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_)) => continue,
                    Ok(Message::Binary(_)) => continue,
                    Ok(Message::Close(_)) | Err(_) => {
                        tally.failures.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                };
                let read_at = chrono::Utc::now();
                let frame: Value = serde_json::from_str(&text).unwrap();
                match frame["type"].as_str() {
                    Some("next") => {}
                    Some("ping") => {
                        let _ = ws
                            .send(Message::Text(json!({ "type": "pong" }).to_string().into()))
                            .await;
                        continue;
                    }
                    _ => {
                        eprintln!("unexpected frame: {text}");
                        tally.failures.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                }
                let event = &frame["payload"]["data"]["conversationEvents"];
                let Some(at) = event["at"].as_str() else {
                    eprintln!("a result without an event: {text}");
                    tally.failures.fetch_add(1, Ordering::Relaxed);
                    continue;
                };
                let at: chrono::DateTime<chrono::Utc> = at.parse().unwrap();
                let at = event["cursor"].as_str().map(position).map(|p| (p, at));
                let Some((p, at)) = at else { continue };
                let id = frame["id"].as_str().unwrap_or_default().to_owned();
                let previous = last.insert(id, p).unwrap_or(i64::MIN);
                if p <= previous {
                    tally.out_of_order.fetch_add(1, Ordering::Relaxed);
                }
                if measuring.load(Ordering::Relaxed) {
                    let delay = (read_at - at).num_microseconds().unwrap_or(i64::MAX) as f64;
                    tally.delays.lock().unwrap().push(delay / 1000.0);
                }
            }
        }));
    }
    // Let every subscription start following the log, then see what they cost at rest.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_open = rss_kib(pid);

    // The writes: updates of status, assignee and priority, and new messages, on random
    // conversations of the company, started at a steady rate whatever each one takes.
    let peak = Arc::new(AtomicU64::new(rss_open));
    let sampler = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                peak.fetch_max(rss_kib(pid), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        })
    };
    let mut rng = StdRng::seed_from_u64(17);
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate as f64));
    let total = Duration::from_secs(warmup + seconds);
    let started = Instant::now();
    let mut in_flight = Vec::new();
    let mut written_in_window = 0u64;
    let mut n = 0usize;
    while started.elapsed() < total {
        tick.tick().await;
        let company_at = n % companies.len();
        n += 1;
        let company = &companies[company_at];
        let (conversations, agents) = (&company.conversations, &company.agents);
        let in_window = started.elapsed() >= Duration::from_secs(warmup);
        if in_window && !measuring.swap(true, Ordering::Relaxed) {
            tally.delays.lock().unwrap().clear();
        }
        let id = conversations[rng.random_range(0..conversations.len())].clone();
        let (query, variables) = match rng.random_range(0..4) {
            0 => (
                "mutation ($id: ID!, $content: String!) { createMessage(conversationId: $id, \
                 input: { content: $content, direction: INBOUND }) { userErrors { code } } }",
                json!({ "id": id, "content": format!("live bench {}", rng.random::<u32>()) }),
            ),
            1 => {
                let assignee = if rng.random_bool(0.2) {
                    Value::Null
                } else {
                    json!(agents[rng.random_range(0..agents.len())])
                };
                (
                    "mutation ($id: ID!, $input: UpdateConversationInput!) { updateConversation(id: $id, input: $input) { userErrors { code } } }",
                    json!({ "id": id, "input": { "assigneeId": assignee } }),
                )
            }
            2 => (
                "mutation ($id: ID!, $input: UpdateConversationInput!) { updateConversation(id: $id, input: $input) { userErrors { code } } }",
                json!({ "id": id, "input": { "priority": PRIORITIES[rng.random_range(0..4)] } }),
            ),
            _ => (
                "mutation ($id: ID!, $input: UpdateConversationInput!) { updateConversation(id: $id, input: $input) { userErrors { code } } }",
                json!({ "id": id, "input": { "status": STATUSES[rng.random_range(0..3)] } }),
            ),
        };
        if in_window {
            written_in_window += 1;
        }
        let (companies, tally) = (companies.clone(), tally.clone());
        in_flight.push(tokio::spawn(async move {
            let sent = Instant::now();
            match companies[company_at].api.data(query, variables).await {
                Ok(data) if data.to_string().contains("\"userErrors\":[]") => {
                    tally.writes.fetch_add(1, Ordering::Relaxed);
                    let ms = sent.elapsed().as_secs_f64() * 1000.0;
                    tally.write_delays.lock().unwrap().push(ms);
                }
                other => {
                    eprintln!("a write failed: {other:?}");
                    tally.write_failures.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    let wrote_for = started.elapsed().as_secs_f64() - warmup as f64;
    for write in in_flight {
        let _ = write.await;
    }
    // What is still on its way arrives within this; later is counted as lost.
    tokio::time::sleep(Duration::from_secs(2)).await;
    measuring.store(false, Ordering::Relaxed);
    sampler.abort();

    let mut delays = std::mem::take(&mut *tally.delays.lock().unwrap());
    delays.sort_by(f64::total_cmp);
    let mut write_delays = std::mem::take(&mut *tally.write_delays.lock().unwrap());
    write_delays.sort_by(f64::total_cmp);
    let subscribed = opened.load(Ordering::Relaxed);
    let report = json!({
        "subscriptions": subscribed,
        "connections": connections,
        "companies": companies.len(),
        "distinct_filters": distinct_filters,
        "rate_target": rate,
        "writes_per_second": written_in_window as f64 / wrote_for,
        "writes_ok": tally.writes.load(Ordering::Relaxed),
        "writes_failed": tally.write_failures.load(Ordering::Relaxed),
        "write_p50_ms": percentile(&write_delays, 50.0),
        "write_p99_ms": percentile(&write_delays, 99.0),
        "deliveries": delays.len(),
        "deliveries_per_second": delays.len() as f64 / wrote_for,
        "delay_p50_ms": percentile(&delays, 50.0),
        "delay_p90_ms": percentile(&delays, 90.0),
        "delay_p99_ms": percentile(&delays, 99.0),
        "delay_max_ms": delays.last().copied().unwrap_or(f64::NAN),
        "out_of_order": tally.out_of_order.load(Ordering::Relaxed),
        "failures": tally.failures.load(Ordering::Relaxed),
        "rss_before_kib": rss_before,
        "rss_open_kib": rss_open,
        "rss_peak_kib": peak.load(Ordering::Relaxed),
        "kib_per_subscription": (rss_open as f64 - rss_before as f64) / subscribed as f64,
    });
    println!("{report}");
    for reader in readers {
        reader.abort();
    }
}
