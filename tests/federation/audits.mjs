// Runs the GraphQL-over-HTTP conformance audits of graphql-http (`serverAudits`, the version
// pinned in package.json) against the running server, with a bearer token on every request.
//
//   CONVERSATIONS_URL  the server's GraphQL endpoint (required)
//   TOKEN              a bearer token the server accepts (required)
//
//   CHECK_TIMEOUT_MS   the time limit for all audits (default 60000)
//
// Prints each audit's result; exits 1 if any MUST or SHOULD audit does not pass (MAY audits
// are printed, never fatal).
import { serverAudits } from 'graphql-http';

const AUDIT_TIMEOUT_MS = 5_000; // one audit's requests
const TOTAL_TIMEOUT_MS = Number(process.env.CHECK_TIMEOUT_MS ?? 60_000); // all of them

function env(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`audits: ${name} is not set`);
    process.exit(1);
  }
  return value;
}

const url = env('CONVERSATIONS_URL');
const authorization = `Bearer ${env('TOKEN')}`;

/** fetch, with the bearer token added to every request the audits make. */
function fetchWithToken(input, init = {}) {
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
  headers.set('authorization', authorization);
  return fetch(input, { ...init, headers, signal: AbortSignal.timeout(AUDIT_TIMEOUT_MS) });
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, fail) => {
      timer = setTimeout(() => fail(new Error(`${what}: no result after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function describeResponse(response) {
  if (!response) return '';
  let body = '';
  try {
    body = (await response.clone().text()).slice(0, 300);
  } catch {
    body = '(body already read)';
  }
  const type = response.headers.get('content-type') ?? '(no content-type)';
  return `      got ${response.status} ${type} ${body}`;
}

async function main() {
  const audits = serverAudits({ url, fetchFn: fetchWithToken });
  const counts = { MUST: { ok: 0, failed: 0 }, SHOULD: { ok: 0, failed: 0 }, MAY: { ok: 0, failed: 0 } };
  const failures = [];

  for (const audit of audits) {
    const level = audit.name.split(' ')[0];
    let result;
    try {
      result = await withTimeout(audit.fn(), AUDIT_TIMEOUT_MS + 1000, audit.id);
    } catch (e) {
      result = { status: 'error', reason: `the audit threw: ${e.message}` };
    }
    const passed = result.status === 'ok';
    counts[level][passed ? 'ok' : 'failed'] += 1;
    const mark = passed ? 'ok  ' : level === 'MAY' ? 'note' : 'FAIL';
    console.log(`${mark} [${audit.id}] ${audit.name}`);
    if (!passed) {
      console.log(`      ${result.reason}`);
      const detail = await describeResponse(result.response);
      if (detail) console.log(detail);
      if (level !== 'MAY') failures.push(audit);
    }
  }

  const summary = Object.entries(counts)
    .map(([level, c]) => `${level} ${c.ok}/${c.ok + c.failed}`)
    .join(', ');
  console.log(`audits: ${audits.length} audits against ${url}: passed ${summary}`);
  if (failures.length > 0) {
    console.error(`audits: FAILED: ${failures.length} MUST/SHOULD audit(s) did not pass`);
    return 1;
  }
  console.log('audits: every MUST and SHOULD audit passes');
  return 0;
}

setTimeout(() => {
  console.error(`audits: FAILED: not done after ${TOTAL_TIMEOUT_MS} ms`);
  process.exit(1);
}, TOTAL_TIMEOUT_MS).unref();

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`audits: ${e.stack ?? e}`);
    process.exit(1);
  },
);
