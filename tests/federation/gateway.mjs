// Runs Apollo Gateway over the running conversations server and a second subgraph
// ("profiles", started here), and checks a query that needs an `_entities` round trip to
// the conversations server, with and without the caller's Authorization header. Then sends
// the queries of shapeQueries() both directly to the server and through the gateway, and checks
// that the server answers in the spec's shape (a failed field is null, nulls propagate to
// the nearest nullable parent, keys in selection order) and the gateway answers the same:
// JSON-identical `data` (key order included) and errors at the same paths. The gateway
// builds its response from the supergraph, so a server that shapes its responses otherwise
// than the spec shows up as a difference here.
//
//   CONVERSATIONS_URL  the running server's GraphQL endpoint (required)
//   TOKEN              a bearer token the server accepts (required)
//   SUPERGRAPH_FILE    the supergraph written by compose.mjs (default ./supergraph.graphql)
//   CHECK_TIMEOUT_MS   the whole check's time limit (default 60000)
//
// Exits 0 when every check passes, 1 otherwise; stops both servers it started either way.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';

const here = dirname(fileURLToPath(import.meta.url));
const TIMEOUT_MS = Number(process.env.CHECK_TIMEOUT_MS ?? 60_000);
const REQUEST_TIMEOUT_MS = 15_000;

const log = (...args) => console.log('gateway:', ...args);
class CheckFailed extends Error {}
function check(condition, message, detail) {
  if (!condition) {
    throw new CheckFailed(
      detail === undefined ? message : `${message}\n${JSON.stringify(detail, null, 2)}`,
    );
  }
}
function env(name) {
  const value = process.env[name];
  if (!value) throw new CheckFailed(`${name} is not set`);
  return value;
}

async function postJson(url, body, headers = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CheckFailed(`${url} answered ${response.status} with a body that is not JSON: ${text.slice(0, 300)}`);
  }
  return { status: response.status, body: json };
}

// --- the profiles subgraph: another team's service, keyed by the contact ids -------------

