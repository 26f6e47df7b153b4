// Shared by the checks: where the client schema and the scratch directory are, and a runner
// that captures a tool's output and fails on a non-zero exit, a signal, or any line that is
// not part of the tool's normal summary (warnings, errors, panics, anything unexpected).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const clientsDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const repoRoot = resolve(clientsDir, "../..");

/** API_SCHEMA (relative to the current directory), default <repo>/schema.api.graphql. */
export function schemaPath() {
  const path = process.env.API_SCHEMA ? resolve(process.env.API_SCHEMA) : join(repoRoot, "schema.api.graphql");
  if (!existsSync(path)) {
    fail(
      `no client schema at ${path}.\n` +
        "  It is what `conversations-graph schema --api` prints, committed at the repository root.\n" +
        "  Regenerate it with `cargo run -- schema --api > schema.api.graphql`, or set API_SCHEMA to a client schema file.",
    );
  }
  return path;
}

/** WORK_DIR/<name> when run.sh gave one, else a fresh directory in the OS temp directory. */
export function scratchDir(name) {
  if (process.env.WORK_DIR) {
    const dir = join(process.env.WORK_DIR, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  }
  return mkdtempSync(join(tmpdir(), `clients-${name}-`));
}

export function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}

const ansi = /\x1b\[[0-9;?]*[ -\/]*[@-~]/g;

/**
 * Runs `command args`, echoes its output indented, and returns
 * { ok, problems, lines, code } where problems lists why it is not clean.
 * `normal` is a list of regexes; every non-empty output line must match one of them.
 */
export async function runChecked(label, command, args, { cwd, env, normal }) {
  const started = Date.now();
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", CLICOLOR: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const [code, signal] = await new Promise((done, reject) => {
    child.on("error", reject);
    child.on("close", (c, s) => done([c, s]));
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(2);
  const lines = output.replace(ansi, "").split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => l.trim() !== "");

  console.log(`$ ${[command, ...args].join(" ")}   (in ${cwd}, ${seconds}s)`);
  for (const line of lines) console.log(`  | ${line}`);

  const problems = [];
  if (signal) problems.push(`${label} was killed by ${signal}`);
  else if (code !== 0) problems.push(`${label} exited with ${code}`);
  const bad = /warn|error|fail|panic|deprecat|not yet implemented/i;
  const unexpected = lines.filter((l) => bad.test(l) || !normal.some((re) => re.test(l)));
  if (unexpected.length) {
    problems.push(`${label} printed ${unexpected.length} line(s) beyond its normal summary (warnings, errors or unknown output):`);
    for (const l of unexpected.slice(0, 20)) problems.push(`    ${l}`);
    if (unexpected.length > 20) problems.push(`    ... and ${unexpected.length - 20} more`);
  }
  return { ok: problems.length === 0, problems, lines, code, seconds };
}

/** Prints the result of the named sub-checks and exits non-zero if any failed. */
export function finish(title, results) {
  let failed = 0;
  console.log(`\n${title}:`);
  for (const [name, r] of results) {
    console.log(`  ${r.ok ? "ok  " : "FAIL"} ${name}${r.seconds ? ` (${r.seconds}s)` : ""}`);
    for (const p of r.problems ?? []) console.log(`       ${p}`);
    if (!r.ok) failed++;
  }
  process.exit(failed ? 1 : 0);
}
