#!/usr/bin/env python3
"""The benchmark: seeds a fresh database, serves it with the release build, drives each
operation with oha at fixed concurrency, measures the same work as plain SQL with pgbench,
and writes BENCHMARKS.md. Standard library only; run through bench/run.sh.

Settings (environment): BENCH_DATABASE_URL (a PostgreSQL URL whose user may create
databases; default postgres://postgres@127.0.0.1:5432/postgres), BENCH_ROUNDS (3),
BENCH_DURATION (seconds measured per operation and round, 6), BENCH_WARMUP (1), BENCH_ALONE (seconds
of the concurrency-1 latency run per operation, 2),
BENCH_PG_SCALE (100), BENCH_SQLITE_SCALE (10), BENCH_OUTPUT (BENCHMARKS.md at the root).
"""

import atexit
import base64
import datetime
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = ROOT / "target" / "release" / "conversations-graph"
OHA = BENCH / ".tools" / "bin" / "oha"
# The live-update client (examples/live_bench.rs), built by bench/run.sh.
LIVE = ROOT / "target" / "release" / "examples" / "live_bench"
FLOOR = BENCH / "floor"
# Each operation's hand-written statement in bench/floor/.
HAND_WRITTEN = {
    "dashboard": "dashboard",
    "deep page": "deep_page",
    "filtered": "filtered",
    "search common": "search",
    "search common + count": "search_count",
    "search rare": "search",
    "search rare + count": "search_count",
    "write (createMessage)": "create_message",
}
CONCURRENCY = 16
SECRET = "bench-secret-not-for-production"
SEED = 1

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
DURATION = float(os.environ.get("BENCH_DURATION", "6"))
WARMUP = float(os.environ.get("BENCH_WARMUP", "1"))
ALONE = float(os.environ.get("BENCH_ALONE", "2"))
PG_SCALE = float(os.environ.get("BENCH_PG_SCALE", "100"))
SQLITE_SCALE = float(os.environ.get("BENCH_SQLITE_SCALE", "10"))
PG_ADMIN = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
OUTPUT = Path(os.environ.get("BENCH_OUTPUT", ROOT / "BENCHMARKS.md"))
LIVE_SUBSCRIPTIONS = int(os.environ.get("BENCH_LIVE_SUBSCRIPTIONS", "1000"))
LIVE_RATE = int(os.environ.get("BENCH_LIVE_RATE", "200"))
LIVE_SECONDS = int(os.environ.get("BENCH_LIVE_SECONDS", "20"))
# The live runs: (whose subscriptions and writes, subscriptions per connection). Every
# company of the seed (a shared instance), then the first company alone (all the fan-out on
# one company's filters), then that again with one subscription per connection (the most
# connections for as many subscriptions).
LIVE_RUNS = (("every company", 10), ("one company", 10), ("one company", 1))

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
ANALYSIS = "<!-- analysis: kept by bench.py when it rewrites the tables above -->"
STARTED = time.monotonic()
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def log(message):
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def document(name):
    return (BENCH / "operations" / f"{name}.graphql").read_text()


# --- PostgreSQL through psql -------------------------------------------------------------


