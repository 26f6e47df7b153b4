// Opens GraphiQL from the running server in headless Chromium with every other host
// unreachable, checks the demo token is prefilled, types a query into the editor, runs it and
// waits for the result; then reloads and runs it again (the token must survive a reload).
// Started by run.sh, which starts the server and passes BASE_URL and DEMO_TOKEN.
//
//   BASE_URL     http://127.0.0.1:<port> of the running server
//   DEMO_TOKEN   the token the server printed (expected in GraphiQL's headers)
//   SCREENSHOT   where to write the PNG of the final page
//   CHROMIUM     the browser (default /usr/bin/chromium, Debian's package)
//   TIMEOUT_MS   the whole check's bound (default 100000)

import { chromium } from "playwright-core";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const base = new URL(required("BASE_URL"));
const token = required("DEMO_TOKEN");
const screenshot = required("SCREENSHOT");
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const timeoutMs = Number(process.env.TIMEOUT_MS || 100_000);

const QUERY = "{ conversations(first: 1) { totalCount } }";
const EXPECTED = '"totalCount": 100';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`graphiql check: ${name} is not set (run tests/browser/run.sh)`);
    process.exit(2);
  }
  return value;
}

const problems = [];
const blocked = [];

async function check(context) {
  // Anything not served by this server is refused before it leaves the browser (the
  // host resolver rules refuse it again below the page).
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.origin === base.origin || url.protocol === "data:") {
      return route.continue();
    }
    blocked.push(url.href);
    return route.abort("blockedbyclient");
  });

  const page = context.pages()[0] ?? (await context.newPage());
  await page.setViewportSize({ width: 1280, height: 800 });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
  });
  page.on("requestfailed", (req) => {
    if (new URL(req.url()).origin === base.origin) {
      problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`);
    }
  });
  page.on("response", (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });

  const step = (what) => console.log(`graphiql check: ${what}`);

  step(`opening ${base.origin}/graphql`);
  const response = await page.goto(new URL("/graphql", base).href, { waitUntil: "load" });
  if (response?.status() !== 200) throw new Error(`GET /graphql answered ${response?.status()}`);
  const queryEditor = page.locator(".graphiql-query-editor .CodeMirror").first();
  await queryEditor.waitFor({ state: "visible" });

  step("checking the demo token is in the headers editor");
  await expectHeaders(page);

  step(`typing ${QUERY}`);
  await queryEditor.click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.type(QUERY, { delay: 10 });
  await page.keyboard.press("Escape"); // close any autocompletion popup
  const typed = await editorValue(queryEditor);
  if (typed.replace(/\s+/g, " ").trim() !== QUERY) {
    throw new Error(`the query editor holds ${JSON.stringify(typed)}, not the typed query`);
  }

  step("running it with the run button");
  await page.locator(".graphiql-execute-button").click();
  await expectResult(page);

  step("reloading: the tab and the token come back");
  await page.waitForTimeout(1_000); // GraphiQL stores its tabs 500 ms after an edit
  await page.reload({ waitUntil: "load" });
  await queryEditor.waitFor({ state: "visible" });
  await expectHeaders(page);
  const restored = await editorValue(queryEditor);
  if (!restored.includes("totalCount")) {
    throw new Error(`after a reload the query editor holds ${JSON.stringify(restored)}`);
  }
  const tabs = await page.evaluate(
    () => JSON.parse(localStorage.getItem("graphiql:tabState") || "null")?.tabs?.length,
  );
  if (tabs !== 1) throw new Error(`after a reload GraphiQL has ${tabs} tabs, not 1`);
  await queryEditor.click();
  await page.keyboard.press("Control+Enter");
  await expectResult(page);

  // Docs come from introspection, which needs the token too.
  step("opening the docs");
  await page.locator('button[aria-label="Show Documentation Explorer"]').click();
  await page.locator(".graphiql-doc-explorer").getByText("Query", { exact: false }).first()
    .waitFor({ state: "visible" });

  await page.screenshot({ path: screenshot, fullPage: true });
  step(`screenshot: ${screenshot}`);
}

/** The text of the CodeMirror 5 editor in `locator`. */
async function editorValue(locator) {
  return locator.evaluate((el) => el.CodeMirror.getValue());
}

async function expectHeaders(page) {
  const expected = `Bearer ${token}`;
  await page.waitForFunction(
    (expected) =>
      [...document.querySelectorAll(".CodeMirror")].some((el) =>
        el.CodeMirror?.getValue().includes(expected),
      ),
    expected,
    { timeout: 15_000 },
  ).catch(() => {
    throw new Error("no editor holds the demo token's Authorization header");
  });
  const visible = await page.locator(".graphiql-editor-tool .CodeMirror:visible").first()
    .evaluate((el) => el.CodeMirror.getValue()).catch(() => "");
  if (!visible.includes(expected)) {
    throw new Error(`the visible headers editor holds ${JSON.stringify(visible)}`);
  }
}

async function expectResult(page) {
  const result = page.locator(".graphiql-response .CodeMirror").first();
  await page.waitForFunction(
    (expected) => {
      const el = document.querySelector(".graphiql-response .CodeMirror");
      return el?.CodeMirror?.getValue().includes(expected);
    },
    EXPECTED,
    { timeout: 20_000 },
  ).catch(async () => {
    const shown = await editorValue(result).catch(() => "(no result pane)");
    throw new Error(`the result pane does not show ${EXPECTED}: ${shown}`);
  });
  console.log(`graphiql check: result pane shows ${EXPECTED}`);
}

const userDataDir = await mkdtemp(join(tmpdir(), "graphiql-chromium-"));
let context;
let failed = false;
let timer;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    timeout: 30_000,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      // Small /dev/shm in containers crashes the renderer; Debian's wrapper means to add
      // this then, but its check misparses some mounts.
      "--disable-dev-shm-usage",
      `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${base.hostname}`,
    ],
  });
  context.setDefaultTimeout(20_000);
  await Promise.race([
    check(context),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    }),
  ]);
} catch (err) {
  failed = true;
  console.error(`graphiql check FAILED: ${err.message}`);
  if (context?.pages()[0]) {
    const shot = screenshot.replace(/\.png$/, "") + "-failure.png";
    await context.pages()[0].screenshot({ path: shot }).then(
      () => console.error(`graphiql check: failure screenshot ${shot}`),
      () => {},
    );
  }
} finally {
  clearTimeout(timer);
  await context?.close().catch(() => {});
  await rm(userDataDir, { recursive: true, force: true });
}

if (blocked.length) {
  failed = true;
  console.error(`graphiql check FAILED: the page asked for other hosts:\n  ${blocked.join("\n  ")}`);
}
if (problems.length) {
  failed = true;
  console.error(`graphiql check FAILED: the page reported problems:\n  ${problems.join("\n  ")}`);
}
if (failed) process.exit(1);
console.log("graphiql check: passed (no request left this server)");
