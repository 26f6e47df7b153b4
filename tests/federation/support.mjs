// Helpers for run.sh that would otherwise need psql, createdb or curl: the check needs only
// Node and a reachable PostgreSQL server.
//
//   node support.mjs create NAME          create database NAME (fails if it exists)
//   node support.mjs drop NAME            drop database NAME if it exists, ending its sessions
//   node support.mjs url NAME             print the admin URL with NAME as its database
//   node support.mjs free-port            print a free TCP port on 127.0.0.1
//   node support.mjs wait-ready URL PID SECONDS
//                                         wait until GET URL answers 200, while process PID
//                                         lives, for at most SECONDS
//
// The PostgreSQL server is ADMIN_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

const [command, ...args] = process.argv.slice(2);
const adminUrl = process.env.ADMIN_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

function databaseName(name) {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name ?? '')) {
    throw new Error(`a database name is lowercase letters, digits and _: ${name}`);
  }
  return name;
}

async function admin(statements) {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (e) {
    throw new Error(`cannot connect to PostgreSQL at ${redact(adminUrl)}: ${e.message}`);
  }
  try {
    for (const [sql, params] of statements) await client.query(sql, params);
  } finally {
    await client.end();
  }
}

function redact(url) {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

const commands = {
  async create(name) {
    await admin([[`CREATE DATABASE "${databaseName(name)}"`]]);
  },
  async drop(name) {
    await admin([
      [
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [databaseName(name)],
      ],
      [`DROP DATABASE IF EXISTS "${databaseName(name)}"`],
    ]);
  },
  async url(name) {
    const u = new URL(adminUrl);
    u.pathname = `/${databaseName(name)}`;
    console.log(u.toString());
  },
  async 'free-port'() {
    const server = createServer();
    await new Promise((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
    const { port } = server.address();
    await new Promise((ok) => server.close(ok));
    console.log(port);
  },
  async 'wait-ready'(url, pid, seconds) {
    const deadline = Date.now() + Number(seconds) * 1000;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (!alive(Number(pid))) throw new Error(`the server (pid ${pid}) exited before it was ready`);
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
        if (response.status === 200) return;
        last = `HTTP ${response.status}`;
      } catch (e) {
        last = e.cause?.code ?? e.message;
      }
      await sleep(250);
    }
    throw new Error(`${url} not ready after ${seconds} s (${last})`);
  },
};

const run = commands[command];
if (!run) {
  console.error(`usage: node support.mjs ${Object.keys(commands).join(' | ')} ...`);
  process.exit(2);
}
run(...args).catch((e) => {
  console.error(`support.mjs ${command}: ${e.message}`);
  process.exit(1);
});
