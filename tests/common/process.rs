//! Running the binary as a separate process, as a user or an orchestrator would: `serve`
//! started with environment variables only, its address read from the `GraphiQL:` line it
//! prints, signals sent with `kill`, its exit status and stderr kept for assertions. Also a
//! TCP proxy that can "stop the database" under a running server and bring it back.

use super::SECRET;
use conversations_graph::auth::TokenKeys;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use uuid::Uuid;

pub const BIN: &str = env!("CARGO_BIN_EXE_conversations-graph");

/// Every environment variable the binary reads, so none leaks in from the caller's shell.
const SETTINGS: &[&str] = &[
    "DATABASE_URL",
    "LISTEN_ADDR",
    "JWT_SECRET",
    "JWT_PUBLIC_KEY_FILE",
    "JWT_ALGORITHM",
    "JWT_JWKS_FILE",
    "JWT_ISSUER",
    "JWT_AUDIENCE",
    "JWT_LEEWAY_SECONDS",
    "SEED_DEMO",
    "RUST_LOG",
    "SHUTDOWN_GRACE_SECONDS",
    "REQUEST_TIMEOUT_SECONDS",
    "DATABASE_ACQUIRE_TIMEOUT_SECONDS",
    "MAX_QUERY_DEPTH",
    "MAX_QUERY_COMPLEXITY",
    "MAX_ALIASES",
    "MAX_ROOT_FIELDS",
    "MAX_BATCH_SIZE",
    "MAX_BODY_BYTES",
    "INTROSPECTION",
    "MAX_RESPONSE_BYTES",
    "MAX_COMPANY_CONCURRENCY",
    "COMPANY_QUEUE_TIMEOUT_SECONDS",
    "BODY_READ_TIMEOUT_SECONDS",
    "MAX_CONNECTIONS",
    "HEADER_READ_TIMEOUT_SECONDS",
    "IDLE_TIMEOUT_SECONDS",
];

/// The binary with none of the settings it reads inherited from the environment.
pub fn bin() -> Command {
    let mut cmd = Command::new(BIN);
    for var in SETTINGS {
        cmd.env_remove(var);
    }
    cmd
}

/// A read-and-write token of `company` signed with the secret `Server::start` configures.
pub fn writer_token(company: Uuid) -> String {
    TokenKeys::hs256(SECRET.as_bytes()).issue(
        company,
        "read:conversations write:conversations",
        "tester",
        3600,
    )
}

