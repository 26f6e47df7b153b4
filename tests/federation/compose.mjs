// Composes this repository's subgraph (schema.graphql, named "conversations") with other
// subgraphs, with two independent composition libraries: @apollo/composition (what Apollo
// Router/Gateway and GraphOS use) and @theguild/federation-composition (what GraphQL Hive
// and the Cosmo-compatible tooling use). A schema that one of them refuses is a schema some
// company's supergraph cannot take. Three cases:
//
//   gateway     conversations + profiles (profiles.graphql, a second subgraph that extends
//               Contact by its key). Must compose, no hints; its supergraph (@apollo/composition's)
//               is written for gateway.mjs.
//   neighbours  conversations + profiles + neighbours/*.graphql: other teams' subgraphs that
//               define their own common names (Direction, Channel, Priority, Source,
//               OrderDirection, UserError, DateTimeRange, JSON, Highlight, DateTime,
//               PageInfo, Node) and own the entities this subgraph references (Campaign,
//               Listing, Task, Session). Must compose, no hints: our names must not clash.
//   relay       conversations + profiles + relay/documents.graphql, a Relay-style subgraph
//               that also declares Query.node and Query.nodes; once as written and once with
//               @shareable on its two fields. Must FAIL, on both composers, with exactly
//               INVALID_FIELD_SHARING on Query.node and Query.nodes (see RELAY_WHY).
//
//   SCHEMA_FILE        the conversations subgraph's SDL (default ../../schema.graphql from
//                      here; a relative path is taken from the current directory)
//   CONVERSATIONS_URL  routing URL of the conversations subgraph (default http://127.0.0.1:8000/graphql)
//   PROFILES_URL       routing URL of the profiles subgraph (default http://127.0.0.1:4001/graphql;
//                      gateway.mjs routes "profiles" to the server it starts, whatever this says)
//   SUPERGRAPH_FILE    where to write the gateway case's supergraph (default ./supergraph.graphql)
//
// Exits non-zero when a case does not end as it must: any composition error or any hint in
// the gateway and neighbours cases (hints are @apollo/composition's; the Guild's composer
// reports errors only), or the relay case composing or failing for another reason.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices as apolloCompose } from '@apollo/composition';
import { composeServices as guildCompose } from '@theguild/federation-composition';
import { Kind, parse, visit } from 'graphql';

const here = dirname(fileURLToPath(import.meta.url));
const schemaFile = process.env.SCHEMA_FILE
  ? resolve(process.cwd(), process.env.SCHEMA_FILE)
  : resolve(here, '../../schema.graphql');
const profilesFile = resolve(here, 'profiles.graphql');
const neighboursDir = resolve(here, 'neighbours');
const relayFile = resolve(here, 'relay/documents.graphql');
const outFile = resolve(process.env.SUPERGRAPH_FILE ?? resolve(here, 'supergraph.graphql'));

// Why the relay case must fail, printed with its result.
const RELAY_WHY =
  'Query.node/nodes belong to the conversations subgraph alone: with @shareable on both ' +
  'sides the router would send each node(id) to one subgraph only, which answers null for ' +
  "the other's ids (and drops fragments on types the two do not share)";
// The errors the relay case must fail with, on both composers: nothing else.
const RELAY_EXPECTED = [
  { code: 'INVALID_FIELD_SHARING', coordinate: 'Query.node' },
  { code: 'INVALID_FIELD_SHARING', coordinate: 'Query.nodes' },
];

const COMPOSERS = [
  { name: '@apollo/composition', compose: apolloCompose },
  { name: '@theguild/federation-composition', compose: guildCompose },
];

