// relay-compiler over the Relay app in relay/ against the client schema:
//   1. copies relay/src and relay/relay.config.json into a scratch directory, with `schema`
//      pointing at API_SCHEMA, so the artifacts are written there and never into the repo;
//   2. runs the native relay-compiler binary (not its cli.js wrapper, which exits 0 when the
//      binary dies by a signal) with --noWatchman; fails on a non-zero exit and on any output
//      line other than its `[INFO]` progress lines;
//   3. checks an artifact was written for every operation, fragment and @refetchable query;
//   4. typechecks the components against the generated artifacts with tsc (strict), which
//      proves app code compiles against the schema's nullability (nullable edges and nodes).
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { clientsDir, fail, finish, runChecked, schemaPath, scratchDir } from "./lib.mjs";

const require = createRequire(import.meta.url);
const schema = schemaPath();
const relayDir = join(clientsDir, "relay");
const work = scratchDir("relay");

const binary = require("relay-compiler");
if (!binary || !existsSync(binary)) fail(`relay-compiler has no binary for ${process.platform} ${process.arch}`);

// 1. The app, in the scratch directory.
cpSync(join(relayDir, "src"), join(work, "src"), {
  recursive: true,
  filter: (src) => !src.includes("__generated__"),
});
const config = JSON.parse(readFileSync(join(relayDir, "relay.config.json"), "utf8"));
config.schema = schema;
writeFileSync(join(work, "relay.config.json"), JSON.stringify(config, null, 2) + "\n");
const artifacts = join(work, config.artifactDirectory);
mkdirSync(artifacts, { recursive: true });
console.log(`relay: schema ${schema}\nrelay: app copied to ${work}`);

const results = [];

// 2. The compiler.
const relay = await runChecked("relay-compiler", binary, ["--noWatchman", "--output", "verbose"], {
  cwd: work,
  env: { RUST_BACKTRACE: "0" },
  normal: [/^\[INFO\] /],
});
results.push(["relay-compiler: 0 errors, 0 warnings", relay]);

// 3. Every document compiled.
const expected = new Set();
for (const file of readdirSync(join(work, "src")).filter((f) => /\.tsx?$/.test(f))) {
  const source = readFileSync(join(work, "src", file), "utf8");
  for (const tag of source.matchAll(/graphql`([^`]*)`/g)) {
    for (const m of tag[1].matchAll(/\b(?:query|mutation|subscription|fragment)\s+([A-Za-z_]\w*)/g)) expected.add(m[1]);
    for (const m of tag[1].matchAll(/queryName:\s*"(\w+)"/g)) expected.add(m[1]);
  }
}
const written = existsSync(artifacts) ? new Set(readdirSync(artifacts)) : new Set();
const missing = [...expected].filter((name) => !written.has(`${name}.graphql.ts`));
results.push([
  `artifacts for all ${expected.size} documents`,
  relay.code === 0 && missing.length === 0
    ? { ok: true }
    : { ok: false, problems: [`no artifact for: ${missing.join(", ") || "(compiler failed)"}`] },
]);

// 4. The components typecheck against the artifacts.
if (relay.code === 0) {
  symlinkSync(join(clientsDir, "node_modules"), join(work, "node_modules"), "dir");
  writeFileSync(
    join(work, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: "es2022",
          module: "esnext",
          moduleResolution: "bundler",
          jsx: "react-jsx",
          skipLibCheck: true,
          noUnusedLocals: true,
          types: [],
        },
        include: ["src/**/*.ts", "src/**/*.tsx"],
      },
      null,
      2,
    ),
  );
  const tsc = await runChecked("tsc", process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.json"], {
    cwd: work,
    normal: [],
  });
  results.push(["tsc --noEmit: components + artifacts", tsc]);
}

finish("relay", results);
