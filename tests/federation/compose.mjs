// Composes this repository's subgraph (../../schema.graphql, named "conversations") with a
// second subgraph ("profiles", profiles.graphql) that extends Contact by its key, using
// @apollo/composition, and writes the supergraph SDL.
//
//   CONVERSATIONS_URL  routing URL of the conversations subgraph (default http://127.0.0.1:8000/graphql)
//   PROFILES_URL       routing URL of the profiles subgraph (default http://127.0.0.1:4001/graphql;
//                      gateway.mjs routes "profiles" to the server it starts, whatever this says)
//   SUPERGRAPH_FILE    where to write the supergraph (default ./supergraph.graphql)
//
// Exits non-zero on any composition error, and on any hint that is not in ACCEPTED_HINTS.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

const here = dirname(fileURLToPath(import.meta.url));
const schemaFile = resolve(here, '../../schema.graphql');
const profilesFile = resolve(here, 'profiles.graphql');
const outFile = resolve(process.env.SUPERGRAPH_FILE ?? resolve(here, 'supergraph.graphql'));

// Hints we have looked at and accept on purpose. Each entry names the hint code and, where
// it should match only one place, the schema coordinate; anything else fails the check, so
// a new hint is read by a person before it is accepted here. Keep a reason with each entry.
const ACCEPTED_HINTS = [
  // (none yet: composition of the two subgraphs currently produces no hints)
  // Example of the form:
  // { code: 'INCONSISTENT_DESCRIPTION', coordinate: 'Contact',
  //   why: 'each team describes Contact from its own side; the gateway keeps one' },
];

function accepted(hint) {
  return ACCEPTED_HINTS.some(
    (a) =>
      a.code === hint.definition.code &&
      (a.coordinate === undefined || a.coordinate === hint.coordinate),
  );
}

function subgraph(name, url, file) {
  let sdl;
  try {
    sdl = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${file}: ${e.message}`);
  }
  return { name, url, typeDefs: parse(sdl, { noLocation: false }) };
}

function main() {
  const conversationsUrl = process.env.CONVERSATIONS_URL ?? 'http://127.0.0.1:8000/graphql';
  const profilesUrl = process.env.PROFILES_URL ?? 'http://127.0.0.1:4001/graphql';
  const services = [
    subgraph('conversations', conversationsUrl, schemaFile),
    subgraph('profiles', profilesUrl, profilesFile),
  ];

  const result = composeServices(services);
  if (result.errors && result.errors.length > 0) {
    console.error(`compose: ${result.errors.length} composition error(s):`);
    for (const e of result.errors) {
      const code = e.extensions?.code ? `[${e.extensions.code}] ` : '';
      console.error(`  - ${code}${e.message}`);
    }
    return 1;
  }

  const hints = result.hints ?? [];
  const unexpected = hints.filter((h) => !accepted(h));
  for (const h of hints) {
    const mark = accepted(h) ? 'accepted' : 'NOT ACCEPTED';
    console.log(`compose: hint (${mark}) [${h.definition.code}] ${h.coordinate ?? ''}: ${h.message}`);
  }
  if (unexpected.length > 0) {
    console.error(
      `compose: ${unexpected.length} hint(s) not in ACCEPTED_HINTS of compose.mjs; ` +
        'fix the schema or accept them there with a reason',
    );
    return 1;
  }

  writeFileSync(outFile, result.supergraphSdl);
  console.log(
    `compose: ok: ${services.map((s) => `${s.name} (${s.url})`).join(' + ')} -> ${outFile} ` +
      `(${hints.length} hint(s), all accepted)`,
  );
  return 0;
}

try {
  process.exitCode = main();
} catch (e) {
  console.error(`compose: ${e.stack ?? e}`);
  process.exitCode = 1;
}
