// graphql-codegen (codegen.ts) over operations/*.graphql against the client schema:
//   1. runs the graphql-codegen CLI, writing graphql.ts into a scratch directory; fails on a
//      non-zero exit and on any output line other than its task progress lines;
//   2. checks the generated file has the types of every operation and fragment;
//   3. typechecks it, with operations/usage.ts (app code using the types), with tsc (strict).
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { clientsDir, finish, runChecked, schemaPath, scratchDir } from "./lib.mjs";

const require = createRequire(import.meta.url);
const schema = schemaPath();
const work = scratchDir("codegen");
const out = join(work, "graphql.ts");
console.log(`codegen: schema ${schema}\ncodegen: output ${out}`);

const results = [];

// 1. The CLI, as a frontend team runs it (CI=true: plain progress lines, no prompts).
const cli = join(clientsDir, "node_modules", "@graphql-codegen", "cli", "cjs", "bin.js"); // its "bin", not in "exports"
const tasks = "Parse Configuration|Generate outputs|Generate to .+|Load GraphQL schemas|Load GraphQL documents|Generate";
const codegen = await runChecked("graphql-codegen", process.execPath, [cli, "--config", "codegen.ts"], {
  cwd: clientsDir,
  env: { API_SCHEMA: schema, CODEGEN_OUT: out, CI: "true" },
  normal: [new RegExp(`^[❯✔] (${tasks})$`)],
});
results.push(["graphql-codegen: 0 errors, 0 warnings", codegen]);

// 2. Every operation and fragment has its types.
const expected = [];
for (const file of readdirSync(join(clientsDir, "operations")).filter((f) => f.endsWith(".graphql"))) {
  const source = readFileSync(join(clientsDir, "operations", file), "utf8");
  for (const m of source.matchAll(/^\s*(query|mutation|subscription|fragment)\s+([A-Za-z_]\w*)/gm)) {
    const kind = m[1][0].toUpperCase() + m[1].slice(1);
    expected.push(`${m[2]}${kind}`);
    if (kind !== "Fragment") expected.push(`${m[2]}${kind}Variables`);
  }
}
const generated = existsSync(out) ? readFileSync(out, "utf8") : "";
const missing = expected.filter((t) => !new RegExp(`^export type ${t} = `, "m").test(generated));
results.push([
  `types for all ${expected.length} operations, fragments and variables`,
  generated && missing.length === 0 ? { ok: true } : { ok: false, problems: [`missing: ${missing.join(", ") || "(no output)"}`] },
]);

// 3. The generated file and app code using it typecheck.
if (generated) {
  copyFileSync(join(clientsDir, "operations", "usage.ts"), join(work, "usage.ts"));
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
          skipLibCheck: true,
          noUnusedLocals: true,
          types: [],
        },
        files: ["graphql.ts", "usage.ts"],
      },
      null,
      2,
    ),
  );
  const tsc = await runChecked("tsc", process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.json"], {
    cwd: work,
    normal: [],
  });
  results.push(["tsc --noEmit: graphql.ts + usage.ts", tsc]);
}

finish("codegen", results);