/** Starts the profiles subgraph on 127.0.0.1 (ephemeral port); `tiers` maps contact id -> tier. */
async function startProfiles(tiers) {
  const typeDefs = parse(readFileSync(resolve(here, 'profiles.graphql'), 'utf8'));
  const resolvers = {
    Query: {
      loyaltyMembers: (_root, { tier }) =>
        [...tiers.keys()]
          .filter((id) => tier == null || tiers.get(id) === tier)
          .sort()
          .map((id) => ({ id })),
    },
    Contact: {
      __resolveReference: ({ id }) => ({ id }),
      loyaltyTier: ({ id }) => tiers.get(id) ?? null,
    },
  };
  const schema = buildSubgraphSchema([{ typeDefs, resolvers }]);

  const server = createServer(async (req, res) => {
    const reply = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url.split('?')[0] !== '/graphql') {
      return reply(404, { errors: [{ message: 'POST /graphql' }] });
    }
    try {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const { query, variables, operationName } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const result = await graphql({ schema, source: query, variableValues: variables, operationName });
      reply(200, result);
    } catch (e) {
      reply(400, { errors: [{ message: `bad request: ${e.message}` }] });
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  const url = `http://127.0.0.1:${server.address().port}/graphql`;
  return { url, stop: () => new Promise((ok) => server.close(() => ok())) };
}

// --- the gateway ----------------------------------------------------------------------------

/**
 * Forwards the Authorization header of the gateway's incoming request to every subgraph, and
 * records what it sent to and got back from each (so the check can see the `_entities` call).
 */
class AuthForwardingDataSource extends RemoteGraphQLDataSource {
  constructor(options, calls) {
    super(options);
    this.calls = calls;
  }
  willSendRequest({ request, context }) {
    if (context.authorization) {
      request.http.headers.set('authorization', context.authorization);
    }
  }
  async sendRequest(request, context) {
    const call = {
      subgraph: this.name,
      query: request.query,
      variables: request.variables,
      authorization: request.http.headers.get('authorization') ?? null,
    };
    this.calls.push(call);
    try {
      const response = await super.sendRequest(request, context);
      call.status = response.http?.status;
      return response;
    } catch (e) {
      // A non-2xx answer arrives as an error carrying the response (errorFromResponse).
      call.status = e.extensions?.response?.status ?? `failed: ${e.message}`;
      throw e;
    }
  }
}

async function startGateway(supergraphSdl, urls, calls) {
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) =>
      new AuthForwardingDataSource({ url: urls[name] ?? url, name }, calls),
  });
  const server = new ApolloServer({ gateway, includeStacktraceInErrorResponses: false });
  const { url } = await startStandaloneServer(server, {
    listen: { host: '127.0.0.1', port: 0 },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  return { url, stop: () => server.stop() };
}

// --- response shape: the same queries directly and through the gateway -----------------------

/**
 * The queries of the shape comparison, with what the spec's null propagation gives under the
 * schema (connection `nodes` items nullable; `Conversation.messages` and
 * `Query.conversations` non-null; `Query.conversation` nullable): the direct answer's `data`
 * (`undefined`: not checked, only key order) and its errors' paths and code. `first` above
 * 100 is refused with BAD_USER_INPUT at the field that takes it.
 */
function shapeQueries(conversationId) {
  return [
    {
      name: 'refused first at the root (non-null root field: data is null)',
      query: '{ conversations(first: 500) { totalCount } }',
      data: null,
      errors: [['conversations']],
      code: 'BAD_USER_INPUT',
    },
    {
      name: 'refused first in a nested list (non-null messages: each conversation is null)',
      query: '{ conversations(first: 2) { nodes { id subject messages(first: 500) { totalCount } } } }',
      data: { conversations: { nodes: [null, null] } },
      errors: [
        ['conversations', 'nodes', 0, 'messages'],
        ['conversations', 'nodes', 1, 'messages'],
      ],
      code: 'BAD_USER_INPUT',
    },
    {
      name: 'error inside a single lookup (nullable conversation: it is null)',
      query: `{ conversation(id: ${JSON.stringify(conversationId)}) { id messages(first: 101) { nodes { id } } } }`,
      data: { conversation: null },
      errors: [['conversation', 'messages']],
      code: 'BAD_USER_INPUT',
    },
    {
      name: 'no errors, keys selected in non-alphabetical order',
      query: '{ conversations(first: 3) { totalCount nodes { subject id status } pageInfo { hasNextPage } } }',
      data: undefined,
      errors: [],
    },
  ];
}

/** Where `value` (the `data` of an answer to `query`) has keys out of selection order, or missing. */
function selectionOrderProblems(query, value) {
  const problems = [];
  const walk = (selectionSet, v, path) => {
    if (v === null || selectionSet === undefined) return;
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(selectionSet, item, `${path}[${i}]`));
      return;
    }
    // The queries here have no fragments, so the selection is a plain list of fields.
    const fields = selectionSet.selections.filter((s) => s.kind === 'Field');
    const want = fields.map((f) => f.alias?.value ?? f.name.value);
    const got = Object.keys(v);
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      problems.push(`${path}: keys [${got.join(', ')}], selection order is [${want.join(', ')}]`);
    }
    for (const f of fields) {
      const key = f.alias?.value ?? f.name.value;
      if (key in v) walk(f.selectionSet, v[key], `${path}.${key}`);
    }
  };
  const operation = parse(query).definitions[0];
  walk(operation.selectionSet, value ?? null, 'data');
  return problems;
}