function subgraph(name, url, file, transform = (doc) => doc) {
  let sdl;
  try {
    sdl = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${file}: ${e.message}`);
  }
  return { name, url, file, typeDefs: transform(parse(sdl, { noLocation: false })) };
}

/** The document with @shareable added to the fields Query.node and Query.nodes. */
function shareableNodeFields(doc) {
  let inQuery = false;
  return visit(doc, {
    ObjectTypeDefinition: {
      enter: (node) => {
        inQuery = node.name.value === 'Query';
      },
      leave: () => {
        inQuery = false;
      },
    },
    FieldDefinition(node) {
      if (!inQuery || !['node', 'nodes'].includes(node.name.value)) return undefined;
      if (node.directives?.some((d) => d.name.value === 'shareable')) return undefined;
      const shareable = { kind: Kind.DIRECTIVE, name: { kind: Kind.NAME, value: 'shareable' }, arguments: [] };
      return { ...node, directives: [...(node.directives ?? []), shareable] };
    },
  });
}

const code = (e) => e.extensions?.code ?? 'NO_CODE';
const indent = (text) => String(text).replace(/\n/g, '\n      ');

/** Runs both composers on `services`; returns [{ composer, errors, hints, supergraphSdl }]. */
function composeAll(services) {
  return COMPOSERS.map(({ name, compose }) => {
    const result = compose(services.map(({ name: n, url, typeDefs }) => ({ name: n, url, typeDefs })));
    return {
      composer: name,
      errors: result.errors ?? [],
      hints: result.hints ?? [], // @apollo/composition only
      supergraphSdl: result.errors?.length ? undefined : result.supergraphSdl,
    };
  });
}

function printProblems(label, { composer, errors, hints }) {
  for (const e of errors) console.error(`  ${label} ${composer}: error [${code(e)}] ${indent(e.message)}`);
  for (const h of hints) {
    console.error(`  ${label} ${composer}: hint [${h.definition.code}] ${h.coordinate ?? ''}: ${indent(h.message)}`);
  }
}

/** A case that must compose on both composers with no error and no hint. */
function mustCompose(label, services) {
  const results = composeAll(services);
  let ok = true;
  for (const r of results) {
    if (r.errors.length === 0 && r.hints.length === 0) continue;
    ok = false;
    console.error(`compose: ${label}: ${r.composer}: ${r.errors.length} error(s), ${r.hints.length} hint(s)`);
    printProblems(label, r);
  }
  const names = services.map((s) => s.name).join(' + ');
  if (ok) console.log(`compose: ok: ${label}: ${names}: no errors, no hints (${results.map((r) => r.composer).join(', ')})`);
  else console.error(`compose: FAILED: ${label}: ${names} must compose with no errors and no hints`);
  return { ok, results };
}

/** A case that must fail on both composers with exactly the `expected` errors. */
function mustFailWith(label, services, expected) {
  const want = expected.map((x) => `${x.code} ${x.coordinate}`).sort();
  let ok = true;
  for (const r of composeAll(services)) {
    // Both composers name the field as "Query.node" in the message; the coordinate is not
    // a property of the Guild's errors, so it is read from there.
    const got = r.errors
      .map((e) => `${code(e)} ${e.message.match(/"(Query\.[A-Za-z_]+)"/)?.[1] ?? '?'}`)
      .sort();
    if (JSON.stringify(got) === JSON.stringify(want)) {
      console.log(`compose: ok: ${label}: ${r.composer} refuses it as it must: ${[...new Set(r.errors.map(code))].join(', ')}`);
      for (const e of r.errors) console.log(`    ${e.message}`);
      continue;
    }
    ok = false;
    console.error(
      `compose: FAILED: ${label}: ${r.composer} must fail with exactly [${want.join(', ')}], ` +
        `got [${got.join(', ') || 'no errors: it composed'}]`,
    );
    printProblems(label, r);
  }
  return ok;
}

function main() {
  const conversationsUrl = process.env.CONVERSATIONS_URL ?? 'http://127.0.0.1:8000/graphql';
  const profilesUrl = process.env.PROFILES_URL ?? 'http://127.0.0.1:4001/graphql';
  const conversations = subgraph('conversations', conversationsUrl, schemaFile);
  const profiles = subgraph('profiles', profilesUrl, profilesFile);
  // Neighbours are composed only, never routed to: their URLs are placeholders.
  const neighbours = readdirSync(neighboursDir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => subgraph(f.replace(/\.graphql$/, ''), `http://${f.replace(/\.graphql$/, '')}.invalid/graphql`, resolve(neighboursDir, f)));
  if (neighbours.length === 0) throw new Error(`no neighbour subgraphs in ${neighboursDir}`);
  console.log(`compose: conversations subgraph from ${schemaFile}`);

  let failed = 0;

  const gateway = mustCompose('gateway', [conversations, profiles]);
  if (gateway.ok) {
    writeFileSync(outFile, gateway.results[0].supergraphSdl);
    console.log(`compose: wrote ${outFile} (${conversations.name} ${conversationsUrl} + ${profiles.name} ${profilesUrl})`);
  } else {
    failed++;
  }

  if (!mustCompose('neighbours', [conversations, profiles, ...neighbours]).ok) failed++;

  console.log(`compose: relay: must fail: ${RELAY_WHY}`);
  const documentsUrl = 'http://documents.invalid/graphql';
  if (!mustFailWith('relay', [conversations, profiles, subgraph('documents', documentsUrl, relayFile)], RELAY_EXPECTED)) failed++;
  const shareable = subgraph('documents', documentsUrl, relayFile, shareableNodeFields);
  if (!mustFailWith('relay (documents @shareable)', [conversations, profiles, shareable], RELAY_EXPECTED)) failed++;

  if (failed > 0) {
    console.error(`compose: ${failed} case(s) did not end as they must`);
    return 1;
  }
  return 0;
}

try {
  process.exitCode = main();
} catch (e) {
  console.error(`compose: ${e.stack ?? e}`);
  process.exitCode = 1;
}