/// A running `serve` process; killed (SIGKILL) on drop if still running.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
    stderr_reader: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts `serve` on `database_url` (already migrated), listening on an ephemeral port,
    /// with `JWT_SECRET` = the test secret and the extra environment `env`. Returns once it
    /// has printed its address; panics with its stderr if it exits first.
    pub fn start(database_url: &str, env: &[(&str, &str)]) -> Server {
        let mut cmd = bin();
        cmd.arg("serve")
            .env("DATABASE_URL", database_url)
            .env("LISTEN_ADDR", "127.0.0.1:0")
            .env("JWT_SECRET", SECRET)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in env {
            cmd.env(key, value);
        }
        let mut child = cmd.spawn().expect("the binary starts");
        // stderr is read to the end on a thread of its own, so the pipe never fills up and
        // everything the process said is there once it has exited.
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        let stderr_reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut addr = None;
        for line in lines.by_ref() {
            let Ok(line) = line else { break };
            if let Some(url) = line.strip_prefix("GraphiQL: http://") {
                let host = url.trim_end_matches("/graphql");
                addr = Some(host.parse().expect("a socket address in the GraphiQL line"));
                break;
            }
        }
        // Keep draining stdout.
        std::thread::spawn(move || for _ in lines {});
        let mut server = Server {
            child,
            addr: SocketAddr::from(([0, 0, 0, 0], 0)),
            stderr,
            stderr_reader: Some(stderr_reader),
        };
        match addr {
            Some(addr) => server.addr = addr,
            None => {
                let status = server.child.wait().ok();
                if let Some(reader) = server.stderr_reader.take() {
                    let _ = reader.join();
                }
                panic!(
                    "serve exited ({status:?}) without printing its address; stderr:\n{}",
                    server.stderr()
                );
            }
        }
        server
    }

    /// `start` off the async runtime's threads (it blocks until the address is printed).
    pub async fn spawn(database_url: &str, env: &[(&str, &str)]) -> Server {
        let url = database_url.to_owned();
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        tokio::task::spawn_blocking(move || {
            let env: Vec<(&str, &str)> =
                env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            Server::start(&url, &env)
        })
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Sends SIGTERM, as an orchestrator stopping the service does.
    pub fn sigterm(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -TERM {} failed", self.pid());
    }

    /// SIGKILL: the process dies at once, whatever it was doing.
    pub fn sigkill(&mut self) {
        self.child.kill().expect("SIGKILL the server");
    }

    /// The exit status if the process has exited.
    pub fn try_status(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().expect("try_wait")
    }

    /// Waits up to `timeout` for the process to exit; its status, or None if still running.
    pub async fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.try_status() {
                // The process is gone, so its stderr pipe is closed: the reader ends soon.
                if let Some(reader) = self.stderr_reader.take() {
                    let _ = tokio::task::spawn_blocking(move || reader.join()).await;
                }
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Everything the process wrote to stderr so far (all of it once it has exited).
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// One HTTP exchange with /graphql, kept whole for assertions.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    /// The body parsed as JSON, or the raw text when it is not JSON.
    pub body: Result<Value, String>,
}

impl Reply {
    /// The JSON body; panics naming the raw text when it was not JSON.
    pub fn json(&self) -> &Value {
        match &self.body {
            Ok(v) => v,
            Err(text) => panic!(
                "HTTP {} {}: the body is not JSON: {text:?}",
                self.status, self.content_type
            ),
        }
    }

    /// The `extensions.code` of every GraphQL error (empty when there are none).
    pub fn error_codes(&self) -> Vec<String> {
        self.json()["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| {
                        e["extensions"]["code"]
                            .as_str()
                            .unwrap_or("<no code>")
                            .to_owned()
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// POSTs a GraphQL document to `base`/graphql. Err only when no HTTP response came back
/// (connection refused or cut).
pub async fn post(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    query: &str,
    variables: Value,
) -> Result<Reply, reqwest::Error> {
    let response = client
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await?;
    let body = serde_json::from_str(&text).map_err(|_| text);
    Ok(Reply {
        status,
        content_type,
        body,
    })
}

/// GET `base``path`: (status, body parsed as JSON or raw text).
pub async fn get(
    client: &reqwest::Client,
    base: &str,
    path: &str,
) -> Result<(u16, Result<Value, String>), reqwest::Error> {
    let response = client.get(format!("{base}{path}")).send().await?;
    let status = response.status().as_u16();
    let text = response.text().await?;
    Ok((status, serde_json::from_str(&text).map_err(|_| text)))
}

/// Whether a new TCP connection to `addr` is refused (nothing listens there any more).
pub async fn refuses_connections(addr: SocketAddr) -> bool {
    match tokio::time::timeout(Duration::from_secs(1), TcpStream::connect(addr)).await {
        Ok(Err(e)) => e.kind() == std::io::ErrorKind::ConnectionRefused,
        _ => false,
    }
}

/// The host:port of a `postgres://user@host:port/db` URL.
pub fn url_host_port(url: &str) -> String {
    let rest = &url[url.find("://").expect("a URL") + 3..];
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    rest.split(['/', '?']).next().unwrap().to_owned()
}

/// `url` with its host:port replaced by `host_port`.
pub fn with_host_port(url: &str, host_port: &str) -> String {
    url.replacen(&url_host_port(url), host_port, 1)
}

/// A TCP proxy from 127.0.0.1:<port> to `upstream`. `stop()` is the database going away
/// (nothing listens on the port, and every proxied connection is cut); `start_again()`
/// listens on the same port again.
pub struct Proxy {
    pub addr: SocketAddr,
    upstream: SocketAddr,
    acceptor: Option<JoinHandle<()>>,
    connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    pub async fn start(upstream: &str) -> Proxy {
        let upstream = tokio::net::lookup_host(upstream)
            .await
            .expect("resolve the upstream")
            .next()
            .expect("an upstream address");
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut proxy = Proxy {
            addr,
            upstream,
            acceptor: None,
            connections: Arc::new(Mutex::new(Vec::new())),
        };
        proxy.accept_on(listener);
        proxy
    }

    fn accept_on(&mut self, listener: TcpListener) {
        let upstream = self.upstream;
        let connections = self.connections.clone();
        self.acceptor = Some(tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let task = tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let _ = client.set_nodelay(true);
                    let _ = server.set_nodelay(true);
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                });
                connections.lock().unwrap().push(task);
            }
        }));
    }

    /// Closes the listening socket and cuts every proxied connection (both ends closed);
    /// returns once all of them are closed.
    pub async fn stop(&mut self) {
        if let Some(acceptor) = self.acceptor.take() {
            acceptor.abort();
            let _ = acceptor.await;
        }
        let tasks: Vec<JoinHandle<()>> = std::mem::take(&mut *self.connections.lock().unwrap());
        for task in &tasks {
            task.abort();
        }
        for task in tasks {
            let _ = task.await;
        }
    }

    /// Listens on the same port again.
    pub async fn start_again(&mut self) {
        assert!(self.acceptor.is_none(), "the proxy is running");
        let deadline = Instant::now() + Duration::from_secs(5);
        let listener = loop {
            match TcpListener::bind(self.addr).await {
                Ok(l) => break l,
                Err(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("cannot listen on {} again: {e}", self.addr),
            }
        };
        self.accept_on(listener);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(acceptor) = self.acceptor.take() {
            acceptor.abort();
        }
        for task in self.connections.lock().unwrap().drain(..) {
            task.abort();
        }
    }
}