/** The differences between two JSON values, as "path: ..." lines (key order included). */
function jsonDiff(a, b, path, labels, out = []) {
  const show = (v) => (v === undefined ? '(absent)' : JSON.stringify(v));
  if (out.length >= 20) return out;
  const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${path}: ${a.length} items in ${labels[0]}, ${b.length} in ${labels[1]}`);
    for (let i = 0; i < Math.min(a.length, b.length); i++) jsonDiff(a[i], b[i], `${path}[${i}]`, labels, out);
  } else if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    for (const k of ka) if (!(k in b)) out.push(`${path}.${k}: only in ${labels[0]}: ${show(a[k])}`);
    for (const k of kb) if (!(k in a)) out.push(`${path}.${k}: only in ${labels[1]}: ${show(b[k])}`);
    const common = ka.filter((k) => k in b);
    const commonB = kb.filter((k) => k in a);
    if (JSON.stringify(common) !== JSON.stringify(commonB)) {
      out.push(`${path}: key order ${labels[0]} [${common.join(', ')}], ${labels[1]} [${commonB.join(', ')}]`);
    }
    for (const k of common) jsonDiff(a[k], b[k], `${path}.${k}`, labels, out);
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push(`${path}: ${labels[0]} ${show(a)}, ${labels[1]} ${show(b)}`);
  }
  return out;
}

/** The errors' paths as sorted strings ("(no path)" for an error without one). */
const errorPaths = (body) =>
  (body.errors ?? []).map((e) => (e.path ? JSON.stringify(e.path) : '(no path)')).sort();
const errorCodes = (body) => [...new Set((body.errors ?? []).map((e) => e.extensions?.code ?? '(no code)'))].sort();

/**
 * Sends each query directly and through the gateway; returns the failures, each a
 * block of lines saying what differs.
 */
async function compareShapes(conversationsUrl, gatewayUrl, authorization, queries) {
  const failures = [];
  for (const q of queries) {
    const direct = await postJson(conversationsUrl, { query: q.query }, { authorization });
    const routed = await postJson(gatewayUrl, { query: q.query }, { authorization });
    const problems = [];
    const d = direct.body;
    const g = routed.body;

    // The server, against the spec's shape.
    if (!('data' in d)) problems.push('direct: the answer has no `data` entry (an execution error must still have one)');
    if (q.data !== undefined && JSON.stringify(d.data) !== JSON.stringify(q.data)) {
      problems.push(`direct: data is not the spec's null propagation:`);
      problems.push(...jsonDiff(q.data, d.data, 'data', ['expected', 'direct']).map((l) => `  ${l}`));
    }
    const wantPaths = q.errors.map((p) => JSON.stringify(p)).sort();
    if (JSON.stringify(errorPaths(d)) !== JSON.stringify(wantPaths)) {
      problems.push(`direct: errors at [${errorPaths(d).join(', ')}], expected at [${wantPaths.join(', ')}]`);
    }
    if (q.code && JSON.stringify(errorCodes(d)) !== JSON.stringify([q.code])) {
      problems.push(`direct: error codes [${errorCodes(d).join(', ')}], expected [${q.code}]`);
    }
    for (const p of selectionOrderProblems(q.query, d.data)) problems.push(`direct: ${p}`);

    // The gateway, against the server.
    if (JSON.stringify(d.data) !== JSON.stringify(g.data)) {
      problems.push('data differs between direct and gateway:');
      problems.push(...jsonDiff(d.data, g.data, 'data', ['direct', 'gateway']).map((l) => `  ${l}`));
    }
    if (JSON.stringify(errorPaths(d)) !== JSON.stringify(errorPaths(g))) {
      problems.push(`errors: direct at [${errorPaths(d).join(', ')}], gateway at [${errorPaths(g).join(', ')}]`);
    }

    if (problems.length === 0) {
      log(`ok: shape: ${q.name}: direct and gateway agree (${errorPaths(d).length} error(s))`);
    } else {
      failures.push(
        [
          `shape: ${q.name}`,
          `  query:   ${q.query}`,
          ...problems.map((p) => `  ${p}`),
          `  direct:  HTTP ${direct.status} ${JSON.stringify(d)}`,
          `  gateway: HTTP ${routed.status} ${JSON.stringify(g)}`,
        ].join('\n'),
      );
      console.error(`gateway: MISMATCH: ${failures.at(-1)}`);
    }
  }
  return failures;
}

// --- the check --------------------------------------------------------------------------------

const MEMBERS = /* GraphQL */ `
  query LoyaltyMembers {
    loyaltyMembers {
      id
      loyaltyTier
      fullName
      conversations { totalCount }
    }
  }
`;