def with_database(url, name):
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def psql(url, sql):
    out = subprocess.run(
        ["psql", url, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


# --- The server ---------------------------------------------------------------------------


# Servers still running; killed when the benchmark exits, whichever way it exits (a failed
# check raises SystemExit while a server is up).
RUNNING = set()
atexit.register(lambda: [server.process.kill() for server in list(RUNNING)])


class Server:
    """The release binary serving `database_url`; stopped with SIGTERM."""

    def __init__(self, database_url, extra_env=None, log_path=None):
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("JWT_", "MAX_", "DATABASE_", "RUST_LOG"))
        }
        env.update(
            DATABASE_URL=database_url,
            JWT_SECRET=SECRET,
            LISTEN_ADDR="127.0.0.1:0",
            SEED_DEMO="false",
            RUST_LOG="warn",
        )
        env.update(extra_env or {})
        self.log = open(log_path or os.devnull, "w")
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [str(BIN), "serve"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        RUNNING.add(self)
        for line in self.process.stdout:
            if line.startswith("GraphiQL: "):
                self.base = line.split()[1].removesuffix("/graphql")
                break
        else:
            raise SystemExit(f"the server did not start; see {log_path}")
        threading.Thread(target=self.process.stdout.read, daemon=True).start()
        while True:
            try:
                with urllib.request.urlopen(self.base + "/readyz", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.01)
        self.ready_after = time.monotonic() - self.started

    def rss_mb(self):
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def cpu_seconds(self):
        """CPU time (user and system) the server has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def metrics(self):
        """Every sample of /metrics, by `name{labels}`."""
        with urllib.request.urlopen(self.base + "/metrics", timeout=10) as r:
            text = r.read().decode()
        samples = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                key, _, value = line.rpartition(" ")
                samples[key] = float(value)
        return samples

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        RUNNING.discard(self)
        self.log.close()


def machine_busy_seconds():
    """CPU time all cores of the machine have spent busy so far."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in fields[:7])
    return (user + nice + system + irq + softirq) / CLOCK_TICKS


def metric_sum(samples, name):
    return sum(v for k, v in samples.items() if k == name or k.startswith(name + "{"))


def graphql(server, token, query, variables):
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(
        server.base + "/graphql",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=60) as r:
        answer = json.loads(r.read())
    if answer.get("errors"):
        raise SystemExit(f"the operation failed: {json.dumps(answer['errors'])}")
    return answer["data"]


# --- Measuring ----------------------------------------------------------------------------


def oha(server, token, body_args, seconds, concurrency=CONCURRENCY):
    out = subprocess.run(
        [
            str(OHA),
            "-z",
            f"{seconds}s",
            "-c",
            str(concurrency),
            "--no-tui",
            "--output-format",
            "json",
            "-m",
            "POST",
            "-H",
            f"Authorization: Bearer {token}",
            "-H",
            "Content-Type: application/json",
            *body_args,
            server.base + "/graphql",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def measure(server, token, op):
    """One round of one operation: warm-up, then the measured run, with the statements
    the server ran (from /metrics) and its peak RSS while it ran."""
    oha(server, token, op["body"], WARMUP)
    before = server.metrics()
    peak = [server.rss_mb()]
    done = threading.Event()

    def sample():
        while not done.wait(0.25):
            peak.append(server.rss_mb())

    sampler = threading.Thread(target=sample)
    sampler.start()
    cpu_before, busy_before = server.cpu_seconds(), machine_busy_seconds()
    result = oha(server, token, op["body"], DURATION)
    cpu = server.cpu_seconds() - cpu_before
    busy = machine_busy_seconds() - busy_before
    done.set()
    sampler.join()
    after = server.metrics()
    statuses = result.get("statusCodeDistribution", {})
    ok = sum(n for code, n in statuses.items() if code.startswith("2"))
    total = sum(statuses.values())
    # Requests still in flight when the duration ends are cut off ("aborted due to
    # deadline"); any other error is a failure.
    errors = {
        e: n for e, n in result.get("errorDistribution", {}).items() if "deadline" not in e
    }
    if total == 0 or ok != total or errors:
        raise SystemExit(
            f"{op['name']}: not every request succeeded: {statuses} {errors}"
        )
    statements = metric_sum(after, "graphql_request_sql_statements_sum") - metric_sum(
        before, "graphql_request_sql_statements_sum"
    )
    requests = metric_sum(after, "graphql_request_sql_statements_count") - metric_sum(
        before, "graphql_request_sql_statements_count"
    )
    p = result["latencyPercentiles"]
    return {
        "rps": result["summary"]["requestsPerSec"],
        "p50": p["p50"] * 1000,
        "p99": p["p99"] * 1000,
        "statements": statements / requests if requests else float("nan"),
        "rss": max(peak),
        # CPU per answered request: the server's, and everything else's on the machine
        # (the database and the load generator).
        "cpu": cpu * 1000 / ok,
        "other_cpu": max(busy - cpu, 0) * 1000 / ok,
    }


def pgbench(database_url, script, seconds, concurrency=CONCURRENCY, defines=None, plan_cache_mode=None):
    """The same work as plain SQL: `script` (one request's statements) at the same
    concurrency, prepared, with pgbench variables `defines` and the session's
    plan_cache_mode; requests/s and latency percentiles from the transaction log."""
    env = dict(os.environ)
    if plan_cache_mode:
        env["PGOPTIONS"] = f"-c plan_cache_mode={plan_cache_mode}"
    define_args = [a for k, v in (defines or {}).items() for a in ("-D", f"{k}={v}")]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "script.sql"
        path.write_text(script)
        subprocess.run(
            [
                "pgbench",
                "-n",
                "-M",
                "prepared",
                "-c",
                str(concurrency),
                "-j",
                str(min(2, concurrency)),
                "-T",
                str(max(1, round(seconds))),
                "-l",
                "--log-prefix",
                str(Path(tmp) / "log"),
                "-f",
                str(path),
                *define_args,
                database_url,
            ],
            check=True,
            capture_output=True,
            text=True,
            cwd=tmp,
            env=env,
        )
        latencies = []
        first = last = None
        for log_file in Path(tmp).glob("log*"):
            for line in log_file.read_text().splitlines():
                fields = line.split()
                latencies.append(int(fields[2]) / 1000)
                at = int(fields[4]) + int(fields[5]) / 1e6
                first = at if first is None else min(first, at)
                last = at if last is None else max(last, at)
        latencies.sort()
        span = max(last - first, 1e-9)
        return {
            "rps": len(latencies) / span,
            "p50": latencies[len(latencies) // 2],
            "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        }


def capture_sql(database_url, token, ops):
    """The statements one request of each operation runs, as the server logs them, each
    ready for pgbench."""
    with tempfile.TemporaryDirectory() as tmp:
        log_path = Path(tmp) / "server.log"
        server = Server(
            database_url,
            {"RUST_LOG": "warn,conversations_graph::sql=debug"},
            log_path,
        )
        scripts = {}
        try:
            for op in ops:
                graphql(server, token, op["query"], op["variables"])  # warm caches
                mark = log_path.stat().st_size
                graphql(server, token, op["query"], op["variables"])
                with open(log_path) as f:
                    f.seek(mark)
                    lines = (ANSI.sub("", line) for line in f)
                    statements = [
                        line.split("conversations_graph::sql: ", 1)[1].strip()
                        for line in lines
                        if "conversations_graph::sql: " in line
                    ]
                scripts[op["name"]] = "".join(s + ";\n" for s in statements)
        finally:
            server.stop()
        return scripts


def hand_written(op_name, company, facts):
    """The operation's hand-written statement from bench/floor/, with its variables and
    the plan_cache_mode it states, ready for `pgbench`."""
    text = (FLOOR / f"{HAND_WRITTEN[op_name]}.sql").read_text()
    mode = re.search(r"-- plan_cache_mode: (\S+)", text).group(1)
    defines = {"company_id": company}
    if op_name == "deep page":
        defines["cursor_updated_at"] = facts["cursor_updated_at"]
        defines["cursor_id"] = facts["cursor_id"]
    if op_name == "filtered":
        defines["phone_pattern"] = "%42%"
    if op_name.startswith("search"):
        word = facts["rare"] if "rare" in op_name else facts["common"]
        defines["pattern"] = f"%{word}%"
    if op_name.startswith("write"):
        array = "ARRAY[" + ", ".join(f"'{i}'::uuid" for i in facts["write_ids"]) + "]"
        text = text.replace("/*WRITE_IDS*/", array)
    return {"script": text, "defines": defines, "plan_cache_mode": mode}


def cursor_position(cursor):
    """The (updated_at, id) of the row a dashboard cursor points at: the cursor is
    base64url of `ordering|id|t<microseconds>`."""
    raw = cursor + "=" * (-len(cursor) % 4)
    _, row_id, key = base64.urlsafe_b64decode(raw).decode().split("|", 2)
    at = datetime.datetime.fromtimestamp(int(key[1:]) / 1e6, datetime.timezone.utc)
    return at.isoformat(), row_id


# --- The operations -----------------------------------------------------------------------


def body(query, variables):
    return json.dumps({"query": query, "variables": variables})


def operations(server, token, database_url, company, pg):
    """The operations of the benchmark, with variables chosen from the data."""
    dashboard = document("dashboard")
    # The cursor 90% of the way through the company's conversations, by walking the pages.
    total = graphql(server, token, "{ conversations { totalCount } }", {})["conversations"][
        "totalCount"
    ]
    target, after, seen = int(total * 0.9), None, 0
    walk = "query ($after: String) { conversations(first: 100, after: $after) { pageInfo { endCursor } } }"
    while seen + 100 <= target:
        after = graphql(server, token, walk, {"after": after})["conversations"]["pageInfo"][
            "endCursor"
        ]
        seen += 100
    if seen < target:
        step = "query ($after: String, $n: Int) { conversations(first: $n, after: $after) { pageInfo { endCursor } } }"
        after = graphql(server, token, step, {"after": after, "n": target - seen})[
            "conversations"
        ]["pageInfo"]["endCursor"]

    if pg:
        rare = psql(
            database_url,
            f"SELECT substring(content from '[0-9]{{5}}') FROM messages WHERE company_id = '{company}' AND content ~ '[0-9]{{5}}' ORDER BY id LIMIT 1",
        )
    else:
        rare = None
    common = "apartment"
    search = document("search")
    counted = document("search_count")
    ops = [
        ("dashboard", dashboard, {"first": 50}),
        ("filtered", document("filtered"), {"phone": "42"}),
        ("deep page", dashboard, {"first": 50, "after": after}),
        ("search common", search, {"q": common}),
        ("search common + count", counted, {"q": common}),
    ]
    if rare is None:
        rare = graphql(
            server,
            token,
            "{ searchMessages(query: \"order\", first: 1) { nodes { message { content } } } }",
            {},
        )["searchMessages"]["nodes"][0]["message"]["content"]
        rare = re.search(r"[0-9]{5}", rare).group(0) if re.search(r"[0-9]{5}", rare) else "Kraków"
    ops += [
        ("search rare", search, {"q": rare}),
        ("search rare + count", counted, {"q": rare}),
    ]
    result = [
        {"name": n, "query": q, "variables": v, "body": ["-d", body(q, v)]} for n, q, v in ops
    ]
    # Writes: one body per line, each for a random conversation; oha picks a line per request.
    ids = []
    page = "query ($after: String) { conversations(first: 100, after: $after) { pageInfo { endCursor hasNextPage } nodes { id } } }"
    after = None
    while len(ids) < 1000:
        data = graphql(server, token, page, {"after": after})["conversations"]
        ids += [n["id"] for n in data["nodes"]]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    lines = Path(tempfile.mkstemp(suffix=".jsonl")[1])
    write = document("create_message")
    rng = random.Random(SEED)
    lines.write_text(
        "".join(body(write, {"conversation": rng.choice(ids)}) + "\n" for _ in range(5000))
    )
    result.append(
        {
            "name": "write (createMessage)",
            "query": write,
            "variables": {"conversation": ids[0]},
            "body": ["-Z", str(lines)],
        }
    )
    cursor_updated_at, cursor_id = cursor_position(after)
    facts = {
        "common": common,
        "rare": rare,
        "total": total,
        "cursor_updated_at": cursor_updated_at,
        "cursor_id": cursor_id,
        "write_ids": ids[:1000],
    }
    return result, facts


# --- The run ------------------------------------------------------------------------------


def median_of(rounds, key):
    values = [r[key] for r in rounds]
    return statistics.median(values)


def seed(name, database_url, scale, company):
    """Seeds the database; returns the seconds it took and a token of `company`."""
    log(f"{name}: seeding scale {scale}")
    t = time.monotonic()
    subprocess.run(
        [str(BIN), "seed", "--scale", str(scale), "--seed", str(SEED)],
        env={**os.environ, "DATABASE_URL": database_url},
        check=True,
        capture_output=True,
    )
    seed_seconds = time.monotonic() - t
    log(f"{name}: seeded in {seed_seconds:.1f}s")
    token = subprocess.run(
        [str(BIN), "token", "--company", company, "--jwt-secret", SECRET, "--ttl", "86400"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return seed_seconds, token


def company_tokens(database_url):
    """A read-and-write token of each company of the seed, the first company's first."""
    if database_url.startswith("postgres"):
        ids = psql(database_url, "SELECT id FROM companies ORDER BY id").split()
    else:
        import sqlite3

        path = urllib.parse.urlparse(database_url).path
        with sqlite3.connect(path) as db:
            ids = [r[0] for r in db.execute("SELECT id FROM companies ORDER BY id")]
    tokens = []
    for company in ids:
        tokens.append(subprocess.run(
            [str(BIN), "token", "--company", str(company), "--jwt-secret", SECRET, "--ttl", "86400"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip())
    return tokens


def live(name, database_url, token):
    """The live-update measurement (examples/live_bench.rs) against a fresh server: the
    subscriptions with filters, writes at LIVE_RATE, for each of LIVE_RUNS."""
    every = company_tokens(database_url)
    runs = []
    for whose, per_connection in LIVE_RUNS:
        tokens = every if whose == "every company" else [token]
        connections = LIVE_SUBSCRIPTIONS // per_connection
        log(f"{name}: live, {LIVE_SUBSCRIPTIONS} subscriptions of {whose} on {connections} connections")
        server = Server(database_url)
        try:
            done = subprocess.run(
                [str(LIVE)],
                env={
                    **os.environ,
                    "LIVE_URL": server.base,
                    "LIVE_TOKENS": ",".join(tokens),
                    "LIVE_PID": str(server.process.pid),
                    "LIVE_SUBSCRIPTIONS": str(LIVE_SUBSCRIPTIONS),
                    "LIVE_CONNECTIONS": str(connections),
                    "LIVE_RATE": str(LIVE_RATE),
                    "LIVE_SECONDS": str(LIVE_SECONDS),
                },
                check=True,
                capture_output=True,
                text=True,
            )
        finally:
            server.stop()
        if done.stderr.strip():
            lines = done.stderr.strip().splitlines()
            log(f"{len(lines)} lines on stderr, the last: " + "\n".join(lines[-3:]))
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        log(json.dumps(runs[-1]))
    return runs


def run_backend(name, database_url, scale, company, pg):
    seed_seconds, token = seed(name, database_url, scale, company)

    cold = []
    for _ in range(5):
        s = Server(database_url)
        cold.append(s.ready_after)
        s.stop()

    server = Server(database_url)
    ops, facts = operations(server, token, database_url, company, pg)
    floors = {}
    if pg:
        server.stop()
        scripts = capture_sql(
            database_url,
            token,
            [o for o in ops if o["name"] not in ("deep page", "write (createMessage)")],
        )
        server = Server(database_url)
    rounds = {o["name"]: [] for o in ops}
    floor_rounds = {n: [] for n in (scripts if pg else {})}
    hand = {o["name"]: hand_written(o["name"], company, facts) for o in ops} if pg else {}
    hand_rounds = {n: [] for n in hand}
    for r in range(ROUNDS):
        log(f"{name}: round {r + 1} of {ROUNDS}")
        for op in ops:
            rounds[op["name"]].append(measure(server, token, op))
            if pg and op["name"] in scripts:
                floor_rounds[op["name"]].append(pgbench(database_url, scripts[op["name"]], DURATION))
            if op["name"] in hand:
                h = hand[op["name"]]
                hand_rounds[op["name"]].append(
                    pgbench(database_url, h["script"], DURATION, defines=h["defines"],
                            plan_cache_mode=h["plan_cache_mode"])
                )
    # Latency of one client alone (concurrency 1): what a user waits when the server is not
    # saturated, beside the SQL floor's.
    alone = {}
    for op in ops:
        if op["name"].startswith("write"):
            continue
        result = oha(server, token, op["body"], ALONE, concurrency=1)
        alone[op["name"]] = result["latencyPercentiles"]["p50"] * 1000
        if pg and op["name"] in scripts:
            floor = pgbench(database_url, scripts[op["name"]], ALONE, concurrency=1)
            alone[op["name"] + " floor"] = floor["p50"]
        if op["name"] in hand:
            h = hand[op["name"]]
            floor = pgbench(database_url, h["script"], ALONE, concurrency=1, defines=h["defines"],
                            plan_cache_mode=h["plan_cache_mode"])
            alone[op["name"] + " hand"] = floor["p50"]
    # Statements per request at page sizes 10 and 100 (dashboard and filtered shapes).
    per_size = {}
    for first in (10, 100):
        before = server.metrics()
        graphql(server, token, document("dashboard"), {"first": first})
        after = server.metrics()
        per_size[first] = metric_sum(after, "graphql_request_sql_statements_sum") - metric_sum(
            before, "graphql_request_sql_statements_sum"
        )
    server.stop()
    live_runs = live(name, database_url, token)
    summary = []
    for op in ops:
        rs = rounds[op["name"]]
        row = {
            "operation": op["name"],
            "rps": median_of(rs, "rps"),
            "p50": median_of(rs, "p50"),
            "p99": median_of(rs, "p99"),
            "statements": median_of(rs, "statements"),
            "rss": max(x["rss"] for x in rs),
            "cpu": median_of(rs, "cpu"),
            "other_cpu": median_of(rs, "other_cpu"),
            "alone": alone.get(op["name"]),
            "floor_alone": alone.get(op["name"] + " floor"),
            "hand_alone": alone.get(op["name"] + " hand"),
        }
        if hand_rounds.get(op["name"]):
            row["hand_rps"] = median_of(hand_rounds[op["name"]], "rps")
        if floor_rounds.get(op["name"]):
            fs = floor_rounds[op["name"]]
            row["floor_rps"] = median_of(fs, "rps")
            row["floor_p50"] = median_of(fs, "p50")
            row["floor_p99"] = median_of(fs, "p99")
            row["floor_statements"] = scripts[op["name"]].count(";\n")
        summary.append(row)
    return {
        "name": name,
        "scale": scale,
        "seed_seconds": seed_seconds,
        "cold_start": statistics.median(cold),
        "rows": summary,
        "facts": facts,
        "per_size": per_size,
        "scripts": scripts if pg else {},
        "live": live_runs,
    }


def machine():
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem = int(line.split()[1]) / 1024 / 1024
    pg = psql(PG_ADMIN, "SHOW server_version")
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, {platform.system()} {platform.release()}, PostgreSQL {pg}"


def fmt(x, digits=1):
    return f"{x:,.{digits}f}"


def table(result):
    lines = [
        f"### {result['name']} (seed scale {result['scale']:g}: seeded in {result['seed_seconds']:.0f} s)",
        "",
        "| operation | req/s | p50 ms | p99 ms | p99/p50 | SQL statements per request | server RSS MB | server CPU ms per request | other CPU ms per request | SQL floor req/s | floor p50 ms | ratio to floor (req/s) | hand-written SQL req/s | ratio to hand-written (req/s) | p50 ms alone | floor p50 ms alone | hand-written p50 ms alone |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in result["rows"]:
        floor = (
            (fmt(r["floor_rps"], 0), fmt(r["floor_p50"], 2), f"{r['rps'] / r['floor_rps']:.2f}x")
            if "floor_rps" in r
            else ("", "", "")
        )
        alone = fmt(r["alone"], 2) if r.get("alone") is not None else ""
        floor_alone = fmt(r["floor_alone"], 2) if r.get("floor_alone") is not None else ""
        hand = (
            (fmt(r["hand_rps"], 0), f"{r['rps'] / r['hand_rps']:.2f}x") if "hand_rps" in r else ("", "")
        )
        hand_alone = fmt(r["hand_alone"], 2) if r.get("hand_alone") is not None else ""
        lines.append(
            f"| {r['operation']} | {fmt(r['rps'], 0)} | {fmt(r['p50'], 2)} | {fmt(r['p99'], 2)} | {r['p99'] / r['p50']:.1f} | {r['statements']:.1f} | {r['rss']:.0f} | {fmt(r['cpu'], 2)} | {fmt(r['other_cpu'], 2)} | {floor[0]} | {floor[1]} | {floor[2]} | {hand[0]} | {hand[1]} | {alone} | {floor_alone} | {hand_alone} |"
        )
    lines += [
        "",
        f"Cold start to ready (median of 5): {result['cold_start'] * 1000:.0f} ms. "
        f"Dashboard statements per request: {result['per_size'][10]:.0f} at `first: 10`, {result['per_size'][100]:.0f} at `first: 100`. "
        f"Search words: common \"{result['facts']['common']}\", rare \"{result['facts']['rare']}\".",
        "",
    ]
    lines += live_table(result["live"])
    return "\n".join(lines)


def live_table(runs):
    lines = [
        f"Live updates (`examples/live_bench.rs`): subscriptions to `conversationEvents` with filters "
        f"(inbox views: everything open, each agent's, each inbox's, urgent, compound), writes at "
        f"{LIVE_RATE}/s for {LIVE_SECONDS} s after a 3 s warm-up (status, assignee, priority, new "
        "messages on random conversations, each company writing its share); delay from the event's append (in the "
        "write's transaction) to the client reading it.",
        "",
        "| subscriptions | companies | connections | distinct filters | writes/s | write p50 ms | deliveries/s | delay p50 ms | p90 ms | p99 ms | max ms | out of order | failures | RSS before MB | RSS open MB | KiB per subscription | RSS peak MB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in runs:
        lines.append(
            f"| {r['subscriptions']:,} | {r['companies']} | {r['connections']:,} | {r['distinct_filters']} | {fmt(r['writes_per_second'], 0)} "
            f"| {fmt(r['write_p50_ms'], 2)} | {fmt(r['deliveries_per_second'], 0)} | {fmt(r['delay_p50_ms'], 2)} "
            f"| {fmt(r['delay_p90_ms'], 2)} | {fmt(r['delay_p99_ms'], 2)} | {fmt(r['delay_max_ms'], 1)} "
            f"| {r['out_of_order']} | {r['failures'] + r['writes_failed']} | {r['rss_before_kib'] / 1024:.0f} "
            f"| {r['rss_open_kib'] / 1024:.0f} | {r['kib_per_subscription']:.1f} | {r['rss_peak_kib'] / 1024:.0f} |"
        )
    lines.append("")
    return lines


def live_only():
    """`bench.py live`: only the live-update measurement, on PostgreSQL, printed."""
    name = f"cg_bench_{uuid.uuid4().hex[:12]}"
    pg_url = with_database(PG_ADMIN, name)
    company = first_company()
    psql(PG_ADMIN, f"CREATE DATABASE {name}")
    try:
        subprocess.run(
            [str(BIN), "migrate"], env={**os.environ, "DATABASE_URL": pg_url}, check=True,
            capture_output=True,
        )
        _, token = seed("PostgreSQL", pg_url, PG_SCALE, company)
        print("\n".join(live_table(live("PostgreSQL", pg_url, token))))
    finally:
        psql(PG_ADMIN, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main():
    if not BIN.exists() or not OHA.exists() or not LIVE.exists():
        raise SystemExit("run bench/run.sh, which builds the server and installs oha")
    if sys.argv[1:] == ["live"]:
        return live_only()
    results = []
    name = f"cg_bench_{uuid.uuid4().hex[:12]}"
    pg_url = with_database(PG_ADMIN, name)
    company = first_company()
    psql(PG_ADMIN, f"CREATE DATABASE {name}")
    try:
        subprocess.run(
            [str(BIN), "migrate"], env={**os.environ, "DATABASE_URL": pg_url}, check=True,
            capture_output=True,
        )
        results.append(run_backend("PostgreSQL", pg_url, PG_SCALE, company, True))
    finally:
        psql(PG_ADMIN, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite://{tmp}/bench.db?mode=rwc"
        results.append(run_backend("SQLite", sqlite_url, SQLITE_SCALE, company, False))
    write_report(results)
    log(f"wrote {OUTPUT}")


def first_company():
    """The first company of the seed, which `seed` prints (it depends on the seed alone)."""
    probe = tempfile.mkdtemp()
    try:
        done = subprocess.run(
            [str(BIN), "seed", "--scale", "0.001", "--seed", str(SEED)],
            env={**os.environ, "DATABASE_URL": f"sqlite://{probe}/probe.db?mode=rwc"},
            capture_output=True,
            text=True,
            check=True,
        )
        match = re.search(r"first company: ([0-9a-f-]{36})", done.stdout)
        return match.group(1)
    finally:
        shutil.rmtree(probe)


def write_report(results):
    today = datetime.date.today().isoformat()
    body = [
        "# Benchmarks",
        "",
        f"Measured on {today}, {machine()}, by `bench/run.sh` "
        f"({ROUNDS} rounds; each operation {WARMUP:g} s warm-up then {DURATION:g} s at concurrency {CONCURRENCY}; "
        "figures are medians over the rounds, RSS the peak). The SQL floor is the same statements the server ran for one "
        "request, replayed by pgbench (prepared, same concurrency) against the same database in the same run. "
        "The hand-written SQL is the same work written by hand as the fewest, cheapest statements "
        "(`bench/floor/`), replayed the same way with the plan_cache_mode each file states.",
        "A shared 2-core machine is noisy and runs the load generator, the server and the database at once: "
        "read the ratios, not the absolutes. CPU per request is the server's own, and everything else's on the "
        "machine (the database and the load generator), while the operation ran at concurrency 16. "
        "\"Alone\" is the median latency of one client sending requests one after another (concurrency 1), "
        f"for {ALONE:g} s, and the same for the SQL floor.",
        "",
    ]
    body += [table(r) for r in results]
    # The hand-written reading of the figures, below the marker, is kept.
    if OUTPUT.exists() and ANALYSIS in (previous := OUTPUT.read_text()):
        body += [previous[previous.index(ANALYSIS):]]
    OUTPUT.write_text("\n".join(body))
    print("\n".join(body))


if __name__ == "__main__":
    sys.exit(main())