async function run(stoppers) {
  const conversationsUrl = env('CONVERSATIONS_URL');
  const authorization = `Bearer ${env('TOKEN')}`;
  const supergraphFile = resolve(process.env.SUPERGRAPH_FILE ?? resolve(here, 'supergraph.graphql'));
  const supergraphSdl = readFileSync(supergraphFile, 'utf8');

  // 1. What the conversations server itself says about a few contacts.
  const direct = await postJson(
    conversationsUrl,
    {
      query: `{ contacts(first: 4, orderBy: {field: CREATED_AT, direction: ASC}) {
                  nodes { id fullName conversations { totalCount } } } }`,
    },
    { authorization },
  );
  check(direct.status === 200 && !direct.body.errors, 'the direct read of contacts failed', direct);
  const contacts = direct.body.data.contacts.nodes;
  check(contacts.length >= 2, 'the conversations server has fewer than 2 contacts (is SEED_DEMO on?)', contacts);
  log(`read ${contacts.length} contacts directly from ${conversationsUrl}`);

  // 2. The profiles subgraph enrolls exactly those contacts, by id.
  const tierNames = ['GOLD', 'SILVER', 'BRONZE'];
  const tiers = new Map(contacts.map((c, i) => [c.id, tierNames[i % tierNames.length]]));
  const profiles = await startProfiles(tiers);
  stoppers.push(profiles.stop);
  log(`profiles subgraph at ${profiles.url}`);

  // 3. The gateway over both, routing by the supergraph's subgraph names.
  const calls = [];
  const gateway = await startGateway(
    supergraphSdl,
    { conversations: conversationsUrl, profiles: profiles.url },
    calls,
  );
  stoppers.push(gateway.stop);
  log(`gateway at ${gateway.url}`);

  // 4. With the caller's token: profiles returns the references, conversations resolves them.
  const withAuth = await postJson(gateway.url, { query: MEMBERS }, { authorization });
  check(withAuth.status === 200 && !withAuth.body.errors, 'the federated query failed', withAuth);
  const expected = contacts
    .map((c) => ({
      id: c.id,
      loyaltyTier: tiers.get(c.id),
      fullName: c.fullName,
      conversations: { totalCount: c.conversations.totalCount },
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  check(
    JSON.stringify(withAuth.body.data.loyaltyMembers) === JSON.stringify(expected),
    'the federated result differs from what the conversations server says directly',
    { got: withAuth.body.data.loyaltyMembers, expected },
  );
  const entityCalls = calls.filter((c) => c.subgraph === 'conversations' && /_entities/.test(c.query));
  check(
    entityCalls.length === 1,
    `expected one _entities request to the conversations subgraph, saw ${entityCalls.length}`,
    calls,
  );
  const [entities] = entityCalls;
  check(
    entities.variables?.representations?.length === contacts.length &&
      entities.variables.representations.every((r) => r.__typename === 'Contact' && tiers.has(r.id)),
    'the _entities request did not carry one Contact representation per member',
    entities.variables,
  );
  check(
    entities.authorization === authorization && entities.status === 200,
    'the Authorization header was not forwarded to the conversations subgraph',
    { sent: entities.authorization ? '(a different value)' : null, status: entities.status },
  );
  log(
    `ok: ${contacts.length} contacts through profiles -> _entities on conversations ` +
      `(one request, ${contacts.length} representations, Authorization forwarded, HTTP 200)`,
  );

  // 5. Without a token: the gateway forwards nothing, the conversations server answers 401,
  //    and the gateway reports an error instead of the contacts' fields.
  calls.length = 0;
  const anonymous = await postJson(gateway.url, { query: MEMBERS });
  const errors = anonymous.body.errors ?? [];
  const anonEntities = calls.filter((c) => c.subgraph === 'conversations' && /_entities/.test(c.query));
  check(errors.length > 0, 'without Authorization the federated query did not fail', anonymous);
  check(
    anonEntities.length === 1 && anonEntities[0].authorization === null && anonEntities[0].status === 401,
    'without Authorization the conversations subgraph should have been called without the header and answered 401',
    calls.map(({ subgraph, authorization: a, status }) => ({ subgraph, authorization: a, status })),
  );
  const leaked = JSON.stringify(anonymous.body.data ?? null);
  check(
    contacts.every((c) => c.fullName == null || !leaked.includes(JSON.stringify(c.fullName))),
    'without Authorization the gateway still returned data from the conversations subgraph',
    anonymous.body,
  );
  log(
    `ok: without Authorization the conversations subgraph answered 401 and the gateway ` +
      `returned ${errors.length} error(s): ${errors.map((e) => e.extensions?.code ?? e.message).join(', ')}`,
  );

  // 6. Response shape: errors at different depths, and key order, directly and through the
  //    gateway. A real conversation id for the single lookup comes from the server first.
  const first = await postJson(conversationsUrl, { query: '{ conversations(first: 2) { nodes { id } } }' }, { authorization });
  const ids = (first.body.data?.conversations?.nodes ?? []).filter(Boolean).map((n) => n.id);
  check(ids.length === 2, 'the conversations server has fewer than 2 conversations (is SEED_DEMO on?)', first);
  const failures = await compareShapes(conversationsUrl, gateway.url, authorization, shapeQueries(ids[0]));
  check(
    failures.length === 0,
    `${failures.length} of the response-shape queries differ (see MISMATCH above): the server must ` +
      'answer in the spec\'s shape and the gateway the same',
  );
}

async function main() {
  const stoppers = [];
  const timer = setTimeout(() => {
    console.error(`gateway: FAILED: not done after ${TIMEOUT_MS} ms`);
    process.exit(1);
  }, TIMEOUT_MS);
  let code = 0;
  try {
    await run(stoppers);
    log('all checks passed');
  } catch (e) {
    console.error(`gateway: FAILED: ${e instanceof CheckFailed ? e.message : e.stack ?? e}`);
    code = 1;
  } finally {
    for (const stop of stoppers.reverse()) {
      await stop().catch((e) => console.error(`gateway: while stopping: ${e.message}`));
    }
    clearTimeout(timer);
  }
  process.exit(code);
}

main();
